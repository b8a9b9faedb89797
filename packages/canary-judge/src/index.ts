// The package entry: everything the browser entry has, plus the Node-only parts (file loaders, rollback
// events hashed with node:crypto, the HTTP service and webhook) and the lower-level statistics.
export * from './browser';
export { loadGateConfig, loadSamplesDocument } from './files';
export * from './samples';
export * from './event';
export { pairwiseDifferences } from './stats/mann-whitney';
export { exactUPmf, exactUCdf, exactUSf, exactUQuantile } from './stats/exact-u';
export { rankWithTies } from './stats/ranks';
export { median, mean, quantile } from './stats/descriptive';
export { normalCdf, normalSf, normalQuantile } from './stats/normal';
export { histogramQuantile, sumHistograms, tailCounts, type BucketCounts, type TailCounts, type CountsAbove } from './stats/histogram';
export * from './report';
export * from './service';
export * from './client';
export { FLAGGER_HOOKS, flaggerRequest, type FlaggerHook, type FlaggerAnswer } from './server/flagger';
export { CanaryGateMetrics, METRICS_CONTENT_TYPE } from './server/metrics';
// The exposition escaping is the contract's (what prom-client writes); kept under this package's name.
export { escapeExpositionValue as escapeExpositionLabel } from '@api-observatory/telemetry-contract';
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
export * from './kafka-events';
export { KafkaEventPublisher, DEFAULT_KAFKA_TOPIC, DEFAULT_KAFKA_PARTITIONS, KAFKA_BROKERS_ENV, parseBrokers, type KafkaPublisherOptions } from './server/kafka';
