import type { GateConfig, GateConfigInput } from './types';
import { validateGateConfig } from './validate';

/** The default gate as written in config/default-gate.yaml (a test keeps the two equal); tuned with bench/canary.ts. */
export const DEFAULT_GATE_CONFIG_INPUT: GateConfigInput = deepFreeze({
  schemaVersion: 1,
  name: 'default',
  onNoData: 'hold',
  thresholds: { pass: 95, marginal: 75 },
  defaults: { minSamples: 8, confidenceLevel: 0.95 },
  intervals: { promoteAfter: 3, rollbackAfterCriticalFailures: 1, rollbackAfterFailedIntervals: 2 },
  early: { minSamples: 2, alpha: 0.001 },
  minRequestsPerInterval: 50,
  metrics: [
    {
      name: 'error_ratio',
      description: 'Share of requests answered 5xx',
      unit: 'ratio',
      query: 'errorRatio',
      direction: 'increase',
      critical: true,
      weight: 3,
      confidenceLevel: 0.92,
      tolerance: { relative: 0.2, absolute: 0.004 },
      guard: { max: 0.05, statistic: 'median' },
    },
    {
      name: 'latency_p99_seconds',
      description: '99th percentile of request duration',
      unit: 's',
      query: 'latencyP99',
      direction: 'increase',
      weight: 2,
      confidenceLevel: 0.99,
      tolerance: { relative: 0.02, absolute: 0.002 },
      guard: { max: 2, statistic: 'median' },
    },
    {
      name: 'latency_p50_seconds',
      description: 'Median request duration',
      unit: 's',
      query: 'latencyP50',
      direction: 'increase',
      weight: 2,
      confidenceLevel: 0.99,
      tolerance: { relative: 0.1, absolute: 0.005 },
    },
  ],
});

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The default gate, validated, with defaults filled in (frozen). */
export const DEFAULT_GATE_CONFIG: GateConfig = deepFreeze(validateGateConfig(DEFAULT_GATE_CONFIG_INPUT));
