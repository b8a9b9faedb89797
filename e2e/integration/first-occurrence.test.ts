/**
 * First occurrences count: a counter series that first appears with a non-zero value (the first 5xx of a
 * route, on real Kong and APISIX alike) must show in the contract's queries exactly once, while a target's
 * history before the collector first saw it must not show as one increase, neither after a collector
 * restart, and a gateway restart must count nothing twice.
 *
 * A Kong /metrics exposition and Kong-shaped OTLP spans → real collector (shared config) → real Prometheus.
 * Span metrics count first occurrences by themselves (the connector writes a new series as 0 first);
 * scraped counters through the start times transform/gateway_metrics_finish sets (collector/README.md).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LABELS, PrometheusClient, requestRate, trafficIncrease, errorRatio } from '@api-observatory/telemetry-contract';
import { freePorts, runDir, startCollector, startPrometheus, type CollectorOptions, type RunningCollector, type RunningPrometheus } from '@api-observatory/local-stack';
import { eventually, mapOf } from './helpers';

const ROUTE = 'orders-list';
const SERVICE = 'orders-v1';
/** Requests the target had served before the collector first scraped it. */
const HISTORY = 5000;
const OK_PER_SECOND = 5;
const WINDOW = '1m';

let prometheus: RunningPrometheus;
let collector: RunningCollector;
let collectorOptions: CollectorOptions;
let gateway: http.Server;
let prom: PrometheusClient;
/** Set once the first 503 has happened. */
let firstErrorAt = 0;
const startedAt = Date.now();

/** Set when the gateway restarts: its counters start again from 0 and the 503 series is gone. */
let restartedAt = 0;

/** Kong 3.x exposition: a long-running target whose route has only 200s until the first 503. */
function exposition(): string {
  const since = restartedAt || startedAt;
  const ok = (restartedAt ? 0 : HISTORY) + Math.floor(((Date.now() - since) / 1000) * OK_PER_SECOND);
  const labels = (code: number) => `service="${SERVICE}",route="${ROUTE}",code="${code}",source="service",workspace="default",consumer="acme"`;
  const lines = [
    '# HELP kong_http_requests_total HTTP status codes per consumer/service/route in Kong',
    '# TYPE kong_http_requests_total counter',
    `kong_http_requests_total{${labels(200)}} ${ok}`,
  ];
  if (firstErrorAt && !restartedAt) lines.push(`kong_http_requests_total{${labels(503)}} 1`);
  return `${lines.join('\n')}\n`;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** One Kong SERVER span per status, as Kong's OpenTelemetry plugin sends it. */
async function postSpans(statuses: readonly number[]): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = statuses.map((status, i) => ({
    traceId: (Date.now().toString(16) + i.toString(16)).padStart(32, '0').slice(-32),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `kong`,
    kind: 2,
    startTimeUnixNano: String(now - 20_000_000n),
    endTimeUnixNano: String(now),
    attributes: [
      str('http.method', 'GET'),
      int('http.status_code', status),
      str('kong.service.name', SERVICE),
      str('kong.route.name', ROUTE),
      str('kong.consumer.username', 'acme'),
    ],
  }));
  const body = { resourceSpans: [{ resource: { attributes: [str('service.name', 'kong')] }, scopeSpans: [{ scope: { name: 'kong-internal' }, spans }] }] };
  const res = await fetch(`${collector.otlpHttpEndpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

async function scalar(expr: string): Promise<number | undefined> {
  const r = await prom.query(expr);
  return r.length ? Number(r[0]!.value[1]) : undefined;
}

before(async () => {
  const dir = runDir('it-first-occurrence');
  const [pPort, gPort, cGrpc, cHttp, cHealth, cSelf, nowhere] = await freePorts(7);
  gateway = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition()));
  await new Promise<void>((resolve) => gateway.listen(gPort, '127.0.0.1', resolve));
  prometheus = await startPrometheus({ port: pPort!, dataDir: path.join(dir, 'prometheus'), logDir: path.join(dir, 'logs'), scrapeInterval: '1s' });
  prom = new PrometheusClient(prometheus.url);
  collectorOptions = {
    otlpGrpcPort: cGrpc!, otlpHttpPort: cHttp!, healthPort: cHealth!, selfMetricsPort: cSelf!,
    remoteWriteUrl: `${prometheus.url}/api/v1/write`,
    // No trace store: only the span metrics matter here.
    tracesOtlpEndpoint: `127.0.0.1:${nowhere}`,
    gatewayTargets: { kong: [`127.0.0.1:${gPort}`] },
    scrapeInterval: '1s',
    env: { SPANMETRICS_FLUSH_INTERVAL: '1s', OTELCOL_SELF_METRICS_LEVEL: 'none' },
    logDir: path.join(dir, 'logs'),
  };
  collector = await startCollector(collectorOptions);
  // A clean route: 200s in scrapes and spans for a while, then one 503 in each.
  for (let i = 0; i < 6; i++) {
    await postSpans([200, 200]);
    await sleep(1000);
  }
  await eventually('the route in Prometheus', async () => (await scalar(requestRate({ filter: { [LABELS.route.label]: ROUTE }, window: WINDOW }))) ?? undefined);
  firstErrorAt = Date.now();
  await postSpans([503]);
  for (let i = 0; i < 6; i++) {
    await postSpans([200]);
    await sleep(1000);
  }
});

after(async () => {
  await collector?.stop();
  await prometheus?.stop();
  await new Promise((resolve) => gateway?.close(resolve));
});

/** The contract query over WINDOW for the route (and more matchers), as one number. */
async function countOver(filter: Record<string, string>, query: (o: { filter: Record<string, string>; window: string }) => string): Promise<number | undefined> {
  return scalar(query({ filter: { [LABELS.route.label]: ROUTE, ...filter }, window: WINDOW }));
}

describe('scraped gateway counters', () => {
  test('the first 5xx of a route counts once in the request-rate and error-ratio queries', async () => {
    const errors = await eventually('the first 5xx counted', async () => {
      const perSecond = await countOver({ [LABELS.statusClass.label]: '5xx' }, requestRate);
      return perSecond && perSecond > 0 ? perSecond * 60 : undefined;
    }, 20_000);
    // One request; Prometheus extrapolates to the window's edges, by less than half a scrape either way.
    assert.ok(errors > 0.9 && errors < 1.5, `5xx counted ${errors} times over ${WINDOW}, want 1`);
    const ratio = await countOver({}, errorRatio);
    assert.ok(ratio !== undefined && ratio > 0, `error ratio ${ratio}, want above 0`);
  });

  test("a target's history before its first scrape is not one increase", async () => {
    const ok = (await countOver({ [LABELS.statusCode.label]: '200' }, requestRate))! * 60;
    const seconds = (Date.now() - startedAt) / 1000;
    assert.ok(ok < OK_PER_SECOND * (seconds + 5), `200s counted ${ok} over ${WINDOW}: the ${HISTORY} before the first scrape leaked in`);
  });
});

describe('span metrics', () => {
  test('the first 5xx span of a route counts once in the span-derived count', async () => {
    const errors = await eventually('the first 5xx span counted', async () => {
      const n = await countOver({ [LABELS.statusClass.label]: '5xx' }, trafficIncrease);
      return n && n > 0 ? n : undefined;
    }, 20_000);
    assert.ok(errors > 0.9 && errors < 1.5, `5xx spans counted ${errors} times over ${WINDOW}, want 1`);
    const byClass = mapOf(await prom.query(trafficIncrease({ filter: { [LABELS.route.label]: ROUTE }, window: WINDOW, by: [LABELS.statusClass.label] })), [LABELS.statusClass.label]);
    assert.ok((byClass.get('2xx') ?? 0) > 0, 'the 200s are counted too');
  });
});

/** 200s the contract's request-rate query counts over WINDOW, and the most the gateway served in it. */
async function okOverWindow(): Promise<{ counted: number; served: number }> {
  const counted = ((await countOver({ [LABELS.statusCode.label]: '200' }, requestRate)) ?? 0) * 60;
  return { counted, served: OK_PER_SECOND * 65 };
}

describe('restarts', () => {
  test('a collector restart counts neither the history nor the first 5xx again', async () => {
    await collector.stop();
    await sleep(4000);
    collector = await startCollector(collectorOptions);
    await sleep(6000);
    const { counted, served } = await okOverWindow();
    assert.ok(counted < served, `200s counted ${counted} over ${WINDOW}, at most ${served} served: history counted again`);
    const errors = ((await countOver({ [LABELS.statusClass.label]: '5xx' }, requestRate)) ?? 0) * 60;
    assert.ok(errors < 1.5, `5xx counted ${errors} times over ${WINDOW}, want at most 1`);
  });

  test('a gateway restart (counters from 0, the 503 series gone) counts nothing twice', async () => {
    restartedAt = Date.now();
    await sleep(6000);
    const { counted, served } = await okOverWindow();
    assert.ok(counted < served, `200s counted ${counted} over ${WINDOW}, at most ${served} served`);
    const errors = ((await countOver({ [LABELS.statusClass.label]: '5xx' }, requestRate)) ?? 0) * 60;
    assert.ok(errors < 1.5, `5xx counted ${errors} times over ${WINDOW}, want at most 1`);
  });
});
