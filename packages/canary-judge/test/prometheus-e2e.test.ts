/**
 * canary-gate against a real Prometheus: simulator backfill of canary scenarios (ending now), TSDB
 * blocks from promtool, Prometheus started on that data, and the CLI run as a child process.
 * Skipped when Prometheus / promtool are not built (npm run setup).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPrometheus, toolPath, type RunningPrometheus } from '@api-observatory/local-stack';
import type { RollbackEvent } from '../src';
import { argoMeasurement, flaggerHooks, forApi, proceeds, readExample } from './helpers/delivery-tools';
import { buildScenarioTsdb } from './helpers/tsdb';

const PKG = join(__dirname, '..');
const CLI = join(PKG, 'src', 'cli.ts');

let skip: string | false = false;
let promtool = '';
try {
  toolPath('prometheus');
  promtool = toolPath('promtool');
} catch (e) {
  skip = (e as Error).message;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Run the CLI as a child process (through tsx, from source). */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { cwd: PKG, encoding: 'utf8' }, (error, out, err) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out, err });
    });
  });
}

const V = ['--canary', 'v2.1', '--baseline', 'v2'];

describe('canary-gate with a real Prometheus and simulator scenarios', { skip, timeout: 180_000 }, () => {
  let dir = '';
  let prom: RunningPrometheus | undefined;
  let serve: ChildProcess | undefined;
  let serveUrl = '';
  let serveLog = '';
  const events: RollbackEvent[] = [];
  let hook: http.Server | undefined;
  let hookUrl = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'canary-gate-prom-'));
    const now = Date.now();
    // 200 rps on one API: canary and baseline get 10 % each, i.e. several hundred requests per 1m
    // interval (>= 50) whatever the diurnal shape; data runs a little past now so the windows stay full.
    await buildScenarioTsdb(
      dir,
      join(dir, 'prom', 'tsdb'),
      promtool,
      [
        { api: 'orders-healthy', scenario: 'healthy' },
        { api: 'orders-errors', scenario: 'error-regression', scenarioParam: 5 },
        { api: 'orders-latency', scenario: 'latency-regression', scenarioParam: 50 },
        { api: 'orders-nodata', scenario: 'no-data' },
        { api: 'orders-low', scenario: 'low-traffic', scenarioParam: 0.1 },
        // deployed 2 minutes ago (and 5 s, so that the oldest of those minutes has two scrapes): 2 intervals
        { api: 'orders-latency-new', scenario: 'latency-regression', scenarioParam: 100, startMs: now - 125_000 },
      ],
      { startMs: now - 13 * 60_000, endMs: now + 3 * 60_000, stepMs: 15_000, rps: 200 },
    );
    prom = await startPrometheus({ port: await freePort(), dataDir: join(dir, 'prom'), logDir: dir });

    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        events.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook!.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/rollback`;

    serve = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--prometheus', prom.url, '--port', '0', '--webhook-url', hookUrl], {
      cwd: PKG,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stderr!.on('data', (c) => (serveLog += c));
    serveUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`canary-gate serve did not start: ${out}\n${serveLog}`)), 30_000);
      serve!.stdout!.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      serve!.once('exit', (code) => reject(new Error(`canary-gate serve exited with ${code}: ${serveLog}`)));
    });
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    await prom?.stop();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('CLI exit codes: healthy 0, error regression 1, latency regression 1, no data 2, low traffic 2', async () => {
    const url = prom!.url;
    const [healthy, errors, latency, nodata, low] = await Promise.all(
      ['orders-healthy', 'orders-errors', 'orders-latency', 'orders-nodata', 'orders-low'].map((api) => cli('evaluate', '--prometheus', url, '--api', api, ...V, '--json')),
    );
    assert.equal(healthy!.code, 0, healthy!.err + healthy!.out.slice(0, 2000));
    const h = JSON.parse(healthy!.out);
    assert.equal(h.decision, 'promote');
    assert.deepEqual(h.judgement.intervals.map((i: { decision: string }) => i.decision), ['promote', 'promote', 'promote']);
    assert.ok(h.traffic.canary.every((n: number) => n >= 50), `>= 50 canary requests per interval: ${h.traffic.canary}`);
    assert.equal(h.verdict.metrics[0].evidence.canary.n, 10);

    assert.equal(errors!.code, 1, errors!.err);
    const e = JSON.parse(errors!.out);
    assert.equal(e.rollbackEvent.api, 'orders-errors');
    assert.deepEqual(e.judgement.intervals.at(-1).failedCritical, ['error_ratio']);
    assert.ok(e.verdict.metrics[0].evidence.shift > 0.03, 'the +5pp shift is measured');

    assert.equal(latency!.code, 1, latency!.err);
    const l = JSON.parse(latency!.out);
    assert.equal(l.verdict.metrics.find((m: { metric: string }) => m.metric === 'latency_p99_seconds').result, 'high');

    assert.equal(nodata!.code, 2, nodata!.err);
    const n = JSON.parse(nodata!.out);
    assert.ok(n.verdict.metrics.every((m: { result: string }) => m.result === 'nodata'));
    assert.match(n.notes.join(), /canary: no requests in any interval/);

    assert.equal(low!.code, 2, low!.err);
    assert.match(JSON.parse(low!.out).notes.join(), /canary: \d+ of 10 interval\(s\) served fewer than 50 requests/);
  });

  it('no data never promotes: with onNoData "fail" it rolls back; a named upstream query works too', async () => {
    const failGate = join(dir, 'fail-gate.yaml');
    writeFileSync(failGate, 'onNoData: fail\nmetrics:\n  - name: error_ratio\n    query: errorRatio\n    direction: increase\n    critical: true\n');
    const upstreamGate = join(dir, 'upstream-gate.yaml');
    writeFileSync(upstreamGate, 'metrics:\n  - name: upstream_p99\n    query: upstreamLatencyP99\n    direction: increase\n    tolerance: { relative: 0.2 }\n');
    const [nodata, slow, fine] = await Promise.all([
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-nodata', ...V, '--config', failGate),
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-latency', ...V, '--config', upstreamGate),
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-healthy', ...V, '--config', upstreamGate),
    ]);
    assert.equal(nodata.code, 1, nodata.out + nodata.err);
    assert.match(nodata.out, /onNoData is "fail"/);
    assert.equal(slow.code, 1, slow.out + slow.err);
    assert.match(slow.out, /upstream_p99\s+high\s+FAIL/);
    assert.equal(fine.code, 0, fine.out + fine.err);
  });

  it('a canary whose latency doubled rolls back on its first 2 intervals, on the p99 bucket counts alone', async () => {
    const p99Gate = join(dir, 'p99-gate.yaml');
    writeFileSync(
      p99Gate,
      'metrics:\n  - name: latency_p99_seconds\n    query: latencyP99\n    direction: increase\n    confidenceLevel: 0.99\n    tolerance: { relative: 0.02, absolute: 0.002 }\n',
    );
    const [p99Only, defaultGate] = await Promise.all([
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-latency-new', ...V, '--config', p99Gate, '--json'),
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-latency-new', ...V, '--json'),
    ]);
    assert.equal(p99Only.code, 1, p99Only.err + p99Only.out.slice(0, 3000));
    const r = JSON.parse(p99Only.out);
    const m = r.verdict.metrics[0];
    assert.ok(m.evidence.canary.n >= 2 && m.evidence.canary.n < 8, `an early decision: ${m.evidence.canary.n} canary intervals`);
    assert.equal(m.evidence.early.test, 'tail');
    assert.equal(m.evidence.early.result, 'high');
    assert.ok(m.evidence.early.counts.canary.events > 3 * m.evidence.early.counts.baseline.events, JSON.stringify(m.evidence.early));
    assert.deepEqual(r.judgement.intervals.at(-1).failedEarly, ['latency_p99_seconds']);
    assert.equal(defaultGate.code, 1, defaultGate.err + defaultGate.out.slice(0, 3000));
  });

  it('Prometheus unreachable (closed port): exit 3 with a clear message', async () => {
    const port = await freePort();
    const r = await cli('evaluate', '--prometheus', `http://127.0.0.1:${port}`, '--api', 'orders-healthy', ...V);
    assert.equal(r.code, 3);
    assert.match(r.err, new RegExp(`canary-gate: error: Prometheus at http://127\\.0\\.0\\.1:${port} is unreachable`));
  });

  it('HTTP: same decision as the CLI, /metrics shows it, a rollback posts the event to the webhook', async () => {
    const evaluateHttp = async (body: unknown) => {
      const res = await fetch(`${serveUrl}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as any };
    };
    const [cliHealthy, httpHealthy, httpErrors] = await Promise.all([
      cli('evaluate', '--prometheus', prom!.url, '--api', 'orders-healthy', ...V, '--json'),
      evaluateHttp({ api: 'orders-healthy', canary: 'v2.1', baseline: 'v2' }),
      evaluateHttp({ api: 'orders-errors', canary: 'v2.1', baseline: 'v2', interval: '1m', lookback: '10m' }),
    ]);
    const c = JSON.parse(cliHealthy.out);
    assert.equal(httpHealthy.status, 200);
    assert.equal(httpHealthy.json.decision, c.decision);
    assert.equal(httpHealthy.json.decision, 'promote');
    assert.deepEqual(Object.keys(httpHealthy.json).sort(), Object.keys(c).sort(), 'the same report shape as --json');
    assert.deepEqual(
      httpHealthy.json.verdict.metrics.map((m: { result: string }) => m.result),
      c.verdict.metrics.map((m: { result: string }) => m.result),
    );
    assert.equal(httpErrors.json.decision, 'rollback');

    const metrics = await (await fetch(`${serveUrl}/metrics`)).text();
    assert.match(metrics, /^canary_gate_decision\{api="orders-healthy",api_version="v2\.1",baseline_version="v2",decision="promote"\} 1$/m);
    assert.match(metrics, /^canary_gate_decision\{api="orders-errors",api_version="v2\.1",baseline_version="v2",decision="rollback"\} 1$/m);
    assert.match(metrics, /^canary_gate_metric_result\{api="orders-errors",api_version="v2\.1",baseline_version="v2",gate_metric="error_ratio",result="high"\} 1$/m);
    assert.match(metrics, /^canary_gate_evaluations_total\{api="orders-errors",api_version="v2\.1",decision="rollback"\} 1$/m);

    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(events.length, 1, serveLog);
    assert.equal(events[0]!.type, 'canary.rollback');
    assert.equal(events[0]!.api, 'orders-errors');
    assert.deepEqual(events[0]!, httpErrors.json.rollbackEvent);
  });

  it('HTTP with only the API: the server discovers v2.1 vs v2 over the lookback, or says there is no canary', async () => {
    const evaluateApi = async (api: string) => {
      const res = await fetch(`${serveUrl}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api }) });
      return { status: res.status, json: (await res.json()) as any };
    };
    const [healthy, errors, low, nodata] = await Promise.all(['orders-healthy', 'orders-errors', 'orders-low', 'orders-nodata'].map(evaluateApi));
    assert.equal(healthy!.status, 200, JSON.stringify(healthy!.json));
    assert.deepEqual(healthy!.json.context, { api: 'orders-healthy', canaryVersion: 'v2.1', baselineVersion: 'v2' });
    assert.equal(healthy!.json.decision, 'promote');
    assert.equal(errors!.json.decision, 'rollback');
    assert.deepEqual([low!.status, low!.json.decision, low!.json.context.canaryVersion], [200, 'continue', 'v2.1'], 'a low-traffic canary is found over the lookback, and holds');
    assert.deepEqual([nodata!.status, nodata!.json.code], [404, 'no_canary']);
    assert.match(nodata!.json.error, /^API "orders-nodata" has no canary: no deployment_role="canary" traffic over the last 10m$/);
    assert.match(serveLog, /evaluate api="orders-healthy" canary="v2\.1" baseline="v2" \(discovered\)/);
  });

  it('the progressive-delivery examples: Argo Rollouts measurements and Flagger hooks as the tools run them', async () => {
    const template = readExample('argo-rollouts-analysistemplate.yaml');
    const [healthy, errors, low, nodata] = await Promise.all(
      ['orders-healthy', 'orders-errors', 'orders-low', 'orders-nodata'].map((api) => argoMeasurement(template, { api }, serveUrl)),
    );
    assert.deepEqual([healthy!.phase, errors!.phase, low!.phase, nodata!.phase], ['Successful', 'Failed', 'Inconclusive', 'Error']);
    const canary = readExample('flagger-canary.yaml');
    assert.deepEqual(proceeds(await flaggerHooks(forApi(canary, 'orders-healthy'), serveUrl)), { 'pre-rollout': true, rollout: true, 'confirm-promotion': true });
    assert.deepEqual(proceeds(await flaggerHooks(forApi(canary, 'orders-errors'), serveUrl)), { 'pre-rollout': false, rollout: false, 'confirm-promotion': false });
    assert.deepEqual(proceeds(await flaggerHooks(forApi(canary, 'orders-low'), serveUrl)), { 'pre-rollout': true, rollout: true, 'confirm-promotion': false });
    assert.deepEqual(proceeds(await flaggerHooks(forApi(canary, 'orders-nodata'), serveUrl)), { 'pre-rollout': true, rollout: true, 'confirm-promotion': false });
  });

  it('hostile API names hold with no data: never an error, never another API’s series', async () => {
    const hostile = [
      'orders-healthy" or api="orders-errors',
      'orders-healthy"} or vector(1) or {api="',
      'orders-.*',
      '.*',
      'orders-healthy|orders-errors',
      'orders-healthy\\',
      "orders-healthy'",
    ];
    for (const api of hostile) {
      const res = await fetch(`${serveUrl}/v1/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api, canary: 'v2.1', baseline: 'v2' }),
      });
      const body = (await res.json()) as any;
      assert.equal(res.status, 200, `${api}: ${JSON.stringify(body)}`);
      assert.equal(body.decision, 'continue', api);
      assert.ok(body.verdict.metrics.every((m: { result: string }) => m.result === 'nodata'), api);
      assert.ok([...body.traffic.baseline, ...body.traffic.canary].every((v: unknown) => v === null), `${api}: no series matched`);
    }
    const metrics = await (await fetch(`${serveUrl}/metrics`)).text();
    assert.match(metrics, /canary_gate_decision\{api="orders-healthy\\" or api=\\"orders-errors",api_version="v2\.1",baseline_version="v2",decision="continue"\} 1/);
  });
});
