import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PrometheusQueryError, type RangeSeries } from '@api-observatory/telemetry-contract';
import {
  DEFAULT_GATE_CONFIG,
  ValidationError,
  alignBuckets,
  alignSeries,
  applyTrafficFloor,
  checkEvaluationWindow,
  createPrometheusSource,
  evaluate,
  loadGateConfig,
  planQueries,
  unresolvedQueries,
  replayIntervals,
  resolveMetricQuery,
  validateGateConfig,
  type SampleQuery,
  type SourceResult,
} from '../src';

const END = new Date('2026-11-29T10:00:00Z');

function query(over: Partial<SampleQuery> = {}): SampleQuery {
  return {
    api: 'orders',
    canaryVersion: 'v2.1',
    baselineVersion: 'v2',
    metrics: DEFAULT_GATE_CONFIG.metrics,
    start: new Date(END.getTime() - 600_000),
    end: END,
    stepSeconds: 60,
    step: '1m',
    intervals: 10,
    ...over,
  };
}

test('planQueries: the contract queries per side, with the label mapping and rates over the interval', () => {
  const plan = planQueries(query());
  assert.deepEqual(
    plan.map((p) => `${p.side}:${p.query}`),
    ['requestRate', 'errorRatio', 'latencyP99', 'latencyP50'].flatMap((q) => [`baseline:${q}`]).concat(['requestRate', 'errorRatio', 'latencyP99', 'latencyP50'].map((q) => `canary:${q}`)),
  );
  const byKey = Object.fromEntries(plan.map((p) => [`${p.side}:${p.query}`, p.promql]));
  assert.equal(
    byKey['canary:errorRatio'],
    'sum (rate(apigw_requests_total{api="orders",api_version="v2.1",deployment_role="canary",status_class="5xx"}[1m])) / ' +
      'sum (rate(apigw_requests_total{api="orders",api_version="v2.1",deployment_role="canary"}[1m]))',
  );
  assert.equal(
    byKey['baseline:latencyP99'],
    'histogram_quantile(0.99, sum by (le) (rate(apigw_traffic_duration_seconds_bucket{api="orders",api_version="v2",deployment_role="baseline"}[1m])))',
  );
});

test('planQueries: hostile names are escaped string literals, never query structure', () => {
  const hostile = 'orders"} or vector(1) or {api=~".*';
  const plan = planQueries(query({ api: hostile, canaryVersion: '.*', step: '1m30s' }));
  const literal = 'api="orders\\"} or vector(1) or {api=~\\".*"';
  for (const p of plan) {
    assert.ok(p.promql.includes(literal), p.promql);
    assert.ok(!p.promql.split(literal).join('').includes('=~'), `only exact matchers outside the literal: ${p.promql}`);
    assert.ok(p.promql.includes('[1m30s]'));
  }
  assert.ok(plan.some((p) => p.promql.includes('api_version=".*"')));
});

test('named queries: the query field wins, else the default for the metric name; unknown ones are refused', () => {
  const config = validateGateConfig({
    metrics: [
      { name: 'upstream', direction: 'increase', query: 'upstreamLatencyP99' },
      { name: 'latency_p95_seconds', direction: 'increase' },
      { name: 'rps', direction: 'decrease', query: 'requestRate' },
    ],
  });
  assert.deepEqual(config.metrics.map(resolveMetricQuery), ['upstreamLatencyP99', 'latencyP95', 'requestRate']);
  const plan = planQueries(query({ metrics: config.metrics }));
  // Upstream time has no span equivalent: the gateways' histograms at the bounds every gateway shares.
  assert.match(plan.find((p) => p.query === 'upstreamLatencyP99')!.promql, /^histogram_quantile\(0\.99, sum by \(le\) \(\(rate\(apigw_upstream_duration_seconds_bucket\{.* and on \(le\) \(count by \(le\) \(group by \(le, gateway\)/);
  assert.throws(() => planQueries(query({ metrics: validateGateConfig({ metrics: [{ name: 'custom', direction: 'increase' }] }).metrics })), /metrics\[0\] \("custom"\) has no query: set its query field to one of errorRatio, requestRate/);
  try {
    validateGateConfig({ metrics: [{ name: 'x', direction: 'increase', query: 'sum(rate(x[1m]))' }] });
    assert.fail('expected a ValidationError');
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    assert.match(e.issues[0]!.message, /^metrics\[0\]\.query must be one of "errorRatio", "requestRate", .*got "sum\(rate\(x\[1m\]\)\)"$/);
  }
});

test('alignSeries: one value per interval, gaps are null, special values parsed, several series refused', () => {
  const q = query({ intervals: 4, start: new Date(END.getTime() - 240_000) });
  const t = (k: number) => END.getTime() / 1000 - (3 - k) * 60;
  const series: RangeSeries[] = [{ metric: {}, values: [[t(0), '0.5'], [t(2), 'NaN'], [t(3), '+Inf']] }];
  const v = alignSeries(series, q, 'x');
  assert.equal(v[0], 0.5);
  assert.equal(v[1], null);
  assert.ok(Number.isNaN(v[2]));
  assert.equal(v[3], Infinity);
  assert.deepEqual(alignSeries([], q, 'x'), [null, null, null, null]);
  assert.throws(() => alignSeries([series[0]!, series[0]!], q, 'x'), PrometheusQueryError);
});

test('the Prometheus source: step = interval, traffic per interval, zero error ratio when there are no 5xx series', async () => {
  const calls: { promql: string; start: number; end: number; step: number }[] = [];
  const q = query({ intervals: 3, start: new Date(END.getTime() - 180_000) });
  const ts = [1, 2, 3].map((k) => q.start.getTime() / 1000 + k * 60);
  const client = {
    async queryRange(promql: string, start: Date | number, end: Date | number, step: number): Promise<RangeSeries[]> {
      calls.push({ promql, start: +start, end: +end, step });
      const canary = promql.includes('deployment_role="canary"');
      if (promql.startsWith('sum (rate(apigw_requests_total') && !promql.includes('/')) {
        return [{ metric: {}, values: canary ? [[ts[0]!, '0.5'], [ts[1]!, '2'], [ts[2]!, '2']] : ts.map((t) => [t, '2'] as [number, string]) }];
      }
      if (promql.includes('status_class="5xx"')) return canary ? [] : [{ metric: {}, values: ts.map((t) => [t, '0.01'] as [number, string]) }];
      if (promql.startsWith('sum by (le) (increase(')) {
        // bucket counts: the canary's +Inf series has no point in the first interval
        const point = (le: string, n: string, from = 0) => ({ metric: { le }, values: ts.slice(from).map((t) => [t, n] as [number, string]) });
        return [point('0.1', '90.5'), point('+Inf', '120', canary ? 1 : 0), point('0.25', '118')];
      }
      return [{ metric: {}, values: ts.map((t) => [t, '0.2'] as [number, string]) }];
    },
  };
  const source = createPrometheusSource('http://127.0.0.1:1', { client });
  const r = (await source(q)) as SourceResult;
  assert.equal(r.kind, 'source-result');
  assert.equal(calls.length, 10, 'the request rate, three metrics and the request-latency buckets, per side');
  assert.equal(
    calls.filter((c) => c.promql.includes('_bucket') && c.promql.startsWith('sum by (le) (increase(')).map((c) => c.promql).sort()[0],
    'sum by (le) (increase(apigw_traffic_duration_seconds_bucket{api="orders",api_version="v2",deployment_role="baseline"}[1m]))',
  );
  for (const c of calls) {
    assert.equal(c.step, 60);
    assert.equal(c.start, q.start.getTime() + 60_000, 'first point one step after the window start');
    assert.equal(c.end, END.getTime());
  }
  assert.deepEqual(r.traffic, { baseline: [120, 120, 120], canary: [30, 120, 120] });
  assert.deepEqual(r.samples.error_ratio, { baseline: [0.01, 0.01, 0.01], canary: [0, 0, 0] });
  assert.deepEqual(r.samples.latency_p99_seconds!.canary, [0.2, 0.2, 0.2]);
  const counts = { le: [0.1, 0.25, Infinity], counts: [90.5, 118, 120] };
  assert.deepEqual(r.latency, { request: { baseline: [counts, counts, counts], canary: [null, counts, counts] } }, 'bounds sorted; no +Inf count, no histogram');
  assert.throws(() => alignBuckets([{ metric: { le: 'x' }, values: [[ts[0]!, '1']] }], q, 'b'), (e: Error) => e instanceof PrometheusQueryError && /numeric le label, got \{"le":"x"\} for b/.test(e.message));
});

test('traffic floor: intervals with fewer requests than minRequestsPerInterval count as missing', () => {
  const samples = { a: { baseline: [1, 2, 3], canary: [4, 5, 6] } };
  const { samples: out, notes } = applyTrafficFloor(samples, { baseline: [100, 100, 100], canary: [10, null, 60] }, 50);
  assert.deepEqual(out.a, { baseline: [1, 2, 3], canary: [null, null, 6] });
  assert.deepEqual(notes, ['canary: 2 of 3 interval(s) served fewer than 50 requests (minRequestsPerInterval) and count as missing']);
  assert.deepEqual(applyTrafficFloor(samples, { baseline: [0, 0, 0], canary: [0, 0, 0] }, 0).samples, samples);
  assert.match(applyTrafficFloor(samples, { baseline: [100, 100, 100], canary: [null, null, null] }, 50).notes[0]!, /canary: no requests in any interval/);
});

test('replay: one evaluation per interval from minSamples on, expanding window, judged by the interval rules', () => {
  const config = validateGateConfig({ defaults: { minSamples: 4 }, intervals: { promoteAfter: 2 }, metrics: [{ name: 'a', direction: 'increase', critical: true }] });
  const base = [1, 2, 3, 4, 5, 6];
  const good = replayIntervals(config, { a: { baseline: base, canary: [1, 2, 3, 4, 5, 6] } }, 6, (k) => `t${k}`);
  assert.deepEqual(good.judgement.intervals.map((i) => i.label), ['t3', 't4', 't5']);
  assert.deepEqual(good.judgement.intervals.map((i) => i.verdict.metrics[0]!.evidence.canary.n), [4, 5, 6]);
  assert.equal(good.judgement.decision, 'promote');
  assert.equal(good.verdict.metrics[0]!.evidence.canary.n, 6);
  const bad = replayIntervals(config, { a: { baseline: base, canary: base.map((v) => v + 100) } }, 6);
  assert.equal(bad.judgement.decision, 'rollback');
  assert.equal(bad.judgement.decidedAt, 1);
  const none = replayIntervals(config, {}, 6);
  assert.equal(none.judgement.decision, 'continue');
});

test('a window too short for promoteAfter evaluations is refused: the canary could never be promoted', () => {
  assert.deepEqual(checkEvaluationWindow(DEFAULT_GATE_CONFIG, 60_000, 600_000), []);
  const strict = validateGateConfig({ intervals: { promoteAfter: 5 }, metrics: [{ name: 'a', direction: 'increase' }] });
  assert.match(checkEvaluationWindow(strict, 60_000, 600_000).join(), /allows 3 evaluation\(s\).*fewer than intervals\.promoteAfter 5.*lengthen --lookback to at least 12m/);
  assert.match(checkEvaluationWindow(strict, 60_000, 600_000, { interval: 'interval', lookback: 'lookback' }).join(), /^lookback 10m at interval 1m/);
});

test('evaluate with a source result: traffic floor, notes, judgement and decision', async () => {
  const config = validateGateConfig({ minRequestsPerInterval: 50, defaults: { minSamples: 3 }, intervals: { promoteAfter: 2 }, metrics: [{ name: 'a', direction: 'increase' }] });
  const values = [1, 2, 3, 4, 5];
  const e = await evaluate({ api: 'x', canaryVersion: 'b', baselineVersion: 'a', config, intervalMs: 60_000, lookbackMs: 300_000, end: END }, async () => ({
    kind: 'source-result' as const,
    samples: { a: { baseline: values, canary: values } },
    traffic: { baseline: [100, 100, 100, 100, 100], canary: [100, 100, 10, 10, 10] },
  }));
  assert.equal(e.decision, 'continue');
  assert.deepEqual(e.samples.a!.canary, [1, 2, null, null, null]);
  assert.match(e.notes.join(), /canary: 3 of 5 interval\(s\) served fewer than 50 requests/);
  assert.deepEqual(e.judgement.intervals.map((i) => i.label), ['2026-11-29T09:58:00.000Z', '2026-11-29T09:59:00.000Z', '2026-11-29T10:00:00.000Z']);
});

test('the shipped gates can all be read from Prometheus', () => {
  const dir = join(__dirname, '..');
  for (const file of ['config/default-gate.yaml', 'examples/gate-strict.yaml', 'examples/gate-prometheus.yaml']) {
    const config = loadGateConfig(join(dir, file));
    assert.deepEqual(unresolvedQueries(config.metrics), [], file);
    assert.ok(planQueries(query({ metrics: config.metrics })).length >= 4, file);
  }
  const p = loadGateConfig(join(dir, 'examples/gate-prometheus.yaml'));
  assert.deepEqual(p.metrics.map(resolveMetricQuery), ['errorRatio', 'upstreamLatencyP99', 'gatewayLatencyP95', 'requestRate']);
  assert.equal(p.minRequestsPerInterval, 100);
});
