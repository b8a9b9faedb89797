import { KONG_LATENCY_BUCKETS_MS, KONG_UPSTREAM_LATENCY_BUCKETS_MS } from './gateway-buckets';
import { CounterVec, GaugeVec, HistogramVec, Registry } from './prom-registry';
import type { SimRequest } from './traffic';

export const KONG_WORKSPACE = 'default';
export const KONG_VERSION = '3.9.1';

/**
 * Kong 3.x prometheus plugin (`per_consumer`, `status_code_metrics`, `latency_metrics`,
 * `bandwidth_metrics` all true): cumulative state plus text rendering.
 */
export class KongExposition {
  private readonly registry = new Registry();
  readonly requests = this.registry.register(
    new CounterVec('kong_http_requests_total', 'HTTP status codes per consumer/service/route in Kong', ['service', 'route', 'code', 'source', 'workspace', 'consumer']),
  );
  readonly kongLatency = this.registry.register(
    new HistogramVec('kong_kong_latency_ms', 'Latency added by Kong and enabled plugins for each service/route in Kong', ['service', 'route', 'workspace'], KONG_LATENCY_BUCKETS_MS),
  );
  readonly upstreamLatency = this.registry.register(
    new HistogramVec('kong_upstream_latency_ms', 'Latency added by upstream response for each service/route in Kong', ['service', 'route', 'workspace'], KONG_UPSTREAM_LATENCY_BUCKETS_MS),
  );
  readonly requestLatency = this.registry.register(
    new HistogramVec('kong_request_latency_ms', 'Total latency incurred during requests for each service/route in Kong', ['service', 'route', 'workspace'], KONG_UPSTREAM_LATENCY_BUCKETS_MS),
  );
  readonly bandwidth = this.registry.register(
    new CounterVec('kong_bandwidth_bytes', 'Total bandwidth (ingress/egress) throughput in bytes', ['service', 'route', 'direction', 'workspace', 'consumer']),
  );
  private readonly datastore = this.registry.register(new GaugeVec('kong_datastore_reachable', 'Datastore reachable from Kong, 0 is unreachable', []));
  private readonly metricErrors = this.registry.register(new CounterVec('kong_nginx_metric_errors_total', 'Number of nginx-lua-prometheus errors', []));
  private readonly nodeInfo = this.registry.register(new GaugeVec('kong_node_info', 'Kong Node metadata information', ['node_id', 'version']));
  private readonly nginxRequests = this.registry.register(new GaugeVec('kong_nginx_requests_total', 'Number of requests total', ['node_id', 'subsystem']));
  private total = 0;

  constructor(readonly nodeId: string) {
    this.datastore.set([], 1);
    this.metricErrors.inc([], 0);
    this.nodeInfo.set([nodeId, KONG_VERSION], 1);
  }

  record(r: SimRequest): void {
    const svc = r.service;
    const route = r.route.name;
    this.requests.inc([svc, route, String(r.status), r.gatewayGenerated ? 'kong' : 'service', KONG_WORKSPACE, r.consumer.name]);
    const lat = [svc, route, KONG_WORKSPACE];
    this.requestLatency.observe(lat, r.requestMs);
    if (r.upstreamMs !== undefined) this.upstreamLatency.observe(lat, r.upstreamMs);
    this.kongLatency.observe(lat, r.gatewayMs);
    if (r.ingressBytes > 0) this.bandwidth.inc([svc, route, 'ingress', KONG_WORKSPACE, r.consumer.name], r.ingressBytes);
    if (r.egressBytes > 0) this.bandwidth.inc([svc, route, 'egress', KONG_WORKSPACE, r.consumer.name], r.egressBytes);
    this.total++;
  }

  render(): string {
    this.nginxRequests.set([this.nodeId, 'http'], this.total);
    return this.registry.render();
  }
}
