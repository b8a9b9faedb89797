/**
 * The platform page's OPA and Alertmanager panels against the real components: the local stack runs OPA
 * (with the governance policy) and Alertmanager and its Prometheus scrapes both; the panels' own queries
 * (the contract's platform catalogue) must show what the test made them do: policy decisions answered
 * (latency p50 / p99), decisions asked wrongly (errors by code), notifications that fail.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPONENT_JOBS, PrometheusClient, type Sample } from '@api-observatory/telemetry-contract';
import { PLATFORM_PANELS, isProm, type Query } from '@api-observatory/telemetry-contract/grafana';
import { freePorts, startStack, type Stack } from '@api-observatory/local-stack';
import { eventually } from './helpers';

const DECISION_PATH = '/v1/data/api_observatory/governance/decision';
/** $__rate_interval for a 1 s scrape: wide enough for a few samples, short enough for the test. */
const RATE_INTERVAL = '15s';
const P = PLATFORM_PANELS.panels;

let stack: Stack;
let prom: PrometheusClient;
let refusedPort: number;

before(async () => {
  // A port nothing listens on: the webhook receiver's notifications fail with "connection refused".
  [refusedPort] = (await freePorts(1)) as [number];
  stack = await startStack({
    name: 'it-platform-components',
    scrapeInterval: '1s',
    loadRules: false,
    simulator: null,
    opa: true,
    alertmanager: {
      config: [
        'route:',
        '  receiver: unreachable',
        '  group_wait: 0s',
        '  group_interval: 1s',
        '  repeat_interval: 1m',
        'receivers:',
        '  - name: unreachable',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${refusedPort}/hook`,
        '',
      ].join('\n'),
    },
  });
  prom = new PrometheusClient(stack.prometheus.url);
});

after(async () => {
  await stack?.stop();
});

/** A panel's Prometheus query with Grafana's $__rate_interval replaced, run as an instant query. */
function run(q: Query | undefined): Promise<Sample[]> {
  assert.ok(q && isProm(q), 'a Prometheus query');
  return prom.query(q.expr.replaceAll('$__rate_interval', RATE_INTERVAL));
}
const values = (r: Sample[]) => r.map((s) => Number(s.value[1]));

async function decide(body: string): Promise<number> {
  const res = await fetch(`${stack.opa!.url}${DECISION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

test('OPA: the stack scrapes it; decision latency and decision errors come from its own /metrics', async () => {
  await eventually('OPA scraped', async () => ((await prom.query(`up{job="${COMPONENT_JOBS.opa}"} == 1`)).length ? true : undefined), 30_000);

  // Answered decisions only: the error panel has nothing to show yet.
  const stopAt = Date.now() + 4000;
  let answered = 0;
  while (Date.now() < stopAt) {
    assert.equal(await decide(JSON.stringify({ input: { action: 'request' } })), 200);
    answered++;
  }
  const [p50, p99] = P.policyDecisionLatencyP50P99.queries;
  const latency = await eventually('decision latency', async () => {
    const a = values(await run(p50));
    const b = values(await run(p99));
    return a.length === 1 && b.length === 1 && a[0]! > 0 && b[0]! > 0 ? { p50: a[0]!, p99: b[0]! } : undefined;
  }, 30_000);
  assert.ok(latency.p50 <= latency.p99 && latency.p99 <= 1, `p50 ${latency.p50} s, p99 ${latency.p99} s after ${answered} decisions`);
  assert.deepEqual(await run(P.policyDecisionErrors.queries[0]), [], 'errors shown while every decision was answered');

  // Asked wrongly: a body that is not JSON is a 400 from OPA's Data API.
  for (let i = 0; i < 20; i++) assert.equal(await decide('{"input": '), 400);
  const errors = await eventually('decision errors', async () => {
    const r = await run(P.policyDecisionErrors.queries[0]);
    return r.some((s) => Number(s.value[1]) > 0) ? r : undefined;
  }, 30_000);
  assert.deepEqual(errors.map((s) => s.metric.code), ['400']);
});

test('Alertmanager: the stack scrapes it; a receiver that cannot be reached shows as notification failures', async () => {
  await eventually('Alertmanager scraped', async () => ((await prom.query(`up{job="${COMPONENT_JOBS.alertmanager}"} == 1`)).length ? true : undefined), 30_000);
  const [failed, attempted] = P.alertmanagerNotificationFailures.queries;
  // Before any alert: the webhook integration's counters exist and are flat.
  const before = await eventually('webhook counters', async () => {
    const r = await run(failed);
    return r.some((s) => s.metric.integration === 'webhook') ? r : undefined;
  }, 30_000);
  assert.deepEqual(values(before).filter((v) => v > 0), []);

  const res = await fetch(`${stack.alertmanager!.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'PlatformComponentsTest', severity: 'page' }, annotations: { summary: 'test' } }]),
  });
  assert.equal(res.status, 200);

  const failures = await eventually('notification failures', async () => {
    const r = (await run(failed)).filter((s) => Number(s.value[1]) > 0);
    return r.length ? r : undefined;
  }, 60_000);
  assert.deepEqual([...new Set(failures.map((s) => s.metric.integration))], ['webhook']);
  const tries = (await run(attempted)).filter((s) => s.metric.integration === 'webhook');
  assert.ok(values(tries)[0]! > 0, 'failed notifications are also attempts');
});
