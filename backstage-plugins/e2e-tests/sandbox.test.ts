/**
 * End-to-end: `npm start` (the local-stack CLI) with ports other than the defaults hands Backstage the URLs
 * it actually bound. The wanted Prometheus port is taken by another listener (the sandbox moves to a free
 * one) and Jaeger and Backstage get other free ports; then the orders Observability tab in Chromium shows
 * live numbers and its canary card compares canary and baseline, the trace of a recent request comes from
 * the sandbox's Jaeger, and the governance API's SLO gate reads the sandbox's Prometheus and its canary gate the
 * sandbox's canary-gate server. Ctrl-C (SIGTERM) stops everything. Needs the built tools (npm run setup)
 * and the frontend bundle (npm run build in backstage-plugins/); skips, saying which, without them.
 *
 *   node --conditions=source --import tsx --test backstage-plugins/e2e-tests/sandbox.test.ts
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { toolPath } from '@api-observatory/local-stack';
import { COMPONENT_JOBS, LABELS, OUTBOX_DESTINATIONS, PrometheusClient, eq, sloBurnRate } from '@api-observatory/telemetry-contract';
import { PLATFORM_PANELS, isProm } from '@api-observatory/telemetry-contract/grafana';
import { LOG_DIR, REPO_ROOT, browserSkipReason, devUserSignIn, freePort, launchBrowser, openSignedInAs } from './harness';

interface SummaryLike {
  state: string;
  current: { requestsPerSecond: number | null };
  recentRequests: Array<{ traceId: string }>;
  canary: { running: boolean; canaryVersion: string; baselineVersion: string | null; error?: string } | null;
}
interface GateLike {
  gate: string;
  status: string;
  required: boolean;
  summary: string;
  evidence: { prometheusUrl?: string; burnRates?: Record<string, unknown>; api?: string; canaryVersion?: string; baselineVersion?: string } | null;
}

function skipReason(): string | undefined {
  try {
    for (const t of ['prometheus', 'otelcol', 'jaeger'] as const) toolPath(t);
  } catch (e) {
    return (e as Error).message;
  }
  return browserSkipReason();
}

const portOf = (url: string) => Number(new URL(url).port);

describe('the sandbox on non-default ports', () => {
  const skip = skipReason();
  let cli: ChildProcess | undefined;
  let out = '';
  let blocker: net.Server | undefined;
  let browser: Browser | undefined;
  const wanted = { prometheus: 0, jaeger: 0, backstage: 0 };
  let traceId = '';
  const urls = { prometheus: '', jaeger: '', canaryGate: '', backstage: '' };
  const token = async (user: string) => (await devUserSignIn(urls.backstage, user)).backstageIdentity.token;
  const get = async <T>(user: string, p: string): Promise<T> => {
    const res = await fetch(`${urls.backstage}${p}`, { headers: { authorization: `Bearer ${await token(user)}` } });
    if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  before(async () => {
    if (skip) return;
    // The wanted Prometheus port is taken, as 9090 is on a machine that runs another Prometheus.
    blocker = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r));
    wanted.prometheus = (blocker.address() as net.AddressInfo).port;
    wanted.jaeger = await freePort();
    wanted.backstage = await freePort();

    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(path.join(LOG_DIR, 'sandbox-cli.log'));
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    cli = spawn(process.execPath, [
      '--conditions=source', '--import', 'tsx', path.join(REPO_ROOT, 'packages', 'local-stack', 'src', 'cli.ts'),
      // Without Keycloak (keycloak.test.ts signs in through it): the sample users sign in by header here.
      '--gateway', 'kong', '--run-name', 'sandbox-e2e', '--no-keycloak',
      '--prometheus-port', String(wanted.prometheus), '--jaeger-port', String(wanted.jaeger), '--backstage-port', String(wanted.backstage),
    ], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    cli.stdout!.on('data', (c: Buffer) => { out += c; log.write(c); });
    cli.stderr!.on('data', (c: Buffer) => { out += c; log.write(c); });
    const deadline = Date.now() + 240_000;
    while (!out.includes('Ctrl-C stops everything.')) {
      if (cli.exitCode !== null) throw new Error(`the sandbox exited with ${cli.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`the sandbox did not start within 240 s:\n${out}`);
      await sleep(500);
    }
    const line = (name: string) => {
      const m = new RegExp(`^${name}\\s+(http://\\S+)`, 'm').exec(out);
      assert.ok(m, `the banner has a ${name} line:\n${out}`);
      return m[1]!;
    };
    urls.prometheus = line('prometheus');
    urls.jaeger = line('jaeger');
    urls.canaryGate = line('canary-gate');
    urls.backstage = line('backstage');

    // Until orders has live traffic on both sides of its canary.
    const until = Date.now() + 120_000;
    for (;;) {
      const s = await get<SummaryLike>('carla.pm', '/api/api-observability/entity/api/default/orders/summary?range=15m').catch((e: Error) => e);
      if (!(s instanceof Error) && s.state === 'ok' && (s.current.requestsPerSecond ?? 0) > 0 && s.canary?.baselineVersion && s.recentRequests.length > 0) {
        traceId = s.recentRequests[0]!.traceId;
        break;
      }
      if (Date.now() > until) throw new Error(`orders has no live summary with a canary, a baseline and traces yet: ${s instanceof Error ? s.message : JSON.stringify(s).slice(0, 800)}`);
      await sleep(3_000);
    }
    // Until the SLO recording rules have evaluated over that traffic (what the SLO gate reads).
    const prom = new PrometheusClient(urls.prometheus, 5_000);
    const sloUntil = Date.now() + 180_000;
    while ((await prom.query(sloBurnRate('5m', { [LABELS.api.label]: eq('orders') }))).length === 0) {
      if (Date.now() > sloUntil) throw new Error('no recorded SLO burn rate for orders within 180 s');
      await sleep(3_000);
    }
  });

  after(async () => {
    await browser?.close();
    if (cli && cli.exitCode === null) {
      const exited = new Promise((r) => cli!.once('exit', r));
      cli.kill('SIGTERM');
      await Promise.race([exited, sleep(60_000)]);
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  });

  test('every component gets the ports the sandbox bound: a taken port moves, free wanted ports are kept', { skip }, () => {
    assert.notEqual(portOf(urls.prometheus), wanted.prometheus, 'the taken port is not reused');
    assert.match(out, new RegExp(`port ${wanted.prometheus} was taken`));
    assert.equal(portOf(urls.jaeger), wanted.jaeger);
    assert.equal(portOf(urls.backstage), wanted.backstage);
    assert.notEqual(portOf(urls.canaryGate), 0);
    assert.match(out, /canary card:\s+http:\/\/127\.0\.0\.1:\d+\/catalog\/default\/api\/orders\/observability/);
    assert.match(out, /npm start -- --canary regression/);
  });

  test('the orders Observability tab shows live numbers and the canary against its baseline', { skip }, async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.setDefaultNavigationTimeout(90_000);
    await openSignedInAs(page, `${urls.backstage}/catalog/default/api/orders/observability`, 'carla.pm');
    const rps = page.getByTestId('obs-rps');
    await rps.waitFor({ timeout: 60_000 });
    const rpsText = (await rps.textContent()) ?? '';
    assert.ok(Number(/([\d.]+)\s*req\/s/.exec(rpsText)?.[1]) > 0, `requests per second on the page: ${JSON.stringify(rpsText)}`);
    assert.equal(await page.getByTestId('obs-state-prometheus-unreachable').count(), 0);
    const canary = page.getByTestId('obs-canary');
    await canary.waitFor({ timeout: 30_000 });
    const canaryText = (await canary.textContent()) ?? '';
    assert.match(canaryText, /Canary v2\.1 .* vs baseline v2\b/, canaryText);
    assert.doesNotMatch(canaryText, /no baseline traffic/);
    assert.equal(await page.getByTestId('obs-links').count(), 0, 'no Grafana in the sandbox, so no Grafana links');
    await page.close();
  });

  test("a trace of the tab's recent requests is read from the sandbox's Jaeger", { skip }, async () => {
    const view = await get<{ traceId: string; store: string; spans: unknown[] }>('carla.pm', `/api/api-observability/traces/${traceId}`);
    assert.equal(view.store, 'jaeger');
    assert.ok(view.spans.length > 0);
    const direct = await fetch(`${urls.jaeger}/api/traces/${traceId}`);
    assert.equal(direct.status, 200, `the sandbox's Jaeger holds trace ${traceId}`);
  });

  test("the governance gates read the sandbox's Prometheus and canary-gate server", { skip }, async () => {
    const res = await fetch(`${urls.backstage}/api/api-governance/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('emma.orders')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entityRef: 'api:default/orders', toEnvironment: 'production' }),
    });
    const body = (await res.json()) as { gates?: { gates: GateLike[] } };
    assert.equal(res.status, 201, JSON.stringify(body));
    const gate = (name: string) => body.gates!.gates.find((g) => g.gate === name)!;
    const slo = gate('slo');
    assert.equal(slo.evidence?.prometheusUrl, urls.prometheus, slo.summary);
    assert.ok(Object.keys(slo.evidence?.burnRates ?? {}).length > 0, `the SLO gate read burn rates: ${slo.summary}`);
    assert.doesNotMatch(slo.summary, /unavailable|no Prometheus/);
    const canary = gate('canary');
    assert.equal(canary.required, true, 'the sandbox requires the canary gate');
    assert.doesNotMatch(canary.summary, /no canary verdict source configured/);
    assert.doesNotMatch(canary.summary, /unavailable/, canary.summary);
    // The report of the sandbox's canary-gate server: the canary and baseline it discovered for orders.
    const direct = await fetch(`${urls.canaryGate}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'orders' }) });
    const report = (await direct.json()) as { context: { api: string; canaryVersion: string; baselineVersion: string } };
    assert.equal(direct.status, 200, JSON.stringify(report));
    assert.deepEqual(
      { api: canary.evidence?.api, canaryVersion: canary.evidence?.canaryVersion, baselineVersion: canary.evidence?.baselineVersion },
      { api: 'orders', canaryVersion: report.context.canaryVersion, baselineVersion: report.context.baselineVersion },
    );
    assert.deepEqual([report.context.canaryVersion, report.context.baselineVersion], ['v2.1', 'v2']);
  });

  test("the sandbox's Prometheus scrapes Backstage: the governance outbox backlog per destination, drained after the request above", { skip }, async () => {
    const q = PLATFORM_PANELS.panels.governanceOutboxBacklog.queries[0]!;
    assert.ok(isProm(q));
    const prom = new PrometheusClient(urls.prometheus);
    let last = '';
    const deadline = Date.now() + 60_000;
    for (;;) {
      const backlog = Object.fromEntries((await prom.query(q.expr)).map((s) => [s.metric.destination, Number(s.value[1])]));
      last = JSON.stringify(backlog);
      if (backlog[OUTBOX_DESTINATIONS.events] === 0 && backlog[OUTBOX_DESTINATIONS.kafka] === 0) break;
      assert.ok(Date.now() < deadline, `backlog per destination: ${last}`);
      await sleep(2000);
    }
    const up = await prom.query(`up{job="${COMPONENT_JOBS.backstage}"}`);
    assert.deepEqual(up.map((s) => s.value[1]), ['1']);
  });

  test('Ctrl-C stops every component', { skip }, async () => {
    const exited = new Promise<number | null>((r) => cli!.once('exit', (code) => r(code)));
    cli!.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const url of Object.values(urls)) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2_000) }), `${url} still answers`);
    }
  });
});
