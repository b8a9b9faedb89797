/**
 * The SLO gate against a REAL Prometheus (the binaries in .tools/bin, started by @api-observatory/local-stack).
 *
 * The gate reads the pack's SLO recording rules' output (recorded SLI error ratios per window and the
 * recorded objective, names from @api-observatory/telemetry-contract). The test writes those recorded
 * series as OpenMetrics for a few APIs, backfills them with `promtool tsdb create-blocks-from
 * openmetrics` (as dashboards/test/helpers/dataset.ts does for raw series) around "now", starts
 * Prometheus on the blocks and evaluates the gate through its HTTP API:
 *
 *   page-burn    availability 50× over 5m and 20× over 1h      → failed (fast, page)
 *   ticket-burn  1.5× over every window                          → failed (slow, ticket)
 *   healthy      0.2× availability, 0.1× latency                 → passed, burn rates as evidence
 *   spike        50× over 5m only (1h 2×, 30m 4×): short window  → passed (multi-window: no alert either)
 *   partial      only 5m and 1h recorded                         → unknown (no data for the other tiers)
 *   ghost        no series                                       → unknown
 *   Prometheus down                                              → unknown
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Entity } from '@backstage/catalog-model';
import { BURN_RATE_TIERS, LABELS, SLO_LABEL, SLO_OBJECTIVE, sloErrorRatio, type SloWindow } from '@api-observatory/telemetry-contract';
import { freePort, startPrometheus, toolPath, type RunningPrometheus } from '@api-observatory/local-stack';
import { TEST_CONFIG } from './__testutils__/fixtures';
import { GateEvaluator } from './gates';
import { evaluateTiers, SLO_GATE_WINDOWS, type SloEvidence } from './slo';

const run = promisify(execFile);

/** SLI error ratios per window (objective `objective`) of each API × SLI written to Prometheus. */
const DATA: Record<string, Record<string, { objective: number; ratios: Partial<Record<SloWindow, number>> }>> = {
  'page-burn': { availability: { objective: 0.999, ratios: { '5m': 0.05, '30m': 0.03, '1h': 0.02, '6h': 0.004, '3d': 0.0008 } } },
  'ticket-burn': { availability: { objective: 0.999, ratios: { '5m': 0.0015, '30m': 0.0015, '1h': 0.0015, '6h': 0.0015, '3d': 0.0015 } } },
  healthy: {
    availability: { objective: 0.999, ratios: { '5m': 0.0002, '30m': 0.0002, '1h': 0.0002, '6h': 0.0002, '3d': 0.0002 } },
    latency: { objective: 0.99, ratios: { '5m': 0.001, '30m': 0.001, '1h': 0.001, '6h': 0.001, '3d': 0.001 } },
  },
  spike: { availability: { objective: 0.999, ratios: { '5m': 0.05, '30m': 0.004, '1h': 0.002, '6h': 0.0005, '3d': 0.0005 } } },
  partial: { availability: { objective: 0.999, ratios: { '5m': 0.0002, '1h': 0.0002 } } },
};

/** OpenMetrics of the recorded series, one sample a minute over [from, to] (seconds). */
function openMetrics(fromS: number, toS: number): string {
  const api = LABELS.api.label;
  const families = new Map<string, string[]>();
  const add = (name: string, labels: string, value: number) => {
    const lines = families.get(name) ?? [];
    for (let t = fromS; t <= toS; t += 60) lines.push(`${name}{${labels}} ${value} ${t}`);
    families.set(name, lines);
  };
  for (const [name, slis] of Object.entries(DATA)) {
    for (const [sli, { objective, ratios }] of Object.entries(slis)) {
      const labels = `${api}="${name}",${SLO_LABEL}="${sli}"`;
      add(SLO_OBJECTIVE, labels, objective);
      for (const [w, ratio] of Object.entries(ratios)) add(sloErrorRatio(w as SloWindow), labels, ratio);
    }
  }
  const out: string[] = [];
  for (const [name, lines] of families) out.push(`# TYPE ${name} gauge`, ...lines);
  return `${out.join('\n')}\n# EOF\n`;
}

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1', kind: 'API',
  metadata: { name, namespace: 'default', annotations: { 'api-observatory.io/api-name': name } },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', system: 'commerce', definition: '{}' },
});

async function sloGate(prometheusUrl: string, name: string) {
  const gates = new GateEvaluator({ ...TEST_CONFIG, gates: { ...TEST_CONFIG.gates, slo: { prometheusUrl, required: true, timeoutMs: 3_000 } } });
  const report = await gates.evaluate({ entity: entity(name), entityRef: `api:default/${name}`, fromEnvironment: 'staging', toEnvironment: 'production' });
  return report.gates.find((g) => g.gate === 'slo')!;
}

const tier = (name: string) => BURN_RATE_TIERS.find((t) => t.tier === name)!;

describe('SLO gate against a real Prometheus', { timeout: 60_000 }, () => {
  let dir: string;
  let prom: RunningPrometheus;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gov-slo-'));
    const nowS = Math.floor(Date.now() / 1000 / 60) * 60;
    const file = path.join(dir, 'slo.om');
    writeFileSync(file, openMetrics(nowS - 30 * 60, nowS + 30 * 60));
    const dataDir = path.join(dir, 'prometheus');
    await run(toolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, path.join(dataDir, 'tsdb')]);
    prom = await startPrometheus({ port: await freePort(), dataDir, logDir: path.join(dir, 'logs') });
  });

  after(async () => {
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('page-level burn (fast tier, both windows over 14.4×) → failed, with the burn rates and the firing tier', async () => {
    const g = await sloGate(prom.url, 'page-burn');
    assert.equal(g.status, 'failed', g.summary);
    const e = g.evidence as SloEvidence;
    assert.deepEqual(e.firing, [{ sli: 'availability', tier: 'fast', severity: 'page' }]);
    const fast = e.tiers.find((t) => t.tier === 'fast')!;
    assert.equal(fast.factor, tier('fast').factor);
    assert.ok(Math.abs(fast.longBurnRate! - 20) < 1e-6, String(fast.longBurnRate));
    assert.ok(Math.abs(fast.shortBurnRate! - 50) < 1e-6, String(fast.shortBurnRate));
    assert.match(g.summary, /availability fast burn \(page\): 20× over 1h and 50× over 5m > 14\.4×/);
    assert.ok(Object.values(e.queries).every((q) => q.includes(SLO_OBJECTIVE)));
  });

  test('ticket-level burn (slow tier: 1.5× over 3d and 6h) → failed', async () => {
    const g = await sloGate(prom.url, 'ticket-burn');
    assert.equal(g.status, 'failed', g.summary);
    assert.deepEqual((g.evidence as SloEvidence).firing, [{ sli: 'availability', tier: 'slow', severity: 'ticket' }]);
  });

  test('healthy API → passed, with every SLI\'s burn rate per window as evidence', async () => {
    const g = await sloGate(prom.url, 'healthy');
    assert.equal(g.status, 'passed', g.summary);
    const e = g.evidence as SloEvidence;
    assert.deepEqual(Object.keys(e.burnRates).sort(), ['availability', 'latency']);
    for (const w of SLO_GATE_WINDOWS) {
      assert.ok(Math.abs(e.burnRates.availability![w]! - 0.2) < 1e-6, `${w}: ${e.burnRates.availability![w]}`);
      assert.ok(Math.abs(e.burnRates.latency![w]! - 0.1) < 1e-6);
    }
    assert.equal(e.tiers.length, 2 * BURN_RATE_TIERS.length);
    assert.ok(e.tiers.every((t) => t.burning === false));
    assert.match(g.summary, /not burning/);
  });

  test('a short spike alone (5m over, 1h under the factor) is not burning → passed', async () => {
    const g = await sloGate(prom.url, 'spike');
    assert.equal(g.status, 'passed', g.summary);
    assert.ok(((g.evidence as SloEvidence).burnRates.availability!['5m'] ?? 0) > tier('fast').factor);
  });

  test('missing windows → unknown, never passed', async () => {
    const g = await sloGate(prom.url, 'partial');
    assert.equal(g.status, 'unknown', g.summary);
    assert.match(g.summary, /no data for availability sustained \(6h\/30m\)/);
  });

  test('an API without SLO series → unknown', async () => {
    const g = await sloGate(prom.url, 'ghost');
    assert.equal(g.status, 'unknown');
    assert.match(g.summary, /no SLO series for api="ghost"/);
  });

  test('Prometheus down → unknown', async () => {
    const g = await sloGate(`http://127.0.0.1:${await freePort()}`, 'page-burn');
    assert.equal(g.status, 'unknown');
    assert.match(g.summary, /unreachable/);
  });
});

test('evaluateTiers: a tier fires only when both its windows exceed the factor; a missing window is no data', () => {
  for (const t of BURN_RATE_TIERS) {
    const just = (long: number, short: number) => evaluateTiers({ a: { [t.longWindow]: long, [t.shortWindow]: short } }).find((x) => x.tier === t.tier)!.burning;
    assert.equal(just(t.factor * 1.01, t.factor * 1.01), true, t.tier);
    assert.equal(just(t.factor, t.factor * 10), false, `${t.tier}: at the factor is not over it`);
    assert.equal(just(t.factor * 10, t.factor * 0.5), false);
    assert.equal(evaluateTiers({ a: { [t.longWindow]: t.factor * 10 } }).find((x) => x.tier === t.tier)!.burning, null);
  }
});
