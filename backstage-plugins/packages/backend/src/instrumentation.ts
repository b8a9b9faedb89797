/*
 * OpenTelemetry for the backend, Backstage's instrumentation-file convention: loaded before the backend
 * (`node --import ./src/instrumentation.ts src/index.ts`, see scripts/serve.sh) so that the spans the
 * plugins make through @opentelemetry/api (governance transitions, observability summaries, Backstage's
 * own) are exported. Only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set:
 * the Node SDK then sends traces over OTLP/HTTP there, e.g. to the collector's
 * http://127.0.0.1:4318 (the exporter appends /v1/traces). Without it nothing is started and the
 * plugins' spans are no-ops. Metrics (the plugins' instruments, e.g. the governance outbox backlog) are
 * served for Prometheus to scrape, as Backstage's OpenTelemetry tutorial does, only when
 * OTEL_EXPORTER_PROMETHEUS_PORT is set (the specification's variables, which this exporter does not read
 * itself: OTEL_EXPORTER_PROMETHEUS_HOST, default localhost, and the port; path /metrics). Service name: OTEL_SERVICE_NAME, default `backstage`;
 * logs are not exported (the SDK's standard OTEL_* variables configure the rest).
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

const traces = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
const metricsPort = Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 0);
const metrics = metricsPort > 0;
if (traces || metrics) {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'backstage',
    // Metrics only: an empty list, else the SDK would pick a trace exporter from OTEL_TRACES_EXPORTER (default otlp).
    spanProcessors: traces ? undefined : [],
    traceExporter: traces ? new OTLPTraceExporter() : undefined,
    // No target_info series: it would publish the process' command line and host to every scraper.
    metricReaders: metrics ? [new PrometheusExporter({ host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || 'localhost', port: metricsPort, withoutTargetInfo: true })] : [],
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
