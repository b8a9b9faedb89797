// Every gateway version the simulator plays, scraped at once by the real collector with the shared
// config; exports captured as OTLP/JSON. Each version's traffic sits behind its own APIs (the service
// names get a per-version prefix), so one collector run checks all of them against the simulator's
// ground truth: request counts by api, status and consumer (unauthenticated share included), latency
// histogram counts, bounds and sums in seconds, bandwidth by direction. A gateway whose families the
// collector does not know (APISIX with another metric prefix) must show up as unmapped samples, and
// APISIX without prefer_name (ids instead of names) must come out named through the overlay that
// collector/gateway-names.ts generates from admin API output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { METRICS, PLATFORM_METRICS, UNAUTHENTICATED_CONSUMER, type MetricDef } from '@api-observatory/telemetry-contract';
import { PROFILES, TrafficGenerator, apisixId, apisixLatencies, profileName, type GatewayProfile, type SimRequest } from '@api-observatory/traffic-simulator';
import { gatewayNames, overlay as namesOverlay } from '../gateway-names';
import {
  captureOverlay,
  configPath,
  flatPoints,
  freePorts,
  otlpCapture,
  serve,
  skipWithoutOtelcol,
  startCollector,
  tempDir,
  waitFor,
  type FlatPoint,
  type HttpServer,
  type OtlpCapture,
  type RunningCollector,
} from './helpers';

const N = 800;
const ID = { kongNodeId: 'node-1', apisixHostname: 'apisix-1' };
/** `kong@3.9` -> `kong39`: prefix of this version's API names. */
const tagOf = (p: GatewayProfile) => profileName(p).replace(/[@.]/g, '');

interface Played {
  profile: GatewayProfile;
  tag: string;
  reqs: SimRequest[];
  text: string;
}

/** The profile's exposition after N requests, each service renamed `<tag>-<service>` (so api = `<tag>-<api>`). */
function play(profile: GatewayProfile, seed: number): Played {
  const tag = tagOf(profile);
  const gen = new TrafficGenerator({ seed, gateways: [profile.gateway] });
  const exp = profile.exposition(ID);
  const reqs: SimRequest[] = [];
  for (let i = 0; i < N; i++) {
    const r = gen.next();
    reqs.push(r);
    exp.record(r);
  }
  return { profile, tag, reqs, text: exp.render().replace(/service="/g, `service="${tag}-`) };
}

/** APISIX 3.16 with `plugin_attr.prometheus.metric_prefix: gw_`: nothing the collector knows. */
const UNMAPPED_PREFIX = 'gw_';

/** The played exposition as APISIX without `prefer_name` shows it (ids), and the admin API's view of those ids. */
function withIds(p: Played): { text: string; services: unknown; routes: unknown } {
  const services = new Set<string>();
  const routes = new Set<string>();
  const text = p.text
    .replace(/service="([^"]*)"/g, (_, name: string) => (services.add(name), `service="${apisixId(name)}"`))
    .replace(/route="([^"]*)"/g, (_, name: string) => (routes.add(name), `route="${apisixId(name)}"`));
  const list = (names: Set<string>) => ({ total: names.size, list: [...names].map((name) => ({ value: { id: apisixId(name), name } })) });
  return { text, services: list(services), routes: list(routes) };
}

const UNMAPPED_OTEL_NAME = PLATFORM_METRICS.collectorUnmappedGatewaySamples.otelName;
const skip = skipWithoutOtelcol;

describe('every gateway version through the real collector', { skip }, () => {
  const played = PROFILES.map((p, i) => play(p, 100 + i));
  const foreign = play(PROFILES.find((p) => profileName(p) === 'apisix@3.16')!, 99);
  const named = { ...play(PROFILES.find((p) => profileName(p) === 'apisix@3.11')!, 98), tag: 'ids' };
  named.text = named.text.replace(/service="apisix311-/g, 'service="ids-');
  const ids = withIds(named);
  const foreignText = foreign.text.replace(/^(# (?:HELP|TYPE) )?apisix_/gm, `$1${UNMAPPED_PREFIX}`);
  let capture: OtlpCapture;
  const servers: HttpServer[] = [];
  let collector: RunningCollector;
  const tmp = tempDir('otelcol-profiles-');

  before(async () => {
    capture = await otlpCapture();
    const targets: Record<string, string[]> = { kong: [], apisix: [] };
    for (const [gateway, text] of [...played.map((p) => [p.profile.gateway, p.text] as const), ['apisix', foreignText] as const, ['apisix', ids.text] as const]) {
      const srv = await serve((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(text);
      });
      servers.push(srv);
      targets[gateway]!.push(`127.0.0.1:${srv.port}`);
    }
    const overlay = captureOverlay(tmp.dir, capture, ['metrics/gateways']);
    const names = path.join(tmp.dir, 'gateway-names.yaml');
    writeFileSync(names, namesOverlay(gatewayNames({ apisixServices: ids.services, apisixRoutes: ids.routes })));
    const [grpc, httpPort, health] = await freePorts(3);
    collector = await startCollector([configPath, names, overlay], {
      PROMETHEUS_REMOTE_WRITE_URL: 'http://127.0.0.1:9/api/v1/write',
      TRACES_OTLP_ENDPOINT: '127.0.0.1:9',
      OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      OTLP_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
      HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
      KONG_METRICS_TARGETS: JSON.stringify(targets.kong),
      APISIX_METRICS_TARGETS: JSON.stringify(targets.apisix),
      GATEWAY_SCRAPE_INTERVAL: '1s',
    }, `http://127.0.0.1:${health}/`);
    // Until every version's request total is complete (a target's first export can precede its counts).
    await waitFor('every version scraped and the unmapped samples counted', () => {
      const complete = [...played, named].every((p) => ofVersion(METRICS.requests, p).reduce((a, x) => a + x.value!, 0) === N);
      const unmapped = latest(UNMAPPED_OTEL_NAME).length > 0;
      return complete && unmapped ? true : undefined;
    }, 40_000);
  });

  after(async () => {
    await collector?.stop();
    for (const s of servers) await s.close();
    await capture?.close();
    tmp.cleanup();
  });

  /** Latest point of each series, by metric; exports are read once, as they arrive (there are many). */
  const latestByMetric = new Map<string, Map<string, FlatPoint>>();
  let read = 0;
  function latest(metric: string): FlatPoint[] {
    for (; read < capture.metrics.length; read++) {
      for (const p of flatPoints([capture.metrics[read]])) {
        const m = latestByMetric.get(p.metric) ?? new Map<string, FlatPoint>();
        m.set(JSON.stringify(Object.entries(p.attributes).sort()), p);
        latestByMetric.set(p.metric, m);
      }
    }
    return [...(latestByMetric.get(metric)?.values() ?? [])];
  }
  const ofVersion = (def: MetricDef, p: Played) => latest(def.otelName).filter((x) => String(x.attributes.api).startsWith(`${p.tag}-`));
  const tally = <T>(items: T[], key: (t: T) => string, value: (t: T) => number = () => 1) => {
    const m = new Map<string, number>();
    for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + value(it));
    return m;
  };
  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

  for (const p of played) {
    const name = profileName(p.profile);
    const api = (r: SimRequest) => `${p.tag}-${r.api}`;

    test(`${name}: requests by api, status and consumer equal the simulator's, 401s as ${UNAUTHENTICATED_CONSUMER}`, () => {
      const want = tally(p.reqs, (r) => `${api(r)}|${r.status}|${p.profile.metricConsumer(r) || UNAUTHENTICATED_CONSUMER}`);
      // Kong 2.x: every (route, status) has an unauthenticated series, 0 where all requests were authenticated.
      const got = tally(ofVersion(METRICS.requests, p).filter((x) => x.value !== 0), (x) => `${x.attributes.api}|${x.attributes['http.response.status_code']}|${x.attributes.consumer}`, (x) => x.value!);
      assert.deepEqual(sorted(got), sorted(want));
      assert.ok([...want.keys()].some((k) => k.endsWith(`|401|${UNAUTHENTICATED_CONSUMER}`)), 'the run has unauthenticated requests');
    });

    test(`${name}: latency histograms count every request (upstream only when proxied), bounds and sums in seconds`, () => {
      const cases: Array<[MetricDef, 'requestDuration' | 'upstreamDuration' | 'gatewayDuration', (r: SimRequest) => number | undefined]> = [
        [METRICS.requestDuration, 'requestDuration', (r) => (p.profile.gateway === 'apisix' ? apisixLatencies(r).request : r.requestMs)],
        [METRICS.upstreamDuration, 'upstreamDuration', (r) => (p.profile.gateway === 'apisix' ? apisixLatencies(r).upstream : r.upstreamMs)],
        [METRICS.gatewayDuration, 'gatewayDuration', (r) => (p.profile.gateway === 'apisix' ? apisixLatencies(r).apisix : r.gatewayMs)],
      ];
      for (const [def, key, ms] of cases) {
        const pts = ofVersion(def, p);
        const observed = p.reqs.filter((r) => ms(r) !== undefined);
        assert.deepEqual(sorted(tally(pts, (x) => String(x.attributes.api), (x) => x.count!)), sorted(tally(observed, api)), `${def.otelName} counts`);
        const bounds = p.profile.latencyBucketsMs[key].map((b) => b / 1000);
        for (const x of pts) assert.deepEqual(x.bounds, bounds, `${def.otelName} bounds in seconds, exact`);
        const sum = pts.reduce((a, x) => a + x.sum!, 0);
        const want = observed.reduce((a, r) => a + ms(r)!, 0) / 1000;
        assert.ok(Math.abs(sum - want) < 1e-6 * Math.max(1, want), `${def.otelName} sum ${sum} s vs ${want} s`);
      }
    });

    test(`${name}: bandwidth by direction equals the simulator's`, () => {
      const got = tally(ofVersion(METRICS.bandwidth, p), (x) => String(x.attributes.direction), (x) => x.value!);
      assert.equal(got.get('ingress'), p.reqs.reduce((a, r) => a + r.ingressBytes, 0));
      assert.equal(got.get('egress'), p.reqs.reduce((a, r) => a + r.egressBytes, 0));
    });
  }

  test('APISIX without prefer_name: ids become names, and api, version and role follow from them', () => {
    const want = tally(named.reqs, (r) => `ids-${r.api}|${r.version}|${r.role}|${r.route.name}|${r.status}`);
    const got = tally(ofVersion(METRICS.requests, named), (x) => `${x.attributes.api}|${x.attributes.api_version}|${x.attributes.deployment_role}|${x.attributes['http.route']}|${x.attributes['http.response.status_code']}`, (x) => x.value!);
    assert.deepEqual(sorted(got), sorted(want));
    const dur = tally(ofVersion(METRICS.requestDuration, named), (x) => `${x.attributes.api}|${x.attributes['http.route']}`, (x) => x.count!);
    assert.deepEqual(sorted(dur), sorted(tally(named.reqs, (r) => `ids-${r.api}|${r.route.name}`)));
  });

  test('families the collector does not know are counted per gateway and name, not dropped silently', () => {
    const pts = latest(UNMAPPED_OTEL_NAME);
    const got = new Map(pts.map((x) => [`${x.attributes.gateway}|${x.attributes.gateway_metric}`, x.value]));
    const samples = (family: string) => foreignText.split('\n').filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `)).length;
    assert.equal(got.get(`apisix|${UNMAPPED_PREFIX}http_status`), samples(`${UNMAPPED_PREFIX}http_status`));
    assert.equal(got.get(`apisix|${UNMAPPED_PREFIX}http_latency_bucket`), samples(`${UNMAPPED_PREFIX}http_latency_bucket`));
    assert.ok(samples(`${UNMAPPED_PREFIX}http_status`) > 10);
    for (const x of pts) {
      assert.deepEqual(Object.keys(x.attributes).sort(), [...PLATFORM_METRICS.collectorUnmappedGatewaySamples.labels].sort());
      assert.equal(x.attributes.gateway, 'apisix', 'no supported version has unmapped samples');
    }
  });
});
