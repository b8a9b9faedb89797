/**
 * Simulator (Kong and APISIX at once) → real collector (shared config) → real Prometheus and Jaeger.
 * Proves the contract's series exist with the same label sets for both gateways, that counts and rates
 * match what the simulator sent, that exemplars carry trace ids Jaeger returns, and that credentials
 * planted in spans reach neither store nor the debug exporter.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LABELS, METRICS, PLATFORM_METRICS, PROM, PrometheusClient, gatewayLatencyBucketRate, jaegerTraceApi, latencyQuantile, metricSelector, promName, selector, sum,
  type MetricKey,
} from '@api-observatory/telemetry-contract';
import { SIMULATED_SECRET_MARKER, type Summary } from '@api-observatory/traffic-simulator';
import { startStack, type Stack } from '@api-observatory/local-stack';
import { eventually, mapOf, truthBy } from './helpers';

const RPS = 40;
const RUN_MS = 30_000;
const GATEWAYS = ['kong', 'apisix'] as const;

let stack: Stack;
let prom: PrometheusClient;
let summary: Summary;

before(async () => {
  stack = await startStack({
    name: 'it-pipeline',
    scrapeInterval: '1s',
    simulator: { gateway: 'both', rps: RPS, seed: 7, leakCredentials: true },
    collector: { debugVerbosity: 'detailed', env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
  });
  prom = new PrometheusClient(stack.prometheus.url);
  await sleep(RUN_MS);
  summary = await stack.simulator!.pause();
  // Let a last scrape and span-metrics flush carry the final counters.
  await eventually('final counters in Prometheus', async () => {
    const got = mapOf(await prom.query(sum(metricSelector('requests'), ['gateway'])), ['gateway']);
    return GATEWAYS.every((g) => got.get(g) === truthBy(summary.breakdown, g, []).get('')) ? got : undefined;
  }, 30_000);
  await eventually('final span metrics in Prometheus', async () => {
    const got = mapOf(await prom.query(sum(metricSelector('trafficCalls'), ['gateway'])), ['gateway']);
    return GATEWAYS.every((g) => got.get(g) === truthBy(summary.breakdown, g, []).get('')) ? got : undefined;
  }, 30_000);
});

after(async () => {
  await stack?.stop();
});

describe('gateway metrics', () => {
  test('request counts equal what the simulator sent, per gateway, api and status class', async () => {
    const got = mapOf(await prom.query(sum(metricSelector('requests'), ['gateway', 'api', 'status_class'])), ['gateway', 'api', 'status_class']);
    for (const g of GATEWAYS) {
      const truth = new Map<string, number>();
      for (const r of summary.breakdown.filter((row) => row.gateway === g)) {
        const k = `${g}|${r.api}|${Math.floor(Number(r.http_response_status_code) / 100)}xx`;
        truth.set(k, (truth.get(k) ?? 0) + r.count);
      }
      assert.ok(truth.size > 3, `${g}: the run produced too little variety`);
      for (const [k, n] of truth) assert.equal(got.get(k), n, `apigw_requests_total for ${k}`);
    }
  });

  test('request rate matches what the simulator sent in the same window, within 15%', async (t) => {
    // Rate of the per-gateway total over a 20 s window that ends 2 s before the traffic stopped, evaluated
    // once everything has arrived. (rate() per series, as requestRate() does, misses the first increment of
    // every series born inside the window, and in a 30 s run most series are; the total's rate is what
    // proves the samples carry the right timestamps.) The ground truth counts the requests started in it.
    // Tolerance: with a 1 s scrape each window edge can be off by one scrape's worth of requests, at worst
    // 2 x 1 s / 20 s = 10%; 15% still fails on any systematic lag or loss. (The window starts 8 s into
    // the run, after the first scrape: before it the total does not exist yet.)
    const W = 20;
    const at = summary.endUnixMs / 1000 - 2;
    const measured = mapOf(await prom.query(`rate(${sum(metricSelector('requests'), ['gateway'])}[${W}s:1s])`, at), ['gateway']);
    assert.equal(summary.tracesTruncated, false);
    for (const g of GATEWAYS) {
      const fromNs = BigInt(Math.round((at - W) * 1e3)) * 1_000_000n;
      const toNs = BigInt(Math.round(at * 1e3)) * 1_000_000n;
      const sent = summary.traces.filter((t) => t.gateway === g && BigInt(t.startUnixNano) > fromNs && BigInt(t.startUnixNano) <= toNs).length / W;
      const r = measured.get(g);
      assert.ok(r !== undefined, `no rate for ${g}`);
      assert.ok(sent > 5, `${g}: too little traffic in the window (${sent} req/s)`);
      t.diagnostic(`${g}: ${r.toFixed(2)} req/s in Prometheus, ${sent.toFixed(2)} req/s sent`);
      assert.ok(Math.abs(r - sent) / sent < 0.15, `${g} rate ${r.toFixed(2)} vs ${sent.toFixed(2)} req/s sent in the same window`);
    }
  });

  test('histogram counts: every request has total and gateway latency, upstream latency only when an upstream was called', async () => {
    for (const key of ['requestDuration', 'upstreamDuration', 'gatewayDuration'] as const) {
      const got = mapOf(await prom.query(sum(metricSelector(key, {}, 'count'), ['gateway'])), ['gateway']);
      for (const g of GATEWAYS) {
        const want = key === 'upstreamDuration' ? summary.totals.upstreamCalls[g] : truthBy(summary.breakdown, g, []).get('');
        assert.equal(got.get(g), want, `${key} count for ${g}`);
      }
    }
    assert.ok(summary.totals.upstreamCalls.kong! < truthBy(summary.breakdown, 'kong', []).get('')!, 'the run had gateway-answered requests');
  });

  test('an API served by both gateways: its latency quantiles lie between the per-gateway ones, though their bucket bounds differ', async () => {
    // Kong's and APISIX's request histograms have different bounds: adding them le by le is no histogram
    // (that read 951 ms against 228 and 197 ms per gateway). The contract reads the span histogram across
    // gateways and each gateway's own per gateway; a mixture's quantile lies between its parts' (within
    // the interpolation of the bucket that holds it: a factor 1.6 either way here).
    // Every query at one instant: rates over a sliding window differ from one evaluation time to the next.
    const at = new Date();
    const query = (q: string) => prom.query(q, at);
    const served = mapOf(await prom.query(`count by (api) (${sum(metricSelector('requests'), ['api', 'gateway'])})`), ['api']);
    const apis = [...served].filter(([, n]) => n === GATEWAYS.length).map(([api]) => api);
    assert.ok(apis.length > 0, `no API was served by both gateways: ${JSON.stringify(Object.fromEntries(served))}`);
    for (const api of apis) {
      for (const q of [0.5, 0.95, 0.99]) {
        const per = mapOf(await query(latencyQuantile(q, 'request', { filter: { api }, by: ['gateway'], window: '5m' })), ['gateway']);
        assert.deepEqual([...per.keys()].sort(), [...GATEWAYS].sort(), `${api}: a quantile per gateway`);
        const [both] = [...mapOf(await query(latencyQuantile(q, 'request', { filter: { api }, window: '5m' })), []).values()];
        const lo = Math.min(...per.values());
        const hi = Math.max(...per.values());
        assert.ok(both !== undefined && both >= lo / 1.6 && both <= hi * 1.6, `${api} p${q * 100}: ${both} s over both gateways, per gateway ${JSON.stringify(Object.fromEntries(per))}`);
      }
      // Counts at the bounds both gateways share add up exactly (the latency SLI's input).
      const inf = mapOf(await query(`${gatewayLatencyBucketRate('request', { filter: { api }, window: '5m' })}`), ['le']);
      const perGw = mapOf(await query(sum(`rate(${metricSelector('requestDuration', { api, le: '+Inf' }, 'bucket')}[5m])`, ['gateway'])), ['gateway']);
      const total = [...perGw.values()].reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(inf.get('+Inf')! - total) < 1e-9 * Math.max(1, total), `${api}: +Inf bucket ${inf.get('+Inf')} vs the gateways' ${total}`);
      const gwBounds = await Promise.all(GATEWAYS.map(async (g) => new Set(mapOf(await query(`group by (le) (${metricSelector('requestDuration', { api, gateway: g }, 'bucket')})`), ['le']).keys())));
      const shared = [...gwBounds[0]!].filter((le) => gwBounds[1]!.has(le)).sort();
      assert.deepEqual([...inf.keys()].sort(), shared, `${api}: only the bounds both gateways have`);
      assert.ok(shared.length < gwBounds[0]!.size || shared.length < gwBounds[1]!.size, 'the two gateways have different bounds (else this test proves nothing)');
    }
  });

  test('latency is in seconds, not milliseconds', async () => {
    const mean = mapOf(await prom.query(
      `${sum(metricSelector('requestDuration', {}, 'sum'), ['gateway'])} / ${sum(metricSelector('requestDuration', {}, 'count'), ['gateway'])}`,
    ), ['gateway']);
    for (const g of GATEWAYS) {
      const m = mean.get(g)!;
      assert.ok(m > 0.001 && m < 5, `${g} mean request latency ${m} s is not a plausible number of seconds`);
    }
  });

  test('Kong and APISIX give the same label sets, exactly the contract labels', async () => {
    const scraped = (Object.keys(METRICS) as MetricKey[]).filter((k) => METRICS[k].source === 'gateway-scrape');
    for (const key of scraped) {
      const def = METRICS[key];
      const name = def.type === 'histogram' ? `${promName(def)}_bucket` : promName(def);
      const want = [...def.labels.map((l) => LABELS[l].label), ...(def.type === 'histogram' ? ['le'] : [])].sort();
      for (const g of GATEWAYS) {
        const series = await prom.series(selector(name, { gateway: g }), summary.startUnixMs / 1000 - 60, Date.now() / 1000);
        assert.ok(series.length > 0, `${name}: no series from ${g}`);
        const sets = new Set(series.map((s) => Object.keys(s).filter((l) => l !== '__name__').sort().join(',')));
        assert.deepEqual([...sets], [want.join(',')], `${name} from ${g}: label sets differ from the contract`);
      }
    }
  });

  test('api, version and rollout role come from the service naming convention', async () => {
    const got = mapOf(await prom.query(sum(metricSelector('requests'), ['api', 'api_version', 'deployment_role'])), ['api', 'api_version', 'deployment_role']);
    const truth = new Set(summary.breakdown.map((r) => `${r.api}|${r.api_version}|${r.deployment_role}`));
    assert.deepEqual([...got.keys()].sort(), [...truth].sort());
    assert.ok([...truth].some((k) => k.endsWith('|canary')), 'the run has a canary');
  });

  test('bandwidth arrives by direction', async () => {
    const got = mapOf(await prom.query(sum(metricSelector('bandwidth'), ['direction'])), ['direction']);
    assert.equal(got.get('ingress'), summary.totals.ingressBytes);
    assert.equal(got.get('egress'), summary.totals.egressBytes);
  });
});

describe('span metrics', () => {
  test('business dimensions from spans match the simulator: plan, tenant, country per gateway', async () => {
    assert.equal(summary.totals.spansDropped, 0);
    assert.equal(summary.totals.pushErrors, 0);
    for (const dim of ['plan', 'tenant', 'country', 'consumer'] as const) {
      const got = mapOf(await prom.query(sum(metricSelector('trafficCalls'), ['gateway', dim])), ['gateway', dim]);
      for (const g of GATEWAYS) {
        const truth = truthBy(summary.breakdown, g, [dim]);
        assert.ok(truth.size > 1, `${g}/${dim}: no variety`);
        for (const [v, n] of truth) assert.equal(got.get(`${g}|${v}`), n, `apigw_traffic_calls_total{gateway="${g}",${dim}="${v}"}`);
      }
    }
  });

  test('Kong and APISIX span metrics have the same label names', async () => {
    const names = async (g: string) => {
      const series = await prom.series(selector(PROM.trafficCalls, { gateway: g }), summary.startUnixMs / 1000 - 60, Date.now() / 1000);
      return [...new Set(series.flatMap((s) => Object.keys(s)))].sort();
    };
    const kong = await names('kong');
    assert.deepEqual(await names('apisix'), kong);
    for (const l of METRICS.trafficCalls.labels) assert.ok(kong.includes(LABELS[l].label), `missing ${LABELS[l].label}`);
  });
});

describe('traces', () => {
  test('exemplars carry trace ids that the simulator sent and Jaeger returns', async () => {
    const ex = await prom.queryExemplars(metricSelector('trafficDuration', {}, 'bucket'), summary.startUnixMs / 1000 - 60, Date.now() / 1000);
    const ids = [...new Set(ex.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id)).filter((x): x is string => !!x))];
    assert.ok(ids.length >= 10, `only ${ids.length} exemplar trace ids`);
    const sent = new Set(summary.traces.map((t) => t.traceId));
    const sample = ids.slice(0, 15);
    for (const id of sample) {
      assert.ok(sent.has(id), `exemplar trace id ${id} was never sent`);
      const res = await fetch(jaegerTraceApi({ jaegerUrl: stack.jaeger.url, traceId: id }));
      assert.equal(res.status, 200, `Jaeger does not have trace ${id}`);
      const body = (await res.json()) as { data: Array<{ traceID: string; spans: unknown[] }> };
      assert.equal(body.data[0]?.traceID, id);
      assert.ok(body.data[0]!.spans.length >= 1);
    }
  });

  test('spans arrive in Jaeger normalized to the stable HTTP conventions', async () => {
    const t = summary.traces.find((x) => x.pushed && x.gateway === 'kong')!;
    const body = (await (await fetch(jaegerTraceApi({ jaegerUrl: stack.jaeger.url, traceId: t.traceId }))).json()) as {
      data: Array<{ spans: Array<{ tags: Array<{ key: string; value: unknown }> }> }>;
    };
    const keys = new Set(body.data[0]!.spans.flatMap((s) => s.tags.map((tag) => tag.key)));
    for (const k of [LABELS.method.attribute, LABELS.route.attribute, LABELS.api.attribute, LABELS.consumer.attribute]) assert.ok(keys.has(k), `span lacks ${k}`);
    assert.ok(!keys.has('http.method'), 'old http.method key survived');
  });
});

describe('credential redaction', () => {
  test('the planted secret reaches no label value in Prometheus', async () => {
    const labels = (await (await fetch(`${stack.prometheus.url}/api/v1/labels`)).json()) as { data: string[] };
    let checked = 0;
    for (const l of labels.data) {
      const vals = (await (await fetch(`${stack.prometheus.url}/api/v1/label/${encodeURIComponent(l)}/values`)).json()) as { data: string[] };
      checked += vals.data.length;
      for (const v of vals.data) {
        assert.ok(!v.includes(SIMULATED_SECRET_MARKER), `label ${l} leaks the secret: ${v}`);
        assert.doesNotMatch(v, /Bearer\s|eyJ[A-Za-z0-9_-]{8,}\.|[\w.+-]+@[\w-]+\.[\w.]+/, `label ${l} leaks a credential: ${v}`);
      }
    }
    assert.ok(checked > 50, 'too few label values to mean anything');
  });

  test('the planted secret reaches no span in Jaeger', async () => {
    const pushed = summary.traces.filter((t) => t.pushed);
    const sample = [...pushed.filter((t) => t.gateway === 'kong').slice(0, 20), ...pushed.filter((t) => t.gateway === 'apisix').slice(0, 20)];
    assert.equal(sample.length, 40);
    for (const t of sample) {
      const text = await (await fetch(jaegerTraceApi({ jaegerUrl: stack.jaeger.url, traceId: t.traceId }))).text();
      assert.ok(text.includes(t.traceId), `trace ${t.traceId} missing`);
      assert.ok(!text.includes(SIMULATED_SECRET_MARKER), `trace ${t.traceId} leaks the secret`);
      assert.doesNotMatch(text, /Bearer\s+[A-Za-z0-9]/, `trace ${t.traceId} leaks a bearer token`);
    }
  });

  test('the planted secret reaches nothing the debug exporter prints', () => {
    const log = readFileSync(stack.collector.process.logFile, 'utf8');
    const someTrace = summary.traces.find((t) => t.pushed)!.traceId;
    assert.ok(log.includes(someTrace), 'the debug exporter printed no spans (detailed verbosity expected)');
    assert.ok(!log.includes(SIMULATED_SECRET_MARKER), 'the debug exporter output leaks the secret');
  });
});

describe('collector self-telemetry', () => {
  // Counters the collector creates only on first failure; a healthy run has none of them.
  const ONLY_ON_FAILURE = new Set<string>([
    PLATFORM_METRICS.collectorExporterSendFailedSpans.name,
    PLATFORM_METRICS.collectorExporterSendFailedMetricPoints.name,
    PLATFORM_METRICS.collectorExporterEnqueueFailedSpans.name,
    PLATFORM_METRICS.collectorExporterEnqueueFailedMetricPoints.name,
  ]);

  test('every collector series the contract names exists, with the labels queries use', async () => {
    const collectorSeries = Object.values(PLATFORM_METRICS).filter((m) => m.name.startsWith('otelcol_') && !ONLY_ON_FAILURE.has(m.name));
    assert.ok(collectorSeries.length >= 6);
    for (const m of collectorSeries) {
      const series = await prom.series(m.name, summary.startUnixMs / 1000 - 60, Date.now() / 1000);
      assert.ok(series.length > 0, `the collector does not expose ${m.name}`);
      const keys = new Set(series.flatMap((x) => Object.keys(x)));
      for (const l of m.labels) assert.ok(keys.has(l), `${m.name} has no label ${l} (has ${[...keys].join(', ')})`);
    }
  });

  test('accepted spans match what the simulator pushed', async () => {
    const r = await prom.query(`sum(${PLATFORM_METRICS.collectorAcceptedSpans.name})`);
    assert.equal(Number(r[0]?.value[1]), summary.totals.spansPushed);
  });
});
