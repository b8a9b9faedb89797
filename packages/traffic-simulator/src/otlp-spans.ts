import type { Gateway } from '@api-observatory/telemetry-contract';
import { apiKeyFor, claimsOf, cookieFor, jwtFor, leakedEmail } from './credentials';
import { KONG_VERSION } from './kong-exposition';
import { hash32 } from './prng';
import { GATEWAY_RESOURCE_SERVICE_NAME, SPAN_KEYS, SPAN_KIND_CLIENT, SPAN_KIND_SERVER, STATUS_CODE_ERROR, STATUS_CODE_UNSET } from './span-keys';
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

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(Math.trunc(v)) } });
const dbl = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });

const MS = 1_000_000n;

function query(r: SimRequest, leak: boolean): string {
  const params: string[] = [];
  if (leak) params.push(`apikey=${apiKeyFor(r.consumer)}`);
  if (r.method === 'GET' && !/\{/.test(r.route.uriTemplate)) params.push(`page=${1 + (r.seq % 5)}`);
  return params.length > 0 ? `?${params.join('&')}` : '';
}

function userAgent(r: SimRequest): string {
  return `${r.consumer.name}-client/1.${hash32(r.consumer.name) % 10}`;
}

/** Business attributes both gateways' enrichment snippets add (keys differ per gateway). */
function enrichment(g: Gateway, r: SimRequest, leak: boolean): KeyValue[] {
  const k = SPAN_KEYS[g];
  const claims = claimsOf(r.consumer);
  const out = [str(k.consumer, r.consumer.name), str(k.jwtSub, claims.sub)];
  if (claims.azp !== undefined) out.push(str(k.jwtAzp, claims.azp));
  out.push(str(k.jwtPlan, claims.plan));
  if (leak) out.push(str(k.email, leakedEmail(r.consumer)));
  return out;
}

/** Kong 3.x: root span `kong` (SERVER) and, for proxied requests, `kong.balancer` (CLIENT). */
export function kongSpans(t: TimedRequest, o: SpanOptions): OtlpSpan[] {
  const r = t.request;
  const k = SPAN_KEYS.kong;
  const start = t.startUnixNano;
  const end = start + BigInt(r.requestMs) * MS + BigInt(r.seq % 997) * 1000n;
  const attrs: KeyValue[] = [
    str('http.method', r.method),
    str(k.url, `https://${PUBLIC_HOST}${r.path}${query(r, o.leakCredentials)}`),
    str('http.host', PUBLIC_HOST),
    str('http.scheme', 'https'),
    str('http.flavor', '1.1'),
    str('http.client_ip', r.clientIp),
    str('net.peer.ip', '10.0.0.5'),
    str('kong.request.id', r.requestId),
    int(k.statusCode, r.status),
    str('http.route', r.route.kongPath),
    // pre-function enrichment (header_filter phase)
    str(k.service, r.service),
    str(k.routeName, r.route.name),
    ...enrichment('kong', r, o.leakCredentials),
    str(k.country, r.country),
  ];
  if (o.leakCredentials) {
    attrs.push(str(k.authorization, `Bearer ${jwtFor(r.consumer)}`), str(k.cookie, cookieFor(r.consumer)));
  }
  const spans: OtlpSpan[] = [
    { traceId: r.traceId, spanId: r.spanId, parentSpanId: '', name: 'kong', kind: SPAN_KIND_SERVER, startTimeUnixNano: String(start), endTimeUnixNano: String(end), attributes: attrs },
  ];
  if (o.childSpans && r.upstreamMs !== undefined) {
    const bStart = start + BigInt(Math.round(r.gatewayMs * 700)) * 1000n;
    const bEnd = bStart + BigInt(r.upstreamMs) * MS;
    const failedTry = r.status === 502 || r.status === 504;
    const battrs = [dbl('try_count', 1), str('net.peer.ip', r.nodeIp), dbl('net.peer.port', 8080), str('net.peer.name', `${r.service}.svc`)];
    const child: OtlpSpan = {
      traceId: r.traceId,
      spanId: r.upstreamSpanId,
      parentSpanId: r.spanId,
      name: 'kong.balancer',
      kind: SPAN_KIND_CLIENT,
      startTimeUnixNano: String(bStart),
      endTimeUnixNano: String(bEnd),
      attributes: failedTry ? [...battrs, int('http.status_code', r.status)] : battrs,
    };
    if (failedTry) child.status = { code: STATUS_CODE_ERROR };
    spans.push(child);
  }
  return spans;
}

/** Stable APISIX route / service ids (APISIX ids are strings; the simulator derives them from names). */
export function apisixId(name: string): string {
  return String(hash32(`id|${name}`) % 1_000_000).padStart(6, '0');
}

/** APISIX 3.x opentelemetry plugin: one SERVER span named `<METHOD> <matched uri>`. */
export function apisixSpans(t: TimedRequest, o: SpanOptions): OtlpSpan[] {
  const r = t.request;
  const k = SPAN_KEYS.apisix;
  const start = t.startUnixNano;
  const end = start + BigInt(r.requestMs) * MS + BigInt(r.seq % 997) * 1000n;
  const attrs: KeyValue[] = [
    str('net.host.name', PUBLIC_HOST),
    str('http.method', r.method),
    str('http.scheme', 'https'),
    str(k.url, `${r.path}${query(r, o.leakCredentials)}`),
    str('http.user_agent', userAgent(r)),
    str('apisix.route_id', apisixId(r.route.name)),
    str(k.routeName, r.route.name),
    str('http.route', r.route.matchedUri),
    str('apisix.service_id', apisixId(r.service)),
    str(k.service, r.service),
    // additional_attributes: ["http_x_client_country"]
    str(k.country, r.country),
  ];
  if (o.leakCredentials) {
    // additional_header_prefix_attributes: ["authorization", "cookie"]
    attrs.push(str(k.authorization, `Bearer ${jwtFor(r.consumer)}`), str(k.cookie, cookieFor(r.consumer)));
  }
  // serverless-post-function enrichment (access phase)
  attrs.push(...enrichment('apisix', r, o.leakCredentials));
  const span: OtlpSpan = {
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: '',
    name: `${r.method} ${r.route.matchedUri}`,
    kind: SPAN_KIND_SERVER,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: attrs,
    status: { code: STATUS_CODE_UNSET },
  };
  // The plugin records the upstream status; responses APISIX produced itself have none.
  if (!r.gatewayGenerated) {
    attrs.push(int('http.status_code', r.status), int('http.response.status_code', r.status));
    if (r.status >= 500) span.status = { code: STATUS_CODE_ERROR, message: `upstream response status: ${r.status}` };
  }
  return [span];
}

export interface ResourceIdentity {
  kongNodeId: string;
  apisixHostname: string;
}

function resourceSpans(gateway: Gateway, spans: OtlpSpan[], id: ResourceIdentity): ResourceSpans {
  if (gateway === 'kong') {
    return {
      resource: {
        attributes: [str('service.name', GATEWAY_RESOURCE_SERVICE_NAME.kong), str('service.instance.id', id.kongNodeId), str('service.version', KONG_VERSION)],
      },
      scopeSpans: [{ scope: { name: 'kong-internal', version: '0.1.0' }, spans }],
    };
  }
  return {
    resource: { attributes: [str('hostname', id.apisixHostname), str('service.name', GATEWAY_RESOURCE_SERVICE_NAME.apisix)] },
    scopeSpans: [{ scope: { name: 'opentelemetry-lua' }, spans }],
  };
}

/** One ExportTraceServiceRequest for a batch of requests (one resourceSpans per gateway present). */
export function buildTraceExport(batch: readonly TimedRequest[], o: SpanOptions, id: ResourceIdentity): ExportTraceServiceRequest {
  const byGateway = new Map<Gateway, OtlpSpan[]>();
  for (const t of batch) {
    const g = t.request.gateway;
    const spans = g === 'kong' ? kongSpans(t, o) : apisixSpans(t, o);
    const list = byGateway.get(g) ?? [];
    list.push(...spans);
    byGateway.set(g, list);
  }
  return { resourceSpans: [...byGateway].map(([g, spans]) => resourceSpans(g, spans, id)) };
}

export function countSpans(req: ExportTraceServiceRequest): number {
  let n = 0;
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
