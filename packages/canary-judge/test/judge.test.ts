import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GATE_CONFIG, judgeGate, judgeMetric, replayIntervals, validateGateConfig, type GateConfigInput, type MetricConfigInput } from '../src';
import { Rng } from './helpers/prng';

const metric = (over: Partial<MetricConfigInput> = {}) => validateGateConfig({ metrics: [{ name: 'm', direction: 'increase', minSamples: 5, ...over }] }).metrics[0]!;
const gate = (input: Partial<GateConfigInput> & Pick<GateConfigInput, 'metrics'>) => validateGateConfig(input);

const rng = new Rng(2024);
const noisy = (n: number, mu: number, sd: number) => Array.from({ length: n }, () => rng.normal(mu, sd));

test('identical samples pass with a zero shift and p = 1', () => {
  const xs = [0.11, 0.12, 0.1, 0.13, 0.12, 0.11, 0.14, 0.1];
  const v = judgeMetric(metric(), { baseline: xs, canary: [...xs] });
  assert.equal(v.result, 'pass');
  assert.equal(v.failed, false);
  assert.equal(v.evidence.shift, 0);
  assert.equal(v.evidence.pValue, 1);
  assert.ok(v.evidence.ci!.lower <= 0 && v.evidence.ci!.upper >= 0);
  assert.equal(v.evidence.cles, 0.5);
});

test('constant series: equal on both sides pass, different constants are a real shift', () => {
  const same = judgeMetric(metric(), { baseline: Array(10).fill(0), canary: Array(10).fill(0) });
  assert.equal(same.result, 'pass');
  assert.equal(same.evidence.pValue, 1);
  const up = judgeMetric(metric(), { baseline: Array(10).fill(1), canary: Array(10).fill(2) });
  assert.equal(up.result, 'high');
  assert.equal(up.failed, true);
  assert.equal(up.evidence.shift, 1);
  assert.deepEqual([up.evidence.ci!.lower, up.evidence.ci!.upper], [1, 1]);
  assert.ok(up.evidence.pValue! < 0.001);
  assert.equal(up.evidence.cles, 1);
  assert.equal(up.evidence.rankBiserial, 1);
  assert.equal(up.evidence.relativeShift, 1);
});

test('all-NaN, empty, missing or short samples give nodata, never pass', () => {
  const ok = [1, 2, 3, 4, 5, 6];
  const cases = {
    'all NaN canary': { baseline: ok, canary: [NaN, NaN, NaN, NaN, NaN, NaN] },
    'all null baseline': { baseline: [null, null, null, null, null, null], canary: ok },
    'empty canary': { baseline: ok, canary: [] },
    'empty both': { baseline: [], canary: [] },
    'below minimum': { baseline: [1, 2, 3, 4], canary: [1, 2, 3, 4] },
    'NaN pushes below minimum': { baseline: ok, canary: [1, 2, NaN, 4, null, 6] },
    'infinite values': { baseline: ok, canary: [1, 2, 3, 4, 5, Infinity] },
  };
  for (const [name, s] of Object.entries(cases)) {
    const v = judgeMetric(metric(), s);
    assert.equal(v.result, 'nodata', name);
    assert.equal(v.failed, false, name);
    assert.equal(v.evidence.shift, null, name);
  }
  assert.equal(judgeMetric(metric(), undefined).result, 'nodata');
});

test('NaN values are dropped and counted in the evidence', () => {
  const v = judgeMetric(metric(), { baseline: [1, 2, 3, 4, 5, NaN], canary: [1, null, 2, 3, 4, 5, NaN] });
  assert.equal(v.result, 'pass');
  assert.deepEqual([v.evidence.baseline.n, v.evidence.baseline.total, v.evidence.baseline.missing], [5, 6, 1]);
  assert.deepEqual([v.evidence.canary.n, v.evidence.canary.total, v.evidence.canary.missing], [5, 7, 2]);
  assert.ok(v.reasons.some((r) => /2 of 7 canary values were missing/.test(r)));
});

test('one huge outlier does not fail the rank test, but a max guard catches it', () => {
  const base = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99];
  const canary = [101, 99, 100, 102, 98, 1e9, 100, 99, 101, 100];
  const robust = judgeMetric(metric({ guard: { max: 500 } }), { baseline: base, canary });
  assert.equal(robust.result, 'pass');
  assert.equal(robust.guard!.value, 100);
  const strict = judgeMetric(metric({ guard: { max: 500, statistic: 'max' } }), { baseline: base, canary });
  assert.equal(strict.result, 'high');
  assert.equal(strict.failed, true);
  assert.equal(strict.guard!.breached, 'max');
  assert.equal(strict.evidence.statisticalResult, 'pass');
});

test('a significant shift within the tolerance passes; beyond it fails', () => {
  const base = noisy(40, 0.1, 0.002);
  const canary = base.map((v) => v + 0.005); // +5 %
  const lenient = judgeMetric(metric({ tolerance: { relative: 0.1 } }), { baseline: base, canary });
  assert.ok(lenient.evidence.ci!.lower > 0, 'the shift is significant');
  assert.equal(lenient.result, 'pass');
  const strictRel = judgeMetric(metric({ tolerance: { relative: 0.01 } }), { baseline: base, canary });
  assert.equal(strictRel.result, 'high');
  assert.equal(strictRel.failed, true);
  const absolute = judgeMetric(metric({ tolerance: { absolute: 0.01 } }), { baseline: base, canary });
  assert.equal(absolute.result, 'pass');
  assert.ok(Math.abs(absolute.evidence.allowedShift! - 0.01) < 1e-15);
  // with both, the larger allowance wins: max(0.001, 0.01 * ~0.1)
  const both = judgeMetric(metric({ tolerance: { absolute: 0.001, relative: 0.01 } }), { baseline: base, canary });
  assert.equal(both.result, 'high');
});

test('direction decides which deviation fails', () => {
  const base = noisy(20, 50, 1);
  const lower = base.map((v) => v - 10);
  const higher = base.map((v) => v + 10);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'increase' }), { baseline: base, canary: lower })), ['low', false]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'increase' }), { baseline: base, canary: higher })), ['high', true]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'decrease' }), { baseline: base, canary: lower })), ['low', true]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'decrease' }), { baseline: base, canary: higher })), ['high', false]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'either' }), { baseline: base, canary: lower })), ['low', true]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'either' }), { baseline: base, canary: higher })), ['high', true]);
});
const pick = (v: { result: string; failed: boolean }) => [v.result, v.failed];

test('absolute guards fail regardless of the baseline', () => {
  // canary equals the baseline but both are above the guard
  const bad = [0.08, 0.09, 0.07, 0.08, 0.1, 0.09];
  const v = judgeMetric(metric({ guard: { max: 0.05 } }), { baseline: bad, canary: [...bad] });
  assert.equal(v.result, 'high');
  assert.equal(v.failed, true);
  assert.equal(v.evidence.statisticalResult, 'pass');
  const low = judgeMetric(metric({ direction: 'decrease', guard: { min: 100 } }), { baseline: [50, 51, 52, 53, 54], canary: [50, 51, 52, 53, 54] });
  assert.deepEqual(pick(low), ['low', true]);
  // a guard only needs the canary: it can fail even without a baseline
  const noBase = judgeMetric(metric({ guard: { max: 0.05 } }), { baseline: [], canary: bad });
  assert.deepEqual(pick(noBase), ['high', true]);
  // ... but a guard that holds does not make up for a missing baseline
  assert.equal(judgeMetric(metric({ guard: { max: 1 } }), { baseline: [], canary: bad }).result, 'nodata');
  // an infinite canary p99 breaches a max guard
  const inf = judgeMetric(metric({ guard: { max: 2, statistic: 'max' } }), { baseline: [1, 1, 1, 1, 1], canary: [1, 1, 1, 1, Infinity] });
  assert.deepEqual(pick(inf), ['high', true]);
});

test('tiny samples and the exact test: 3 vs 3 cannot be significant at 95 %', () => {
  const v = judgeMetric(metric({ minSamples: 3 }), { baseline: [1, 2, 3], canary: [100, 200, 300] });
  assert.equal(v.evidence.method, 'exact');
  assert.equal(v.evidence.pValue, 0.1); // 2 / choose(6, 3)
  assert.equal(v.result, 'pass', 'no significance possible, so no deviation is claimed');
});

test('judgeGate: metrics missing from the samples are nodata; unknown samples are ignored', () => {
  const cfg = gate({ metrics: [{ name: 'a', direction: 'increase', minSamples: 3 }, { name: 'b', direction: 'increase', minSamples: 3 }] });
  const v = judgeGate(cfg, { a: { baseline: [1, 2, 3], canary: [1, 2, 3] }, extra: { baseline: [1], canary: [2] } });
  assert.deepEqual(
    v.metrics.map((m) => [m.metric, m.result]),
    [
      ['a', 'pass'],
      ['b', 'nodata'],
    ],
  );
  assert.deepEqual(v.ignoredMetrics, ['extra']);
  assert.equal(v.decision, 'continue');
  // an inherited property name is not a metric sample
  const proto = judgeGate(gate({ metrics: [{ name: 'toString', direction: 'increase' }] }), {});
  assert.equal(proto.metrics[0]!.result, 'nodata');
});

test('a canary whose p99 is +Inf in every interval breaches the max guard and rolls back', () => {
  // Ten intervals (an even count: the median sits between two values); error ratio and p50 healthy.
  const healthy = (mu: number, sd: number) => Array.from({ length: 10 }, () => Math.abs(rng.normal(mu, sd)));
  const errors = healthy(0.004, 0.001);
  const p50 = healthy(0.05, 0.002);
  const samples = {
    error_ratio: { baseline: errors, canary: [...errors] },
    latency_p99_seconds: { baseline: healthy(0.3, 0.02), canary: Array(10).fill(Infinity) },
    latency_p50_seconds: { baseline: p50, canary: [...p50] },
  };
  const v = judgeGate(DEFAULT_GATE_CONFIG, samples);
  const p99 = v.metrics.find((m) => m.metric === 'latency_p99_seconds')!;
  assert.deepEqual(pick(p99), ['high', true]);
  assert.equal(p99.guard!.value, Infinity);
  assert.equal(p99.guard!.breached, 'max');
  assert.equal(v.decision, 'rollback');
  assert.equal(replayIntervals(DEFAULT_GATE_CONFIG, samples, 10).judgement.decision, 'rollback');
});

test('guards over infinite values: each infinity is evidence, NaN is missing, +Inf with -Inf is undefined', () => {
  const base = [1, 1.1, 0.9, 1, 1.2, 0.8];
  const max = metric({ guard: { max: 2 } });
  // half the intervals above every bucket: the median is +Inf
  assert.deepEqual(pick(judgeMetric(max, { baseline: base, canary: [1, Infinity, 1, Infinity, 1, Infinity] })), ['high', true]);
  // the mean with one +Inf is +Inf
  assert.deepEqual(pick(judgeMetric(metric({ guard: { max: 2, statistic: 'mean' } }), { baseline: base, canary: [1, 1, 1, 1, 1, Infinity] })), ['high', true]);
  // -Inf breaches a min
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'decrease', guard: { min: 0 } }), { baseline: base, canary: Array(6).fill(-Infinity) })), ['low', true]);
  // NaN is dropped as missing: too few canary values, no guard value, nodata
  const nan = judgeMetric(max, { baseline: base, canary: [NaN, NaN, NaN, 1, 1, 1] });
  assert.deepEqual([nan.result, nan.guard!.value], ['nodata', null]);
  // the median between -Inf and +Inf (or their mean) is undefined: no breach, no pass, and a reason says why
  for (const statistic of ['median', 'mean'] as const) {
    const mixed = judgeMetric(metric({ guard: { max: 2, statistic } }), { baseline: base, canary: [-Infinity, -Infinity, -Infinity, Infinity, Infinity, Infinity] });
    assert.deepEqual([mixed.result, mixed.failed, mixed.guard!.value, mixed.guard!.breached], ['nodata', false, null, null], statistic);
    assert.ok(mixed.reasons.some((r) => /undefined \(\+Inf and -Inf/.test(r)), statistic);
  }
});
