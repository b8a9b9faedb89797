/**
 * The plugin's router against the REAL local stack: Prometheus (with the pack's rules), the collector
 * and Jaeger, fed by a short Kong simulator run. Auth and the catalog are mocked (small fakes of the
 * Backstage services); everything behind them is real.
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/plugins/api-observability-backend/src/**\/*.test.ts'
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { BackstageCredentials, CacheService, HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { LABELS, escapeLabelValue, escapeRegex, jaegerTraceApi } from '@api-observatory/telemetry-contract';
import { freePorts, startStack, type Stack } from '@api-observatory/local-stack';
import { createRouter } from './router';
import type { ObservabilityConfig } from './config';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION, type ErrorBody, type Summary, type TraceView } from '@api-observatory/backstage-plugin-api-observability-common';

const GRAFANA = 'http://grafana.test:3000';
const JAEGER_UI = 'http://jaeger-ui.test:16686';

function apiEntity(name: string, annotations: Record<string, string>): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name, namespace: 'default', annotations }, spec: { type: 'openapi' } };
}

/** Hostile annotation values: each must stay one literal label value (no data, never another API's). */
const HOSTILE: Array<[string, Record<string, string>]> = [
  ['quote-break', { [API_NAME_ANNOTATION]: 'orders"} or vector(1) or {api="orders', [GATEWAY_ANNOTATION]: 'kong' }],
  ['regex-alt', { [API_NAME_ANNOTATION]: 'orders|payments', [GATEWAY_ANNOTATION]: 'kong' }],
  ['regex-any', { [API_NAME_ANNOTATION]: '.*' }],
  ['regex-prefix', { [API_NAME_ANNOTATION]: 'orders.*', [GATEWAY_ANNOTATION]: 'kong' }],
  ['backslash', { [API_NAME_ANNOTATION]: 'orders\\', [GATEWAY_ANNOTATION]: 'kong' }],
  ['newline', { [API_NAME_ANNOTATION]: 'orders\n', [GATEWAY_ANNOTATION]: 'kong' }],
  ['gateway-break', { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong"} or {api=~".+' }],
  ['gateway-alt', { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong|apisix' }],
  ['o"rd\'ers|.*', { [API_NAME_ANNOTATION]: "o\"rd'ers|.*", [GATEWAY_ANNOTATION]: '.+' }],
];

/** Benign stand-ins for the hostile values: same code paths (no data), plain literals. */
const PLACEHOLDER = { [API_NAME_ANNOTATION]: 'zzplaceholderapi', [GATEWAY_ANNOTATION]: 'zzplaceholdergw' } as Record<string, string>;
const BENIGN = { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong' } as Record<string, string>;
function placeholderOf(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, v === BENIGN[k] ? v : PLACEHOLDER[k]!]));
}

const ENTITIES = new Map<string, Entity>([
  ['api:default/orders', apiEntity('orders', { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong' })],
  ['api:default/no-annotations', apiEntity('no-annotations', {})],
  ['api:default/orders-both', apiEntity('orders-both', { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong, apisix' })],
  ['api:default/orders-list-hostile', apiEntity('orders-list-hostile', { [API_NAME_ANNOTATION]: 'orders', [GATEWAY_ANNOTATION]: 'kong,apisix|.*"} or {api=~".+' })],
  ...HOSTILE.map(([name, a]) => [`api:default/${name.toLowerCase()}`, apiEntity(name, a)] as [string, Entity]),
  ...HOSTILE.map((h, i) => [`api:default/placeholder-${i}`, apiEntity(`placeholder-${i}`, placeholderOf(h[1]))] as [string, Entity]),
]);

const logger: LoggerService = {
  error() {}, warn() {}, info() {}, debug() {},
  child() { return logger; },
};

function memoryCache(): CacheService {
  const m = new Map<string, { v: unknown; until: number }>();
  const c: CacheService = {
    async get(k) {
      const e = m.get(k);
      return e && e.until > Date.now() ? (e.v as never) : undefined;
    },
    async set(k, v, o) {
      m.set(k, { v, until: Date.now() + Number(o?.ttl ?? 15_000) });
    },
    async delete(k) { m.delete(k); },
    withOptions() { return c; },
  };
  return c;
}

/** Bearer user / stranger / service are credentials; anything else is rejected like the real service does. */
const httpAuth = {
  async credentials(req: express.Request) {
    const h = req.headers.authorization;
    if (h === 'Bearer user') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/guest' } } as BackstageCredentials;
    if (h === 'Bearer stranger') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/stranger' } } as BackstageCredentials;
    if (h === 'Bearer service') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'plugin:test' } } as BackstageCredentials;
    const e = new Error('Missing credentials');
    e.name = 'AuthenticationError';
    throw e;
  },
} as unknown as HttpAuthService;

/** The catalog's permission filtering, reduced to: `user:default/stranger` may see no entity. */
const mayRead = (credentials: BackstageCredentials) => (credentials.principal as { userEntityRef?: string }).userEntityRef !== 'user:default/stranger';
const catalog = {
  async getEntityByRef(ref: string | { kind: string; namespace?: string; name: string }, o: { credentials: BackstageCredentials }) {
    const key = typeof ref === 'string' ? ref : `${ref.kind}:${ref.namespace ?? 'default'}/${ref.name}`;
    return mayRead(o.credentials) ? ENTITIES.get(key.toLowerCase()) : undefined;
  },
  /** Supports what the trace route asks: kind and one annotation, with a list of values (any of them). */
  async getEntities(request: { filter?: Record<string, string | string[]> } | undefined, o: { credentials: BackstageCredentials }) {
    if (!mayRead(o.credentials)) return { items: [] };
    const filter = request?.filter ?? {};
    const items = [...ENTITIES.values()].filter((e) =>
      Object.entries(filter).every(([k, v]) => {
        const values = (Array.isArray(v) ? v : [v]).map((x) => x.toLowerCase());
        if (k === 'kind') return values.includes(e.kind.toLowerCase());
        const a = /^metadata\.annotations\.(.+)$/.exec(k);
        if (!a) throw new Error(`filter ${k} not supported by the fake catalog`);
        const value = e.metadata.annotations?.[a[1]!];
        return value !== undefined && values.includes(value.toLowerCase());
      }),
    );
    return { items };
  },
};

async function serve(config: ObservabilityConfig): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(await createRouter({ logger, config, cache: memoryCache(), httpAuth, catalog: catalog as unknown as Parameters<typeof createRouter>[0]['catalog'] }));
  // The error middleware the backend's root HTTP router installs after every plugin's routes.
  app.use(MiddlewareFactory.create({ config: new ConfigReader({}), logger }).error());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function get<T>(base: string, path: string, token: string | null = 'user'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as T };
}

/** A pass-through proxy in front of Prometheus that records every query it forwards. */
async function recordingProxy(target: string): Promise<{ url: string; server: Server; queries: string[]; urls: string[] }> {
  const queries: string[] = [];
  const urls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const q = new URLSearchParams(body).get('query');
      if (q !== null) queries.push(`${req.url} ${q}`);
      urls.push(String(req.url));
      try {
        const up = await fetch(`${target}${req.url}`, { method: req.method, headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body: req.method === 'POST' ? body : undefined });
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await up.arrayBuffer()));
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, queries, urls };
}

let stack: Stack;
let api: { url: string; server: Server };
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let proxiedApi: { url: string; server: Server };
let deadPromApi: { url: string; server: Server };
let plainApi: { url: string; server: Server };
let deadStoreApi: { url: string; server: Server };
let noStoreApi: { url: string; server: Server };
let jaegerProxy: Awaited<ReturnType<typeof recordingProxy>>;
let proxiedStoreApi: { url: string; server: Server };
let orders: Summary;

before(async () => {
  stack = await startStack({
    name: 'bs-api-observability',
    scrapeInterval: '2s',
    // Both gateways, each API through those the sample catalog names: orders through Kong and APISIX.
    simulator: { gateway: 'both', rps: 40, seed: 11 },
    collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
  });
  const config: ObservabilityConfig = {
    prometheusUrl: stack.prometheus.url,
    grafanaUrl: GRAFANA,
    tempoDatasourceUid: 'tempo',
    jaegerUiUrl: JAEGER_UI,
    traceStore: { type: 'jaeger', url: stack.jaeger.url },
    grafanaAppPluginId: 'api-observatory-app',
    defaultObjective: 0.999,
    cacheTtlMs: 1,
    queryTimeoutMs: 10_000,
  };
  api = await serve(config);
  const [closed] = await freePorts(1);
  deadPromApi = await serve({ ...config, prometheusUrl: `http://127.0.0.1:${closed}` });
  proxy = await recordingProxy(stack.prometheus.url);
  proxiedApi = await serve({ ...config, prometheusUrl: proxy.url });
  // Links only where configured: no Grafana, no Jaeger UI, the trace store only.
  plainApi = await serve({ ...config, grafanaUrl: undefined, tempoDatasourceUid: undefined, jaegerUiUrl: undefined });
  deadStoreApi = await serve({ ...config, traceStore: { type: 'jaeger', url: `http://127.0.0.1:${closed}` } });
  noStoreApi = await serve({ ...config, traceStore: undefined });
  jaegerProxy = await recordingProxy(stack.jaeger.url);
  proxiedStoreApi = await serve({ ...config, traceStore: { type: 'jaeger', url: jaegerProxy.url } });
  // Wait until the simulated traffic shows up with rates, latency, consumers and exemplars.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const r = await get<Summary>(api.url, '/entity/api/default/orders/summary?range=15m');
    if (
      r.status === 200 && r.body.state === 'ok' && r.body.current.requestsPerSecond && r.body.current.latencyP95Seconds &&
      r.body.recentRequests.length >= 3 && r.body.topConsumers.length > 0 && r.body.canary
    ) {
      orders = r.body;
      break;
    }
    if (Date.now() > deadline) throw new Error(`no complete orders summary in time; last: ${r.status} ${JSON.stringify(r.body).slice(0, 800)}`);
    await sleep(3_000);
  }
});

after(async () => {
  api?.server.close();
  deadPromApi?.server.close();
  proxiedApi?.server.close();
  proxy?.server.close();
  for (const s of [plainApi, deadStoreApi, noStoreApi, proxiedStoreApi, jaegerProxy]) s?.server.close();
  await stack?.stop();
});

describe('orders summary from the real Prometheus', () => {
  test('rates, error ratio and latency quantiles are real numbers', () => {
    const c = orders.current;
    assert.equal(orders.api, 'orders');
    assert.equal(orders.gateway, 'kong');
    assert.ok(c.requestsPerSecond! > 0.1 && c.requestsPerSecond! < 40, `orders rps ${c.requestsPerSecond}`);
    assert.ok(c.errorRatio !== null && c.errorRatio >= 0 && c.errorRatio < 0.5, `error ratio ${c.errorRatio}`);
    assert.ok(c.latencyP50Seconds! > 0 && c.latencyP50Seconds! <= c.latencyP95Seconds! && c.latencyP95Seconds! <= c.latencyP99Seconds!, JSON.stringify(c));
    assert.ok(orders.series.requestsPerSecond.length > 0, 'request rate over time');
    assert.ok(orders.series.latencyP95Seconds.length > 0, 'p95 over time');
    assert.equal(orders.series.errorRatio.length, orders.series.requestsPerSecond.length, 'error ratio has a point wherever there is traffic');
  });

  test('SLO and error budget, top consumers by plan', () => {
    const availability = orders.slo.find((s) => s.sli === 'availability');
    assert.ok(availability, JSON.stringify(orders.slo));
    assert.ok(availability.objective > 0.9 && availability.objective < 1);
    assert.ok(availability.errorBudgetRemaining !== null && Number.isFinite(availability.errorBudgetRemaining));
    for (const row of orders.topConsumers) {
      assert.ok(row.consumer && ['free', 'pro', 'enterprise'].includes(row.plan), JSON.stringify(row));
      assert.ok(row.requestsPerSecond > 0);
    }
  });

  test('recent failed or slow requests carry exemplar trace ids that exist in Jaeger, with Grafana and Jaeger links', async () => {
    for (const r of orders.recentRequests) {
      assert.match(r.traceId, /^[0-9a-f]{32}$/);
      assert.ok(r.reason === 'failed' ? r.statusClass === '5xx' : r.durationSeconds > 0, JSON.stringify(r));
      assert.ok(r.route.startsWith('orders-'), `route ${r.route} belongs to orders`);
      assert.equal(r.jaegerUrl, `${JAEGER_UI}/trace/${r.traceId}`);
      assert.ok(r.grafanaUrl?.startsWith(`${GRAFANA}/explore?`) && r.grafanaUrl.includes(r.traceId));
    }
    for (const r of orders.recentRequests.slice(0, 5)) {
      let status = 0;
      for (let i = 0; i < 10 && status !== 200; i++) {
        status = (await fetch(jaegerTraceApi({ jaegerUrl: stack.jaeger.url, traceId: r.traceId }))).status;
        if (status !== 200) await sleep(1_000);
      }
      assert.equal(status, 200, `Jaeger has trace ${r.traceId}`);
    }
  });

  test('dashboard and Grafana app links, canary verdict of the running canary', () => {
    const ids = orders.links.dashboards.map((d) => d.id).sort();
    assert.deepEqual(ids, ['canary', 'developer', 'platform', 'product']);
    const dev = orders.links.dashboards.find((d) => d.id === 'developer')!;
    assert.ok(dev.url.startsWith(`${GRAFANA}/d/apiobs-developer?`) && dev.url.includes('var-api=orders'), dev.url);
    assert.ok(orders.links.grafanaApp?.startsWith(`${GRAFANA}/a/api-observatory-app/developer?`));
    const canary = orders.canary!;
    assert.equal(canary.running, true);
    assert.match(canary.canaryVersion, /^v\d/);
    assert.ok(canary.canaryRequestsPerSecond > 0);
    assert.ok(canary.error || ['promote', 'continue', 'rollback'].includes(canary.decision!), JSON.stringify(canary));
  });

  test('a service credential works too; no credential is refused', async () => {
    assert.equal((await get(api.url, '/entity/api/default/orders/summary?range=15m', 'service')).status, 200);
    assert.equal((await get(api.url, '/entity/api/default/orders/summary?range=15m', null)).status, 401);
  });
});

describe('per-gateway breakdown', () => {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

  test('an entity served by one gateway shows that one, with the same figures as the whole', () => {
    assert.deepEqual(orders.gateways, ['kong']);
    assert.deepEqual(orders.byGateway.map((g) => g.gateway), ['kong']);
    const kong = orders.byGateway[0]!;
    assert.ok(close(kong.requestsPerSecond!, orders.current.requestsPerSecond!), JSON.stringify(kong));
    assert.ok(close(kong.latencyP95Seconds!, orders.current.latencyP95Seconds!), JSON.stringify(kong));
  });

  test('an entity served by two gateways shows both, each with its rate, error ratio and p95, adding up to the whole', async () => {
    // Each gateway's series start with its own first scrape: wait until both have a rate.
    let s: Summary;
    for (const deadline = Date.now() + 60_000; ; await sleep(2_000)) {
      const r = await get<Summary>(api.url, '/entity/api/default/orders-both/summary?range=15m');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      s = r.body;
      if (s.byGateway.every((g) => g.requestsPerSecond && g.latencyP95Seconds) || Date.now() > deadline) break;
    }
    assert.deepEqual(s.gateways, ['kong', 'apisix']);
    assert.deepEqual(s.byGateway.map((g) => g.gateway), ['kong', 'apisix']);
    for (const g of s.byGateway) {
      assert.ok(g.requestsPerSecond! > 0.05, `${JSON.stringify(s.byGateway)} over ${JSON.stringify(s.range)}`);
      assert.ok(g.errorRatio !== null && g.errorRatio >= 0 && g.errorRatio < 0.5, JSON.stringify(g));
      assert.ok(g.latencyP95Seconds! > 0, JSON.stringify(g));
    }
    const sum = s.byGateway.reduce((n, g) => n + g.requestsPerSecond!, 0);
    assert.ok(close(sum, s.current.requestsPerSecond!), `per gateway ${sum} vs whole ${s.current.requestsPerSecond}`);
    // Orders is served by both, so the kong-only entity sees part of what the two-gateway one sees.
    assert.ok(s.current.requestsPerSecond! > orders.current.requestsPerSecond! * 1.3, `${s.current.requestsPerSecond} vs ${orders.current.requestsPerSecond}`);
  });

  test('a hostile entry of the gateway list stays one literal value: no data for it, never another gateway\'s', async () => {
    proxy.queries.length = 0;
    const r = await get<Summary>(proxiedApi.url, '/entity/api/default/orders-list-hostile/summary?range=15m');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const hostile = 'apisix|.*"} or {api=~".+';
    assert.deepEqual(r.body.gateways, ['kong', hostile]);
    assert.deepEqual(r.body.byGateway.map((g) => g.gateway), ['kong', hostile]);
    const [kong, other] = r.body.byGateway;
    assert.ok(kong!.requestsPerSecond! > 0);
    assert.deepEqual([other!.requestsPerSecond, other!.errorRatio, other!.latencyP95Seconds], [null, null, null]);
    const matcher = `${LABELS.gateway.label}=~"${escapeLabelValue(`kong|${escapeRegex(hostile)}`)}"`;
    assert.ok(proxy.queries.some((q) => q.includes(matcher)), `no query with ${matcher}: ${proxy.queries[0]}`);
  });
});

describe('clear states', () => {
  test('an entity without the annotation is NO_ANNOTATION (404)', async () => {
    const r = await get<ErrorBody>(api.url, '/entity/api/default/no-annotations/summary');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'NO_ANNOTATION');
  });

  test('an unknown entity is ENTITY_NOT_FOUND (404); an unknown range is BAD_REQUEST (400)', async () => {
    const r = await get<ErrorBody>(api.url, '/entity/api/default/nope/summary');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'ENTITY_NOT_FOUND');
    const b = await get<ErrorBody>(api.url, `/entity/api/default/orders/summary?range=${encodeURIComponent('5m]) or vector(1')}`);
    assert.equal(b.status, 400);
    assert.equal(b.body.error.code, 'BAD_REQUEST');
  });

  test('an unreachable Prometheus is PROMETHEUS_UNREACHABLE (503)', async () => {
    const r = await get<ErrorBody>(deadPromApi.url, '/entity/api/default/orders/summary');
    assert.equal(r.status, 503);
    assert.equal(r.body.error.code, 'PROMETHEUS_UNREACHABLE');
    assert.match(r.body.error.message, /\(apiObservability\.prometheusUrl\) is unreachable/, 'the message names the config key to check');
  });
});

describe('hostile annotation values and entity names', () => {
  for (const [name, annotations] of HOSTILE) {
    test(`${JSON.stringify(name)} ${JSON.stringify(annotations)} gives empty data, never another API's`, async () => {
      const r = await get<Summary>(api.url, `/entity/api/default/${encodeURIComponent(name)}/summary?range=15m`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const s = r.body;
      assert.equal(s.state, 'no-data');
      assert.equal(s.api, annotations[API_NAME_ANNOTATION]);
      assert.deepEqual(Object.values(s.current), [null, null, null, null, null]);
      for (const series of Object.values(s.series)) assert.deepEqual(series, []);
      assert.deepEqual(s.topConsumers, []);
      assert.deepEqual(s.recentRequests, []);
      // The canary is judged per API (all gateways), as canary-gate judges it: a hostile gateway next to
      // the real API name may show that API's own canary, never another API's; a hostile API name shows none.
      if (annotations[API_NAME_ANNOTATION] === 'orders') {
        const own = (await get<Summary>(api.url, '/entity/api/default/orders/summary?range=15m')).body.canary;
        assert.ok(s.canary === null || s.canary.canaryVersion === own?.canaryVersion, JSON.stringify(s.canary));
      } else assert.equal(s.canary, null);
      // Recorded SLOs are per API (all gateways): a hostile gateway next to the real API name may show
      // that API's own recorded SLO, never another API's; a hostile API name shows none.
      for (const slo of s.slo) {
        if (annotations[API_NAME_ANNOTATION] === 'orders' && slo.source === 'recorded') continue;
        assert.equal(slo.errorRatio, null, JSON.stringify(slo));
      }
    });
  }
});

describe('hostile values do not change any query', () => {
  HOSTILE.forEach(([name, annotations], i) => {
    test(`${JSON.stringify(name)}: every query equals the benign placeholder's, the value being one escaped literal`, async () => {
      const run = async (entity: string) => {
        proxy.queries.length = 0;
        const r = await get<Summary>(proxiedApi.url, `/entity/api/default/${encodeURIComponent(entity)}/summary?range=15m`);
        assert.equal(r.status, 200);
        return [...proxy.queries];
      };
      const hostile = await run(name);
      const benign = await run(`placeholder-${i}`);
      assert.ok(hostile.length >= 10, `only ${hostile.length} queries`);
      const substituted = hostile.map((q) => {
        let out = q;
        for (const [k, v] of Object.entries(annotations)) {
          if (v !== BENIGN[k]) out = out.split(`"${escapeLabelValue(v)}"`).join(`"${PLACEHOLDER[k]}"`);
        }
        return out;
      });
      assert.deepEqual(substituted.sort(), benign.sort());
    });
  });
});

describe('one stated window per range, correct for young data', () => {
  test('every figure states its window; a range longer than the data uses the data\'s age, not the range', async () => {
    const long = await get<Summary>(api.url, '/entity/api/default/orders/summary?range=7d');
    assert.equal(long.status, 200);
    const s = long.body;
    // The stack started minutes ago: far younger than the 7d range's 2h window.
    assert.ok(s.range.dataSince !== undefined && s.range.dataSince > s.range.end - 1800, JSON.stringify(s.range));
    assert.ok(s.range.windowSeconds! >= 30 && s.range.windowSeconds! <= s.range.end - s.range.dataSince! + 60, JSON.stringify(s.range));
    assert.equal(s.range.window, `${s.range.windowSeconds}s`);
    // Over the data that exists, the 7d figures match the short range's: a rate over 2h of 5 minutes of
    // data would be ~20 times lower.
    const short = (await get<Summary>(api.url, '/entity/api/default/orders/summary?range=15m')).body;
    const ratio = (a: number | null, b: number | null) => (a ?? 0) / (b ?? 1);
    const rps = ratio(s.current.requestsPerSecond, short.current.requestsPerSecond);
    assert.ok(rps > 0.6 && rps < 1.6, `7d rps ${s.current.requestsPerSecond} vs 15m ${short.current.requestsPerSecond}`);
    const sum = (rows: Summary['topConsumers']) => rows.reduce((a, r) => a + r.requestsPerSecond, 0);
    const top = sum(s.topConsumers) / sum(short.topConsumers);
    assert.ok(top > 0.6 && top < 1.6, `7d top consumers ${sum(s.topConsumers)} vs 15m ${sum(short.topConsumers)}`);
  });

  test('a range older than the data keeps its own window', async () => {
    const s = (await get<Summary>(api.url, '/entity/api/default/orders/summary?range=15m')).body;
    if (s.range.dataSince === undefined) {
      assert.equal(s.range.window, '1m');
      assert.equal(s.range.windowSeconds, 60);
    } else {
      assert.ok(s.range.windowSeconds! < 60, JSON.stringify(s.range));
    }
  });
});

describe('links only where configured', () => {
  test('without grafanaUrl and jaegerUiUrl no trace, dashboard or app link is offered', async () => {
    const r = await get<Summary>(plainApi.url, '/entity/api/default/orders/summary?range=15m');
    assert.equal(r.status, 200);
    assert.ok(r.body.recentRequests.length > 0);
    for (const req of r.body.recentRequests) assert.deepEqual([req.grafanaUrl, req.jaegerUrl], [undefined, undefined]);
    assert.deepEqual(r.body.links, { dashboards: [] });
    const t = await get<TraceView>(plainApi.url, `/traces/${orders.recentRequests[0]!.traceId}`);
    assert.equal(t.status, 200);
    assert.deepEqual(t.body.links, {});
  });
});

describe('trace view from the real Jaeger', () => {
  async function trace(base: string, id: string, token = 'user') {
    // Spans become queryable once the collector has exported them.
    for (let i = 0; ; i++) {
      const r = await get<TraceView & ErrorBody>(base, `/traces/${id}`, token);
      if (r.status !== 404 || i >= 10) return r;
      await sleep(1_000);
    }
  }

  test('each recent request opens: spans with durations, status, stored attributes and the API entity', async () => {
    for (const req of orders.recentRequests.slice(0, 5)) {
      const r = await trace(api.url, req.traceId);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const t = r.body;
      assert.equal(t.traceId, req.traceId);
      assert.equal(t.store, 'jaeger');
      assert.ok(t.spans.length >= 1);
      const root = t.spans[0]!;
      assert.equal(root.depth, 0);
      assert.equal(root.parentSpanId, null);
      assert.equal(root.startOffsetMicros, 0);
      assert.equal(root.name, 'kong');
      assert.equal(root.service, 'kong');
      assert.equal(root.kind, 'server');
      // The exemplar's duration is the span's (spanmetrics), to the microsecond.
      assert.ok(Math.abs(root.durationMicros / 1e6 - req.durationSeconds) < 0.002, `${root.durationMicros}µs vs ${req.durationSeconds}s`);
      assert.equal(t.durationMicros, Math.max(...t.spans.map((s) => s.startOffsetMicros + s.durationMicros)));
      const attr = (k: string) => root.attributes.find((a) => a.key === k)?.value;
      assert.equal(attr('http.route'), req.route);
      assert.equal(attr('http.response.status_code'), req.status);
      assert.deepEqual(root.api && { api: root.api.api, entityRef: root.api.entityRef }, { api: 'orders', entityRef: 'api:default/orders' });
      assert.match(root.api!.version, /^v\d/);
      for (const child of t.spans.slice(1)) {
        assert.equal(child.depth, 1, JSON.stringify(child));
        assert.equal(child.parentSpanId, root.spanId);
        assert.equal(child.api?.api, 'orders', 'a child span inherits its gateway service');
        assert.ok(child.startOffsetMicros >= 0 && child.startOffsetMicros + child.durationMicros <= t.durationMicros);
      }
      if (req.status === '502' || req.status === '504') {
        assert.ok(t.errorCount >= 1 && t.spans.some((s) => s.status === 'error'), `failed upstream try of ${req.traceId} is an error span`);
      }
      assert.equal(t.errorCount, t.spans.filter((s) => s.status === 'error').length);
      assert.equal(t.links.jaegerUi, `${JAEGER_UI}/trace/${req.traceId}`);
      assert.ok(t.links.grafana?.startsWith(`${GRAFANA}/explore?`));
    }
  });

  test('upper-case ids are the same trace; a caller who may not see the API gets no entity link', async () => {
    const id = orders.recentRequests[0]!.traceId;
    const upper = await trace(api.url, id.toUpperCase());
    assert.equal(upper.status, 200);
    assert.equal(upper.body.traceId, id);
    const stranger = await trace(api.url, id, 'stranger');
    assert.equal(stranger.status, 200);
    assert.equal(stranger.body.spans[0]!.api?.api, 'orders');
    assert.equal(stranger.body.spans[0]!.api?.entityRef, undefined);
    assert.equal((await get(api.url, `/traces/${id}`, null)).status, 401);
  });

  test('an unknown id (32 or 16 hex) is TRACE_NOT_FOUND', async () => {
    for (const id of ['0123456789abcdef0123456789abcdef', 'fedcba9876543210']) {
      const r = await get<ErrorBody>(api.url, `/traces/${id}`);
      assert.equal(r.status, 404, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'TRACE_NOT_FOUND');
    }
  });

  test('malformed ids are refused before any request to the trace store', async () => {
    jaegerProxy.urls.length = 0;
    for (const bad of ['xyz', '0123456789abcde', '0123456789abcdef0', '0'.repeat(32), `${'a'.repeat(32)}%2F..%2Fservices`, '..%2F..%2Fapi%2Fservices', `${'g'.repeat(32)}`]) {
      const r = await get<ErrorBody>(proxiedStoreApi.url, `/traces/${bad}`);
      assert.equal(r.status, 400, `${bad}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'BAD_REQUEST');
    }
    assert.deepEqual(jaegerProxy.urls, []);
    const ok = await trace(proxiedStoreApi.url, orders.recentRequests[0]!.traceId);
    assert.equal(ok.status, 200);
    assert.deepEqual(jaegerProxy.urls.slice(-1), [`/api/traces/${orders.recentRequests[0]!.traceId}`]);
  });

  test('an unreachable trace store is TRACE_STORE_UNREACHABLE; none configured is NOT_CONFIGURED', async () => {
    const dead = await get<ErrorBody>(deadStoreApi.url, `/traces/${orders.recentRequests[0]!.traceId}`);
    assert.equal(dead.status, 503);
    assert.equal(dead.body.error.code, 'TRACE_STORE_UNREACHABLE');
    const none = await get<ErrorBody>(noStoreApi.url, `/traces/${orders.recentRequests[0]!.traceId}`);
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'NOT_CONFIGURED');
  });
});
