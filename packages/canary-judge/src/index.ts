export * from './config/types';
export { validateGateConfig } from './config/validate';
export { parseGateConfig, loadGateConfig } from './config/load';
export { DEFAULT_GATE_CONFIG, DEFAULT_GATE_CONFIG_INPUT } from './config/default';
export { ValidationError, type ValidationIssue } from './validation';
export * from './samples';
export * from './judge';
export * from './decision';
export * from './intervals';
export * from './event';
export * from './evaluate';
export { parseDuration, formatDuration } from './duration';
export { formatVerdict, formatIntervalJudgement } from './format';
export { mannWhitney, hodgesLehmann, pairwiseDifferences } from './stats/mann-whitney';
export type { MannWhitneyOptions, MannWhitneyResult, ShiftInterval, Alternative, TestMethod } from './stats/mann-whitney';
export { exactUPmf, exactUCdf, exactUSf, exactUQuantile } from './stats/exact-u';
export { rankWithTies } from './stats/ranks';
export { median, mean, quantile } from './stats/descriptive';
export { normalCdf, normalSf, normalQuantile } from './stats/normal';
export * from './query-names';
export * from './report';
export * from './service';
export { sideMatchers, gateQueryPromql, SIDES, type Side } from './prometheus/queries';
export {
  createPrometheusSource,
  planQueries,
  alignSeries,
  parsePromValue,
  type PrometheusSourceOptions,
  type RangeQueryClient,
  type PlannedQuery,
} from './prometheus/source';
export { CanaryGateMetrics, escapeExpositionLabel, METRICS_CONTENT_TYPE } from './server/metrics';
export { postRollbackEvent, type WebhookOptions, type WebhookResult } from './server/webhook';
export {
  createCanaryGateHandler,
  startCanaryGateServer,
  DEFAULT_MAX_BODY_BYTES,
  type CanaryGateServerOptions,
  type CanaryGateHandler,
  type StartOptions as CanaryGateStartOptions,
  type RunningCanaryGate,
} from './server/server';
