import type { Gateway } from '@api-observatory/telemetry-contract';
import { apiKeyFor, claimsOf, leakedEmail } from './credentials';
import { hash32 } from './prng';
import type { GatewayProfile, ResourceIdentity } from './profiles/types';
import type { GatewaySpanKeys } from './span-keys';
import type { SimRequest } from './traffic';

/** OTLP/JSON (ExportTraceServiceRequest) shapes: ids as hex, times as unix-nano strings, int64 as strings. */
export type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  status?: { code: number; message?: string };
}
export interface ResourceSpans {
  resource: { attributes: KeyValue[] };
  scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
}
export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

export const PUBLIC_HOST = 'api.example.test';

export interface SpanOptions {
  /** Put credentials and PII where real gateways / snippets leak them (see GATEWAY-FORMATS.md §6). */
  leakCredentials: boolean;
  /** Emit Kong's `kong.balancer` child span for proxied requests. */
  childSpans: boolean;
}

export interface TimedRequest {
  request: SimRequest;
  /** Start of the request, unix nanoseconds. */
  startUnixNano: bigint;
}

export const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
export const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(Math.trunc(v)) } });
export const dbl = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });

export const MS = 1_000_000n;

/** Query string of the request URL (with the leaked API key when leaking is on). */
export function query(r: SimRequest, leak: boolean): string {
  const params: string[] = [];
  if (leak) params.push(`apikey=${apiKeyFor(r.consumer)}`);
  if (r.method === 'GET' && !/\{/.test(r.route.uriTemplate)) params.push(`page=${1 + (r.seq % 5)}`);
  return params.length > 0 ? `?${params.join('&')}` : '';
}

export function userAgent(r: SimRequest): string {
  return `${r.consumer.name}-client/1.${hash32(r.consumer.name) % 10}`;
}

/**
 * Business attributes the pack's enrichment snippet adds (GATEWAY-FORMATS.md §5): the consumer and its
 * JWT claims. Only for requests whose enrichment saw an authenticated consumer.
 */
export function enrichment(k: GatewaySpanKeys, r: SimRequest, leak: boolean): KeyValue[] {
  const claims = claimsOf(r.consumer);
  const out = [str(k.consumer, r.consumer.name)];
  // The verified token's claims, each only when the token has it (a string claim, as the snippet reads it).
  for (const [key, v] of [[k.jwtIss, claims.iss], [k.jwtSub, claims.sub], [k.jwtAzp, claims.azp], [k.jwtTenant, claims.tenant], [k.jwtPlan, claims.plan]] as const) {
    if (typeof v === 'string' && v !== '') out.push(str(key, v));
  }
  if (leak) out.push(str(k.email, leakedEmail(r.consumer)));
  return out;
}

/** End of a request's root span: start + request latency (+ a sub-millisecond tail, as real spans have). */
export function spanEnd(t: TimedRequest): bigint {
  return t.startUnixNano + BigInt(t.request.requestMs) * MS + BigInt(t.request.seq % 997) * 1000n;
}

/** One ExportTraceServiceRequest for a batch of requests (one resourceSpans per gateway present). */
export function buildTraceExport(
  batch: readonly TimedRequest[],
  o: SpanOptions,
  id: ResourceIdentity,
  profileOf: (g: Gateway) => GatewayProfile,
): ExportTraceServiceRequest {
  const byGateway = new Map<Gateway, OtlpSpan[]>();
  for (const t of batch) {
    const g = t.request.gateway;
    const spans = profileOf(g).spans(t, o);
    if (spans.length === 0) continue;
    const list = byGateway.get(g) ?? [];
    list.push(...spans);
    byGateway.set(g, list);
  }
  return {
    resourceSpans: [...byGateway].map(([g, spans]) => {
      const { attributes, scope } = profileOf(g).resource(id);
      return { resource: { attributes }, scopeSpans: [{ scope, spans }] };
    }),
  };
}

export function countSpans(req: ExportTraceServiceRequest): number {
  let n = 0;
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
