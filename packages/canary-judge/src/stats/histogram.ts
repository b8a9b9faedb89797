/**
 * Latency histograms as Prometheus keeps them (cumulative bucket counts by upper bound `le`), their
 * quantiles, and the request counts above a quantile's bucket: the request-level evidence of a
 * latency quantile, tested like error counts (share-test.ts).
 */
import type { ShareCounts } from './share-test';

/** Cumulative request counts of one interval: counts[i] requests took at most le[i] seconds; the last le is +Inf. */
export interface BucketCounts {
  le: readonly number[];
  counts: readonly number[];
}

/** Prometheus' histogram_quantile over cumulative bucket counts (last = +Inf), NaN without observations. */
export function histogramQuantile(q: number, upper: readonly number[], cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1]!;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let i = 0;
  while (i < cumulative.length - 1 && cumulative[i]! < rank) i++;
  if (i === cumulative.length - 1) return upper[upper.length - 2] ?? NaN; // in the +Inf bucket: the highest finite bound
  const hi = upper[i]!;
  const lo = i === 0 ? 0 : upper[i - 1]!;
  const below = i === 0 ? 0 : cumulative[i - 1]!;
  const inBucket = cumulative[i]! - below;
  if (i === 0 && hi <= 0) return hi;
  return lo + (hi - lo) * ((rank - below) / inBucket);
}

/**
 * Sum of histograms over the bounds they all have (a bound missing from one of them is dropped: its
 * count there is unknown), counts rounded to whole requests. Null when one has no +Inf bucket or the
 * counts are not finite.
 */
export function sumHistograms(histograms: readonly BucketCounts[]): BucketCounts | null {
  if (histograms.length === 0) return null;
  let bounds = [...histograms[0]!.le];
  for (const h of histograms.slice(1)) bounds = bounds.filter((b) => h.le.includes(b));
  if (bounds[bounds.length - 1] !== Infinity) return null;
  const counts = bounds.map(() => 0);
  for (const h of histograms) {
    bounds.forEach((b, i) => (counts[i]! += h.counts[h.le.indexOf(b)]!));
  }
  if (!counts.every(Number.isFinite)) return null;
  return { le: bounds, counts: counts.map(Math.round) };
}

/** Requests above one bucket boundary, per side. */
export interface CountsAbove {
  /** Bucket boundary (seconds) the requests are counted above. */
  threshold: number;
  /** Requests above the threshold (events) among all requests (total), per side. */
  baseline: ShareCounts;
  canary: ShareCounts;
}

export interface TailCounts {
  /** Counts above the lower bound of the bucket that holds the pooled quantile, then, when that lies below the pooled median, above its upper bound. */
  bounds: CountsAbove[];
  /** The q-quantile of each side's summed histogram. */
  quantiles: { baseline: number; canary: number };
}

/**
 * Requests above the bounds of the bucket that holds the q-quantile of both sides' requests together.
 * The bounds depend on the pooled requests only, never on which side served them, so under "the
 * canary's latencies are distributed like the baseline's" the canary's share of the requests above
 * either is that of a fair draw, and the conditional binomial test of shareTest stays exact. (A
 * threshold from the baseline alone would sit at the baseline's own tail, and make a like canary look
 * slower.)
 *
 * The lower bound counts at least the (1 - q) share of requests, the most evidence the bucket gives;
 * above the pooled median, more requests above it is a heavier upper tail, what a higher upper quantile
 * is made of. Below the median it is not: a canary with the baseline's median and a narrower spread
 * has more requests above a bound under the median, and fewer above one over it. There the upper bound
 * is counted too, and the judge asks for the shift at both. Null when a side has no requests, or a
 * bound needed is missing (a quantile in the first bucket has only an upper bound).
 */
export function tailCounts(q: number, baseline: BucketCounts, canary: BucketCounts): TailCounts | null {
  const sum = sumHistograms([baseline, canary]);
  if (!sum) return null;
  const b = sumHistograms([baseline])!;
  const c = sumHistograms([canary])!;
  const at = (h: BucketCounts, bound: number) => h.counts[h.le.indexOf(bound)] ?? 0;
  const total = { baseline: at(b, Infinity), canary: at(c, Infinity) };
  if (!(total.baseline > 0 && total.canary > 0)) return null;
  const rank = q * (total.baseline + total.canary);
  const i = sum.counts.findIndex((n) => n >= rank);
  const above = (h: BucketCounts, n: number, bound: number) => Math.max(0, n - at(h, bound));
  const lower = i > 0 ? i - 1 : -1;
  const centre = lower < 0 || sum.counts[lower]! < 0.5 * (total.baseline + total.canary);
  const wanted = centre ? [sum.le[lower], sum.le[i]] : [sum.le[lower]];
  // A quantile in the first bucket (lower bound 0) or the +Inf one cannot be bracketed: no test.
  if (!wanted.every((t) => t !== undefined && Number.isFinite(t))) return null;
  const bounds = (wanted as number[]).map((threshold) => ({
    threshold,
    baseline: { events: above(b, total.baseline, threshold), total: total.baseline },
    canary: { events: above(c, total.canary, threshold), total: total.canary },
  }));
  return { bounds, quantiles: { baseline: histogramQuantile(q, b.le, b.counts), canary: histogramQuantile(q, c.le, c.counts) } };
}
