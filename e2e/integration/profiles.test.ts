/**
 * Every gateway version the simulator plays, at once, through one real collector into one real
 * Prometheus: each version is its own simulator behind its own APIs (API prefix `kong28-`, …), so one
 * stack checks them all against their ground truth. Scraped counts by api, status and consumer (the
 * unauthenticated share included), latency histogram counts and bounds, bandwidth; span-derived consumer,
 * plan and tenant (none for requests whose enrichment never ran, no spans at all from Kong 2.8); spans
 * without a status code (APISIX up to 3.15); and no unmapped samples from any supported version.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LABELS, METRICS, PLATFORM_METRICS, PrometheusClient, UNAUTHENTICATED_CONSUMER, metricSelector, promName, re, selector, sum,
  type Matchers,
} from '@api-observatory/telemetry-contract';
import {
  PROFILES, TrafficGenerator, authenticated, profileName, startLiveSimulator, type GatewayProfile, type LiveSimulator, type Summary,
} from '@api-observatory/traffic-simulator';
import { freePorts, startStack, type Stack } from '@api-observatory/local-stack';
import { eventually, mapOf } from './helpers';

const RPS = 25;
const RUN_MS = 12_000;
/** Requests every simulator surely sends in RUN_MS at RPS (with room for a slow machine). */
const SURE = 150;

/** A seed whose first SURE requests include a 401 (auth rejections are rare), so every run has some. */
function seedWith401(gateway: GatewayProfile['gateway'], from: number): number {
  for (let seed = from; ; seed++) {
    const gen = new TrafficGenerator({ seed, gateways: [gateway] });
    if (Array.from({ length: SURE }, () => gen.next()).some((r) => !authenticated(r))) return seed;
  }
}

interface Played {
  profile: GatewayProfile;
  name: string;
  prefix: string;
  sim: LiveSimulator;
  summary: Summary;
}

let stack: Stack;
let prom: PrometheusClient;
const played: Played[] = [];

/** This version's series: its APIs carry its prefix. */
const mine = (p: Played): Matchers => ({ [LABELS.api.label]: re(`${p.prefix}.*`) });
const total = (s: Summary) => s.totals.requests;

before(async () => {
  const ports = await freePorts(PROFILES.length);
  const targets = (g: string) => JSON.stringify(PROFILES.flatMap((p, i) => (p.gateway === g ? [`127.0.0.1:${ports[i]}`] : [])));
  stack = await startStack({
    name: 'it-profiles',
    scrapeInterval: '1s',
    simulator: null,
    collector: { env: { KONG_METRICS_TARGETS: targets('kong'), APISIX_METRICS_TARGETS: targets('apisix'), SPANMETRICS_FLUSH_INTERVAL: '2s' } },
  });
  prom = new PrometheusClient(stack.prometheus.url);
  const sims = await Promise.all(PROFILES.map((profile, i) => {
    const prefix = `${profileName(profile).replace(/[@.]/g, '')}-`;
    return startLiveSimulator({
      gateway: profile.gateway,
      versions: { [profile.gateway]: profile.version },
      port: ports[i]!,
      otlpEndpoint: stack.collector.otlpHttpEndpoint,
      rps: RPS,
      seed: seedWith401(profile.gateway, 40 + 100 * i),
      apiPrefix: prefix,
    }).then((sim) => ({ profile, prefix, sim }));
  }));
  await sleep(RUN_MS);
  for (const s of sims) played.push({ ...s, name: profileName(s.profile), summary: await s.sim.pause() });
  await eventually('final scraped counters of every version in Prometheus', async () => {
    for (const p of played) {
      const got = mapOf(await prom.query(sum(metricSelector('requests', mine(p)))), []);
      if (got.get('') !== total(p.summary)) return undefined;
    }
    return true;
  }, 30_000);
  await eventually('final span metrics of every version with spans in Prometheus', async () => {
    for (const p of played.filter((x) => x.profile.otelPlugin)) {
      const got = mapOf(await prom.query(sum(metricSelector('trafficCalls', mine(p)))), []);
      if (got.get('') !== total(p.summary)) return undefined;
    }
    return true;
  }, 30_000);
});

after(async () => {
  for (const p of played) await p.sim.stop();
  await stack?.stop();
});

function truth(s: Summary, key: (r: Summary['breakdown'][number]) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of s.breakdown) m.set(key(r), (m.get(key(r)) ?? 0) + r.count);
  return m;
}
const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('every gateway version, one stack', () => {
  test('the stack played every version in the registry', () => {
    assert.deepEqual(played.map((p) => p.name), PROFILES.map(profileName));
    for (const p of played) assert.ok(total(p.summary) >= SURE, `${p.name}: ${total(p.summary)} requests`);
  });

  test('requests by api, status and consumer equal each simulator\'s, 401s as unauthenticated', async () => {
    const by = [LABELS.api.label, LABELS.statusCode.label, LABELS.consumer.label];
    for (const p of played) {
      // Kong 2.x: every (route, status) has an unauthenticated series, 0 where all requests were authenticated.
      const got = new Map([...mapOf(await prom.query(sum(metricSelector('requests', mine(p)), by)), by)].filter(([, v]) => v !== 0));
      const want = truth(p.summary, (r) => `${r.api}|${r.http_response_status_code}|${r.metricConsumer}`);
      assert.deepEqual(sorted(got), sorted(want), p.name);
      assert.ok([...want.keys()].some((k) => k.endsWith(`|401|${UNAUTHENTICATED_CONSUMER}`)), `${p.name}: the run had 401s`);
    }
  });

  test('latency histograms: every request in total and gateway latency, proxied ones in upstream; each version\'s bounds', async () => {
    for (const p of played) {
      for (const key of ['requestDuration', 'upstreamDuration', 'gatewayDuration'] as const) {
        const got = mapOf(await prom.query(sum(metricSelector(key, mine(p), 'count'))), []).get('');
        const want = key === 'upstreamDuration' ? p.summary.totals.upstreamCalls[p.profile.gateway] : total(p.summary);
        assert.equal(got, want, `${p.name} ${key} count`);
        const series = await prom.series(selector(`${promName(METRICS[key])}_bucket`, mine(p)), p.summary.startUnixMs / 1000 - 60, Date.now() / 1000);
        const les = [...new Set(series.map((s) => s.le!))].filter((x) => x !== '+Inf').map(Number).sort((a, b) => a - b);
        assert.deepEqual(les, p.profile.latencyBucketsMs[key].map((b) => b / 1000), `${p.name} ${key} bounds in seconds`);
      }
    }
  });

  test('bandwidth by direction equals each simulator\'s', async () => {
    for (const p of played) {
      const got = mapOf(await prom.query(sum(metricSelector('bandwidth', mine(p)), [LABELS.direction.label])), [LABELS.direction.label]);
      assert.equal(got.get('ingress'), p.summary.totals.ingressBytes, p.name);
      assert.equal(got.get('egress'), p.summary.totals.egressBytes, p.name);
    }
  });

  test('span metrics: consumer, plan and tenant only where the enrichment saw the consumer; no spans from Kong 2.8', async () => {
    for (const p of played) {
      const got = await prom.query(sum(metricSelector('trafficCalls', mine(p))));
      if (!p.profile.otelPlugin) {
        assert.deepEqual(got, [], `${p.name} has no OpenTelemetry plugin`);
        continue;
      }
      for (const dim of [LABELS.consumer.label, LABELS.plan.label, LABELS.tenant.label] as const) {
        const m = mapOf(await prom.query(sum(metricSelector('trafficCalls', mine(p)), [dim])), [dim]);
        assert.deepEqual(sorted(m), sorted(truth(p.summary, (r) => r[dim])), `${p.name} by ${dim}`);
      }
      assert.ok((truth(p.summary, (r) => r.consumer).get(UNAUTHENTICATED_CONSUMER) ?? 0) > 0, `${p.name}: some spans without a consumer`);
    }
  });

  test('spans carry a status code as each version sets it (APISIX up to 3.15: none without a response body)', async () => {
    const statusLabel = LABELS.statusCode.label;
    for (const p of played.filter((x) => x.profile.otelPlugin)) {
      const withStatus = mapOf(await prom.query(sum(metricSelector('trafficCalls', { ...mine(p), [statusLabel]: re('.+') }))), []).get('') ?? 0;
      const rows = p.summary.breakdown;
      const count = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).reduce((a, r) => a + r.count, 0);
      // 401/403/429 come only from the gateway (auth, ACL, rate limit) in the simulator's model.
      const gatewayAnswered = (r: (typeof rows)[number]) => ['401', '403', '429'].includes(r.http_response_status_code);
      const want =
        p.profile.gateway === 'kong' ? total(p.summary)
        : p.profile.version === '3.11' ? count((r) => !gatewayAnswered(r) && r.http_response_status_code !== '204')
        : count((r) => !gatewayAnswered(r));
      assert.equal(withStatus, want, `${p.name}: spans with a status code`);
    }
  });

  test('no supported version leaves samples the collector cannot map', async () => {
    const r = await prom.query(selector(PLATFORM_METRICS.collectorUnmappedGatewaySamples.name));
    assert.deepEqual(r.map((x) => x.metric), []);
  });
});
