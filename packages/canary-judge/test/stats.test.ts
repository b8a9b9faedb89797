/**
 * Statistics against published / independently computed reference values.
 *
 * R references were produced with R 4.2.2 (`Rscript`), e.g.
 *   x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
 *   y <- c(1.15, 0.88, 0.90, 0.74, 1.21)
 *   wilcox.test(x, y, conf.int = TRUE)
 * The x/y data is the two-sample example of R's ?wilcox.test: Hollander & Wolfe (1973), p. 69f,
 * permeability constants of the human chorioamnion at term (x) and at 12-26 weeks (y).
 * R's wilcox.test(x, y) estimates the shift x - y, so x is our canary and y our baseline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exactUCdf,
  exactUPmf,
  exactUQuantile,
  exactUSf,
  hodgesLehmann,
  mannWhitney,
  median,
  normalCdf,
  normalQuantile,
  quantile,
  rankWithTies,
} from '../src';
import { Rng } from './helpers/prng';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);

const X_TERM = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const Y_EARLY = [1.15, 0.88, 0.9, 0.74, 1.21];

test('normal CDF and quantile match standard values', () => {
  close(normalCdf(1.959963984540054), 0.975, 1e-15);
  close(normalCdf(0), 0.5, 0);
  close(normalCdf(-3), 0.0013498980316300946, 1e-17); // pnorm(-3) in R
  close(normalQuantile(0.975), 1.959963984540054, 1e-14); // qnorm(0.975)
  close(normalQuantile(0.9), 1.2815515655446004, 1e-14); // qnorm(0.9)
});

test('quantile is type 7 and ranks are mid-ranks, as in R', () => {
  close(quantile([1, 2, 3, 4, 10], 0.9), 7.6, 1e-12); // quantile(c(1,2,3,4,10), 0.9)
  assert.equal(median([3, 1, 2, 10]), 2.5);
  const r = rankWithTies([10, 20, 10, 30, 20, 20]); // rank(c(10,20,10,30,20,20)) = 1.5 4 1.5 6 4 4
  assert.deepEqual([...r.ranks], [1.5, 4, 1.5, 6, 4, 4]);
  assert.equal(r.tieTerm, 2 ** 3 - 2 + (3 ** 3 - 3));
});

test('exact U distribution: counts match R dwilcox(0:20, 4, 5) * choose(9, 4)', () => {
  const rCounts = [1, 1, 2, 3, 5, 6, 8, 9, 11, 11, 12, 11, 11, 9, 8, 6, 5, 3, 2, 1, 1];
  const pmf = exactUPmf(4, 5);
  assert.equal(pmf.length, 21);
  pmf.forEach((p, u) => close(p * 126, rCounts[u]!, 1e-9, `u=${u}`));
});

test('exact U distribution matches brute-force enumeration of all orderings', () => {
  for (const [m, n] of [
    [1, 1],
    [2, 3],
    [3, 7],
    [5, 5],
    [6, 4],
  ] as const) {
    const counts = new Array(m * n + 1).fill(0);
    let total = 0;
    // every choice of m positions out of m + n for the x's; U = sum over x's of the y's before them
    const N = m + n;
    for (let mask = 0; mask < 1 << N; mask++) {
      let bits = 0;
      for (let i = 0; i < N; i++) if (mask & (1 << i)) bits++;
      if (bits !== m) continue;
      let ys = 0;
      let u = 0;
      for (let i = 0; i < N; i++) {
        if (mask & (1 << i)) u += ys;
        else ys++;
      }
      counts[u]++;
      total++;
    }
    const pmf = exactUPmf(m, n);
    counts.forEach((c, u) => close(pmf[u]!, c / total, 1e-14, `m=${m} n=${n} u=${u}`));
  }
});

test('exact U tails and quantiles match R pwilcox / qwilcox', () => {
  close(exactUCdf(3, 10, 12), 1.0825088224469e-5, 1e-17); // pwilcox(3, 10, 12)
  close(exactUCdf(400, 30, 40), 0.00861001044040888, 1e-15); // pwilcox(400, 30, 40)
  assert.equal(exactUQuantile(0.025, 10, 12), 30); // qwilcox(0.025, 10, 12)
  assert.equal(exactUQuantile(0.025, 30, 40), 435); // qwilcox(0.025, 30, 40)
  close(exactUSf(0, 4, 5), 1, 1e-15);
  close(exactUCdf(20, 4, 5), 1, 1e-15);
});

test('Hollander & Wolfe chorioamnion data: exact test and CI match R wilcox.test', () => {
  // wilcox.test(x, y, conf.int=TRUE): W = 35, p-value = 0.254412254412254, CI -0.15 0.76, estimate 0.305
  const r = mannWhitney(Y_EARLY, X_TERM);
  assert.equal(r.method, 'exact');
  assert.equal(r.u, 35);
  close(r.pValue, 0.254412254412254, 1e-14);
  close(r.ci.lower, -0.15, 1e-12);
  close(r.ci.upper, 0.76, 1e-12);
  close(r.shift, 0.305, 1e-12);
  // achieved coverage: 1 - 2 * pwilcox(qwilcox(0.025, 10, 5) - 1, 10, 5) = 0.96003996003996
  close(r.ci.level, 0.96003996003996, 1e-13);
  // wilcox.test(x, y, conf.int=TRUE, conf.level=0.9): CI -0.08 0.72, coverage 0.900765900765901
  const r90 = mannWhitney(Y_EARLY, X_TERM, { confidenceLevel: 0.9 });
  close(r90.ci.lower, -0.08, 1e-12);
  close(r90.ci.upper, 0.72, 1e-12);
  close(r90.ci.level, 0.900765900765901, 1e-13);
  // wilcox.test(x, y, alternative="greater"): p-value = 0.127206127206127 (the value in ?wilcox.test)
  close(mannWhitney(Y_EARLY, X_TERM, { alternative: 'greater' }).pValue, 0.127206127206127, 1e-14);
});

test('Hollander & Wolfe data: normal approximation matches R with exact=FALSE', () => {
  // wilcox.test(x, y, alternative="greater", exact=FALSE, correct=FALSE): p-value = 0.110335680959923
  const g = mannWhitney(Y_EARLY, X_TERM, { alternative: 'greater', method: 'asymptotic', continuityCorrection: false });
  close(g.pValue, 0.110335680959923, 1e-13);
  // wilcox.test(x, y, conf.int=TRUE, exact=FALSE): p = 0.244623605126983, CI -0.150014837199084 0.759942765322294
  // (R finds the CI bounds with uniroot(tol = 1e-4); the exact bounds are the pairwise differences -0.15 and 0.76)
  const a = mannWhitney(Y_EARLY, X_TERM, { method: 'asymptotic' });
  close(a.pValue, 0.244623605126983, 1e-13);
  close(a.ci.lower, -0.150014837199084, 1e-4);
  close(a.ci.upper, 0.759942765322294, 1e-4);
});

test('airquality Ozone, August vs May (ties, NA dropped): matches R', () => {
  // R's ?wilcox.test example: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))
  //   W = 127.5, p-value = 0.0001208 (0.000120807830768774 at full precision).
  // wilcox.test(aug, may, conf.int = TRUE): W = 548.5, CI 14.9999789830252 52.9999854162704, estimate 31.9999587219324
  const may = [41, 36, 12, 18, null, 28, 23, 19, 8, null, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, null, null, null, 23, 45, 115, 37];
  const aug = [39, 9, 16, 78, 35, 66, 122, 89, 110, null, null, 44, 28, 65, null, 22, 59, 23, 31, 44, 21, 9, null, 45, 168, 73, null, 76, 118, 84, 85];
  const b = may.filter((v): v is number => v !== null);
  const c = aug.filter((v): v is number => v !== null);
  const r = mannWhitney(b, c);
  assert.equal(r.method, 'asymptotic');
  assert.equal(r.ties, true);
  assert.equal(r.u, 548.5);
  assert.equal(b.length * c.length - r.u, 127.5); // U of May, R's W for the formula call
  close(r.pValue, 0.000120807830768774, 1e-15);
  close(r.ci.lower, 14.9999789830252, 1e-3);
  close(r.ci.upper, 52.9999854162704, 1e-3);
  close(r.shift, 31.9999587219324, 1e-3);
});

test('large samples (n >= 50) use the normal approximation and match R', () => {
  // b <- (((1:60)*37) %% 101)/10; c <- (((1:55)*53) %% 97)/10 + 0.8
  // wilcox.test(c, b, conf.int=TRUE): W = 1764, p = 0.525098727913145, CI -0.799932205644131 1.499969275272599
  // wilcox.test(c, b, conf.int=TRUE, correct=FALSE, conf.level=0.8): p = 0.523275050386549, CI -0.399986030326413 1.099965290846726
  // median(outer(c, b, "-")) = 0.4
  const b = Array.from({ length: 60 }, (_, i) => (((i + 1) * 37) % 101) / 10);
  const c = Array.from({ length: 55 }, (_, i) => (((i + 1) * 53) % 97) / 10 + 0.8);
  const r = mannWhitney(b, c);
  assert.equal(r.method, 'asymptotic');
  assert.equal(r.u, 1764);
  close(r.pValue, 0.525098727913145, 1e-13);
  close(r.ci.lower, -0.799932205644131, 1e-3);
  close(r.ci.upper, 1.499969275272599, 1e-3);
  close(r.shift, 0.4, 1e-12);
  const r80 = mannWhitney(b, c, { continuityCorrection: false, confidenceLevel: 0.8 });
  close(r80.pValue, 0.523275050386549, 1e-13);
  close(r80.ci.lower, -0.399986030326413, 1e-3);
  close(r80.ci.upper, 1.099965290846726, 1e-3);
});

test('scipy.stats.mannwhitneyu reference values (scipy docs example)', () => {
  // python3 -c "from scipy.stats import mannwhitneyu as f; m=[19,22,16,29,24]; w=[20,11,17,12];
  //   print(f(m,w,method='exact'), f(m,w,method='asymptotic'), f(m,w,method='asymptotic',use_continuity=False),
  //         f(m,w,method='exact',alternative='greater'), f(m,w,method='asymptotic',alternative='less'))"
  // scipy 1.17.1: U=17 with p = 0.1111111111111111, 0.11134688653314041, 0.0864107329737, 0.05555555555555555, 0.9669037101389033
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];
  const exact = mannWhitney(females, males, { method: 'exact' });
  assert.equal(exact.u, 17);
  close(exact.pValue, 0.1111111111111111, 1e-15);
  close(mannWhitney(females, males, { method: 'asymptotic' }).pValue, 0.11134688653314041, 1e-14);
  close(mannWhitney(females, males, { method: 'asymptotic', continuityCorrection: false }).pValue, 0.0864107329737, 1e-12);
  close(mannWhitney(females, males, { method: 'exact', alternative: 'greater' }).pValue, 0.05555555555555555, 1e-15);
  close(mannWhitney(females, males, { method: 'asymptotic', alternative: 'less' }).pValue, 0.9669037101389033, 1e-13);
});

test('shift estimate and CI are equivariant: adding d to the canary adds d to both', () => {
  const rng = new Rng(11);
  for (let k = 0; k < 50; k++) {
    const b = Array.from({ length: rng.int(5, 40) }, () => Math.round(rng.normal(100, 10)));
    const c = Array.from({ length: rng.int(5, 40) }, () => Math.round(rng.normal(100, 10)));
    const d = rng.int(-30, 30);
    const r0 = mannWhitney(b, c);
    const r1 = mannWhitney(b, c.map((v) => v + d));
    close(r1.shift, r0.shift + d, 1e-9, 'shift');
    close(r1.ci.lower, r0.ci.lower + d, 1e-9, 'lower');
    close(r1.ci.upper, r0.ci.upper + d, 1e-9, 'upper');
    assert.ok(r0.ci.lower <= r0.shift && r0.shift <= r0.ci.upper, 'the CI contains the estimate');
    // swapping the samples mirrors everything
    const s = mannWhitney(c, b);
    close(s.u, b.length * c.length - r0.u, 1e-9, 'U');
    close(s.shift, -r0.shift, 1e-9, 'mirrored shift');
    close(s.pValue, r0.pValue, 1e-12, 'p');
  }
});

test('Hodges-Lehmann estimate is the median of pairwise differences', () => {
  // differences c - b: 3-1, 3-2, 5-1, 5-2, 9-1, 9-2 = 2, 1, 4, 3, 8, 7 -> median 3.5
  assert.equal(hodgesLehmann([1, 2], [3, 5, 9]), 3.5);
});

test('degenerate samples: all values equal gives p = 1 and a zero shift', () => {
  const r = mannWhitney([5, 5, 5, 5], [5, 5, 5]);
  assert.equal(r.pValue, 1);
  assert.equal(r.shift, 0);
  assert.deepEqual([r.ci.lower, r.ci.upper], [0, 0]);
  assert.throws(() => mannWhitney([], [1]), /empty/);
  assert.throws(() => mannWhitney([1, NaN], [1]), /non-finite/);
});
