/**
 * Exporter outages: while Prometheus or Jaeger is down the collector keeps running and queues; once the
 * target is back the queued data arrives (with its original timestamps for metrics).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrometheusClient, jaegerTraceApi, metricSelector, sum } from '@api-observatory/telemetry-contract';
import { startStack, type Stack } from '@api-observatory/local-stack';
import { eventually } from './helpers';

const OUTAGE_MS = 15_000;
let stack: Stack;

before(async () => {
  stack = await startStack({
    name: 'it-outage',
    scrapeInterval: '2s',
    loadRules: false,
    simulator: { gateway: 'kong', rps: 20, seed: 11 },
    collector: { env: { SPANMETRICS_FLUSH_INTERVAL: '2s' } },
  });
  await eventually('first data in Prometheus', async () =>
    (await new PrometheusClient(stack.prometheus.url).query(sum(metricSelector('requests')))).length ? true : undefined);
});

after(async () => {
  await stack?.stop();
});

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

test('Prometheus down: the collector keeps running and delivers the outage window once it is back', async () => {
  await stack.prometheus.stop();
  const downFrom = Date.now() / 1000;
  await sleep(OUTAGE_MS);
  const downTo = Date.now() / 1000;
  assert.ok(!stack.collector.process.exited(), 'the collector exited while Prometheus was down');
  assert.ok(await healthy(stack.collector.healthUrl), 'the collector is unhealthy while Prometheus is down');

  await stack.restartPrometheus();
  const prom = new PrometheusClient(stack.prometheus.url);
  // Samples stamped inside the outage must arrive. Without them Prometheus would show the last value before
  // the outage through the whole window (5 min lookback), so require the total to grow inside the window.
  const vals = await eventually('samples from the outage window', async () => {
    const r = await prom.queryRange(sum(metricSelector('requests')), downFrom + 2, downTo - 2, 2);
    const v = (r[0]?.values ?? []).map(([, x]) => Number(x));
    return v.length >= 3 && v[v.length - 1]! > v[0]! ? v : undefined;
  }, 90_000, 2000);
  // The traffic ran at 20 req/s, so the growth over the window must be of that order (not one late sample).
  const growth = vals[vals.length - 1]! - vals[0]!;
  assert.ok(growth > 0.5 * 20 * (downTo - downFrom - 4), `only ${growth} requests recorded over the outage window: ${vals.join(',')}`);
});

test('Jaeger down: spans sent during the outage are in Jaeger after it restarts', async () => {
  await stack.jaeger.stop();
  const downFromNs = BigInt(Date.now()) * 1_000_000n;
  await sleep(OUTAGE_MS);
  const downToNs = BigInt(Date.now()) * 1_000_000n;
  assert.ok(!stack.collector.process.exited(), 'the collector exited while Jaeger was down');
  assert.ok(await healthy(stack.collector.healthUrl), 'the collector is unhealthy while Jaeger is down');
  const jaeger = await stack.restartJaeger();

  const during = stack.simulator!.summary().traces.filter((t) => {
    const ns = BigInt(t.startUnixNano);
    return t.pushed && ns > downFromNs + 2_000_000_000n && ns < downToNs - 2_000_000_000n;
  });
  assert.ok(during.length >= 20, `only ${during.length} traces were pushed during the outage`);
  const sample = during.filter((_, i) => i % Math.ceil(during.length / 10) === 0);
  for (const t of sample) {
    await eventually(`trace ${t.traceId} in Jaeger`, async () => {
      const res = await fetch(jaegerTraceApi({ jaegerUrl: jaeger.url, traceId: t.traceId }));
      return res.status === 200 ? true : undefined;
    }, 60_000, 2000);
  }
});
