/**
 * Two-sample t-test of a shift beyond a margin, for samples too small for a rank test to carry strong
 * evidence (a rank test of 2 against 2 values cannot go below p = 1/6). The variance is pooled: the
 * null hypothesis is a canary distributed like its baseline (up to the margin), so with the same
 * spread, and pooling gives m + n - 2 degrees of freedom where Welch's would give about 1 at 2 against 2.
 */
import { incompleteBeta } from './special-functions';

/** Upper tail P(T > t) of Student's t with df > 0 degrees of freedom (df need not be an integer). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const half = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? half : 1 - half;
}

export interface ShiftTTestResult {
  /** mean(canary) - mean(baseline). */
  difference: number;
  /** Standard error of the difference. */
  se: number;
  /** (difference - margin) / se. */
  t: number;
  /** Degrees of freedom, m + n - 2. */
  df: number;
  /** One-sided p-value of "canary - baseline > margin". */
  pValue: number;
}

function sumOfSquares(xs: readonly number[]): [number, number] {
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return [mean, ss];
}

/**
 * One-sided pooled-variance t-test that the canary's mean exceeds the baseline's by more than `margin`
 * (negate both samples for the other direction). The pooled standard deviation is taken as at least
 * `minSd`, for values measured no finer than that. Null when it cannot be computed: fewer than 2 values
 * on a side, or a standard error of 0 (no evidence, however far apart).
 */
export function shiftTTest(baseline: readonly number[], canary: readonly number[], margin: number, minSd = 0): ShiftTTestResult | null {
  const m = canary.length;
  const n = baseline.length;
  if (n < 2 || m < 2) return null;
  const [mb, ssb] = sumOfSquares(baseline);
  const [mc, ssc] = sumOfSquares(canary);
  const df = m + n - 2;
  const se = Math.sqrt(Math.max((ssb + ssc) / df, minSd * minSd) * (1 / m + 1 / n));
  if (!(se > 0) || !Number.isFinite(se)) return null;
  const difference = mc - mb;
  const t = (difference - margin) / se;
  return { difference, se, t, df, pValue: studentTSf(t, df) };
}
