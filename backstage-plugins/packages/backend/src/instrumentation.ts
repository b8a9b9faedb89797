/*
 * OpenTelemetry for the backend, Backstage's instrumentation-file convention: loaded before the backend
 * (`node --import ./src/instrumentation.ts src/index.ts`, see scripts/serve.sh) so that the spans the
 * plugins make through @opentelemetry/api (governance transitions, observability summaries, Backstage's
 * own) are exported. Only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set:
 * the Node SDK then sends traces over OTLP/HTTP there, e.g. to the collector's
 * http://127.0.0.1:4318 (the exporter appends /v1/traces). Without it nothing is started and the
 * plugins' spans are no-ops. Metrics (the plugins' instruments, e.g. the governance outbox backlog) are
 * served for Prometheus to scrape, as Backstage's OpenTelemetry tutorial does, only when
 * OTEL_EXPORTER_PROMETHEUS_PORT is set (the exporter's standard variables: OTEL_EXPORTER_PROMETHEUS_HOST,
 * default 0.0.0.0, and the port; path /metrics). Service name: OTEL_SERVICE_NAME, default `backstage`;
 * logs are not exported (the SDK's standard OTEL_* variables configure the rest).
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

const traces = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
const metrics = Boolean(process.env.OTEL_EXPORTER_PROMETHEUS_PORT);
if (traces || metrics) {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'backstage',
    // An empty list: without it the SDK would pick exporters from OTEL_TRACES_EXPORTER's default (otlp).
    spanProcessors: traces ? undefined : [],
    traceExporter: traces ? new OTLPTraceExporter() : undefined,
    metricReaders: metrics ? [new PrometheusExporter()] : [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  // Flush the spans still batched when the backend is stopped.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      sdk.shutdown().catch(() => undefined);
    });
  }
}
