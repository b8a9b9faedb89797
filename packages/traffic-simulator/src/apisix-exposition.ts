import { APISIX_LATENCY_BUCKETS_MS } from './gateway-buckets';
import { CounterVec, GaugeVec, HistogramVec, Registry } from './prom-registry';
import type { SimRequest } from './traffic';

export const APISIX_VERSION = '3.11.0';

/** APISIX 3.x prometheus plugin with `prefer_name: true`: cumulative state plus text rendering. */
export class ApisixExposition {
  private readonly registry = new Registry();
  readonly status = this.registry.register(
    new CounterVec('apisix_http_status', 'HTTP status codes per service in APISIX', ['code', 'route', 'matched_uri', 'matched_host', 'service', 'consumer', 'node']),
  );
  readonly latency = this.registry.register(
    new HistogramVec('apisix_http_latency', 'HTTP request latency in milliseconds per service in APISIX', ['type', 'route', 'service', 'consumer', 'node'], APISIX_LATENCY_BUCKETS_MS),
  );
  readonly bandwidth = this.registry.register(
    new CounterVec('apisix_bandwidth', 'Total bandwidth in bytes consumed per service in APISIX', ['type', 'route', 'service', 'consumer', 'node']),
  );
  private readonly etcd = this.registry.register(new GaugeVec('apisix_etcd_reachable', 'Config server etcd reachable from APISIX, 0 is unreachable', []));
  private readonly nodeInfo = this.registry.register(new GaugeVec('apisix_node_info', 'Info of APISIX node', ['hostname', 'version']));
  private readonly nginxRequests = this.registry.register(new GaugeVec('apisix_http_requests_total', 'The total number of client requests since APISIX started', []));
  private total = 0;

  constructor(readonly hostname: string) {
    this.etcd.set([], 1);
    this.nodeInfo.set([hostname, APISIX_VERSION], 1);
  }

  record(r: SimRequest): void {
    const route = r.route.name;
    const node = r.gatewayGenerated ? '' : r.nodeIp;
    const consumer = r.consumer.name;
    this.status.inc([String(r.status), route, r.route.matchedUri, '', r.service, consumer, node]);
    this.latency.observe(['request', route, r.service, consumer, node], r.requestMs);
    if (r.upstreamMs !== undefined) this.latency.observe(['upstream', route, r.service, consumer, node], r.upstreamMs);
    this.latency.observe(['apisix', route, r.service, consumer, node], r.gatewayMs);
    this.bandwidth.inc(['ingress', route, r.service, consumer, node], r.ingressBytes);
    this.bandwidth.inc(['egress', route, r.service, consumer, node], r.egressBytes);
    this.total++;
  }

  render(): string {
    this.nginxRequests.set([], this.total);
    return this.registry.render();
  }
}
