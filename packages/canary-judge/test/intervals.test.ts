import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeGate, judgeIntervals, validateGateConfig, type GateVerdict, type MetricSamples } from '../src';

const config = validateGateConfig({
  defaults: { minSamples: 5 },
  metrics: [
    { name: 'errors', direction: 'increase', critical: true },
    { name: 'latency', direction: 'increase', weight: 1 },
    { name: 'cpu', direction: 'increase', weight: 4 },
  ],
});
const BASE = [10, 11, 9, 10, 12, 10, 11, 9];
const same = (): MetricSamples => ({ baseline: BASE, canary: [...BASE] });
const worse = (): MetricSamples => ({ baseline: BASE, canary: BASE.map((v) => v * 3) });

const PASS = () => judgeGate(config, { errors: same(), latency: same(), cpu: same() });
const CRIT = () => judgeGate(config, { errors: worse(), latency: same(), cpu: same() }); // critical failure
const FAIL = () => judgeGate(config, { errors: same(), latency: same(), cpu: worse() }); // score 20: fail, non-critical
const MARGINAL = () => judgeGate(config, { errors: same(), latency: worse(), cpu: same() }); // score 5/6 = 83: marginal
const NODATA_CRIT = () => judgeGate(config, { latency: same(), cpu: same() });
const EMPTY = () => judgeGate(config, {});

test('the building blocks decide as expected on their own', () => {
  assert.deepEqual(
    [PASS(), CRIT(), FAIL(), MARGINAL(), NODATA_CRIT(), EMPTY()].map((v) => v.decision),
    ['promote', 'rollback', 'rollback', 'continue', 'continue', 'continue'],
  );
});

const run = (seq: GateVerdict[], rules = {}) => judgeIntervals(seq, rules);

test('promote only after K consecutive passing intervals at the end', () => {
  assert.equal(run([]).decision, 'continue');
  assert.equal(run([PASS(), PASS()]).decision, 'continue');
  const p = run([PASS(), PASS(), PASS()]);
  assert.equal(p.decision, 'promote');
  assert.equal(p.consecutivePasses, 3);
  assert.equal(run([PASS(), PASS(), MARGINAL(), PASS(), PASS()]).decision, 'continue', 'a marginal interval breaks the streak');
  assert.equal(run([PASS(), PASS(), NODATA_CRIT(), PASS(), PASS()]).decision, 'continue', 'missing data breaks the streak');
  assert.equal(run([MARGINAL(), PASS(), PASS(), PASS()]).decision, 'promote');
  assert.equal(run([PASS()], { promoteAfter: 1 }).decision, 'promote');
});

test('rollback when a critical metric fails in N consecutive intervals', () => {
  assert.equal(run([CRIT()]).decision, 'continue', 'one critical failure is not yet enough with the default of 2');
  const r = run([PASS(), CRIT(), CRIT(), PASS(), PASS(), PASS()]);
  assert.equal(r.decision, 'rollback');
  assert.equal(r.decidedAt, 2);
  assert.equal(r.intervals.length, 3, 'stops at the deciding interval');
  assert.deepEqual(r.intervals[2]!.failedCritical, ['errors']);
  assert.equal(run([CRIT(), PASS(), CRIT(), PASS()]).decision, 'continue', 'a passing interval resets the streak');
  assert.equal(run([CRIT(), NODATA_CRIT(), CRIT()]).decision, 'rollback', 'missing data does not reset the streak');
  assert.equal(run([CRIT()], { rollbackAfterCriticalFailures: 1 }).decision, 'rollback');
});

test('rollback after N consecutive failed intervals; a pass in between resets', () => {
  assert.equal(run([FAIL(), FAIL()]).decision, 'rollback');
  assert.equal(run([FAIL(), PASS(), FAIL()]).decision, 'continue');
  assert.equal(run([FAIL(), MARGINAL(), FAIL()]).decision, 'continue');
  assert.equal(run([FAIL(), EMPTY(), FAIL()]).decision, 'rollback', 'an interval without any data does not reset it');
  assert.equal(run([FAIL(), FAIL(), FAIL()], { rollbackAfterFailedIntervals: 3 }).decidedAt, 2);
});

test('labels and per-interval evidence are kept; bad rules are rejected', () => {
  const j = judgeIntervals([{ label: '10:00', verdict: PASS() }, { label: '10:01', verdict: MARGINAL() }]);
  assert.deepEqual(
    j.intervals.map((i) => [i.label, i.decision, i.classification]),
    [
      ['10:00', 'promote', 'pass'],
      ['10:01', 'continue', 'marginal'],
    ],
  );
  assert.ok(j.intervals[1]!.verdict.metrics.length === 3);
  assert.throws(() => judgeIntervals([], { promoteAfter: 0 }), /promoteAfter/);
});

test('a verdict that claims promote without conclusive evidence does not count', () => {
  const forged = NODATA_CRIT();
  forged.decision = 'promote';
  assert.equal(run([PASS(), PASS(), forged], {}).decision, 'continue');
});
