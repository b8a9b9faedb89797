import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURN_RATE_TIERS, SLO_WINDOWS, burnCondition, burnConditionHolds, burnThreshold, type SloWindow } from '../src/index';

test('the tiers: windows of the contract, long longer than short, factors falling with the window', () => {
  assert.deepEqual(BURN_RATE_TIERS.map((t) => [t.tier, t.factor, t.longWindow, t.shortWindow]), [['fast', 14.4, '1h', '5m'], ['sustained', 6, '6h', '30m'], ['slow', 1, '3d', '6h']]);
  for (const t of BURN_RATE_TIERS) assert.ok(SLO_WINDOWS.indexOf(t.longWindow) > SLO_WINDOWS.indexOf(t.shortWindow), t.tier);
});

test('burnThreshold: factor × (1 − objective) without float noise', () => {
  assert.equal(burnThreshold(99.9, BURN_RATE_TIERS[0]), 0.0144);
  assert.equal(burnThreshold(99, BURN_RATE_TIERS[1]), 0.06);
  assert.equal(burnThreshold(99.5, BURN_RATE_TIERS[2]), 0.005);
});

test('burnCondition: both windows over the limit, as PromQL', () => {
  const over = (w: SloWindow) => `ratio_${w}{api="a"}`;
  assert.equal(burnCondition(BURN_RATE_TIERS[0], over, 0.0144), '(ratio_1h{api="a"} > 0.0144) and (ratio_5m{api="a"} > 0.0144)');
  assert.equal(burnCondition(BURN_RATE_TIERS[2], over, 1e-3 * 3), '(ratio_3d{api="a"} > 0.003) and (ratio_6h{api="a"} > 0.003)');
});

test('burnConditionHolds: true only when both windows exceed the limit; a window at or below it rules the tier out; a missing one is no data', () => {
  for (const t of BURN_RATE_TIERS) {
    const holds = (long: number | null, short: number | null) => burnConditionHolds(t, (w) => (w === t.longWindow ? long : w === t.shortWindow ? short : 99), t.factor);
    assert.equal(holds(t.factor * 1.01, t.factor * 1.01), true, t.tier);
    assert.equal(holds(t.factor, t.factor * 10), false, `${t.tier}: at the limit is not over it`);
    assert.equal(holds(t.factor * 10, t.factor * 0.5), false);
    assert.equal(holds(t.factor * 10, null), null);
    assert.equal(holds(null, t.factor * 0.5), false, 'one window under the limit decides without the other');
    assert.equal(holds(Number.NaN, t.factor * 10), false, "NaN is never over (PromQL's > drops it)");
    assert.equal(holds(Number.POSITIVE_INFINITY, t.factor * 2), true);
  }
});

test('the same tier fires on error ratios against burnThreshold as on burn rates against the factor', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647);
  let fired = 0;
  for (let i = 0; i < 5000; i++) {
    const objective = [99, 99.5, 99.9, 99.95][i % 4]!;
    const budget = 1 - objective / 100;
    const ratios = Object.fromEntries(SLO_WINDOWS.map((w) => [w, budget * 30 * rnd() ** 3])) as Record<SloWindow, number>;
    for (const t of BURN_RATE_TIERS) {
      const byRatio = burnConditionHolds(t, (w) => ratios[w], burnThreshold(objective, t));
      const byBurn = burnConditionHolds(t, (w) => ratios[w] / budget, t.factor);
      // Away from the boundary (float rounding of the threshold), the two readings agree.
      const nearEdge = [t.longWindow, t.shortWindow].some((w) => Math.abs(ratios[w] / budget / t.factor - 1) < 1e-9);
      if (!nearEdge) assert.equal(byRatio, byBurn, `${t.tier} ${objective} ${JSON.stringify(ratios)}`);
      if (byRatio) fired++;
    }
  }
  assert.ok(fired > 500 && fired < 14_000, `fired ${fired}`);
});

test("the Grafana overview's breaching SLOs: each tier's burnCondition over the recorded burn rates with its factor, any tier", async () => {
  const { breachingSlos } = await import('../src/grafana/panels/overview');
  const { sloBurnRate } = await import('../src/index');
  const filter = { api: 'orders' };
  const query = breachingSlos(filter);
  const tiers = query.split(' or ');
  assert.equal(tiers.length, BURN_RATE_TIERS.length, query);
  BURN_RATE_TIERS.forEach((t, i) => {
    assert.equal(tiers[i], `(${burnCondition(t, (w) => sloBurnRate(w, filter), t.factor)})`, t.tier);
    assert.ok(tiers[i]!.includes(`ratio_rate${t.longWindow}{`) && tiers[i]!.includes(`ratio_rate${t.shortWindow}{`), `${t.tier} reads its two windows`);
    assert.equal(tiers[i]!.match(new RegExp(` > ${t.factor}\\)`, 'g'))?.length, 2, `${t.tier}: both windows against the factor ${t.factor}`);
  });
});
