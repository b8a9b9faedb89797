import { KONG_UPSTREAM_LATENCY_BUCKETS_MS } from './buckets';
import { cookieFor, jwtFor } from '../credentials';
import { dbl, enrichment, int, MS, PUBLIC_HOST, query, spanEnd, str, type KeyValue, type OtlpSpan, type SpanOptions, type TimedRequest } from '../otlp-spans';
import { CounterVec, GaugeVec, HistogramVec, Registry } from '../prom-registry';
import { SPAN_KIND_CLIENT, SPAN_KIND_SERVER, STATUS_CODE_ERROR, type GatewaySpanKeys } from '../span-keys';
import { authenticated, type SimRequest } from '../traffic';
import type { GatewayExposition, GatewayProfile, ResourceIdentity } from './types';

/** Resource `service.name` of Kong's OpenTelemetry plugin. */
export const KONG_SERVICE_NAME = 'kong';

/** Span attribute keys of Kong's OpenTelemetry plugin and the pack's pre-function enrichment. */
export const KONG_SPAN_KEYS: GatewaySpanKeys = {
  service: 'kong.service.name',
  routeName: 'kong.route.name',
  consumer: 'kong.consumer.username',
  method: 'http.method',
  statusCode: 'http.status_code',
  country: 'http.request.header.x_client_country',
  jwtIss: 'jwt.iss',
  jwtSub: 'jwt.sub',
  jwtAzp: 'jwt.azp',
  jwtTenant: 'jwt.tenant',
  jwtPlan: 'jwt.plan',
  url: 'http.url',
  authorization: 'http.request.header.authorization',
  cookie: 'http.request.header.cookie',
  email: 'enduser.id',
};

/**
 * Kong Gateway 3.x: the prometheus plugin (`kong/plugins/prometheus/exporter.lua`) with `per_consumer`,
 * `status_code_metrics`, `latency_metrics` and `bandwidth_metrics` on, and the opentelemetry plugin's
 * spans plus the pack's pre-function enrichment. What differs between 3.x versions is a parameter.
 */
export interface Kong3Options {
  version: string;
  release: string;
  /** 3.7+ labels every traffic series with the workspace. */
  workspaceLabel: boolean;
  /** `KONG_LATENCY_BUCKETS` of kong_kong_latency_ms (3.9 added 3000 and 6000). */
  kongLatencyBucketsMs: readonly number[];
}

export const KONG_WORKSPACE = 'default';

export class KongExposition implements GatewayExposition {
  private readonly registry = new Registry();
  private readonly ws: string[];
  readonly requests: CounterVec;
  readonly kongLatency: HistogramVec;
  readonly upstreamLatency: HistogramVec;
  readonly requestLatency: HistogramVec;
  readonly bandwidth: CounterVec;
  private readonly nginxRequests: GaugeVec;
  private total = 0;

  constructor(readonly nodeId: string, o: Kong3Options) {
    const ws = o.workspaceLabel ? ['workspace'] : [];
    this.ws = o.workspaceLabel ? [KONG_WORKSPACE] : [];
    const r = this.registry;
    this.requests = r.register(new CounterVec('kong_http_requests_total', 'HTTP status codes per consumer/service/route in Kong', ['service', 'route', 'code', 'source', ...ws, 'consumer']));
    this.kongLatency = r.register(new HistogramVec('kong_kong_latency_ms', 'Latency added by Kong and enabled plugins for each service/route in Kong', ['service', 'route', ...ws], o.kongLatencyBucketsMs));
    this.upstreamLatency = r.register(new HistogramVec('kong_upstream_latency_ms', 'Latency added by upstream response for each service/route in Kong', ['service', 'route', ...ws], KONG_UPSTREAM_LATENCY_BUCKETS_MS));
    this.requestLatency = r.register(new HistogramVec('kong_request_latency_ms', 'Total latency incurred during requests for each service/route in Kong', ['service', 'route', ...ws], KONG_UPSTREAM_LATENCY_BUCKETS_MS));
    this.bandwidth = r.register(new CounterVec('kong_bandwidth_bytes', 'Total bandwidth (ingress/egress) throughput in bytes', ['service', 'route', 'direction', ...ws, 'consumer']));
    r.register(new GaugeVec('kong_datastore_reachable', 'Datastore reachable from Kong, 0 is unreachable', [])).set([], 1);
    r.register(new CounterVec('kong_nginx_metric_errors_total', 'Number of nginx-lua-prometheus errors', [])).inc([], 0);
    r.register(new GaugeVec('kong_node_info', 'Kong Node metadata information', ['node_id', 'version'])).set([nodeId, o.release], 1);
    this.nginxRequests = r.register(new GaugeVec('kong_nginx_requests_total', 'Number of requests total', ['node_id', 'subsystem']));
  }

  record(r: SimRequest): void {
    const svc = r.service;
    const route = r.route.name;
    const consumer = kong3MetricConsumer(r);
    this.requests.inc([svc, route, String(r.status), r.gatewayGenerated ? 'kong' : 'service', ...this.ws, consumer]);
    const lat = [svc, route, ...this.ws];
    this.requestLatency.observe(lat, r.requestMs);
    if (r.upstreamMs !== undefined) this.upstreamLatency.observe(lat, r.upstreamMs);
    this.kongLatency.observe(lat, r.gatewayMs);
    if (r.ingressBytes > 0) this.bandwidth.inc([svc, route, 'ingress', ...this.ws, consumer], r.ingressBytes);
    if (r.egressBytes > 0) this.bandwidth.inc([svc, route, 'egress', ...this.ws, consumer], r.egressBytes);
    this.total++;
  }

  render(): string {
    this.nginxRequests.set([this.nodeId, 'http'], this.total);
    return this.registry.render();
  }
}

/** `per_consumer`: the consumer's username once authenticated, else "" (exporter.lua `log()`). */
function kong3MetricConsumer(r: SimRequest): string {
  return authenticated(r) ? r.consumer.name : '';
}

/**
 * Root span `kong` (SERVER) and, for proxied requests, `kong.balancer` (CLIENT). The pre-function runs
 * in header_filter for every request, but a request the authentication plugin rejected has no consumer
 * and no verified token, so its span has no consumer and no claims.
 */
export function kongSpans(t: TimedRequest, o: SpanOptions): OtlpSpan[] {
  const r = t.request;
  const k = KONG_SPAN_KEYS;
  const start = t.startUnixNano;
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
    str('http.route', r.route.basePath),
    // pre-function enrichment (header_filter phase)
    str(k.service, r.service),
    str(k.routeName, r.route.name),
    ...(authenticated(r) ? enrichment(k, r, o.leakCredentials) : []),
    str(k.country, r.country),
  ];
  if (o.leakCredentials) {
    attrs.push(str(k.authorization, `Bearer ${jwtFor(r.consumer)}`), str(k.cookie, cookieFor(r.consumer)));
  }
  const spans: OtlpSpan[] = [
    { traceId: r.traceId, spanId: r.spanId, parentSpanId: '', name: 'kong', kind: SPAN_KIND_SERVER, startTimeUnixNano: String(start), endTimeUnixNano: String(spanEnd(t)), attributes: attrs },
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

export function kong3Profile(o: Kong3Options): GatewayProfile {
  return {
    gateway: 'kong',
    version: o.version,
    release: o.release,
    metricsPath: '/metrics',
    serviceName: KONG_SERVICE_NAME,
    spanKeys: KONG_SPAN_KEYS,
    exposition: (id: ResourceIdentity) => new KongExposition(id.kongNodeId, o),
    otelPlugin: true,
    spans: kongSpans,
    resource: (id) => ({
      attributes: [str('service.name', KONG_SERVICE_NAME), str('service.instance.id', id.kongNodeId), str('service.version', o.release)],
      scope: { name: 'kong-internal', version: '0.1.0' },
    }),
    metricConsumer: kong3MetricConsumer,
    spanIdentity: (r) => (authenticated(r) ? 'consumer' : 'none'),
    latencyBucketsMs: { requestDuration: KONG_UPSTREAM_LATENCY_BUCKETS_MS, upstreamDuration: KONG_UPSTREAM_LATENCY_BUCKETS_MS, gatewayDuration: o.kongLatencyBucketsMs },
  };
}
