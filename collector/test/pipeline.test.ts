// Runs the real collector binary with the shared config. Gateway expositions are served by the test,
// gateway-shaped spans are posted to its OTLP/HTTP receiver, and every exporter is redirected (by an
// overlay config) to an OTLP/JSON capture server, so the test sees exactly what would leave the
// collector. Checks: contract names, units and label sets for both gateways, ms -> s, aggregation of
// gateway-internal labels, semconv migration, tenant/plan/country/consumer, span metrics, and that no
// credential survives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LABELS,
  LATENCY_BUCKETS_SECONDS,
  METRICS,
  UNAUTHENTICATED_CONSUMER,
  UNKNOWN_DIMENSION,
  parseGatewayService,
  type LabelKey,
  type MetricDef,
} from '@api-observatory/telemetry-contract';
import {
  captureOverlay,
  configPath,
  flatPoints,
  flatSpans,
  freePorts,
  otlpCapture,
  serve,
  skipWithoutOtelcol,
  startCollector,
  tempDir,
  waitFor,
  type FlatPoint,
  type FlatSpan,
  type HttpServer,
  type OtlpCapture,
  type RunningCollector,
} from './helpers';

const SECRET = 'testsecret-5a1e';
const JWT = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEiLCJhenAiOiJhY21lIn0.${SECRET}-sig`;

const KONG_UPSTREAM_MS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];
const KONG_LATENCY_MS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000];
const APISIX_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

/** Prometheus text lines of one histogram series: cumulative counts from per-bucket counts (last = +Inf). */
function histogram(name: string, labels: string, bounds: number[], perBucket: number[], sum: number): string[] {
  assert.equal(perBucket.length, bounds.length + 1);
  let acc = 0;
  const lines = bounds.map((b, i) => `${name}_bucket{${labels},le="${b}"} ${(acc += perBucket[i]!)}`);
  acc += perBucket[bounds.length]!;
  lines.push(`${name}_bucket{${labels},le="+Inf"} ${acc}`, `${name}_count{${labels}} ${acc}`, `${name}_sum{${labels}} ${sum}`);
  return lines;
}
const ones = (n: number) => Array.from({ length: n }, () => 1);

const KONG_EXPOSITION = [
  '# HELP kong_http_requests_total HTTP status codes per consumer/service/route in Kong',
  '# TYPE kong_http_requests_total counter',
  'kong_http_requests_total{service="orders-v2-canary",route="orders-list",code="200",source="service",workspace="default",consumer="acme-mobile"} 41',
  'kong_http_requests_total{service="orders-v2-canary",route="orders-list",code="200",source="kong",workspace="default",consumer="acme-mobile"} 1',
  'kong_http_requests_total{service="orders-v2-canary",route="orders-list",code="429",source="kong",workspace="default",consumer=""} 2',
  'kong_http_requests_total{service="legacy",route="legacy-get",code="503",source="service",workspace="default",consumer="acme-mobile"} 5',
  '# HELP kong_request_latency_ms Total latency incurred during requests for each service/route in Kong',
  '# TYPE kong_request_latency_ms histogram',
  ...histogram('kong_request_latency_ms', 'service="orders-v2-canary",route="orders-list",workspace="default"', KONG_UPSTREAM_MS, ones(14), 3120),
  '# HELP kong_upstream_latency_ms Latency added by upstream response for each service/route in Kong',
  '# TYPE kong_upstream_latency_ms histogram',
  ...histogram('kong_upstream_latency_ms', 'service="orders-v2-canary",route="orders-list",workspace="default"', KONG_UPSTREAM_MS, ones(14), 2900),
  '# HELP kong_kong_latency_ms Latency added by Kong and enabled plugins for each service/route in Kong',
  '# TYPE kong_kong_latency_ms histogram',
  ...histogram('kong_kong_latency_ms', 'service="orders-v2-canary",route="orders-list",workspace="default"', KONG_LATENCY_MS, ones(16), 220),
  '# HELP kong_bandwidth_bytes Total bandwidth (ingress/egress) throughput in bytes',
  '# TYPE kong_bandwidth_bytes counter',
  'kong_bandwidth_bytes{service="orders-v2-canary",route="orders-list",direction="ingress",workspace="default",consumer="acme-mobile"} 1000',
  'kong_bandwidth_bytes{service="orders-v2-canary",route="orders-list",direction="egress",workspace="default",consumer="acme-mobile"} 5000',
  'kong_bandwidth_bytes{service="orders-v2-canary",route="orders-list",direction="egress",workspace="default",consumer=""} 70',
  '# HELP kong_datastore_reachable Datastore reachable from Kong, 0 is unreachable',
  '# TYPE kong_datastore_reachable gauge',
  'kong_datastore_reachable 1',
  '# HELP kong_nginx_requests_total Number of requests total',
  '# TYPE kong_nginx_requests_total counter',
  'kong_nginx_requests_total{node_id="n1",subsystem="http"} 99',
  '',
].join('\n');

const APISIX_EXPOSITION = [
  '# HELP apisix_http_status HTTP status codes per service in APISIX',
  '# TYPE apisix_http_status counter',
  'apisix_http_status{code="200",route="orders-list",matched_uri="/orders",matched_host="",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"} 30',
  'apisix_http_status{code="200",route="orders-list",matched_uri="/orders",matched_host="",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.13"} 12',
  'apisix_http_status{code="401",route="orders-list",matched_uri="/orders",matched_host="",service="orders-v2-canary",consumer="",node=""} 3',
  '# HELP apisix_http_latency HTTP request latency in milliseconds per service in APISIX',
  '# TYPE apisix_http_latency histogram',
  ...histogram('apisix_http_latency', 'type="request",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"', APISIX_MS, ones(16), 1000),
  ...histogram('apisix_http_latency', 'type="request",route="orders-list",service="orders-v2-canary",consumer="",node=""', APISIX_MS, ones(16), 500),
  ...histogram('apisix_http_latency', 'type="upstream",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"', APISIX_MS, ones(16), 800),
  ...histogram('apisix_http_latency', 'type="apisix",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"', APISIX_MS, ones(16), 200),
  '# HELP apisix_bandwidth Total bandwidth in bytes consumed per service in APISIX',
  '# TYPE apisix_bandwidth counter',
  'apisix_bandwidth{type="ingress",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"} 600',
  'apisix_bandwidth{type="ingress",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.13"} 400',
  'apisix_bandwidth{type="egress",route="orders-list",service="orders-v2-canary",consumer="acme-mobile",node="10.0.3.12"} 9000',
  '# HELP apisix_nginx_http_current_connections Number of HTTP connections',
  '# TYPE apisix_nginx_http_current_connections gauge',
  'apisix_nginx_http_current_connections{state="active"} 7',
  '',
].join('\n');

// ── spans (shapes from collector/GATEWAY-FORMATS.md §3-§6) ──────────────────────────
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number) => ({ key, value: { doubleValue: v } });
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
const NOW = BigInt(Date.now()) * 1_000_000n;

function span(traceNo: number, spanNo: number, name: string, kind: number, attributes: object[], parent = '', durMs = 42) {
  return {
    traceId: hex(0xabc000 + traceNo, 32),
    spanId: hex(0xdef000 + spanNo, 16),
    parentSpanId: parent,
    name,
    kind,
    startTimeUnixNano: String(NOW - BigInt(durMs) * 1_000_000n),
    endTimeUnixNano: String(NOW),
    attributes,
  };
}

/** Issuers of the tokens on the spans: the trusted partners realm, and another realm of the same server. */
const PARTNERS_ISSUER = 'https://sso.example.test/realms/partners';
const OTHER_REALM_ISSUER = 'https://sso.example.test/realms/internal';
/** The Kong service whose token comes from another realm (its tenant and plan claims must not count). */
const WRONG_REALM_SERVICE = 'payments-v3';

function kongRoot(traceNo: number, service: string, extra: object[] = []) {
  return span(traceNo, traceNo * 10, 'kong', 2, [
    str('http.method', 'GET'),
    str('http.url', `https://api.example.test/orders?apikey=${SECRET}-key&page=2`),
    str('http.host', 'api.example.test'),
    str('http.scheme', 'https'),
    str('http.flavor', '1.1'),
    str('http.client_ip', '203.0.113.7'),
    str('net.peer.ip', '10.0.0.5'),
    str('kong.request.id', hex(traceNo, 32)),
    int('http.status_code', 200),
    str('http.route', '/orders'),
    str('kong.service.name', service),
    str('kong.route.name', 'orders-list'),
    str('kong.consumer.username', 'acme-mobile'),
    str('jwt.iss', service === WRONG_REALM_SERVICE ? OTHER_REALM_ISSUER : PARTNERS_ISSUER),
    str('jwt.sub', 'u-1'),
    str('jwt.azp', 'acme-mobile'),
    str('jwt.tenant', 'acme'),
    str('jwt.plan', 'pro'),
    str('enduser.id', `jane.${SECRET}@example.com`),
    str('http.request.header.x_client_country', 'de'),
    str('http.request.header.authorization', `Bearer ${JWT}`),
    str('http.request.header.cookie', `session=${SECRET}.abc; theme=dark`),
    ...extra,
  ]);
}

const KONG_SERVICES = ['orders-v2-canary', 'order-history-v1.4.2-baseline', 'legacy', 'edge-v2-proxy-v1-stable', 'payments-v3'];

const kongTraces = {
  resourceSpans: [{
    resource: { attributes: [str('service.name', 'kong'), str('service.instance.id', 'node-1'), str('service.version', '3.9.1')] },
    scopeSpans: [{
      scope: { name: 'kong-internal', version: '0.1.0' },
      spans: [
        ...KONG_SERVICES.map((s, i) => kongRoot(i + 1, s)),
        span(1, 11, 'kong.balancer', 3, [dbl('try_count', 1), str('net.peer.ip', '10.0.9.9'), dbl('net.peer.port', 8080), str('net.peer.name', 'orders.svc')], hex(0xdef000 + 10, 16), 30),
      ],
    }],
  }],
};

const apisixTraces = {
  resourceSpans: [{
    resource: { attributes: [str('service.name', 'APISIX'), str('hostname', 'apisix-0')] },
    scopeSpans: [{
      scope: { name: 'opentelemetry-lua' },
      spans: [
        span(100, 1000, 'GET /orders/*', 2, [
          str('net.host.name', 'api.example.test'),
          str('http.method', 'GET'),
          str('http.scheme', 'https'),
          str('http.target', `/orders?apikey=${SECRET}-key&page=2`),
          str('http.user_agent', 'curl/8.5'),
          str('apisix.route_id', '42'),
          str('apisix.route_name', 'orders-list'),
          str('http.route', '/orders/*'),
          str('apisix.service_id', '7'),
          str('apisix.service_name', 'orders-v2-stable'),
          str('apisix.consumer_name', ''),
          str('jwt.iss', PARTNERS_ISSUER),
          str('jwt.sub', 'svc-batch'),
          str('jwt.plan', 'free'),
          str('enduser.id', `ops.${SECRET}@example.com`),
          str('http_x_client_country', 'FR'),
          str('authorization', `Bearer ${JWT}`),
          str('cookie', `session=${SECRET}.def`),
          int('http.status_code', 503),
          int('http.response.status_code', 503),
        ], '', 120),
      ],
    }],
  }],
};
const SERVER_SPANS = KONG_SERVICES.length + 1;

const skip = skipWithoutOtelcol;

describe('collector pipelines, end to end inside one collector', { skip }, () => {
  let capture: OtlpCapture;
  let gateways: HttpServer;
  let collector: RunningCollector;
  let otlpHttp: string;
  const tmp = tempDir('otelcol-pipeline-');

  before(async () => {
    capture = await otlpCapture();
    gateways = await serve((req, res) => {
      const body = req.url === '/metrics' ? KONG_EXPOSITION : req.url === '/apisix/prometheus/metrics' ? APISIX_EXPOSITION : undefined;
      if (body === undefined) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    });
    const overlay = captureOverlay(tmp.dir, capture, ['traces/store', 'metrics/spanmetrics', 'metrics/gateways', 'logs']);
    const [grpc, httpPort, health] = await freePorts(3);
    otlpHttp = `http://127.0.0.1:${httpPort}`;
    collector = await startCollector([configPath, overlay], {
      PROMETHEUS_REMOTE_WRITE_URL: 'http://127.0.0.1:9/api/v1/write',
      TRACES_OTLP_ENDPOINT: '127.0.0.1:9',
      OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      OTLP_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
      HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
      KONG_METRICS_TARGETS: `[127.0.0.1:${gateways.port}]`,
      APISIX_METRICS_TARGETS: `[127.0.0.1:${gateways.port}]`,
      GATEWAY_SCRAPE_INTERVAL: '1s',
      SPANMETRICS_FLUSH_INTERVAL: '1s',
      DEBUG_VERBOSITY: 'basic',
    }, `http://127.0.0.1:${health}/`);
    for (const doc of [kongTraces, apisixTraces]) {
      const res = await fetch(`${otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      assert.equal(res.status, 200, await res.text());
    }
    // Wait for: all spans stored, span metrics counting all server spans, and both gateways' scrape.
    await waitFor('spans, span metrics and scraped metrics', () => {
      const spans = flatSpans(capture.traces);
      const calls = latest(flatPoints(capture.metrics), METRICS.trafficCalls.otelName);
      const total = calls.reduce((a, p) => a + (p.value ?? 0), 0);
      const scraped = flatPoints(capture.metrics).filter((p) => p.metric === METRICS.requests.otelName);
      const gws = new Set(scraped.map((p) => p.attributes.gateway));
      return spans.length >= SERVER_SPANS + 1 && total >= SERVER_SPANS && gws.has('kong') && gws.has('apisix') ? true : undefined;
    }, 40_000);
  });

  after(async () => {
    await collector?.stop();
    await gateways?.close();
    await capture?.close();
    tmp.cleanup();
  });

  /**
   * The latest point of each series of one metric. Cumulative values: a batch can hold several
   * exports (scrapes, span-metric flushes) of the same series, and later exports come later.
   */
  function latest(points: FlatPoint[], metric: string): FlatPoint[] {
    const bySeries = new Map<string, FlatPoint>();
    for (const p of points.filter((x) => x.metric === metric)) {
      bySeries.set(JSON.stringify(Object.entries(p.attributes).sort()), p);
    }
    return [...bySeries.values()];
  }
  const metricPoints = (def: MetricDef, gateway?: string) =>
    latest(flatPoints(capture.metrics), def.otelName).filter((p) => gateway === undefined || p.attributes.gateway === gateway);
  const contractKeys = (def: MetricDef) => def.labels.map((k: LabelKey) => LABELS[k].attribute).sort();
  const find = (pts: FlatPoint[], want: Record<string, unknown>) =>
    pts.filter((p) => Object.entries(want).every(([k, v]) => p.attributes[k] === v));

  test('no credential, token, cookie or email leaves the collector', () => {
    const all = capture.raw.join('\n');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(SECRET), 'secret marker not exported');
    assert.ok(!all.includes('eyJhbGciOi'), 'no JWT exported');
    assert.ok(!/[A-Za-z0-9._%+-]+@example\.com/.test(all), 'no email exported');
  });

  test('only contract metrics are exported from the gateway scrape', () => {
    const names = new Set(flatPoints(capture.metrics).map((p) => p.metric));
    const contract = new Set<string>(Object.values(METRICS).filter((d) => d.source !== 'canary-gate').map((d) => d.otelName));
    for (const n of names) assert.ok(contract.has(n), `unexpected metric ${n}`);
    for (const d of Object.values(METRICS).filter((x) => x.source === 'gateway-scrape')) assert.ok(names.has(d.otelName), `${d.otelName} exported`);
  });

  test('every scraped contract metric has exactly its contract labels, for Kong and APISIX, and no resource attributes', () => {
    for (const def of Object.values(METRICS).filter((d) => d.source === 'gateway-scrape')) {
      for (const gw of ['kong', 'apisix']) {
        const pts = metricPoints(def, gw);
        assert.ok(pts.length > 0, `${def.otelName} from ${gw}`);
        for (const p of pts) {
          assert.deepEqual(Object.keys(p.attributes).sort(), contractKeys(def), `${def.otelName} ${gw} ${JSON.stringify(p.attributes)}`);
          assert.deepEqual(p.resource, {}, 'no resource attributes (no job/instance labels)');
          assert.equal(p.unit, def.unit, `${def.otelName} unit`);
        }
      }
    }
  });

  test('requests: service name parsed, status class derived, gateway-internal labels summed away', () => {
    const kong = metricPoints(METRICS.requests, 'kong');
    const ok = find(kong, { api: 'orders', api_version: 'v2', deployment_role: 'canary', 'http.route': 'orders-list', consumer: 'acme-mobile', 'http.response.status_code': 200, status_class: '2xx' });
    assert.equal(ok.length, 1);
    assert.equal(ok[0]!.value, 42, 'source=service (41) + source=kong (1)');
    assert.equal(find(kong, { consumer: UNAUTHENTICATED_CONSUMER, 'http.response.status_code': 429, status_class: '4xx' })[0]?.value, 2);
    assert.equal(find(kong, { api: 'legacy', api_version: 'unknown', deployment_role: 'stable', status_class: '5xx' })[0]?.value, 5, 'no convention -> parseGatewayService fallbacks');
    const apisix = metricPoints(METRICS.requests, 'apisix');
    assert.equal(find(apisix, { api: 'orders', consumer: 'acme-mobile', 'http.response.status_code': 200 })[0]?.value, 42, 'two nodes summed');
    assert.equal(find(apisix, { consumer: UNAUTHENTICATED_CONSUMER, 'http.response.status_code': 401 })[0]?.value, 3);
  });

  test('latency histograms: milliseconds scaled to seconds, APISIX split by type, Kong by metric name', () => {
    const sec = (ms: number[]) => ms.map((x) => x / 1000);
    const cases: [MetricDef, string, number[], number, number][] = [
      [METRICS.requestDuration, 'kong', sec(KONG_UPSTREAM_MS), 14, 3.12],
      [METRICS.upstreamDuration, 'kong', sec(KONG_UPSTREAM_MS), 14, 2.9],
      [METRICS.gatewayDuration, 'kong', sec(KONG_LATENCY_MS), 16, 0.22],
      [METRICS.requestDuration, 'apisix', sec(APISIX_MS), 32, 1.5], // two consumers summed
      [METRICS.upstreamDuration, 'apisix', sec(APISIX_MS), 16, 0.8],
      [METRICS.gatewayDuration, 'apisix', sec(APISIX_MS), 16, 0.2],
    ];
    for (const [def, gw, bounds, count, sum] of cases) {
      const pts = metricPoints(def, gw);
      assert.equal(pts.length, 1, `${def.otelName} ${gw}: one series`);
      const p = pts[0]!;
      assert.equal(p.type, 'histogram');
      assert.deepEqual(p.bounds, bounds, `${def.otelName} ${gw}: bounds in seconds, exact (Kong 700 ms -> 0.7)`);
      assert.equal(p.count, count, `${def.otelName} ${gw}: count`);
      assert.ok(Math.abs(p.sum! - sum) < 1e-9, `${def.otelName} ${gw}: sum ${p.sum} ~ ${sum}`);
      assert.deepEqual(p.attributes, { gateway: gw, api: 'orders', api_version: 'v2', deployment_role: gw === 'kong' ? 'canary' : 'canary', 'http.route': 'orders-list' });
    }
  });

  test('bandwidth: direction from Kong direction / APISIX type, empty consumer -> unauthenticated', () => {
    const kong = metricPoints(METRICS.bandwidth, 'kong');
    assert.equal(find(kong, { direction: 'ingress', consumer: 'acme-mobile' })[0]?.value, 1000);
    assert.equal(find(kong, { direction: 'egress', consumer: 'acme-mobile' })[0]?.value, 5000);
    assert.equal(find(kong, { direction: 'egress', consumer: UNAUTHENTICATED_CONSUMER })[0]?.value, 70);
    const apisix = metricPoints(METRICS.bandwidth, 'apisix');
    assert.equal(find(apisix, { direction: 'ingress' })[0]?.value, 1000, 'two nodes summed');
    assert.equal(find(apisix, { direction: 'egress' })[0]?.value, 9000);
  });

  const spans = () => flatSpans(capture.traces);
  const kongSpan = (service: string) => spans().find((s) => s.name === 'kong' && s.attributes['kong.service.name'] === service);

  test('Kong spans: stable HTTP semconv, contract attributes, masked credentials', () => {
    const s = kongSpan('orders-v2-canary') as FlatSpan;
    assert.ok(s);
    const a = s.attributes;
    assert.equal(a.gateway, 'kong');
    assert.equal(a['http.request.method'], 'GET');
    assert.equal(a['http.response.status_code'], 200);
    assert.equal(a.status_class, '2xx');
    assert.equal(a['url.full'], 'https://api.example.test/orders?apikey=****&page=2');
    assert.equal(a['url.scheme'], 'https');
    assert.equal(a['server.address'], 'api.example.test');
    assert.equal(a['client.address'], '203.0.113.7');
    assert.equal(a['network.peer.address'], '10.0.0.5');
    assert.equal(a['network.protocol.version'], '1.1');
    assert.equal(a['http.route'], 'orders-list');
    assert.equal(a['url.template'], '/orders');
    assert.equal(a.api, 'orders');
    assert.equal(a.api_version, 'v2');
    assert.equal(a.deployment_role, 'canary');
    assert.equal(a.consumer, 'acme-mobile');
    assert.equal(a.tenant, 'acme', 'tenant = the tenant claim');
    assert.equal(a.plan, 'pro');
    assert.equal(a.country, 'DE');
    assert.equal(a['http.request.header.authorization'], '****');
    assert.equal(a['http.request.header.cookie'], '****');
    for (const gone of ['http.method', 'http.status_code', 'http.url', 'http.host', 'http.scheme', 'http.flavor', 'http.client_ip', 'net.peer.ip', 'enduser.id', 'jwt.iss', 'jwt.sub', 'jwt.azp', 'jwt.tenant', 'jwt.plan']) {
      assert.ok(!(gone in a), `${gone} removed`);
    }
    assert.equal(s.resource['service.name'], 'kong', 'trace resources are kept');
    const bal = spans().find((x) => x.name === 'kong.balancer')!;
    assert.equal(bal.attributes.gateway, 'kong');
    assert.equal(bal.attributes['server.address'], 'orders.svc');
    assert.equal(bal.attributes['network.peer.port'], 8080);
    assert.ok(!('consumer' in bal.attributes), 'no business keys invented on the balancer span');
  });

  test('api / api_version / deployment_role follow parseGatewayService for every service name', () => {
    for (const service of KONG_SERVICES) {
      const s = kongSpan(service);
      assert.ok(s, service);
      const want = parseGatewayService(service);
      assert.deepEqual(
        { api: s.attributes.api, version: s.attributes.api_version, role: s.attributes.deployment_role },
        { api: want.api, version: want.version, role: want.role },
        service,
      );
    }
  });

  test("a token from another realm gives no tenant and no plan, whatever its claims say; the consumer stays the gateway's", () => {
    const a = kongSpan(WRONG_REALM_SERVICE)!.attributes;
    assert.equal(a.consumer, 'acme-mobile');
    assert.equal(a.tenant, undefined);
    assert.equal(a.plan, undefined);
    assert.ok(!Object.keys(a).some((k) => k.startsWith('jwt.')), 'its claims are removed all the same');
  });

  test('APISIX spans: path and query split, no tenant claim -> no tenant (never the sub), empty consumer -> unauthenticated', () => {
    const a = spans().find((s) => s.name === 'GET /orders/*')!.attributes;
    assert.equal(a.gateway, 'apisix');
    assert.equal(a['url.path'], '/orders');
    assert.equal(a['url.query'], 'apikey=****&page=2');
    assert.equal(a['user_agent.original'], 'curl/8.5');
    assert.equal(a['server.address'], 'api.example.test');
    assert.equal(a['http.route'], 'orders-list');
    assert.equal(a['url.template'], '/orders/*');
    assert.equal(a.api, 'orders');
    assert.equal(a.deployment_role, 'stable');
    assert.equal(a.consumer, UNAUTHENTICATED_CONSUMER);
    assert.equal(a.tenant, undefined, 'a token without a tenant claim has no tenant');
    assert.equal(a.plan, 'free');
    assert.equal(a.country, 'FR');
    assert.equal(a['http.response.status_code'], 503);
    assert.equal(a.status_class, '5xx');
    assert.equal(a.authorization, '****');
    assert.equal(a.cookie, '****');
    assert.ok(!('http_x_client_country' in a) && !('http.target' in a) && !('enduser.id' in a));
  });

  test('span metrics: server spans only, contract labels, seconds buckets, exemplars with trace ids', () => {
    const calls = metricPoints(METRICS.trafficCalls);
    assert.equal(calls.reduce((a, p) => a + (p.value ?? 0), 0), SERVER_SPANS, 'kong.balancer client spans are not counted');
    for (const p of calls) {
      assert.deepEqual(Object.keys(p.attributes).sort(), contractKeys(METRICS.trafficCalls), JSON.stringify(p.attributes));
      assert.deepEqual(p.resource, {});
      assert.equal(p.unit, METRICS.trafficCalls.unit);
    }
    const canary = find(calls, { gateway: 'kong', api: 'orders', api_version: 'v2', deployment_role: 'canary', 'http.route': 'orders-list', 'http.request.method': 'GET', 'http.response.status_code': 200, status_class: '2xx', consumer: 'acme-mobile', plan: 'pro', tenant: 'acme', country: 'DE' });
    assert.equal(canary[0]?.value, 1);
    assert.equal(find(calls, { gateway: 'apisix', consumer: UNAUTHENTICATED_CONSUMER, tenant: UNKNOWN_DIMENSION, status_class: '5xx' })[0]?.value, 1);
    assert.equal(find(calls, { gateway: 'kong', api: 'payments', tenant: UNKNOWN_DIMENSION, plan: UNKNOWN_DIMENSION })[0]?.value, 1, 'the other realm\'s token counts under unknown');
    assert.deepEqual([...new Set(calls.map((p) => p.attributes.tenant))].sort(), ['acme', UNKNOWN_DIMENSION]);
    const dur = metricPoints(METRICS.trafficDuration);
    assert.ok(dur.length > 0);
    for (const p of dur) {
      assert.equal(p.unit, 's');
      assert.deepEqual(p.bounds, [...LATENCY_BUCKETS_SECONDS]);
      assert.deepEqual(Object.keys(p.attributes).sort(), contractKeys(METRICS.trafficDuration));
    }
    // Exemplars are attached to the flush that follows the spans (later flushes have none).
    const ex = flatPoints(capture.metrics).filter((p) => p.metric === METRICS.trafficDuration.otelName).flatMap((p) => p.exemplars ?? []);
    assert.ok(ex.length > 0, 'exemplars exported');
    assert.ok(ex.every((e) => /^[0-9a-f]{32}$/.test(e.traceId)), 'exemplars carry trace ids');
    const apisixDur = find(dur, { gateway: 'apisix' })[0]!;
    assert.ok(Math.abs(apisixDur.sum! - 0.12) < 1e-6, 'duration in seconds');
  });

  test('by default (REDACTION_SUMMARY=info) redaction reports on the span what it masked', () => {
    const kong = spans().find((s) => s.attributes.gateway === 'kong' && s.kind === 2)!.attributes;
    assert.ok(Object.keys(kong).some((k) => k.startsWith('redaction.')), Object.keys(kong).join(', '));
  });
});

describe('tenant, plan and redaction settings from the environment', { skip }, () => {
  let capture: OtlpCapture;
  let collector: RunningCollector;
  const tmp = tempDir('otelcol-settings-');

  before(async () => {
    capture = await otlpCapture();
    const overlay = captureOverlay(tmp.dir, capture, ['traces/store']);
    const [grpc, httpPort, health] = await freePorts(3);
    collector = await startCollector([configPath, overlay], {
      OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      OTLP_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
      HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
      TENANT_CLAIM: 'sub',
      PLAN_CLAIM: 'azp',
      REDACTION_IGNORED_KEYS: '[http.request.header.cookie]',
      REDACTION_SUMMARY: 'silent',
    }, `http://127.0.0.1:${health}/`);
    for (const doc of [kongTraces, apisixTraces]) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      assert.equal(res.status, 200, await res.text());
    }
    await waitFor('spans', () => (flatSpans(capture.traces).length >= SERVER_SPANS + 1 ? true : undefined), 40_000);
  });

  after(async () => {
    await collector?.stop();
    await capture?.close();
    tmp.cleanup();
  });

  test('the tenant and plan come from the claims the environment names; raw claims are still removed', () => {
    const kong = flatSpans(capture.traces).find((s) => s.attributes.gateway === 'kong' && s.kind === 2)!.attributes;
    assert.equal(kong.tenant, 'u-1', 'TENANT_CLAIM=sub');
    assert.equal(kong.plan, 'acme-mobile', 'PLAN_CLAIM=azp');
    const apisix = flatSpans(capture.traces).find((s) => s.attributes.gateway === 'apisix')!.attributes;
    assert.equal(apisix.tenant, 'svc-batch', 'TENANT_CLAIM=sub');
    assert.equal(apisix.plan, undefined, 'no azp claim: no plan');
    for (const s of flatSpans(capture.traces)) assert.ok(!Object.keys(s.attributes).some((k) => k.startsWith('jwt.')), s.name);
  });

  test('an ignored key is left as it is, every other credential is still masked, and the summary is off', () => {
    const kong = flatSpans(capture.traces).find((s) => s.attributes.gateway === 'kong' && s.kind === 2)!.attributes;
    assert.equal(kong['http.request.header.cookie'], `session=${SECRET}.abc; theme=dark`, 'REDACTION_IGNORED_KEYS');
    assert.equal(kong['http.request.header.authorization'], '****');
    assert.ok(!Object.keys(kong).some((k) => k.startsWith('redaction.')), 'REDACTION_SUMMARY=silent');
  });
});
