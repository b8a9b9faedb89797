/**
 * The summary's canary card against a REAL Prometheus: request counters (contract names) written as
 * OpenMetrics and backfilled with promtool, ending now, for canaries the card must read right:
 *
 *   idle-baseline  the baseline served 5 req/s until 6 minutes ago, nothing since → a baseline over the
 *                  gate's lookback (not "no baseline" as a 1-minute rate would say)
 *   thin           the canary serves 1 request a minute → "not enough traffic to judge", not an error
 *   lonely         a canary and no baseline at all → the error names the missing baseline
 *   quiet          no canary over the lookback → no card
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LABELS, PROM } from '@api-observatory/telemetry-contract';
import { freePort, startPrometheus, toolPath, type RunningPrometheus } from '@api-observatory/local-stack';
import { SummaryBuilder } from './summary';

const run = promisify(execFile);

/** Requests per second of one side, as a function of minutes before now (negative: in the past). */
interface Side {
  api: string;
  version: string;
  role: 'baseline' | 'canary';
  rps: (minute: number) => number;
}

const SIDES: Side[] = [
  { api: 'idle-baseline', version: 'v2', role: 'canary', rps: () => 5 },
  { api: 'idle-baseline', version: 'v1', role: 'baseline', rps: (m) => (m < -6 ? 5 : 0) },
  { api: 'thin', version: 'v2', role: 'canary', rps: () => 1 / 60 },
  { api: 'thin', version: 'v1', role: 'baseline', rps: () => 5 },
  { api: 'lonely', version: 'v2', role: 'canary', rps: () => 5 },
  { api: 'quiet', version: 'v2', role: 'canary', rps: (m) => (m < -15 ? 5 : 0) },
  { api: 'quiet', version: 'v1', role: 'baseline', rps: () => 5 },
];

/** Counter samples every 15 s from `fromS` to `toS` (seconds), all 2xx. */
function openMetrics(nowS: number, fromS: number, toS: number): string {
  const family = PROM.requests.replace(/_total$/, '');
  const lines = [`# TYPE ${family} counter`];
  for (const s of SIDES) {
    const labels = `${LABELS.api.label}="${s.api}",${LABELS.apiVersion.label}="${s.version}",${LABELS.deploymentRole.label}="${s.role}",${LABELS.statusClass.label}="2xx",${LABELS.gateway.label}="kong"`;
    let total = 0;
    for (let t = fromS; t <= toS; t += 15) {
      total += s.rps((t - nowS) / 60) * 15;
      lines.push(`${PROM.requests}{${labels}} ${total} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

// Like router.test.ts, this needs the built tools (npm run setup); toolPath says so when they are missing.
describe('canary card against a real Prometheus', { timeout: 60_000 }, () => {
  let dir = '';
  let prom: RunningPrometheus;
  let builder: SummaryBuilder;
  const now = new Date();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'obs-canary-'));
    const nowS = Math.floor(now.getTime() / 1000);
    const file = path.join(dir, 'requests.om');
    writeFileSync(file, openMetrics(nowS, nowS - 30 * 60, nowS + 60));
    const dataDir = path.join(dir, 'prometheus');
    await run(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, path.join(dataDir, 'tsdb')]);
    prom = await startPrometheus({ port: await freePort(), dataDir, logDir: path.join(dir, 'logs') });
    builder = new SummaryBuilder({ prometheusUrl: prom.url, grafanaAppPluginId: 'api-observatory-app', defaultObjective: 0.999, cacheTtlMs: 0, queryTimeoutMs: 5_000 });
  });

  after(async () => {
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = async (api: string) =>
    (await builder.build({ entity: { kind: 'API', namespace: 'default', name: api }, api, gateway: null, range: '1h', now })).canary;

  test('a baseline idle for the last minutes is still the baseline over the gate’s lookback', async () => {
    const c = await card('idle-baseline');
    assert.ok(c, 'a canary runs');
    assert.equal(c.baselineVersion, 'v1', JSON.stringify(c));
    assert.equal(c.error, undefined, c.error);
    assert.equal(c.canaryVersion, 'v2');
    assert.ok(Math.abs(c.canaryRequestsPerSecond - 5) < 0.5, String(c.canaryRequestsPerSecond));
  });

  test('thin canary traffic reads "not enough traffic to judge", not an error', async () => {
    const c = await card('thin');
    assert.ok(c);
    assert.equal(c.error, undefined, c.error);
    assert.equal(c.decision, 'continue');
    assert.equal(c.outcome, 'not-enough-traffic');
    assert.match(c.reasons![0]!, /^not enough traffic to judge canary v2 vs baseline v1/);
    assert.ok(c.notes!.some((n) => /canary: \d+ of 10 interval\(s\) served fewer than 50 requests/.test(n)), c.notes!.join('\n'));
  });

  test('a canary without any baseline over the lookback: the error says so', async () => {
    const c = await card('lonely');
    assert.ok(c);
    assert.equal(c.baselineVersion, null);
    assert.match(c.error!, /^API "lonely" runs canary v2 but has no baseline to compare it with: no deployment_role="baseline" traffic over the last 10m$/);
  });

  test('no canary traffic over the lookback: no canary card', async () => {
    assert.equal(await card('quiet'), null);
  });
});
