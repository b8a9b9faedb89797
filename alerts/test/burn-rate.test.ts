import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURN_RATE_TIERS, type BurnRateTier } from '@api-observatory/telemetry-contract';
import { parseSloConfig } from '../src/slo-config';
import { buildScenarios } from '../src/testgen/scenarios';
import { simulateScenario } from '../src/testgen/slo-tests';
import { expandValues, modelDetectionMinutes, promRate, workbookDetectionMinutes } from '../src/testgen/sim';
import { counterValues } from '../src/testgen/promtool-file';

/**
 * The detection times the SRE workbook's table implies, checked on the simulator for a reference
 * 99.9% availability / 99% latency config (the promtool tests prove the simulator matches Prometheus
 * on the committed config, whose default is the same 99.9%).
 */
const config = parseSloConfig(`
runbook_base_url: https://runbooks.example.org/RUNBOOK.md
defaults:
  availability: { objective: 99.9 }
  latency: { objective: 99, threshold_seconds: 0.5 }
`);
const [fast, sustained, slow] = BURN_RATE_TIERS as readonly BurnRateTier[] as [BurnRateTier, BurnRateTier, BurnRateTier];
const { scenarios } = buildScenarios(config);
const run = (prefix: string, evalMinutes: number) => {
  const all = evalMinutes === 1 ? scenarios.minute : scenarios.long;
  const s = all.find((x) => x.name.startsWith(prefix));
  assert.ok(s, `no scenario ${prefix}`);
  const a = simulateScenario(config, s, evalMinutes).apis[0]!;
  const after = (tier: BurnRateTier) => (a.sim.firstFire[tier.tier] === undefined ? undefined : a.sim.firstFire[tier.tier]! / 60 - a.incidentStartMinute);
  return { after };
};

test('workbook arithmetic: 100% errors vs 99.9% trips 14.4× over 1h after 0.864 min; 2× never pages', () => {
  assert.equal(Number(workbookDetectionMinutes(1, 99.9, fast)!.toFixed(3)), 0.864);
  assert.equal(workbookDetectionMinutes(0.002, 99.9, fast), undefined);
  assert.equal(workbookDetectionMinutes(0.002, 99.9, sustained), undefined);
  assert.equal(Math.round(workbookDetectionMinutes(0.002, 99.9, slow)! / 60), 36);
});

test('100% 5xx against 99.9%: pages at 3 min, not at 1 or 2 min (5m-averaged windows add ~2 min to the workbook 52 s)', () => {
  const { after } = run('availability: 100%', 1);
  assert.equal(after(fast), 3);
  assert.ok(after(fast)! > 2 && after(fast)! <= 6);
  assert.ok(Math.abs(after(fast)! - modelDetectionMinutes(1, 99.9, fast)!) <= 1);
  assert.ok(after(sustained)! <= 6);
});

test('0.2% 5xx (2×) against 99.9%: never pages, the 1× ticket fires after about 36 hours', () => {
  const { after } = run('availability: 0.2%', 5);
  assert.equal(after(fast), undefined);
  assert.equal(after(sustained), undefined);
  const hours = after(slow)! / 60;
  assert.ok(hours > 35 && hours < 37, `ticket after ${hours} h`);
});

test('0.8% 5xx (8×) against 99.9%: the 6× page fires after about 4.5 h, the 14.4× never', () => {
  const { after } = run('availability: 0.8%', 1);
  assert.equal(after(fast), undefined);
  assert.ok(Math.abs(after(sustained)! / 60 - 4.5) < 0.1, `${after(sustained)} min`);
});

test('latency: every request slower than 0.5s against 99% pages after about 11 min', () => {
  const { after } = run('latency: 100%', 1);
  assert.ok(after(fast)! >= 10 && after(fast)! <= 12, `${after(fast)} min`);
  assert.ok(Math.abs(after(fast)! - modelDetectionMinutes(1, 99, fast)!) <= 1);
});

test('half the budget rate never alerts', () => {
  for (const p of ['availability: 0.05%', 'latency: 0.5%']) {
    const { after } = run(p, 1);
    for (const t of BURN_RATE_TIERS) assert.equal(after(t), undefined, `${p} ${t.tier}`);
  }
});

test('promRate reproduces Prometheus: steady counters are exact, one sample gives nothing, zero starts are not extrapolated', () => {
  const v = expandValues(counterValues([[30, 600]]));
  assert.equal(promRate(v, 60, 20 * 60, 300), 10);
  assert.equal(promRate(v, 60, 0, 300), undefined);
  // Counter starting at 0 at t=0: durationToZero stops extrapolation before the first sample.
  assert.equal(promRate(v, 60, 60, 300), 600 / 300);
  assert.deepEqual(expandValues('0 1+2x2 _ 7'), [0, 1, 3, 5, undefined, 7]);
});
