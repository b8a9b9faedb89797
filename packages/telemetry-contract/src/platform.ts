/**
 * Series of the platform's own components (collector self-telemetry, Prometheus, gateways' health,
 * OPA, Keycloak) that dashboards and alerts read. Their names are defined by those projects; listing
 * them here keeps them in one place and lets the PromQL builders check them like contract series.
 */
export interface PlatformMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  description: string;
  /** Labels the pack's queries use on this series. */
  labels: readonly string[];
  /** OTel name, for series the collector's own pipelines or the pack's own code write (dots become underscores in Prometheus). */
  otelName?: string;
  /** OTel unit, for series the pack's own code writes (a braced annotation such as {event} adds no suffix). */
  unit?: string;
}

/*
 * Collector self-telemetry names are as the collector 0.161 exposes them (counters without `_total`: it
 * keeps its OpenCensus-era names); the pipeline integration test checks them against a real collector.
 */
export const PLATFORM_METRICS = {
  up: { name: 'up', type: 'gauge', description: 'Prometheus scrape health per target (1 up, 0 down).', labels: ['job', 'instance'] },
  collectorAcceptedSpans: {
    name: 'otelcol_receiver_accepted_spans',
    type: 'counter',
    description: 'Spans the collector accepted, per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorAcceptedMetricPoints: {
    name: 'otelcol_receiver_accepted_metric_points',
    type: 'counter',
    description: 'Metric points the collector accepted, per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorRefusedSpans: {
    name: 'otelcol_receiver_refused_spans',
    type: 'counter',
    description: 'Spans the collector refused (e.g. memory limiter), per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorExporterSendFailedSpans: {
    name: 'otelcol_exporter_send_failed_spans',
    type: 'counter',
    description: 'Spans an exporter failed to send.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterQueueSize: {
    name: 'otelcol_exporter_queue_size',
    type: 'gauge',
    description: 'Items waiting in an exporter queue.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorRefusedMetricPoints: {
    name: 'otelcol_receiver_refused_metric_points',
    type: 'counter',
    description: 'Metric points the collector refused (e.g. memory limiter), per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorExporterSentSpans: {
    name: 'otelcol_exporter_sent_spans',
    type: 'counter',
    description: 'Spans an exporter sent successfully.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterSentMetricPoints: {
    name: 'otelcol_exporter_sent_metric_points',
    type: 'counter',
    description: 'Metric points an exporter sent successfully.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterSendFailedMetricPoints: {
    name: 'otelcol_exporter_send_failed_metric_points',
    type: 'counter',
    description: 'Metric points an exporter failed to send.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterEnqueueFailedSpans: {
    name: 'otelcol_exporter_enqueue_failed_spans',
    type: 'counter',
    description: 'Spans dropped because the exporter queue was full.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterEnqueueFailedMetricPoints: {
    name: 'otelcol_exporter_enqueue_failed_metric_points',
    type: 'counter',
    description: 'Metric points dropped because the exporter queue was full.',
    labels: ['job', 'instance', 'exporter'],
  },
  collectorExporterQueueCapacity: {
    name: 'otelcol_exporter_queue_capacity',
    type: 'gauge',
    description: 'Capacity of an exporter queue (same unit and labels as otelcol_exporter_queue_size).',
    labels: ['job', 'instance', 'exporter', 'data_type'],
  },
  /**
   * Written by the collector's gateway pipeline (collector/config.yaml), not by its self-telemetry: per
   * scrape, the number of samples of one gateway metric family the collector does not map onto the
   * contract and does not knowingly ignore (a gateway version whose output the pack does not know).
   */
  collectorUnmappedGatewaySamples: {
    name: 'apigw_collector_unmapped_samples',
    otelName: 'apigw.collector.unmapped_samples',
    type: 'gauge',
    description: 'Samples per scrape of a gateway metric the collector cannot map (by gateway and sample name).',
    labels: ['gateway', 'gateway_metric'],
  },
  /**
   * Written by the collector's Kafka tier (collector/tiers/kafka-lag.yaml: the contrib `kafkametrics`
   * receiver's `kafka.consumer_group.lag_sum`, unit set to {message} so that no `_ratio` suffix is added).
   */
  kafkaConsumerGroupLagSum: {
    name: 'kafka_consumer_group_lag_sum',
    otelName: 'kafka.consumer_group.lag_sum',
    type: 'gauge',
    description: 'Messages of a topic a consumer group has not consumed yet, summed over the topic’s partitions.',
    labels: ['group', 'topic'],
  },
  /** Written by the same receiver (`kafka.consumer_group.members`): members of a consumer group. */
  kafkaConsumerGroupMembers: {
    name: 'kafka_consumer_group_members',
    otelName: 'kafka.consumer_group.members',
    type: 'gauge',
    description: 'Members of a consumer group.',
    labels: ['group'],
  },
  /**
   * Written by the Backstage governance backend (api-governance-backend service/metrics.ts, an OTel
   * observable gauge) and scraped from the backend's Prometheus exporter (job `backstage`).
   */
  governanceOutboxBacklog: {
    name: 'api_governance_outbox_backlog',
    otelName: 'api_governance.outbox.backlog',
    unit: '{event}',
    type: 'gauge',
    description: 'Governance events recorded but not yet delivered, per destination (events: the EventsService; kafka: the broker).',
    labels: ['job', 'instance', 'destination'],
  },
  prometheusRuleEvaluationFailures: {
    name: 'prometheus_rule_evaluation_failures_total',
    type: 'counter',
    description: 'Rule evaluations that failed, per rule group (Prometheus self-telemetry).',
    labels: ['job', 'instance', 'rule_group'],
  },
  prometheusRuleGroupIterationsMissed: {
    name: 'prometheus_rule_group_iterations_missed_total',
    type: 'counter',
    description: 'Rule group evaluations skipped because the previous one was still running.',
    labels: ['job', 'instance', 'rule_group'],
  },
} as const satisfies Record<string, PlatformMetric>;

export type PlatformMetricKey = keyof typeof PLATFORM_METRICS;

/** Destinations of the governance outbox (the `destination` label of governanceOutboxBacklog). */
export const OUTBOX_DESTINATIONS = { events: 'events', kafka: 'kafka' } as const;
export const OUTBOX_DESTINATION_LABEL = 'destination';

/** Labels of platform series (not part of the normalized API schema). */
export const PLATFORM_LABELS: ReadonlySet<string> = new Set(
  Object.values(PLATFORM_METRICS as Record<string, PlatformMetric>).flatMap((m) => [...m.labels]),
);
