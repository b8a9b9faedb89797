/**
 * Exact null distribution of the Mann-Whitney U statistic for samples without ties
 * (the distribution R's dwilcox/pwilcox/qwilcox use).
 *
 * counts[u] is the number of orderings of m x's and n y's in which exactly u (x, y) pairs have x > y.
 * Recurrence on the largest of the m + n values: it is either an x (beating all n y's, adding n to U)
 * or a y (adding nothing):  f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u).
 * Only additions of non-negative numbers, so there is no cancellation; counts stay far below
 * the double range for the sizes the exact method is used for (m, n < 50: C(98, 49) ~ 2.5e28).
 */

/** Largest m * n for which the exact distribution is computed (50 x 50). */
export const EXACT_MAX_PAIRS = 2500;

const CACHE_LIMIT = 64;
const cache = new Map<string, Float64Array>();

/** Probability mass function of U for sample sizes m and n (index u = 0..m*n). */
export function exactUPmf(m: number, n: number): Float64Array {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || n < 1) {
    throw new RangeError(`exact U distribution needs positive integer sizes, got ${m} and ${n}`);
  }
  if (m * n > EXACT_MAX_PAIRS) throw new RangeError(`exact U distribution is limited to m*n <= ${EXACT_MAX_PAIRS}`);
  // The distribution is symmetric in (m, n); cache one key.
  const key = m <= n ? `${m},${n}` : `${n},${m}`;
  const hit = cache.get(key);
  if (hit) return hit;

  // prev[j] = counts for (i - 1, j); cur[j] = counts for (i, j).
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const row = new Float64Array(i * j + 1);
      const left = cur[j - 1] as Float64Array; // (i, j - 1): the largest value is a y
      const up = prev[j] as Float64Array; // (i - 1, j): the largest value is an x, adds j
      for (let u = 0; u < left.length; u++) row[u] = left[u] as number;
      for (let u = 0; u < up.length; u++) row[u + j] = (row[u + j] as number) + (up[u] as number);
      cur.push(row);
    }
    prev = cur;
  }
  const counts = prev[n] as Float64Array;
  let total = 0;
  for (const c of counts) total += c;
  const pmf = counts.map((c) => c / total);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, pmf);
  return pmf;
}

/** P(U <= q). */
export function exactUCdf(q: number, m: number, n: number): number {
  const pmf = exactUPmf(m, n);
  if (q < 0) return 0;
  const top = Math.min(Math.floor(q), pmf.length - 1);
  let s = 0;
  for (let u = 0; u <= top; u++) s += pmf[u] as number;
  return Math.min(s, 1);
}

/** P(U >= q), summed from the upper tail so small tail probabilities keep their precision. */
export function exactUSf(q: number, m: number, n: number): number {
  const pmf = exactUPmf(m, n);
  const from = Math.max(Math.ceil(q), 0);
  let s = 0;
  for (let u = pmf.length - 1; u >= from; u--) s += pmf[u] as number;
  return Math.min(s, 1);
}

/** Smallest q with P(U <= q) >= p (R's qwilcox). */
export function exactUQuantile(p: number, m: number, n: number): number {
  const pmf = exactUPmf(m, n);
  let s = 0;
  // Like R, compare against p minus a small fuzz so that p exactly on a step is not missed by rounding.
  const target = p - 10 * Number.EPSILON;
  for (let u = 0; u < pmf.length; u++) {
    s += pmf[u] as number;
    if (s >= target) return u;
  }
  return pmf.length - 1;
}
