/*
 * OpenTelemetry for the backend, Backstage's instrumentation-file convention: loaded before the backend
 * (`node --import ./src/instrumentation.ts src/index.ts`, see scripts/serve.sh) so that the spans the
 * plugins make through @opentelemetry/api (governance transitions, observability summaries, Backstage's
 * own) are exported. Only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set:
 * the Node SDK then sends traces over OTLP/HTTP there, e.g. to the collector's
 * http://127.0.0.1:4318 (the exporter appends /v1/traces). Without it nothing is started and the
 * plugins' spans are no-ops. Service name: OTEL_SERVICE_NAME, default `backstage`; metrics and logs are
 * not exported (the SDK's standard OTEL_* variables configure the rest).
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'backstage',
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [],
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
