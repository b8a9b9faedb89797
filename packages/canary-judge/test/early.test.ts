/**
 * Early rollback: before a metric has minSamples values per side, guards act from early.minSamples
 * canary values and a t-test at alpha / looks may fail it on overwhelming evidence; it never promotes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GATE_CONFIG, judgeGate, judgeIntervals, judgeMetric, normalSf, replayIntervals, validateGateConfig, type MetricConfigInput } from '../src';
import { shiftTTest, studentTSf } from '../src/stats/t-test';
import { binomialSf, shareTest } from '../src/stats/share-test';
import { KONG_2_LATENCY_BUCKETS_MS, KONG_UPSTREAM_LATENCY_BUCKETS_MS } from '@api-observatory/traffic-simulator';
import type { BucketCounts } from '../src/stats/histogram';
import { Rng } from './helpers/prng';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);

const EARLY = { minSamples: 2, alpha: 0.001 };
const metric = (over: Partial<MetricConfigInput> = {}) =>
  validateGateConfig({ metrics: [{ name: 'm', direction: 'increase', minSamples: 8, tolerance: { relative: 0.1 }, ...over }] }).metrics[0]!;

test("Student's t tail matches its closed forms for 1, 2, 3 and 4 degrees of freedom and the normal limit", () => {
  for (const t of [-3, -0.5, 0, 0.3, 1, 2.5, 7, 40, 300]) {
    close(studentTSf(t, 1), 0.5 - Math.atan(t) / Math.PI, 1e-13, `df 1, t ${t}`);
    close(studentTSf(t, 2), 0.5 - t / (2 * Math.sqrt(t * t + 2)), 1e-13, `df 2, t ${t}`);
    const u = t / Math.sqrt(3);
    close(studentTSf(t, 3), 0.5 - (Math.atan(u) + u / (1 + u * u)) / Math.PI, 1e-13, `df 3, t ${t}`);
    const x = t / Math.sqrt(1 + (t * t) / 4);
    close(studentTSf(t, 4), 0.5 - (3 / 8) * x * (1 - (x * x) / 12), 1e-13, `df 4, t ${t}`);
    close(studentTSf(t, 1e7), normalSf(t), 1e-7, `df 1e7, t ${t}`);
  }
  // tiny tails keep their relative precision: P(T_2 > 1000) = 0.5 - 1000 / (2 sqrt(1000002))
  close(studentTSf(1000, 2) / 4.99999250001875e-7, 1, 1e-9);
  assert.equal(studentTSf(Infinity, 3), 0);
  assert.ok(Number.isNaN(studentTSf(1, 0)));
});

test('the shift t-test pools the variance and subtracts the margin', () => {
  // diff 3, both sums of squares 2, pooled variance 1, se sqrt(2/3), df 4
  const r = shiftTTest([1, 2, 3], [4, 5, 6], 0)!;
  close(r.t, 3 / Math.sqrt(2 / 3), 1e-12);
  assert.equal(r.df, 4);
  const x = r.t / Math.sqrt(1 + (r.t * r.t) / 4);
  close(r.pValue, 0.5 - (3 / 8) * x * (1 - (x * x) / 12), 1e-13);
  close(shiftTTest([1, 2, 3], [4, 5, 6], 1)!.t, 2 / Math.sqrt(2 / 3), 1e-12);
  assert.equal(shiftTTest([1], [4, 5], 0), null, 'one value has no spread');
  assert.equal(shiftTTest([0, 0], [0.5, 0.5], 0), null, 'no spread at all is no evidence');
});

test('a doubled metric fails early on 3 values per side; a healthy one stays nodata; without early rules nothing acts', () => {
  const base = [0.05, 0.052, 0.049];
  const doubled = [0.1, 0.103, 0.099];
  const v = judgeMetric(metric(), { baseline: base, canary: doubled }, EARLY);
  assert.deepEqual([v.result, v.failed], ['high', true]);
  assert.equal(v.evidence.early!.result, 'high');
  assert.equal(v.evidence.early!.looks, 6);
  close(v.evidence.early!.level, 0.001 / 6, 1e-18);
  assert.ok(v.evidence.early!.pValue <= v.evidence.early!.level);
  assert.ok(v.reasons.some((r) => /early rollback: canary is higher than baseline by \+0\.05\d+, beyond the tolerance \(t=/.test(r)));
  assert.equal(v.evidence.statisticalResult, null, 'the rank test did not run');

  assert.equal(judgeMetric(metric(), { baseline: base, canary: doubled }).result, 'nodata', 'no early rules: minSamples rules');
  const healthy = judgeMetric(metric(), { baseline: base, canary: [0.051, 0.05, 0.053] }, EARLY);
  assert.deepEqual([healthy.result, healthy.failed, healthy.evidence.early!.result], ['nodata', false, null]);
  // a shift in the good direction never fails early; "either" fails both ways
  assert.equal(judgeMetric(metric({ direction: 'decrease' }), { baseline: base, canary: doubled }, EARLY).result, 'nodata');
  const fifth = [0.02, 0.021, 0.019];
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'decrease' }), { baseline: doubled, canary: fifth }, EARLY)), ['low', true]);
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'either' }), { baseline: doubled, canary: fifth }, EARLY)), ['low', true]);
  // within the tolerance: a significant +5 % is not beyond 10 %
  assert.equal(judgeMetric(metric(), { baseline: base, canary: base.map((x) => x * 1.05) }, EARLY).result, 'nodata');
  // infinite values keep the t-test out; alpha 0 turns it off
  assert.equal(judgeMetric(metric(), { baseline: base, canary: [...doubled, Infinity] }, EARLY).evidence.early, null);
  assert.equal(judgeMetric(metric(), { baseline: base, canary: doubled }, { minSamples: 2, alpha: 0 }).result, 'nodata');
});
const pick = (v: { result: string; failed: boolean }) => [v.result, v.failed];

test('guards act from early.minSamples canary values; one odd interval of two does not breach', () => {
  const g = metric({ guard: { max: 0.05 } });
  assert.deepEqual(pick(judgeMetric(g, { baseline: [], canary: [0.06, 0.07] }, EARLY)), ['high', true]);
  assert.equal(judgeMetric(g, { baseline: [], canary: [0.06] }, EARLY).result, 'nodata', 'one value is not enough');
  assert.equal(judgeMetric(g, { baseline: [], canary: [0.06, 0.07] }).result, 'nodata', 'without early rules the guard waits for minSamples');
  // a p99 of 6.75 s in one minute of 60 requests (one slow request) and 0.25 s in the next: median 3.5 s,
  // but before minSamples the lower middle value is compared with the max
  const p99 = metric({ guard: { max: 2 } });
  const odd = judgeMetric(p99, { baseline: [0.36, 0.3], canary: [6.75, 0.25] }, EARLY);
  assert.deepEqual([odd.result, odd.guard!.value, odd.guard!.breached], ['nodata', 3.5, null]);
  assert.deepEqual(pick(judgeMetric(p99, { baseline: [0.36, 0.3], canary: [6.75, 0.25, 2.5] }, EARLY)), ['high', true], 'an odd count: the median');
  assert.deepEqual(pick(judgeMetric(metric({ direction: 'decrease', guard: { min: 1 } }), { baseline: [], canary: [0.5, 3] }, EARLY)), ['nodata', false]);
});

test('quantized values: two close ratios of one error each are no evidence', () => {
  // 1 error in 64 and in 63 requests against none: the values are close, their spread says nothing
  const errors = metric({ tolerance: { relative: 0.2, absolute: 0.004 } });
  const v = judgeMetric(errors, { baseline: [0, 0], canary: [1 / 64, 1 / 63] }, EARLY);
  assert.deepEqual([v.result, v.evidence.early!.test, v.evidence.early!.result], ['nodata', 't', null]);
  // a p99 interpolated in the same bucket twice on each side
  const p99 = metric({ tolerance: { relative: 0.02, absolute: 0.002 } });
  assert.equal(judgeMetric(p99, { baseline: [0.243625, 0.2447], canary: [0.3025, 0.301] }, EARLY).result, 'nodata');
});

test('the error ratio with known requests is judged early on its counts', () => {
  const errors = validateGateConfig({
    metrics: [{ name: 'error_ratio', direction: 'increase', minSamples: 8, tolerance: { relative: 0.2, absolute: 0.004 } }],
  }).metrics[0]!;
  const requests = { baseline: [300, 310], canary: [290, 305] };
  // +5 pp: 16 and 17 errors against 1 and 2
  const bad = { baseline: [1 / 300, 2 / 310], canary: [16 / 290, 17 / 305] };
  const v = judgeMetric(errors, bad, EARLY, requests);
  assert.deepEqual(pick(v), ['high', true]);
  assert.equal(v.evidence.early!.test, 'share');
  assert.deepEqual(v.evidence.early!.counts, { baseline: { events: 3, total: 610 }, canary: { events: 33, total: 595 } });
  close(v.evidence.early!.pValue, binomialSf(33, 36, 595 / 1205), 1e-15);
  assert.ok(v.reasons.some((r) => /exact test of 33 of 595 against 3 of 610 requests/.test(r)));
  // without requests the same values go to the t-test, which needs more than two intervals for this
  assert.equal(judgeMetric(errors, bad, EARLY).evidence.early!.test, 't');
  // one error against none is nothing; an interval without requests (traffic floor) is left out
  assert.equal(judgeMetric(errors, { baseline: [0, 0], canary: [1 / 64, 1 / 63] }, EARLY, { baseline: [60, 62], canary: [64, 63] }).result, 'nodata');
  const floored = judgeMetric(errors, { baseline: [1 / 300, null], canary: [16 / 290, 17 / 305] }, EARLY, { baseline: [300, 20], canary: [290, 305] });
  assert.equal(floored.evidence.early, null, 'one baseline interval: the early test waits');
});

test('the share test is the exact conditional binomial test', () => {
  // binom.test(5, 6, 0.5, alternative = "greater")$p.value = 7/64
  close(binomialSf(5, 6, 0.5), 7 / 64, 1e-15);
  close(binomialSf(1, 10, 0.1), 1 - 0.9 ** 10, 1e-13);
  assert.equal(binomialSf(0, 3, 0.2), 1);
  assert.equal(binomialSf(4, 3, 0.2), 0);
  close(shareTest({ events: 1, total: 100 }, { events: 5, total: 100 })!.pValue, 7 / 64, 1e-15);
  assert.equal(shareTest({ events: 0, total: 0 }, { events: 5, total: 100 }), null);
});

test('false early rollbacks of canaries like their baseline stay within early.alpha (normal, skewed and discrete values)', () => {
  const rng = new Rng(42);
  const alpha = 0.02; // large, so that the bound is measurable with 20,000 canaries
  const m = metric({ tolerance: {} });
  const kinds: Record<string, () => number> = {
    normal: () => rng.normal(0.2, 0.03),
    lognormal: () => Math.exp(rng.normal(-2, 0.5)),
    'error ratio of 300 requests': () => {
      let errors = 0;
      for (let i = 0; i < 300; i++) if (rng.chance(0.005)) errors++;
      return errors / 300;
    },
  };
  for (const [kind, draw] of Object.entries(kinds)) {
    let failed = 0;
    const runs = kind.startsWith('error') ? 4000 : 20000;
    for (let run = 0; run < runs; run++) {
      // one canary's early life: looks at 2 .. 7 values per side on growing samples
      const b: number[] = [];
      const c: number[] = [];
      for (let n = 1; n < 8; n++) {
        b.push(draw());
        c.push(draw());
        if (judgeMetric(m, { baseline: b, canary: c }, { minSamples: 2, alpha }).failed) {
          failed++;
          break;
        }
      }
    }
    const rate = failed / runs;
    if (process.env.EARLY_RATES) console.log(`${kind}: ${failed} of ${runs} canaries (${(rate * 100).toFixed(3)} %) failed early`);
    // alpha plus three standard errors of the measured rate
    assert.ok(rate <= alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs), `${kind}: ${failed} of ${runs} canaries (${(rate * 100).toFixed(2)} %) failed early`);
  }
});

test('false early rollbacks of the share test stay within early.alpha (binomial errors, 60 to 300 requests per interval)', () => {
  const rng = new Rng(43);
  const alpha = 0.02;
  const m = validateGateConfig({ metrics: [{ name: 'error_ratio', direction: 'increase', minSamples: 8, tolerance: {} }] }).metrics[0]!;
  const runs = 3000;
  let failed = 0;
  for (let run = 0; run < runs; run++) {
    const rate = rng.pick([0.002, 0.005, 0.02, 0.1]);
    const served = rng.pick([60, 300]);
    const b: number[] = [];
    const c: number[] = [];
    const req = { baseline: [] as number[], canary: [] as number[] };
    for (let n = 1; n < 8; n++) {
      for (const [values, r] of [[b, req.baseline], [c, req.canary]] as const) {
        const size = served + rng.int(-10, 10);
        let errors = 0;
        for (let i = 0; i < size; i++) if (rng.chance(rate)) errors++;
        values.push(errors / size);
        r.push(size);
      }
      if (judgeMetric(m, { baseline: b, canary: c }, { minSamples: 2, alpha }, req).failed) {
        failed++;
        break;
      }
    }
  }
  if (process.env.EARLY_RATES) console.log(`share test: ${failed} of ${runs} canaries failed early`);
  assert.ok(failed / runs <= alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs), `${failed} of ${runs} canaries failed early`);
});

test('early failures decide at once in judgeIntervals, never promote, and reach the default gate', () => {
  const cfg = DEFAULT_GATE_CONFIG;
  const rng = new Rng(5);
  const series = (n: number, mu: number, sd: number) => Array.from({ length: n }, () => Math.abs(rng.normal(mu, sd)));
  // three intervals of a canary whose median latency doubled; error ratio and p99 healthy
  const errors = series(3, 0.004, 0.001);
  const p99 = series(3, 0.4, 0.03);
  const samples = {
    error_ratio: { baseline: errors, canary: [...errors].reverse() },
    latency_p99_seconds: { baseline: p99, canary: [...p99].reverse() },
    latency_p50_seconds: { baseline: series(3, 0.08, 0.003), canary: series(3, 0.16, 0.003) },
  };
  const v = judgeGate(cfg, samples);
  const p50 = v.metrics.find((m) => m.metric === 'latency_p50_seconds')!;
  assert.deepEqual(pick(p50), ['high', true]);
  assert.equal(v.decision, 'rollback');
  // p50 is not critical, and rollbackAfterFailedIntervals is 2, yet one early failure is enough
  const j = judgeIntervals([v], cfg.intervals);
  assert.equal(j.decision, 'rollback');
  assert.deepEqual(j.intervals[0]!.failedEarly, ['latency_p50_seconds']);
  // the same samples as a replayed live evaluation: rolled back with 3 intervals, not 8
  assert.equal(replayIntervals(cfg, samples, 3).judgement.decision, 'rollback');

  // a healthy canary with the same few intervals holds: promotion needs minSamples values everywhere
  const same = { ...samples, latency_p50_seconds: { baseline: samples.latency_p50_seconds.baseline, canary: [...samples.latency_p50_seconds.baseline].reverse() } };
  const h = judgeGate(cfg, same);
  assert.equal(h.decision, 'continue');
  assert.ok(h.metrics.every((m) => m.result === 'nodata'));
});

test('early rules are validated and default on', () => {
  assert.deepEqual(validateGateConfig({ metrics: [{ name: 'm', direction: 'increase' }] }).early, { minSamples: 2, alpha: 0.001 });
  assert.deepEqual(validateGateConfig({ early: { minSamples: 3, alpha: 0 }, metrics: [{ name: 'm', direction: 'increase' }] }).early, { minSamples: 3, alpha: 0 });
  assert.throws(
    () => validateGateConfig({ early: { minSamples: 1, alpha: 0.5, since: 1 }, metrics: [{ name: 'm', direction: 'increase' }] } as never),
    (e: Error) => /early\.minSamples must be an integer >= 2/.test(e.message) && /early\.alpha must be a number >= 0 and <= 0\.1/.test(e.message) && /since/.test(e.message),
  );
});

/** Kong 3's coarse and Kong 2's fine request-latency bucket bounds, in seconds, and +Inf. */
const KONG_LE = [...KONG_UPSTREAM_LATENCY_BUCKETS_MS.map((b) => b / 1000), Infinity];
const KONG_2_LE = [...KONG_2_LATENCY_BUCKETS_MS.map((b) => b / 1000), Infinity];
/** Cumulative bucket counts of `latencies` over bounds `le`. */
function buckets(latencies: readonly number[], le: readonly number[] = KONG_LE) {
  return { le, counts: le.map((b) => latencies.filter((x) => x <= b).length) };
}
const latencyMetric = (name: 'latency_p99_seconds' | 'latency_p50_seconds') =>
  validateGateConfig({ metrics: [{ name, direction: 'increase', minSamples: 8, tolerance: { relative: 0.02, absolute: 0.002 } }] }).metrics[0]!;

test('a latency quantile with known bucket counts is judged early on the requests above the pooled quantile bucket', () => {
  const le = [0.05, 0.1, 0.25, 0.5, 1, Infinity];
  const base = { le, counts: [150, 270, 297, 300, 300, 300] };
  const slow = { le, counts: [30, 150, 270, 297, 300, 300] };
  const requests = (b: typeof base, c: typeof base) => ({ baseline: [300, 300], canary: [300, 300], latency: { request: { baseline: [b, b], canary: [c, c] } } });
  const p99 = latencyMetric('latency_p99_seconds');
  const v = judgeMetric(p99, { baseline: [0.25, 0.25], canary: [0.5, 0.5] }, EARLY, requests(base, slow));
  assert.deepEqual(pick(v), ['high', true]);
  const e = v.evidence.early!;
  assert.equal(e.test, 'tail');
  // pooled over both sides: 1194 of 1200 requests at most 0.5 s, so the pooled p99 lies in (0.25, 0.5]:
  // requests above 0.25 s are counted, 6 of the baseline's 600 against 60 of the canary's 600
  assert.equal(e.threshold, 0.25);
  assert.deepEqual(e.counts, { baseline: { events: 6, total: 600 }, canary: { events: 60, total: 600 } });
  close(e.pValue, binomialSf(60, 66, 0.5), 1e-15);
  close(e.difference, 0.5 - 0.25, 1e-12, 'the quantiles of the summed histograms');
  assert.ok(v.reasons.some((r) => /exact test of 60 of 600 canary against 6 of 600 baseline requests above 0\.25 s/.test(r)), v.reasons.join('\n'));

  // the same counts on both sides: no evidence; the sides swapped: a faster canary does not fail "increase"
  assert.equal(judgeMetric(p99, { baseline: [0.25, 0.25], canary: [0.25, 0.25] }, EARLY, requests(base, base)).evidence.early!.result, null);
  assert.equal(judgeMetric(p99, { baseline: [0.5, 0.5], canary: [0.25, 0.25] }, EARLY, requests(slow, base)).result, 'nodata');
  // the threshold is chosen from both sides together, so it is the same whichever side is which
  const swapped = judgeMetric({ ...p99, direction: 'decrease' }, { baseline: [0.5, 0.5], canary: [0.25, 0.25] }, EARLY, requests(slow, base));
  assert.deepEqual([swapped.result, swapped.evidence.early!.threshold], ['low', 0.25]);
  // an interval floored (null value) is left out of the counts, as is one without a histogram
  const floored = judgeMetric(p99, { baseline: [0.25, null], canary: [0.5, 0.5] }, EARLY, requests(base, slow));
  assert.equal(floored.evidence.early, null, 'one baseline interval: the early test waits');
  const partial = { baseline: [300, 300], canary: [300, 300], latency: { request: { baseline: [base, null], canary: [slow, slow] } } };
  assert.equal(judgeMetric(p99, { baseline: [0.25, 0.25], canary: [0.5, 0.5] }, EARLY, partial).evidence.early, null);
  // without bucket counts the values go to the t-test, which two quantized values do not convince
  const t = judgeMetric(p99, { baseline: [0.25, 0.25], canary: [0.5, 0.5] }, EARLY, { baseline: [300, 300], canary: [300, 300] });
  assert.equal(t.evidence.early!.test, 't');
  // an upstream quantile reads the upstream histogram, not the request one
  const upstream = validateGateConfig({ metrics: [{ name: 'u', query: 'upstreamLatencyP99', direction: 'increase', minSamples: 8, tolerance: { relative: 0.02 } }] }).metrics[0]!;
  assert.equal(judgeMetric(upstream, { baseline: [0.25, 0.25], canary: [0.5, 0.5] }, EARLY, requests(base, slow)).evidence.early!.test, 't');
});

test('a doubled latency fails the p99 early test at the first look (2 intervals of 300 requests)', () => {
  const rng = new Rng(11);
  const p99 = latencyMetric('latency_p99_seconds');
  let doubled = 0;
  const runs = 200;
  for (let run = 0; run < runs; run++) {
    const mu = Math.log(0.015 + rng.float() * 0.09);
    const draw = (scale: number) => Array.from({ length: 300 }, () => scale * Math.exp(rng.normal(mu, 0.6)));
    const b = [buckets(draw(1)), buckets(draw(1))];
    const c = [buckets(draw(2)), buckets(draw(2))];
    const v = judgeMetric(p99, { baseline: [0.2, 0.2], canary: [0.4, 0.4] }, EARLY, { baseline: [300, 300], canary: [300, 300], latency: { request: { baseline: b, canary: c } } });
    if (v.evidence.early?.test === 'tail' && v.failed) doubled++;
  }
  if (process.env.EARLY_RATES) console.log(`tail test: ${doubled} of ${runs} doubled canaries failed at the first look`);
  assert.ok(doubled / runs >= 0.8, `${doubled} of ${runs} doubled canaries failed at the first look`);
});

test('false early rollbacks of the tail test stay within early.alpha (log-normal latencies in Kong buckets, 60 to 300 requests per interval)', () => {
  const rng = new Rng(44);
  const alpha = 0.02;
  const runs = 2000;
  for (const name of ['latency_p99_seconds', 'latency_p50_seconds'] as const) {
    const m = latencyMetric(name);
    let failed = 0;
    let tail = 0;
    for (let run = 0; run < runs; run++) {
      const mu = Math.log(0.015 + rng.float() * 0.09);
      const sigma = 0.3 + rng.float() * 0.6;
      const served = rng.pick([60, 300]);
      const le = rng.pick([KONG_LE, KONG_2_LE]);
      const values = { baseline: [] as number[], canary: [] as number[] };
      const req = { baseline: [] as number[], canary: [] as number[], latency: { request: { baseline: [] as BucketCounts[], canary: [] as BucketCounts[] } } };
      for (let n = 1; n < 8; n++) {
        for (const side of ['baseline', 'canary'] as const) {
          const size = served + rng.int(-10, 10);
          const h = buckets(Array.from({ length: size }, () => Math.exp(rng.normal(mu, sigma))), le);
          values[side].push(0.1); // the judge reads the counts; the value only marks the interval as present
          req[side].push(size);
          req.latency.request[side].push(h);
        }
        const v = judgeMetric(m, values, { minSamples: 2, alpha }, req);
        if (v.evidence.early?.test === 'tail') tail++;
        if (v.failed) {
          failed++;
          break;
        }
      }
    }
    if (process.env.EARLY_RATES) console.log(`tail test ${name}: ${failed} of ${runs} canaries failed early`);
    assert.ok(tail > 0, 'the tail test ran');
    assert.ok(failed / runs <= alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs), `${name}: ${failed} of ${runs} canaries failed early`);
  }
});

test('the tail test does not take a different spread for a slower quantile (a noisy baseline, the same median)', () => {
  const rng = new Rng(45);
  const alpha = 0.02;
  const runs = 1000;
  // [metric, baseline sigma, canary sigma]: p50 with a narrower or a wider canary; p99 with a narrower one
  const cases = [['latency_p50_seconds', 1.2, 0.4], ['latency_p50_seconds', 0.4, 1.2], ['latency_p99_seconds', 1.2, 0.4]] as const;
  for (const [name, sb, sc] of cases) {
    const m = latencyMetric(name);
    let failed = 0;
    for (let run = 0; run < runs; run++) {
      const mu = Math.log(0.015 + rng.float() * 0.09);
      const le = rng.pick([KONG_LE, KONG_2_LE]);
      const values = { baseline: [] as number[], canary: [] as number[] };
      const req = { baseline: [] as number[], canary: [] as number[], latency: { request: { baseline: [] as BucketCounts[], canary: [] as BucketCounts[] } } };
      for (let n = 1; n < 8; n++) {
        for (const [side, sigma] of [['baseline', sb], ['canary', sc]] as const) {
          values[side].push(0.1);
          req[side].push(300);
          req.latency.request[side].push(buckets(Array.from({ length: 300 }, () => Math.exp(rng.normal(mu, sigma))), le));
        }
        if (judgeMetric(m, values, { minSamples: 2, alpha }, req).failed) {
          failed++;
          break;
        }
      }
    }
    if (process.env.EARLY_RATES) console.log(`spread ${name} ${sb} vs ${sc}: ${failed} of ${runs} canaries failed early`);
    assert.ok(failed / runs <= alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs), `${name}, sigma ${sb} vs ${sc}: ${failed} of ${runs} canaries failed early`);
  }
});
