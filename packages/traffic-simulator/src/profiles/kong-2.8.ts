import { KONG_2_LATENCY_BUCKETS_MS } from './buckets';
import { str } from '../otlp-spans';
import { CounterVec, GaugeVec, HistogramVec, Registry } from '../prom-registry';
import { authenticated, type SimRequest } from '../traffic';
import { KONG_SERVICE_NAME, KONG_SPAN_KEYS } from './kong-3';
import type { GatewayExposition, GatewayProfile } from './types';

const RELEASE = '2.8.5';

/**
 * Kong 2.8 prometheus plugin (Kong/kong tag 2.8.5, `kong/plugins/prometheus/exporter.lua` and
 * `handler.lua`, `per_consumer: true`): counters without `_total`, one latency histogram with a `type`
 * label and one bucket list, and per-consumer status counts in a separate family that only
 * authenticated requests reach.
 */
export class Kong2Exposition implements GatewayExposition {
  private readonly registry = new Registry();
  readonly status = this.registry.register(new CounterVec('kong_http_status', 'HTTP status codes per service/route in Kong', ['service', 'route', 'code']));
  readonly latency = this.registry.register(
    new HistogramVec('kong_latency', 'Latency added by Kong, total request time and upstream latency for each service/route in Kong', ['service', 'route', 'type'], KONG_2_LATENCY_BUCKETS_MS),
  );
  readonly bandwidth = this.registry.register(new CounterVec('kong_bandwidth', 'Total bandwidth in bytes consumed per service/route in Kong', ['service', 'route', 'type']));
  readonly consumerStatus = this.registry.register(
    new CounterVec('kong_http_consumer_status', 'HTTP status codes for customer per service/route in Kong', ['service', 'route', 'code', 'consumer']),
  );
  private readonly connections = this.registry.register(new GaugeVec('kong_nginx_http_current_connections', 'Number of HTTP connections', ['state']));
  private total = 0;

  constructor() {
    this.registry.register(new GaugeVec('kong_datastore_reachable', 'Datastore reachable from Kong, 0 is unreachable', [])).set([], 1);
  }

  record(r: SimRequest): void {
    const svc = r.service;
    const route = r.route.name;
    const code = String(r.status);
    this.status.inc([svc, route, code]);
    if (r.ingressBytes > 0) this.bandwidth.inc([svc, route, 'ingress'], r.ingressBytes);
    if (r.egressBytes > 0) this.bandwidth.inc([svc, route, 'egress'], r.egressBytes);
    this.latency.observe([svc, route, 'request'], r.requestMs);
    if (r.upstreamMs !== undefined) this.latency.observe([svc, route, 'upstream'], r.upstreamMs);
    this.latency.observe([svc, route, 'kong'], r.gatewayMs);
    // handler.lua: serialized.consumer only when per_consumer and a consumer was authenticated.
    if (authenticated(r)) this.consumerStatus.inc([svc, route, code, r.consumer.name]);
    this.total++;
  }

  render(): string {
    this.connections.set(['total'], this.total);
    return this.registry.render();
  }
}

/** Kong 2.8: no opentelemetry plugin yet (3.0 added it; 2.x traces only through zipkin), so no OTLP spans. */
export const KONG_2_8: GatewayProfile = {
  gateway: 'kong',
  version: '2.8',
  release: RELEASE,
  metricsPath: '/metrics',
  serviceName: KONG_SERVICE_NAME,
  spanKeys: KONG_SPAN_KEYS,
  exposition: () => new Kong2Exposition(),
  otelPlugin: false,
  spans: () => [],
  resource: (id) => ({ attributes: [str('service.name', KONG_SERVICE_NAME), str('service.instance.id', id.kongNodeId)], scope: { name: 'kong-internal' } }),
  metricConsumer: (r) => (authenticated(r) ? r.consumer.name : ''),
  spanIdentity: () => 'none',
  latencyBucketsMs: { requestDuration: KONG_2_LATENCY_BUCKETS_MS, upstreamDuration: KONG_2_LATENCY_BUCKETS_MS, gatewayDuration: KONG_2_LATENCY_BUCKETS_MS },
};
