import type { Plan } from '@api-observatory/telemetry-contract';

/**
 * Business settings of the product dashboard (not telemetry names). SLA objectives per plan: the share
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
