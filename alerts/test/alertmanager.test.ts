/**
 * The generated Alertmanager routing, loaded by the REAL Alertmanager (it refuses invalid configurations at
 * start): test alerts posted to /api/v2/alerts are delivered, firing and resolved, to the receivers the
 * generator promises. Timings are shortened (group_wait / group_interval only); the tree is the generated one.
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 alerts/test/alertmanager.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { freePorts, repoRoot, startAlertmanager, type RunningAlertmanager } from '@api-observatory/local-stack';
import { API_OWNER_RECEIVER, PAGER_RECEIVER, alertmanagerConfig, apiOwnedAlerts, personaReceiver, renderDockerAlertmanager, withShortTimings } from '../src/alertmanager';
import { loadSloConfig, ruleFiles } from '../src/generate';
import { isAlert, type AlertRule } from '../src/model';

const config = loadSloConfig();
const rules: Array<AlertRule & { file: string }> = ruleFiles(config).flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlert).map((r) => ({ ...r, file: f.file }))));
const HAVE_AM = existsSync(path.join(repoRoot(), '.tools', 'bin', 'alertmanager'));
const SECRET = 'test-shared-secret';

interface Delivery { receiver: string; status: string; alerts: Array<{ status: string; labels: Record<string, string>; fingerprint: string }>; auth?: string }

describe('generated Alertmanager routing in the real Alertmanager', { skip: HAVE_AM ? false : 'alertmanager is not built (npm run setup)' }, () => {
  let am: RunningAlertmanager;
  let sink: Server;
  const deliveries: Delivery[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'apiobs-am-'));

  before(async () => {
    sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        deliveries.push({ ...(JSON.parse(body) as Delivery), auth: req.headers.authorization });
        res.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    const generated = alertmanagerConfig(config, {
      apiOwner: true,
      targets: (name) => ({ target: { url: `${sinkUrl}/${name}` }, ...(name === API_OWNER_RECEIVER ? { credentials: { credentials: SECRET } } : {}) }),
    });
    const cfg = withShortTimings(generated, '1s');
    const [port] = await freePorts(1);
    am = await startAlertmanager({ port: port!, dataDir: path.join(dir, 'am'), logDir: dir, config: YAML.stringify(cfg) });
  });
  after(async () => {
    await am?.stop();
    sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (alerts: unknown[]) => {
    const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    assert.equal(res.status, 200, await res.text());
  };
  const labelsOf = (r: AlertRule, extra: Record<string, string>) => ({ alertname: r.alert, severity: r.severity, persona: r.persona, ...r.labels, ...extra });
  async function receiversOf(alertname: string, status: 'firing' | 'resolved', timeoutMs = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    while (Date.now() < deadline) {
      const got = deliveries.filter((d) => d.alerts.some((a) => a.labels.alertname === alertname && a.status === status)).map((d) => d.receiver);
      // Wait a little longer after the first delivery so that every receiver of the alert has answered.
      if (got.length && got.length === last.length) return [...new Set(got)].sort();
      last = got;
      await sleep(got.length ? 1500 : 300);
    }
    return [...new Set(last)].sort();
  }

  test('Alertmanager loaded the generated tree (status API)', async () => {
    const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as { config: { original: string } };
    const loaded = YAML.parse(status.config.original) as { receivers: Array<{ name: string }>; route: { routes: Array<{ receiver: string }> } };
    assert.deepEqual(loaded.receivers.map((r) => r.name).sort(), [API_OWNER_RECEIVER, PAGER_RECEIVER, 'apiobs-developer', 'apiobs-platform', 'apiobs-product'].sort());
    assert.ok(loaded.route.routes.some((r) => r.receiver === API_OWNER_RECEIVER));
  });

  test('per-API SLO and canary alerts reach the API-owner receiver (with its secret) and their persona; platform alerts the platform team only', async () => {
    const sloPage = rules.find((r) => r.alert === 'ApiAvailabilityFastBurn' && r.labels?.slo === 'availability')!;
    const canary = rules.find((r) => r.alert === 'CanaryRollbackDecided')!;
    const platform = rules.find((r) => r.alert === 'GatewayDown')!;
    const platformTicket = rules.find((r) => r.alert === 'ScrapeTargetDown')!;
    const fired = [
      { labels: labelsOf(sloPage, { api: 'orders' }) },
      { labels: labelsOf(canary, { api: 'orders', api_version: 'v2.1', baseline_version: 'v2' }) },
    ];
    await post(fired);
    assert.deepEqual(await receiversOf('ApiAvailabilityFastBurn', 'firing'), [API_OWNER_RECEIVER, PAGER_RECEIVER, personaReceiver(sloPage.persona)].sort());
    assert.deepEqual(await receiversOf('CanaryRollbackDecided', 'firing'), [API_OWNER_RECEIVER, personaReceiver(canary.persona)].sort());
    const past = new Date(Date.now() - 1000).toISOString();
    await post(fired.map((a) => ({ ...a, endsAt: past })));
    assert.ok((await receiversOf('ApiAvailabilityFastBurn', 'resolved')).includes(API_OWNER_RECEIVER), 'resolution reaches the owner');
    assert.ok((await receiversOf('CanaryRollbackDecided', 'resolved')).includes(API_OWNER_RECEIVER));

    await post([{ labels: labelsOf(platform, { gateway: 'kong' }) }, { labels: labelsOf(platformTicket, { job: 'prometheus', instance: 'x:9090' }) }]);
    assert.deepEqual(await receiversOf('GatewayDown', 'firing'), [PAGER_RECEIVER, personaReceiver('platform')].sort());
    assert.deepEqual(await receiversOf('ScrapeTargetDown', 'firing'), [personaReceiver('platform')]);
    const owner = deliveries.filter((d) => d.receiver === API_OWNER_RECEIVER);
    assert.ok(owner.length > 0 && owner.every((d) => d.auth === `Bearer ${SECRET}`), 'the API-owner webhook carries its bearer secret');
    assert.ok(deliveries.filter((d) => d.receiver !== API_OWNER_RECEIVER).every((d) => d.auth === undefined), 'other webhooks get no secret');

    // While GatewayDown fires, the burn-rate alerts of APIs are inhibited (they carry no gateway label).
    await post([{ labels: labelsOf(rules.find((r) => r.alert === 'ApiAvailabilitySustainedBurn')!, { api: 'payments' }) }]);
    assert.deepEqual(await receiversOf('ApiAvailabilitySustainedBurn', 'firing', 5000), []);
  });

  test('an alert without an api label never reaches the API-owner receiver', async () => {
    const r = rules.find((x) => x.alert === 'CanaryGateStuck')!;
    await post([{ labels: labelsOf(r, {}) }]);
    assert.deepEqual(await receiversOf('CanaryGateStuck', 'firing'), [personaReceiver(r.persona)]);
  });
});

describe('generated routing, statically', () => {
  test('the API-owner route names exactly the SLO and canary alerts', () => {
    const owned = new Set(apiOwnedAlerts(config));
    for (const r of rules) assert.equal(owned.has(r.alert), r.file === 'api-slo.yaml' || r.file === 'canary.yaml', `${r.file} ${r.alert}`);
  });

  test('an invalid configuration is refused at start (the check is real)', { skip: HAVE_AM ? false : 'alertmanager is not built' }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apiobs-am-bad-'));
    const bad = alertmanagerConfig(config, { apiOwner: true, targets: () => ({ target: { url: 'http://127.0.0.1:1/x' } }) });
    (bad.route as { receiver: string }).receiver = 'no-such-receiver';
    const [port] = await freePorts(1);
    await assert.rejects(startAlertmanager({ port: port!, dataDir: path.join(dir, 'am'), logDir: dir, config: YAML.stringify(bad) }), /exited/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Docker stack\'s file is the generated one and reads URLs from files', () => {
    const docker = YAML.parse(renderDockerAlertmanager(config)) as { receivers: Array<{ webhook_configs: Array<Record<string, unknown>> }> };
    for (const r of docker.receivers) for (const w of r.webhook_configs) assert.ok(w.url_file && !w.url);
  });
});
