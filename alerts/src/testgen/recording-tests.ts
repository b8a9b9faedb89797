import {
  API_DIRECTION_BANDWIDTH_RATE, API_PLAN_TRAFFIC_RATE, API_ROUTE_REQUEST_RATE, API_ROUTE_STATUS_CLASS_REQUEST_RATE,
  API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE, API_STATUS_CLASS_REQUEST_RATE, API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE, CONSUMER_PLAN_TRAFFIC_RATE, COUNTRY_TRAFFIC_RATE, ERROR_STATUS_CLASS, GATEWAY_REQUEST_RATE,
  GATEWAYS, LABELS, PLAN_TRAFFIC_RATE, SLO_LABEL, SLO_OBJECTIVE, SLO_WINDOWS, apiErrorRate, apiErrorRatio,
  apiLatencyBucketRate, apiLatencyCountRate, apiLatencyQuantile, apiLatencySumRate, apiQuantileBucketRate, apiRequestRate,
  escapeLabelValue, histogramQuantile, metricSelector, recordedSelector, sloBurnRate, sloErrorRatio, statusClassOf,
  type Matchers,
} from '@api-observatory/telemetry-contract';
import { sloTargets, type SloConfig } from '../slo-config';
import { leSpellings } from '../slo';
import { targetFor } from './slo-tests';
import { counterValues, minutes, type InputSeries, type PromqlExprTest, type TestGroup } from './promtool-file';

/**
 * Values of the recorded series on steady synthetic traffic. Rates are exact in steady state, so the
 * expected values are plain arithmetic; expressions are scaled and rounded (`round(1e6 * x)`) so float
 * noise cannot fail a comparison that promtool makes exactly.
 */

const A = LABELS.api.label;
const SCALE = 1_000_000;
const labelSet = (labels: Record<string, string>) =>
  `{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(', ')}}`;

function check(expr: string, at: number, samples: Array<[Record<string, string>, number]>): PromqlExprTest {
  return {
    expr: `round(${SCALE} * (${expr}))`,
    eval_time: minutes(at),
    exp_samples: samples.map(([l, v]) => ({ labels: labelSet(l), value: Math.round(v * SCALE) })),
  };
}

export function recordingTestGroups(config: SloConfig): TestGroup[] {
  const targets = sloTargets(config);
  // Use the first listed API with a latency SLI (or any API) so SLO series are checked too.
  const latencyTarget = targets.find((t) => t.sli === 'latency');
  const api = latencyTarget?.scope.kind === 'api' ? latencyTarget.scope.api : 'orders';
  const other = `${api}-steady-2xx`;
  const gw = GATEWAYS[0];
  const route = `${api}-list`;
  const L = LABELS;
  const per = (perMinute: number) => counterValues([[240, perMinute]]);

  const V = L.apiVersion.label;
  const ROLE = L.deploymentRole.label;
  const SC = L.statusClass.label;
  const RT = L.route.label;
  const req = (a: string, code: number, perMinute: number, r: string, version = 'v1', role = 'stable'): InputSeries => ({
    series: metricSelector('requests', { [A]: a, [V]: version, [ROLE]: role, [L.gateway.label]: gw, [RT]: r, [L.statusCode.label]: String(code), [SC]: statusClassOf(code), [L.consumer.label]: 'web' }),
    values: per(perMinute),
  });
  // Span-derived latency (the collector's histogram: no consumer): 2xx calls of two codes on the route
  // (summed by the rule), and 5xx calls with other latencies that the success-latency series must leave
  // out. Cumulative per minute at 0.1 / 0.5 / 2.5 / +Inf: 2xx 300 / 540 / 594 / 600 (10 calls/s), 5xx 0 / 0 / 60 / 60.
  const spanBounds = ['0.1', '0.5', '2.5', '+Inf'] as const;
  const spanBucket = (code: number, le: string, perMinute: number): InputSeries => ({
    series: metricSelector('trafficDuration', { [A]: api, [RT]: route, [L.statusCode.label]: String(code), [SC]: statusClassOf(code), le }, 'bucket'),
    values: per(perMinute),
  });
  const ok2xx = [300, 540, 594, 600];
  const err5xx = [0, 0, 60, 60];
  // T: the API's latency threshold when it has one; three bounds including T, then +Inf, so quantiles are known.
  const T = latencyTarget && latencyTarget.scope.kind === 'api' ? latencyTarget.thresholdSeconds! : 1;
  const bounds = [...[0.1, 0.5, 2.5].filter((b) => b !== T).slice(0, 2), T].sort((a, b) => a - b);
  const cum = [240, 540, 594]; // per minute at bounds[0..2]; +Inf 600
  const bucket = (le: string, perMinute: number, gateway: string = gw): InputSeries => ({
    series: metricSelector('requestDuration', { [A]: api, [L.gateway.label]: gateway, le }, 'bucket'),
    values: per(perMinute),
  });
  // A second gateway serves the API with the same counts at the same bounds plus one bound (0.05 s) the
  // first lacks: per-API buckets keep only the bounds both share, so their sums stay a histogram.
  const gw2 = GATEWAYS.find((g) => g !== gw)!;
  const extraBound = '0.05';
  // The API runs v1 stable and a v2 canary: 200s 480 + 60 per minute, 503s 30 + 30 (totals 540 and 60).
  const series: InputSeries[] = [
    req(api, 200, 480, route),
    req(api, 200, 60, route, 'v2', 'canary'),
    req(api, 503, 30, route),
    req(api, 503, 30, route, 'v2', 'canary'),
    req(other, 200, 300, `${other}-get`),
    ...spanBounds.flatMap((le, i) => [spanBucket(200, le, ok2xx[i]! / 2), spanBucket(201, le, ok2xx[i]! / 2), spanBucket(500, le, err5xx[i]!)]),
    { series: metricSelector('bandwidth', { [A]: api, [L.gateway.label]: gw, [L.direction.label]: 'ingress' }), values: per(6000) },
    { series: metricSelector('trafficCalls', { [A]: api, [L.plan.label]: 'pro', [L.consumer.label]: 'web', [L.country.label]: 'DE' }), values: per(600) },
    { series: metricSelector('trafficCalls', { [A]: other, [L.plan.label]: 'free', [L.consumer.label]: 'mobile', [L.country.label]: 'FR' }), values: per(120) },
    ...[gw, gw2].flatMap((g) => [
      ...bounds.map((b, i) => bucket(leSpellings(b)[0]!, cum[i]!, g)),
      bucket('+Inf', 600, g),
      { series: metricSelector('requestDuration', { [A]: api, [L.gateway.label]: g }, 'count'), values: per(600) },
      { series: metricSelector('requestDuration', { [A]: api, [L.gateway.label]: g }, 'sum'), values: per(120) },
    ]),
    bucket(extraBound, 120, gw2),
  ];

  const at = 200;
  const sel = (name: string, m: Matchers = {}) => recordedSelector(name, m);
  // Quantiles by linear interpolation inside the bucket: rank q·10 req/s over cumulative 4 / 9 / 9.9 / 10.
  // Per-API quantiles read the span histogram (one set of bounds for every gateway), all status classes:
  // cumulative per minute at 0.1 / 0.5 / 2.5 / +Inf is 300 / 540 / 654 / 660 (11 calls/s). Linear
  // interpolation inside the bucket that holds rank q·11, as histogram_quantile does.
  const spanUpper = spanBounds.slice(0, -1).map(Number);
  const spanCumRate = spanBounds.map((_, i) => (ok2xx[i]! + err5xx[i]!) / 60);
  const quantile = (q: number) => {
    const rank = q * spanCumRate[spanCumRate.length - 1]!;
    let lo = 0;
    let loCum = 0;
    for (let i = 0; i < spanUpper.length; i++) {
      if (spanCumRate[i]! >= rank) return lo + (spanUpper[i]! - lo) * ((rank - loCum) / (spanCumRate[i]! - loCum));
      lo = spanUpper[i]!;
      loCum = spanCumRate[i]!;
    }
    return spanUpper[spanUpper.length - 1]!;
  };
  const tests: PromqlExprTest[] = [
    check(sel(apiRequestRate('5m')), at, [[{ [A]: api }, 10], [{ [A]: other }, 5]]),
    check(sel(apiErrorRate('5m')), at, [[{ [A]: api }, 1], [{ [A]: other }, 0]]),
    ...SLO_WINDOWS.map((w) => check(sel(apiErrorRatio(w)), at, [[{ [A]: api }, 0.1], [{ [A]: other }, 0]])),
    check(sel(apiRequestRate('1h')), at, [[{ [A]: api }, 10], [{ [A]: other }, 5]]),
    check(sel(API_STATUS_CLASS_REQUEST_RATE, { [L.statusClass.label]: ERROR_STATUS_CLASS }), at, [[{ [A]: api, [L.statusClass.label]: ERROR_STATUS_CLASS }, 1]]),
    check(sel(API_ROUTE_REQUEST_RATE, { [A]: api }), at, [[{ [A]: api, [L.route.label]: route }, 10]]),
    check(sel(API_ROUTE_STATUS_CLASS_REQUEST_RATE, { [A]: api, [L.statusClass.label]: ERROR_STATUS_CLASS }), at, [[{ [A]: api, [L.route.label]: route, [L.statusClass.label]: ERROR_STATUS_CLASS }, 1]]),
    check(sel(GATEWAY_REQUEST_RATE), at, [[{ [L.gateway.label]: gw }, 15]]),
    check(sel(API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE, { [A]: api }), at, [
      [{ [A]: api, [V]: 'v1', [ROLE]: 'stable', [SC]: statusClassOf(200) }, 8],
      [{ [A]: api, [V]: 'v1', [ROLE]: 'stable', [SC]: ERROR_STATUS_CLASS }, 0.5],
      [{ [A]: api, [V]: 'v2', [ROLE]: 'canary', [SC]: statusClassOf(200) }, 1],
      [{ [A]: api, [V]: 'v2', [ROLE]: 'canary', [SC]: ERROR_STATUS_CLASS }, 0.5],
    ]),
    check(sel(API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE), at, spanBounds.map((le, i) => [{ [A]: api, [RT]: route, le }, ok2xx[i]! / 60] as [Record<string, string>, number])),
    // p95 of successful calls: rank 9.5 of 10 calls/s lies in (0.5, 2.5] at (9.5 − 9) / (9.9 − 9) of the bucket.
    check(histogramQuantile(0.95, sel(API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE), [RT]), at, [[{ [RT]: route }, 0.5 + 2 * (0.5 / 0.9)]]),
    check(sel(API_DIRECTION_BANDWIDTH_RATE), at, [[{ [A]: api, [L.direction.label]: 'ingress' }, 100]]),
    check(sel(PLAN_TRAFFIC_RATE), at, [[{ [L.plan.label]: 'free' }, 2], [{ [L.plan.label]: 'pro' }, 10]]),
    check(sel(API_PLAN_TRAFFIC_RATE), at, [[{ [A]: api, [L.plan.label]: 'pro' }, 10], [{ [A]: other, [L.plan.label]: 'free' }, 2]]),
    check(sel(CONSUMER_PLAN_TRAFFIC_RATE), at, [[{ [L.consumer.label]: 'mobile', [L.plan.label]: 'free' }, 2], [{ [L.consumer.label]: 'web', [L.plan.label]: 'pro' }, 10]]),
    check(sel(COUNTRY_TRAFFIC_RATE), at, [[{ [L.country.label]: 'DE' }, 10], [{ [L.country.label]: 'FR' }, 2]]),
    // Both gateways at their shared bounds (each 10 req/s), and nothing at the bound only one of them has.
    check(sel(apiLatencyBucketRate('request'), { [A]: api }), at, [...bounds.map((b) => leSpellings(b)[0]!), '+Inf'].map((le, i) => [{ [A]: api, le }, (2 * (i < cum.length ? cum[i]! : 600)) / 60] as [Record<string, string>, number])),
    check(sel(apiLatencyCountRate('request')), at, [[{ [A]: api }, 20]]),
    check(sel(apiLatencySumRate('request')), at, [[{ [A]: api }, 4]]),
    check(sel(apiQuantileBucketRate('request'), { [A]: api }), at, spanBounds.map((le, i) => [{ [A]: api, le }, spanCumRate[i]!] as [Record<string, string>, number])),
    check(sel(apiLatencyQuantile(0.5)), at, [[{ [A]: api }, quantile(0.5)]]),
    check(sel(apiLatencyQuantile(0.95)), at, [[{ [A]: api }, quantile(0.95)]]),
  ];

  // SLO series of the API, when slo.yaml gives it SLOs.
  const avail = targetFor(targets, api, 'availability');
  if (avail) {
    tests.push(
      check(sel(sloErrorRatio('1h'), { [A]: api, [SLO_LABEL]: 'availability' }), at, [[{ [A]: api, [SLO_LABEL]: 'availability' }, 0.1]]),
      check(sel(SLO_OBJECTIVE, { [A]: api, [SLO_LABEL]: 'availability' }), at, [[{ [A]: api, [SLO_LABEL]: 'availability' }, avail.objective / 100]]),
      check(sloBurnRate('1h', { [A]: api, [SLO_LABEL]: 'availability' }), at, [[{ [A]: api, [SLO_LABEL]: 'availability' }, 0.1 / (1 - avail.objective / 100)]]),
    );
  }
  if (latencyTarget && latencyTarget.scope.kind === 'api') {
    // Both gateways have the same share above T (the ratio of their sums).
    const slow = 1 - cum[bounds.indexOf(T)]! / 600;
    tests.push(
      check(sel(sloErrorRatio('5m'), { [A]: api, [SLO_LABEL]: 'latency' }), at, [[{ [A]: api, [SLO_LABEL]: 'latency' }, slow]]),
      check(sel(sloErrorRatio('6h'), { [A]: api, [SLO_LABEL]: 'latency' }), at, [[{ [A]: api, [SLO_LABEL]: 'latency' }, slow]]),
      check(sel(SLO_OBJECTIVE, { [A]: api, [SLO_LABEL]: 'latency' }), at, [[{ [A]: api, [SLO_LABEL]: 'latency' }, latencyTarget.objective / 100]]),
    );
  }
  return [{ name: 'recorded series on steady traffic', interval: '1m', input_series: series, promql_expr_test: tests }];
}
