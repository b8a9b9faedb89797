/**
 * The browser entry (`@api-observatory/canary-judge/browser`): the pure judge, the live-evaluation
 * pipeline over a caller-supplied sample source, and gate-config parsing (YAML / JSON text) and
 * validation, canary discovery and the reading of an evaluation report, without the Node-only parts of the package entry (file loaders, the HTTP service and
 * webhook, rollback events hashed with node:crypto, the CLI). Same modules as the package entry, so
 * verdicts and validation messages are those of `canary-gate`.
 */
export * from './config/types';
export { validateGateConfig } from './config/validate';
export { parseGateConfig } from './config/load';
export { DEFAULT_GATE_CONFIG, DEFAULT_GATE_CONFIG_INPUT } from './config/default';
export { ValidationError, type ValidationIssue } from './validation';
export { cleanSample, type SampleValue, type MetricSamples, type SampleSet, type CleanSample } from './samples';
export * from './judge';
export * from './decision';
export * from './intervals';
export * from './evaluate';
export { parseDuration, formatDuration } from './duration';
export { formatVerdict, formatIntervalJudgement } from './format';
export { mannWhitney, hodgesLehmann } from './stats/mann-whitney';
export type { MannWhitneyOptions, MannWhitneyResult, ShiftInterval, Alternative, TestMethod } from './stats/mann-whitney';
export * from './query-names';
export * from './discovery';
export * from './outcome';
export { sideMatchers, gateQueryPromql, SIDES, type Side } from './prometheus/queries';
export {
  createPrometheusSource,
  planQueries,
  planBucketQueries,
  alignSeries,
  alignBuckets,
  parsePromValue,
  type PrometheusSourceOptions,
  type RangeQueryClient,
  type PlannedQuery,
  type PlannedBucketQuery,
} from './prometheus/source';
