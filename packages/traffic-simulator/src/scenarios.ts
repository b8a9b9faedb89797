/** Canary scenarios: how the canary (and its baseline) of the canary API deviate from healthy. */
export const SCENARIOS = ['healthy', 'error-regression', 'latency-regression', 'low-traffic', 'no-data', 'noisy-baseline'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioSpec {
  name: ScenarioName;
  /** What `--scenario-param` means for this scenario, and its default. */
  param: { meaning: string; default: number } | undefined;
  description: string;
}

export const SCENARIO_SPECS: Record<ScenarioName, ScenarioSpec> = {
  healthy: { name: 'healthy', param: undefined, description: 'Canary behaves like its baseline.' },
  'error-regression': {
    name: 'error-regression',
    param: { meaning: 'percentage points of extra 5xx on the canary', default: 5 },
    description: 'Canary returns more server errors than its baseline.',
  },
  'latency-regression': {
    name: 'latency-regression',
    param: { meaning: 'percent increase of the canary upstream latency (every quantile, so p99 too)', default: 50 },
    description: 'Canary is slower than its baseline.',
  },
  'low-traffic': {
    name: 'low-traffic',
    param: { meaning: 'canary traffic share in percent of the canary API', default: 0.5 },
    description: 'Canary receives very little traffic; too few samples to judge.',
  },
  'no-data': { name: 'no-data', param: undefined, description: 'Canary receives no traffic at all (its share goes to stable).' },
  'noisy-baseline': {
    name: 'noisy-baseline',
    param: { meaning: 'factor applied to the baseline latency spread and error-rate jitter', default: 3 },
    description: 'Baseline is noisy (wide latency spread, bursty errors); canary is healthy.',
  },
};

export interface CanaryEffects {
  /** Added to the canary's server-error probability. */
  canaryExtraErrorRate: number;
  /** Multiplies the canary's upstream latency. */
  canaryLatencyFactor: number;
  /** Overrides the canary's traffic share (fraction of the canary API), when set. */
  canaryShareOverride: number | undefined;
  /** Multiplies the baseline's latency sigma; >1 also makes its error rate bursty. */
  baselineNoise: number;
}

export function scenarioEffects(name: ScenarioName, param: number | undefined): CanaryEffects {
  const p = param ?? SCENARIO_SPECS[name].param?.default ?? 0;
  const none: CanaryEffects = { canaryExtraErrorRate: 0, canaryLatencyFactor: 1, canaryShareOverride: undefined, baselineNoise: 1 };
  switch (name) {
    case 'healthy':
      return none;
    case 'error-regression':
      return { ...none, canaryExtraErrorRate: p / 100 };
    case 'latency-regression':
      return { ...none, canaryLatencyFactor: 1 + p / 100 };
    case 'low-traffic':
      return { ...none, canaryShareOverride: p / 100 };
    case 'no-data':
      return { ...none, canaryShareOverride: 0 };
    case 'noisy-baseline':
      return { ...none, baselineNoise: Math.max(1, p) };
  }
}

export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}
