import type { Plan } from '../index';

/**
 * Business settings of the product panels (not telemetry names). SLA objectives per plan: the share
 * of span-derived calls that must not be answered 5xx, judged on 5-minute windows. Adjust to your
 * commercial terms and regenerate.
 */
export const PLAN_SLA_OBJECTIVES: Readonly<Record<Plan, number>> = {
  free: 0.99,
  pro: 0.995,
  enterprise: 0.999,
};

/** Window each SLA evaluation uses and the spacing of evaluations within the dashboard range. */
export const SLA_WINDOW = '5m';
export const SLA_RESOLUTION = '5m';

/** Week-over-week comparison offset. */
export const WOW_OFFSET = '1w';

/** Rows in "top" tables and charts. */
export const TOP_K = 10;

/**
 * Span-latency exemplars come from the raw span histogram (recorded series carry none). The exemplar
 * target reads only the buckets at and above this bound (a bound of the contract's span buckets): its
 * cost is the number of raw series it selects, and the full 2xx histogram alone is over the 50 ms panel
 * budget at ≥100k series. Calls faster than the bound below it (75 ms for 0.1 s) get no exemplar dot.
 */
export const EXEMPLAR_FROM_SECONDS = 0.1;
