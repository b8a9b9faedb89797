import {
  API_DIRECTION_BANDWIDTH_RATE, API_PLAN_TRAFFIC_RATE, API_ROUTE_REQUEST_RATE, API_ROUTE_STATUS_CLASS_REQUEST_RATE,
  API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE, API_STATUS_CLASS_REQUEST_RATE, API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE, BASE_WINDOW, CONSUMER_PLAN_TRAFFIC_RATE, COUNTRY_TRAFFIC_RATE, ERROR_STATUS_CLASS,
  GATEWAY_REQUEST_RATE, LABELS, LATENCY_KINDS, LATENCY_QUANTILES, PLAN_TRAFFIC_RATE, SLO_WINDOWS, SUCCESS_STATUS_CLASS,
  apiErrorRate, apiErrorRatio, apiLatencyBucketRate, apiLatencyCountRate, apiLatencyQuantile, apiLatencySumRate,
  apiRequestRate, apiQuantileBucketRate, bandwidthRate, GATEWAY_LATENCY_METRIC, gatewayLatencyBucketRate, histogramQuantile, latencyBucketRate, metricSelector, rate, recordedLabels, recordedSelector, requestRate,
  sum, trafficRate, avgOverTime, div, or, times,
} from '@api-observatory/telemetry-contract';
import type { RecordingRule, RuleFile } from './model';

/**
 * Recording rules for the panel-style queries that span more than one API, and the per-API request and
 * 5xx rates at every window the SLO alerts read. Windows longer than 5m average the recorded 5m rates
 * (as the Prometheus monitoring mixins do): cheap over 3 days, and a ratio of averaged rates equals the
 * ratio of increases, so error ratios stay exact in steady state (the 5m base adds at most 5m of smoothing).
 */

const API = LABELS.api.label;

/** A recording rule whose `by` labels are the ones the contract says the recorded series keeps. */
const keep = (name: string): readonly string[] => recordedLabels(name);

function availabilityRules(): RecordingRule[] {
  const rate5m = apiRequestRate(BASE_WINDOW);
  const err5m = apiErrorRate(BASE_WINDOW);
  const rules: RecordingRule[] = [
    { record: rate5m, expr: requestRate({ by: keep(rate5m), window: BASE_WINDOW }) },
    {
      // An API with traffic but no 5xx series yet has a 5xx rate of 0, not "no data".
      record: err5m,
      expr: or(requestRate({ filter: { [LABELS.statusClass.label]: ERROR_STATUS_CLASS }, by: keep(err5m), window: BASE_WINDOW }), times(0, recordedSelector(rate5m))),
    },
    { record: apiErrorRatio(BASE_WINDOW), expr: div(recordedSelector(err5m), recordedSelector(rate5m)) },
  ];
  for (const w of SLO_WINDOWS) {
    if (w === BASE_WINDOW) continue;
    rules.push(
      { record: apiRequestRate(w), expr: avgOverTime(recordedSelector(rate5m), w) },
      { record: apiErrorRate(w), expr: avgOverTime(recordedSelector(err5m), w) },
      { record: apiErrorRatio(w), expr: div(recordedSelector(apiErrorRate(w)), recordedSelector(apiRequestRate(w))) },
    );
  }
  return rules;
}

function breakdownRules(): RecordingRule[] {
  const w = BASE_WINDOW;
  return [
    { record: API_STATUS_CLASS_REQUEST_RATE, expr: requestRate({ by: keep(API_STATUS_CLASS_REQUEST_RATE), window: w }) },
    { record: API_ROUTE_REQUEST_RATE, expr: requestRate({ by: keep(API_ROUTE_REQUEST_RATE), window: w }) },
    { record: API_ROUTE_STATUS_CLASS_REQUEST_RATE, expr: requestRate({ by: keep(API_ROUTE_STATUS_CLASS_REQUEST_RATE), window: w }) },
    { record: GATEWAY_REQUEST_RATE, expr: requestRate({ by: keep(GATEWAY_REQUEST_RATE), window: w }) },
    { record: API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE, expr: requestRate({ by: keep(API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE), window: w }) },
    { record: API_DIRECTION_BANDWIDTH_RATE, expr: bandwidthRate({ by: keep(API_DIRECTION_BANDWIDTH_RATE), window: w }) },
    { record: PLAN_TRAFFIC_RATE, expr: trafficRate({ by: keep(PLAN_TRAFFIC_RATE), window: w }) },
    { record: API_PLAN_TRAFFIC_RATE, expr: trafficRate({ by: keep(API_PLAN_TRAFFIC_RATE), window: w }) },
    { record: CONSUMER_PLAN_TRAFFIC_RATE, expr: trafficRate({ by: keep(CONSUMER_PLAN_TRAFFIC_RATE), window: w }) },
    { record: COUNTRY_TRAFFIC_RATE, expr: trafficRate({ by: keep(COUNTRY_TRAFFIC_RATE), window: w }) },
  ];
}

function latencyRules(): RecordingRule[] {
  const rules: RecordingRule[] = [];
  for (const kind of LATENCY_KINDS) {
    const bucket = apiLatencyBucketRate(kind);
    const quantileBuckets = apiQuantileBucketRate(kind);
    const by = [API];
    rules.push(
      { record: bucket, expr: gatewayLatencyBucketRate(kind, { by, window: BASE_WINDOW }) },
      { record: apiLatencyCountRate(kind), expr: sum(rate(metricSelector(GATEWAY_LATENCY_METRIC[kind], {}, 'count'), BASE_WINDOW), keep(apiLatencyCountRate(kind))) },
      { record: apiLatencySumRate(kind), expr: sum(rate(metricSelector(GATEWAY_LATENCY_METRIC[kind], {}, 'sum'), BASE_WINDOW), keep(apiLatencySumRate(kind))) },
      ...(quantileBuckets === bucket ? [] : [{ record: quantileBuckets, expr: latencyBucketRate(kind, { by, window: BASE_WINDOW }) }]),
      ...LATENCY_QUANTILES.map((q) => ({ record: apiLatencyQuantile(q, kind), expr: histogramQuantile(q, recordedSelector(quantileBuckets), by) })),
    );
  }
  // Span-derived latency of successful calls per API and route (the span histogram's exemplars stay on
  // the raw series: panels that show them keep a target on the raw histogram).
  const span = API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE;
  rules.push({ record: span, expr: sum(rate(metricSelector('trafficDuration', { [LABELS.statusClass.label]: SUCCESS_STATUS_CLASS }, 'bucket'), BASE_WINDOW), keep(span)) });
  return rules;
}

export function recordingRuleFile(): RuleFile {
  return {
    file: 'recording.yaml',
    title: 'Recording rules: per-API request, 5xx and latency series and the cross-API breakdowns dashboards read.',
    groups: [
      { name: 'api-availability', rules: availabilityRules() },
      { name: 'api-traffic-breakdown', rules: breakdownRules() },
      { name: 'api-latency', rules: latencyRules() },
    ],
  };
}
