/**
 * Spans around governance changes, through the OpenTelemetry API only (Backstage's convention: the
 * backend's instrumentation file registers the SDK and exporter; without one these spans are no-ops).
 * Attributes name the entity, the action, the actor's entity ref (never a token) and the decision.
 */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ENTITY_REF_SPAN_ATTRIBUTE } from '@api-observatory/backstage-plugin-api-observability-common';

const tracer = trace.getTracer('api-governance');

export const SPAN_ATTRIBUTES = {
  entityRef: ENTITY_REF_SPAN_ATTRIBUTE,
  /** create | approve | reject | cancel | promote | rollback | deprecate */
  action: 'api_governance.action',
  /** The actor's user entity ref, or `service:<subject>`. */
  actor: 'api_governance.actor',
  /** `allow` (committed), `replay` (an Idempotency-Key's stored answer) or the refusal's code, e.g. SELF_APPROVAL. */
  decision: 'api_governance.decision',
  requestId: 'api_governance.request_id',
  fromEnvironment: 'api_governance.from_environment',
  toEnvironment: 'api_governance.to_environment',
  /** The request's state after the change. */
  state: 'api_governance.state',
  overridden: 'api_governance.overridden',
  policyEngine: 'api_governance.policy.engine',
  policyDecisionId: 'api_governance.policy.decision_id',
} as const;

/**
 * Runs `fn` in an active span `api-governance.<action>`. A thrown error with a `code` (a refusal) sets
 * the decision to that code and `error.type`; the span's status is ERROR only for server-side failures
 * (5xx or an error without a status), as for HTTP server spans.
 */
export function traced<T>(action: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(`api-governance.${action}`, { attributes: { [SPAN_ATTRIBUTES.action]: action, ...attributes } }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      const err = e as { code?: unknown; statusCode?: unknown; name?: string; message?: string };
      const code = typeof err?.code === 'string' ? err.code : err?.name ?? 'Error';
      span.setAttributes({ [SPAN_ATTRIBUTES.decision]: code, 'error.type': code });
      const status = typeof err?.statusCode === 'number' ? err.statusCode : STATUS_OF_NAME[err?.name ?? ''];
      if (status === undefined || status >= 500) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err?.message });
      }
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Statuses of @backstage/errors classes without a statusCode (the error middleware's mapping). */
const STATUS_OF_NAME: Record<string, number> = {
  InputError: 400, AuthenticationError: 401, NotAllowedError: 403, NotFoundError: 404, ConflictError: 409, ServiceUnavailableError: 503,
};
