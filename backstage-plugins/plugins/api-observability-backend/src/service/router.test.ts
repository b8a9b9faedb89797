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
import type { Entity } from '@backstage/catalog-model';
import type { BackstageCredentials, CacheService, HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { escapeLabelValue, jaegerTraceApi } from '@api-observatory/telemetry-contract';
import { freePorts, startStack, type Stack } from '@api-observatory/local-stack';
import { createRouter } from './router';
import type { ObservabilityConfig } from './config';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION, type ErrorBody, type Summary } from '@api-observatory/backstage-plugin-api-observability-common';

const GRAFANA = 'http://grafana.test:3000';

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

/** Bearer user / Bearer service are credentials; anything else is rejected like the real service does. */
const httpAuth = {
  async credentials(req: express.Request) {
    const h = req.headers.authorization;
    if (h === 'Bearer user') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/guest' } } as BackstageCredentials;
    if (h === 'Bearer service') return { $$type: '@backstage/BackstageCredentials', principal: { type: 'service', subject: 'plugin:test' } } as BackstageCredentials;
    const e = new Error('Missing credentials');
    e.name = 'AuthenticationError';
    throw e;
  },
} as unknown as HttpAuthService;

const catalog = {
  async getEntityByRef(ref: string | { kind: string; namespace?: string; name: string }) {
    const key = typeof ref === 'string' ? ref : `${ref.kind}:${ref.namespace ?? 'default'}/${ref.name}`;
    return ENTITIES.get(key.toLowerCase());
  },
};

async function serve(config: ObservabilityConfig): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(await createRouter({ logger, config, cache: memoryCache(), httpAuth, catalog }));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.name === 'AuthenticationError' ? 401 : 500).json({ error: { name: err.name, message: err.message } });
  });
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
async function recordingProxy(target: string): Promise<{ url: string; server: Server; queries: string[] }> {
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const q = new URLSearchParams(body).get('query');
      if (q !== null) queries.push(`${req.url} ${q}`);
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, queries };
}

let stack: Stack;
let api: { url: string; server: Server };
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let proxiedApi: { url: string; server: Server };
let deadPromApi: { url: string; server: Server };
let orders: Summary;

before(async () => {
  stack = await startStack({
    name: 'bs-api-observability',
    scrapeInterval: '2s',
    simulator: { gateway: 'kong', rps: 40, seed: 11 },
    collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
  });
  const config: ObservabilityConfig = {
    prometheusUrl: stack.prometheus.url,
    grafanaUrl: GRAFANA,
    tempoDatasourceUid: 'tempo',
    jaegerUrl: stack.jaeger.url,
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
      assert.equal(r.jaegerUrl, `${stack.jaeger.url}/trace/${r.traceId}`);
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
      assert.equal(s.canary, null);
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
