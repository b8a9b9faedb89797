import { APISIX_LATENCY_BUCKETS_MS } from './buckets';
import { cookieFor, jwtFor } from '../credentials';
import { enrichment, int, PUBLIC_HOST, query, spanEnd, str, userAgent, type KeyValue, type OtlpSpan, type SpanOptions, type TimedRequest } from '../otlp-spans';
import { hash32 } from '../prng';
import { CounterVec, GaugeVec, HistogramVec, Registry } from '../prom-registry';
import { SPAN_KIND_SERVER, STATUS_CODE_ERROR, STATUS_CODE_UNSET, type GatewaySpanKeys } from '../span-keys';
import { authenticated, type SimRequest } from '../traffic';
import type { GatewayExposition, GatewayProfile, ResourceIdentity } from './types';

/** Resource `service.name` of APISIX's OpenTelemetry plugin. */
export const APISIX_SERVICE_NAME = 'APISIX';

/** Span attribute keys of APISIX's OpenTelemetry plugin and the pack's serverless-post-function enrichment. */
export const APISIX_SPAN_KEYS: GatewaySpanKeys = {
  service: 'apisix.service_name',
  routeName: 'apisix.route_name',
  consumer: 'apisix.consumer_name',
  method: 'http.method',
  statusCode: 'http.response.status_code',
  country: 'http_x_client_country',
  jwtIss: 'jwt.iss',
  jwtSub: 'jwt.sub',
  jwtAzp: 'jwt.azp',
  jwtTenant: 'jwt.tenant',
  jwtPlan: 'jwt.plan',
  url: 'http.target',
  authorization: 'authorization',
  cookie: 'cookie',
  email: 'enduser.id',
};

/** Stable APISIX route / service ids (APISIX ids are strings; the simulator derives them from names). */
export function apisixId(name: string): string {
  return String(hash32(`id|${name}`) % 1_000_000).padStart(6, '0');
}

/**
 * Apache APISIX 3.x: the prometheus plugin (`apisix/plugins/prometheus/exporter.lua`, `prefer_name: true`)
 * and the opentelemetry plugin (`apisix/plugins/opentelemetry.lua`) plus the pack's
 * serverless-post-function enrichment. What differs between 3.x versions is a parameter.
 */
export interface ApisixOptions {
  version: string;
  release: string;
  /** 3.14+ adds `request_type`, `request_llm_model`, `llm_model` to the traffic series. */
  llmLabels: boolean;
  /**
   * Where the span gets its status code: up to 3.15 only `http.status_code`, set in the body filter once
   * the last body chunk passed (a response without a body never gets one); 3.16 sets
   * `http.status_code` and `http.response.status_code` in the log phase. Either way from the upstream
   * status, so a response APISIX produced itself has none.
   */
  spanStatus: 'body-filter' | 'log-phase';
  /** 3.16 also writes the stable HTTP keys next to the old ones. */
  stableSemconv: boolean;
}

/** `request_type` of ordinary HTTP traffic (ngx_tpl.lua `set $request_type 'traditional_http'`). */
const TRADITIONAL_HTTP = 'traditional_http';

/**
 * Latencies as APISIX measures them (log-util.lua `latency_details_in_ms`): total from `ngx.now()`
 * differences times 1000, upstream from `$upstream_response_time` (seconds, millisecond resolution) times
 * 1000, APISIX = total − upstream floored at 0. Fractional milliseconds, with floating-point tails.
 */
export function apisixLatencies(r: SimRequest): { request: number; upstream: number | undefined; apisix: number } {
  const request = r.requestMs + (hash32(`frac|${r.requestId}`) % 1000) / 1000;
  const upstream = r.upstreamMs === undefined ? undefined : Number((r.upstreamMs / 1000).toFixed(3)) * 1000;
  return { request, upstream, apisix: Math.max(0, upstream === undefined ? request : request - upstream) };
}

export class ApisixExposition implements GatewayExposition {
  private readonly registry = new Registry();
  private readonly extra: string[];
  readonly status: CounterVec;
  readonly latency: HistogramVec;
  readonly bandwidth: CounterVec;
  private readonly nginxRequests: GaugeVec;
  private total = 0;

  constructor(readonly hostname: string, o: ApisixOptions) {
    const llm = o.llmLabels ? ['request_type', 'request_llm_model', 'llm_model'] : [];
    this.extra = o.llmLabels ? [TRADITIONAL_HTTP, '', ''] : [];
    const r = this.registry;
    this.status = r.register(new CounterVec('apisix_http_status', 'HTTP status codes per service in APISIX', ['code', 'route', 'matched_uri', 'matched_host', 'service', 'consumer', 'node', ...llm]));
    this.latency = r.register(
      new HistogramVec('apisix_http_latency', 'HTTP request latency in milliseconds per service in APISIX', ['type', 'route', 'service', 'consumer', 'node', ...llm], APISIX_LATENCY_BUCKETS_MS),
    );
    this.bandwidth = r.register(new CounterVec('apisix_bandwidth', 'Total bandwidth in bytes consumed per service in APISIX', ['type', 'route', 'service', 'consumer', 'node', ...llm]));
    r.register(new GaugeVec('apisix_etcd_reachable', 'Config server etcd reachable from APISIX, 0 is unreachable', [])).set([], 1);
    r.register(new GaugeVec('apisix_node_info', 'Info of APISIX node', ['hostname', 'version'])).set([hostname, o.release], 1);
    this.nginxRequests = r.register(new GaugeVec('apisix_http_requests_total', 'The total number of client requests since APISIX started', []));
  }

  record(r: SimRequest): void {
    const route = r.route.name;
    const node = r.gatewayGenerated ? '' : r.nodeIp;
    const consumer = apisixMetricConsumer(r);
    const x = this.extra;
    const lat = apisixLatencies(r);
    this.status.inc([String(r.status), route, r.route.matchedUri, '', r.service, consumer, node, ...x]);
    this.latency.observe(['request', route, r.service, consumer, node, ...x], lat.request);
    if (lat.upstream !== undefined) this.latency.observe(['upstream', route, r.service, consumer, node, ...x], lat.upstream);
    this.latency.observe(['apisix', route, r.service, consumer, node, ...x], lat.apisix);
    this.bandwidth.inc(['ingress', route, r.service, consumer, node, ...x], r.ingressBytes);
    this.bandwidth.inc(['egress', route, r.service, consumer, node, ...x], r.egressBytes);
    this.total++;
  }

  render(): string {
    this.nginxRequests.set([], this.total);
    return this.registry.render();
  }
}

/** `ctx.consumer_name or ""`: set by the auth plugin in the rewrite phase, so known unless it rejected the request. */
function apisixMetricConsumer(r: SimRequest): string {
  return authenticated(r) ? r.consumer.name : '';
}

/**
 * One SERVER span `<METHOD> <matched uri>`. The enrichment runs as a serverless-post-function in the access
 * phase after every other plugin, so a request an auth, consumer-restriction or rate-limit plugin rejected
 * (every gateway-generated response) never gets the consumer or claims.
 */
export function apisixSpans(o: ApisixOptions): (t: TimedRequest, so: SpanOptions) => OtlpSpan[] {
  return (t, so) => {
    const r = t.request;
    const k = APISIX_SPAN_KEYS;
    const attrs: KeyValue[] = [
      str('net.host.name', PUBLIC_HOST),
      str('http.method', r.method),
      str('http.scheme', 'https'),
      str(k.url, `${r.path}${query(r, so.leakCredentials)}`),
      str('http.user_agent', userAgent(r)),
    ];
    if (o.stableSemconv) {
      attrs.push(str('http.request.method', r.method), str('url.scheme', 'https'), str('url.path', r.path), str('user_agent.original', userAgent(r)));
    }
    attrs.push(
      str('apisix.route_id', apisixId(r.route.name)),
      str(k.routeName, r.route.name),
      str('http.route', r.route.matchedUri),
      str('apisix.service_id', apisixId(r.service)),
      str(k.service, r.service),
      // additional_attributes: ["http_x_client_country"]
      str(k.country, r.country),
    );
    if (so.leakCredentials) {
      // additional_header_prefix_attributes: ["authorization", "cookie"]
      attrs.push(str(k.authorization, `Bearer ${jwtFor(r.consumer)}`), str(k.cookie, cookieFor(r.consumer)));
    }
    if (!r.gatewayGenerated) attrs.push(...enrichment(k, r, so.leakCredentials));
    const span: OtlpSpan = {
      traceId: r.traceId,
      spanId: r.spanId,
      parentSpanId: '',
      name: `${r.method} ${r.route.matchedUri}`,
      kind: SPAN_KIND_SERVER,
      startTimeUnixNano: String(t.startUnixNano),
      endTimeUnixNano: String(spanEnd(t)),
      attributes: attrs,
      status: { code: STATUS_CODE_UNSET },
    };
    if (!r.gatewayGenerated) {
      if (o.spanStatus === 'log-phase') attrs.push(int('http.status_code', r.status), int('http.response.status_code', r.status));
      else if (r.status !== 204) attrs.push(int('http.status_code', r.status));
      if (r.status >= 500) span.status = { code: STATUS_CODE_ERROR, message: `upstream response status: ${r.status}` };
    }
    return [span];
  };
}

export function apisixProfile(o: ApisixOptions): GatewayProfile {
  return {
    gateway: 'apisix',
    version: o.version,
    release: o.release,
    metricsPath: '/apisix/prometheus/metrics',
    serviceName: APISIX_SERVICE_NAME,
    spanKeys: APISIX_SPAN_KEYS,
    exposition: (id: ResourceIdentity) => new ApisixExposition(id.apisixHostname, o),
    otelPlugin: true,
    spans: apisixSpans(o),
    resource: (id) => ({
      attributes: [str('hostname', id.apisixHostname), str('service.name', APISIX_SERVICE_NAME)],
      scope: { name: 'opentelemetry-lua' },
    }),
    metricConsumer: apisixMetricConsumer,
    spanIdentity: (r) => (r.gatewayGenerated ? 'none' : 'consumer'),
    latencyBucketsMs: { requestDuration: APISIX_LATENCY_BUCKETS_MS, upstreamDuration: APISIX_LATENCY_BUCKETS_MS, gatewayDuration: APISIX_LATENCY_BUCKETS_MS },
  };
}
