/**
 * Exact conditional test of two shares of counted events (errors among requests). If the canary and the
 * baseline share one event rate, then given E events in all, the canary's count is Binomial(E, π) with
 * π = canary total / (canary total + baseline total) (the conditional form of comparing two Poisson
 * or binomial counts, as in R's poisson.test for two samples). Unlike a test on per-interval ratios, it
 * carries the precision of every request: 15 errors against 1 in 300 requests each is decisive in one
 * interval, and 1 against 0 is nothing.
 */
import { incompleteBeta } from './special-functions';

/** P(X >= x) for X ~ Binomial(size, p). */
export function binomialSf(x: number, size: number, p: number): number {
  if (x <= 0) return 1;
  if (x > size) return 0;
  return incompleteBeta(p, x, size - x + 1);
}

export interface ShareCounts {
  events: number;
  total: number;
}

export interface ShareTestResult {
  /** Canary share minus baseline share. */
  difference: number;
  /** One-sided p-value of "the canary's rate is higher than the baseline's". */
  pValue: number;
}

/** One-sided test that the canary's event rate exceeds the baseline's. Null without requests on a side. */
export function shareTest(baseline: ShareCounts, canary: ShareCounts): ShareTestResult | null {
  if (!(baseline.total > 0 && canary.total > 0)) return null;
  const events = baseline.events + canary.events;
  const difference = canary.events / canary.total - baseline.events / baseline.total;
  return { difference, pValue: binomialSf(canary.events, events, canary.total / (canary.total + baseline.total)) };
}
