import type { GateConfig, GateConfigInput } from './types';
import { validateGateConfig } from './validate';

/** The default gate as written in config/default-gate.yaml (a test keeps the two equal). */
export const DEFAULT_GATE_CONFIG_INPUT: GateConfigInput = deepFreeze({
  schemaVersion: 1,
  name: 'default',
  onNoData: 'hold',
  thresholds: { pass: 95, marginal: 75 },
  defaults: { minSamples: 8, confidenceLevel: 0.95 },
  intervals: { promoteAfter: 3, rollbackAfterCriticalFailures: 2, rollbackAfterFailedIntervals: 2 },
  metrics: [
    {
      name: 'error_ratio',
      description: 'Share of requests answered 5xx',
      unit: 'ratio',
      direction: 'increase',
      critical: true,
      weight: 3,
      tolerance: { relative: 0.2, absolute: 0.002 },
      guard: { max: 0.05, statistic: 'median' },
    },
    {
      name: 'latency_p99_seconds',
      description: '99th percentile of request duration',
      unit: 's',
      direction: 'increase',
      weight: 2,
      tolerance: { relative: 0.2, absolute: 0.025 },
      guard: { max: 2, statistic: 'median' },
    },
    {
      name: 'latency_p50_seconds',
      description: 'Median request duration',
      unit: 's',
      direction: 'increase',
      weight: 1,
      tolerance: { relative: 0.15, absolute: 0.01 },
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
