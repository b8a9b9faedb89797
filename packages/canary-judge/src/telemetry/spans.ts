/**
 * The canary gate's own spans, through the OpenTelemetry API only: a span per evaluation (discovery,
 * the Prometheus queries as child spans, the decision) with the API it judged in the contract's
 * attributes (`api`, `api_version`, `deployment_role`, `baseline_version`), which the Backstage trace view
 * links to the API entity. Without a registered tracer provider (telemetry/sdk.ts, or an embedding
 * program's) every call is a no-op. Never a credential: the Prometheus URL is reduced to host and port.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { LABELS, type RangeSeries, type Sample } from '@api-observatory/telemetry-contract';
import type { InstantQueryClient } from '../discovery';
import type { RangeQueryClient } from '../prometheus/source';
import type { EvaluationReport } from '../report';
import type { EvaluateRequest, ResolvedEvaluateRequest } from '../service';

export const TRACER_NAME = '@api-observatory/canary-judge';

const tracer = () => trace.getTracer(TRACER_NAME);

/** Contract attributes of the canary a request names (versions once known). */
function canaryAttributes(r: Pick<EvaluateRequest, 'api' | 'canary' | 'baseline'>): Attributes {
  return {
    [LABELS.api.attribute]: r.api,
    ...(r.canary !== undefined ? { [LABELS.apiVersion.attribute]: r.canary, [LABELS.deploymentRole.attribute]: 'canary' } : {}),
    ...(r.baseline !== undefined ? { [LABELS.baselineVersion.attribute]: r.baseline } : {}),
  };
}

/** URL user info (`//user:password@`) removed: errors name the Prometheus URL they failed on. */
const redact = (text: string) => text.replace(/\/\/[^/@\s]*@/g, '//');

function failed(span: Span, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = redact(err.message);
  span.recordException({ name: err.name, message, ...(err.stack ? { stack: redact(err.stack) } : {}) });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs one evaluation (`via`: `evaluate`, `flagger rollout`, `cli evaluate`) in its span. `resolve`
 * finds the versions, `judge` evaluates; the span gets the versions and the decision.
 */
export function evaluationSpan(
  via: string,
  request: EvaluateRequest,
  resolve: () => Promise<ResolvedEvaluateRequest>,
  judge: (resolved: ResolvedEvaluateRequest) => Promise<EvaluationReport>,
): Promise<{ resolved: ResolvedEvaluateRequest; report: EvaluationReport }> {
  const attributes: Attributes = { ...canaryAttributes(request), 'canary_gate.via': via, 'canary_gate.interval': request.interval, 'canary_gate.lookback': request.lookback };
  return tracer().startActiveSpan('canary-gate evaluate', { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      const resolved = await resolve();
      span.setAttributes({ ...canaryAttributes(resolved), 'canary_gate.discovered': request.canary === undefined || request.baseline === undefined });
      const report = await judge(resolved);
      span.setAttributes({
        [LABELS.decision.attribute]: report.decision,
        'canary_gate.gate': report.gate,
        'canary_gate.score': report.verdict.score,
      });
      return { resolved, report };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // Nothing to judge (no canary, no baseline) is an answer, not a failure of the gate.
      if (code === 'no_canary' || code === 'no_baseline') span.setAttribute('canary_gate.outcome', code);
      else failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Host and port of a URL, never its user info, path or query. */
function serverAttributes(url: string): Attributes {
  const u = new URL(url);
  return { 'server.address': u.hostname, 'server.port': Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
}

function querySpan<T>(operation: 'query' | 'query_range', promql: string, server: Attributes, run: () => Promise<T>): Promise<T> {
  const attributes: Attributes = { 'db.system.name': 'prometheus', 'db.operation.name': operation, 'db.query.text': promql, ...server };
  return tracer().startActiveSpan(`prometheus ${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await run();
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/** A Prometheus client whose instant and range queries are child spans of the evaluation. */
export function tracedPrometheus<C extends InstantQueryClient & RangeQueryClient>(client: C, url: string): InstantQueryClient & RangeQueryClient {
  const server = serverAttributes(url);
  return {
    query: (promql: string, time?: Date | number): Promise<Sample[]> => querySpan('query', promql, server, () => client.query(promql, time)),
    queryRange: (promql: string, start: Date | number, end: Date | number, stepSeconds: number): Promise<RangeSeries[]> =>
      querySpan('query_range', promql, server, () => client.queryRange(promql, start, end, stepSeconds)),
  };
}
