import { and, cmp } from './operators';
import type { SloWindow } from './rules';

/**
 * The SLO burn-rate tiers: one definition for the alert generator (alerts/src/slo.ts writes each tier as
 * an alert expression with `burnCondition`) and for whatever evaluates them on measured values (the
 * governance SLO gate, with `burnConditionHolds`).
 *
 * Multi-window, multi-burn-rate alerts for a 30-day objective (Google SRE workbook, "Alerting on SLOs",
 * table 5-8): a tier fires when the SLI's error ratio exceeds `factor × (1 − objective)` over both its long
 * and its short window; dividing by the error budget (1 − objective), when the burn rate exceeds `factor`
 * over both. `budgetSpent` is the share of the 30-day budget the long window consumes at that burn rate.
 */
export const BURN_RATE_TIERS = [
  { tier: 'fast', severity: 'page', factor: 14.4, longWindow: '1h', shortWindow: '5m', budgetSpent: 0.02 },
  { tier: 'sustained', severity: 'page', factor: 6, longWindow: '6h', shortWindow: '30m', budgetSpent: 0.05 },
  { tier: 'slow', severity: 'ticket', factor: 1, longWindow: '3d', shortWindow: '6h', budgetSpent: 0.1 },
] as const satisfies ReadonlyArray<{ tier: string; severity: 'page' | 'ticket'; factor: number; longWindow: SloWindow; shortWindow: SloWindow; budgetSpent: number }>;
export type BurnRateTier = (typeof BURN_RATE_TIERS)[number];

/** Error ratio above which a tier fires for an objective in percent (e.g. 99.9): factor × (1 − objective). */
export const burnThreshold = (objectivePercent: number, tier: BurnRateTier): number => Number((tier.factor * (1 - objectivePercent / 100)).toPrecision(12));

/**
 * A tier's condition as PromQL: `(<long> > limit) and (<short> > limit)`, with `over(w)` the series over
 * window `w`: error ratios with `limit = burnThreshold(objective, tier)` (the alerts), or burn rates with
 * `limit = tier.factor`.
 */
export function burnCondition(tier: BurnRateTier, over: (w: SloWindow) => string, limit: number): string {
  return and(cmp(over(tier.longWindow), '>', limit), cmp(over(tier.shortWindow), '>', limit));
}

/**
 * The same condition on measured values (`value(w)`: the error ratio or burn rate over `w`, null or
 * undefined without a sample): true when both windows exceed `limit`; false when one of them does not
 * (NaN included, as PromQL's `>` drops it), whatever the other; null when a window has no value and the
 * other does not rule the tier out (no data, so no verdict).
 */
export function burnConditionHolds(tier: BurnRateTier, value: (w: SloWindow) => number | null | undefined, limit: number): boolean | null {
  const long = value(tier.longWindow) ?? null;
  const short = value(tier.shortWindow) ?? null;
  if ((long !== null && !(long > limit)) || (short !== null && !(short > limit))) return false;
  return long !== null && short !== null ? true : null;
}
