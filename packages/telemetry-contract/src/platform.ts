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
}

export const PLATFORM_METRICS = {
  up: { name: 'up', type: 'gauge', description: 'Prometheus scrape health per target (1 up, 0 down).', labels: ['job', 'instance'] },
  collectorAcceptedSpans: {
    name: 'otelcol_receiver_accepted_spans_total',
    type: 'counter',
    description: 'Spans the collector accepted, per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorRefusedSpans: {
    name: 'otelcol_receiver_refused_spans_total',
    type: 'counter',
    description: 'Spans the collector refused (e.g. memory limiter), per receiver.',
    labels: ['job', 'instance', 'receiver', 'transport'],
  },
  collectorExporterSendFailedSpans: {
    name: 'otelcol_exporter_send_failed_spans_total',
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
} as const satisfies Record<string, PlatformMetric>;

export type PlatformMetricKey = keyof typeof PLATFORM_METRICS;

/** Labels of platform series (not part of the normalized API schema). */
export const PLATFORM_LABELS: ReadonlySet<string> = new Set(
  Object.values(PLATFORM_METRICS as Record<string, PlatformMetric>).flatMap((m) => [...m.labels]),
);
