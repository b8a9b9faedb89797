/** Gate configuration: what the judge checks per metric and how results become a decision. */
import type { GateQueryName } from '../query-names';

export type { GateQueryName } from '../query-names';

/** Which deviation of the canary from the baseline is bad. */
export type Direction = 'increase' | 'decrease' | 'either';

/** Summary of the canary sample that an absolute guard compares with its bounds. */
export type GuardStatistic = 'median' | 'mean' | 'max' | 'min' | 'last';

export type OnNoData = 'hold' | 'fail';

export interface Tolerance {
  /** Allowed shift relative to the baseline median, e.g. 0.1 = 10 %. */
  relative?: number;
  /** Allowed shift in the metric's own unit. */
  absolute?: number;
}

/** Absolute bounds on the canary, checked regardless of the baseline (like Flagger's thresholdRange). */
export interface Guard {
  /** The canary statistic must not exceed this. */
  max?: number;
  /** The canary statistic must not fall below this. */
  min?: number;
  /** Which summary of the canary sample is compared (default "median"). */
  statistic?: GuardStatistic;
}

export interface MetricConfig {
  /** Key of the metric in the samples, e.g. "error_ratio". Unique within a gate. */
  name: string;
  /** Free-text description for reports. */
  description?: string;
  /** Unit of the values, for reports only (guards and absolute tolerances are in this unit). */
  unit?: string;
  direction: Direction;
  /** A failing critical metric fails the whole gate. */
  critical: boolean;
  /** Weight in the score (> 0). */
  weight: number;
  /** Valid values needed on each side; fewer gives "nodata". */
  minSamples: number;
  /** Two-sided confidence level of the shift interval. */
  confidenceLevel: number;
  tolerance: Tolerance;
  guard?: Guard;
  /**
   * Named contract query that samples this metric from Prometheus (never PromQL). When absent, the
   * default for the metric's name is used (see DEFAULT_QUERY_BY_METRIC_NAME).
   */
  query?: GateQueryName;
}

export interface ScoreThresholds {
  /** Score at or above which the gate passes (0-100). */
  pass: number;
  /** Score at or above which the gate is marginal; below it fails (0-100, <= pass). */
  marginal: number;
}

/** Rules that turn a sequence of per-interval verdicts into one decision (see judgeIntervals). */
export interface IntervalRules {
  /** Promote after this many consecutive intervals whose own decision is promote. */
  promoteAfter: number;
  /** Roll back when the same critical metric fails in this many consecutive intervals. */
  rollbackAfterCriticalFailures: number;
  /** Roll back after this many consecutive intervals whose own decision is rollback. */
  rollbackAfterFailedIntervals: number;
}

/**
 * Early rollback: before a metric has minSamples values per side, it may already fail on overwhelming
 * evidence (never pass or promote). See judge.ts.
 */
export interface EarlyRules {
  /** Values per side (canary values for guards) from which guards and the early test act (integer >= 2). */
  minSamples: number;
  /**
   * One-sided probability, per metric and direction, that a canary equal to its baseline (beyond the
   * tolerance) is failed by the early test over all its looks; spread evenly over the looks. 0 turns
   * the early test off (guards still act from minSamples values).
   */
  alpha: number;
}

/** A validated gate configuration with every default filled in. */
export interface GateConfig {
  name: string;
  /** What missing data leads to: "hold" (decision continue) or "fail" (decision rollback). */
  onNoData: OnNoData;
  thresholds: ScoreThresholds;
  intervals: IntervalRules;
  early: EarlyRules;
  /**
   * Live evaluation: an interval in which a side (baseline or canary) served fewer requests than this
   * counts as missing for every metric of that side (0 turns the floor off). Ratios and quantiles of a
   * handful of requests are not samples.
   */
  minRequestsPerInterval: number;
  metrics: MetricConfig[];
}

/** Gate-wide defaults a metric inherits unless it sets its own value. */
export interface GateDefaultsInput {
  minSamples?: number;
  confidenceLevel?: number;
  weight?: number;
}

export interface MetricConfigInput {
  name: string;
  description?: string;
  unit?: string;
  direction: Direction;
  critical?: boolean;
  weight?: number;
  minSamples?: number;
  confidenceLevel?: number;
  tolerance?: Tolerance;
  guard?: Guard;
  query?: GateQueryName;
}

/** The shape of a gate file (YAML or JSON) before defaults are applied. */
export interface GateConfigInput {
  schemaVersion?: 1;
  name?: string;
  onNoData?: OnNoData;
  thresholds?: Partial<ScoreThresholds>;
  defaults?: GateDefaultsInput;
  intervals?: Partial<IntervalRules>;
  early?: Partial<EarlyRules>;
  minRequestsPerInterval?: number;
  metrics: MetricConfigInput[];
}

export interface MetricDefaults {
  critical: boolean;
  weight: number;
  minSamples: number;
  confidenceLevel: number;
}

export const CONFIG_DEFAULTS = {
  name: 'canary-gate',
  onNoData: 'hold' as OnNoData,
  thresholds: { pass: 95, marginal: 75 } satisfies ScoreThresholds,
  intervals: { promoteAfter: 3, rollbackAfterCriticalFailures: 2, rollbackAfterFailedIntervals: 2 } satisfies IntervalRules,
  early: { minSamples: 2, alpha: 0.001 } satisfies EarlyRules,
  minRequestsPerInterval: 50,
  metric: { critical: false, weight: 1, minSamples: 8, confidenceLevel: 0.95 } as MetricDefaults,
  guardStatistic: 'median' as GuardStatistic,
} as const;
