/**
 * Spans around the summaries the plugin builds, through the OpenTelemetry API only (Backstage's
 * convention: the backend's instrumentation file registers the SDK and exporter; without one these
 * spans are no-ops).
 */
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { ENTITY_REF_SPAN_ATTRIBUTE } from '@api-observatory/backstage-plugin-api-observability-common';

const tracer = trace.getTracer('api-observability');

export const SPAN_ATTRIBUTES = {
  entityRef: ENTITY_REF_SPAN_ATTRIBUTE,
  /** The API's name in the telemetry (the entity's api-name annotation). */
  api: 'api_observability.api',
  /** The gateway annotation as the entity has it. */
  gateway: 'api_observability.gateway',
  range: 'api_observability.range',
  /** `hit`: answered from the cache, no query ran; `miss`: built from Prometheus. */
  cache: 'api_observability.cache',
} as const;

const CLIENT_ERRORS = new Set(['InputError', 'AuthenticationError', 'NotAllowedError', 'NotFoundError']);

/** Runs `fn` in an active span `api-observability.<name>`; a thrown error sets `error.type`. */
export function traced<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(`api-observability.${name}`, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      const err = e as { code?: unknown; statusCode?: unknown; name?: string; message?: string };
      span.setAttribute('error.type', typeof err?.code === 'string' ? err.code : err?.name ?? 'Error');
      // As for HTTP server spans, only server-side failures are errors (not a bad range or an unknown entity).
      const status = typeof err?.statusCode === 'number' ? err.statusCode : CLIENT_ERRORS.has(err?.name ?? '') ? 400 : 500;
      if (status >= 500) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err?.message });
      }
      throw e;
    } finally {
      span.end();
    }
  });
}
