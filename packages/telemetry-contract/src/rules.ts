import { LABEL_NAMES, LABELS, STATUS_CLASSES, type LabelKey, type StatusClass } from './labels';
import { LATENCY_BUCKETS_SECONDS, METRICS, PROM, promName } from './metrics';
import { PLATFORM_LABELS } from './platform';
import { RATE_INTERVAL, histogramQuantile, metricSelector, oneOf, rate, renderMatchers, sum, type Matchers, type Window } from './promql';
import { GATEWAY_LATENCY_METRIC, latencyHistogram, type LatencyKind } from './latency-histograms';

/**
 * Names of the pack's recording rules (the series Prometheus records from the contract's queries), so
 * dashboards, the Grafana app and Backstage read recorded series by constant instead of retyping them.
 * The rules themselves are generated in `alerts/` from the contract's builders.
 *
 * Naming follows Prometheus' `level:metric:operations` convention: `level` names the labels kept (the
 * contract's label keys in snake_case joined with `_`, e.g. `api_route`), `metric` the contract metric
 * (without `_total`), `operations` what was applied, e.g. `rate5m` or `ratio_rate1h`.
 * Every name here is derived from the contract's metric names; none is typed by hand.
 */

/** Windows that the multi-window multi-burn-rate SLO alerts need: 5m, 30m, 1h, 6h (page) and 3d (ticket). */
export const SLO_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];
/** The base rate window: every longer window is an average of the recorded 5m rates. */
export const BASE_WINDOW: SloWindow = '5m';
/** SLO compliance period the burn-rate factors below are computed for. */
export const SLO_PERIOD = '30d';
export const SLO_PERIOD_HOURS = 30 * 24;

/** Quantiles recorded for latency panels. */
export const LATENCY_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;
export type LatencyQuantile = (typeof LATENCY_QUANTILES)[number];

/** Label that recorded SLO series carry to say which SLI they measure. */
export const SLO_LABEL = 'slo';
export const SLIS = ['availability', 'latency'] as const;
export type Sli = (typeof SLIS)[number];

/** `apigw_requests_total` → `apigw_requests`: a counter's name without the `_total` a rate removes. */
function counterBase(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

const LEVEL = /^[a-z][a-z0-9_]*$/;
const OPERATION = /^[a-z][a-z0-9_.]*$/;
/** `level:metric:operations`; the level is the level words joined with `_`. */
export function recordedName(levelLabels: readonly string[], metric: string, operation: string): string {
  const level = levelLabels.join('_');
  if (!LEVEL.test(level)) throw new RangeError(`bad recording rule level: ${JSON.stringify(level)}`);
  if (!/^[a-z][a-z0-9_]*$/.test(metric)) throw new RangeError(`bad recording rule metric: ${JSON.stringify(metric)}`);
  if (!OPERATION.test(operation)) throw new RangeError(`bad recording rule operation: ${JSON.stringify(operation)}`);
  return `${level}:${metric}:${operation}`;
}

const KEPT = new Map<string, readonly string[]>();
const snake = (key: LabelKey): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Name of a recorded series that keeps the labels of `keys` (contract label keys, named in the level in
 * snake_case: `route` for `http_route`), plus `extra.level` labels (named in the level too, like `slo`)
 * and `extra.kept` labels (implied by the metric, like `le` of a `_bucket` series).
 */
function rec(keys: readonly LabelKey[], metric: string, operation: string, extra: { level?: readonly string[]; kept?: readonly string[] } = {}): string {
  const name = recordedName([...keys.map(snake), ...(extra.level ?? [])], metric, operation);
  KEPT.set(name, [...keys.map((k) => LABELS[k].label), ...(extra.level ?? []), ...(extra.kept ?? [])]);
  return name;
}

/** Prometheus labels a recorded series keeps (e.g. `['api', 'le']` for bucket rates). */
export function recordedLabels(series: string): readonly string[] {
  const labels = KEPT.get(series);
  if (!labels) throw new RangeError(`series ${JSON.stringify(series)} is not a recorded series of the pack`);
  return labels;
}

const REQUESTS = counterBase(PROM.requests);
/** The status class the availability SLI counts as bad. */
export const ERROR_STATUS_CLASS: StatusClass = '5xx';
if (!STATUS_CLASSES.includes(ERROR_STATUS_CLASS)) throw new Error('unreachable: 5xx is a contract status class');
const REQUESTS_5XX = `${REQUESTS}_${ERROR_STATUS_CLASS}`;
const TRAFFIC = counterBase(PROM.trafficCalls);
const BANDWIDTH = counterBase(PROM.bandwidth);

const rateOp = (w: SloWindow) => `rate${w}`;

/** Requests per second per API over a window (gateway counters). */
export function apiRequestRate(w: SloWindow): string {
  return rec(['api'], REQUESTS, rateOp(w));
}
/** 5xx responses per second per API over a window (0 while an API has traffic but no 5xx). */
export function apiErrorRate(w: SloWindow): string {
  return rec(['api'], REQUESTS_5XX, rateOp(w));
}
/** Share of requests answered 5xx per API over a window (ratio of the two rates above). */
export function apiErrorRatio(w: SloWindow): string {
  return rec(['api'], REQUESTS_5XX, `ratio_${rateOp(w)}`);
}

export const API_STATUS_CLASS_REQUEST_RATE = rec(['api', 'statusClass'], REQUESTS, rateOp('5m'));
export const API_ROUTE_REQUEST_RATE = rec(['api', 'route'], REQUESTS, rateOp('5m'));
export const API_ROUTE_STATUS_CLASS_REQUEST_RATE = rec(['api', 'route', 'statusClass'], REQUESTS, rateOp('5m'));
export const GATEWAY_REQUEST_RATE = rec(['gateway'], REQUESTS, rateOp('5m'));
/** Requests per second per API, deployed version, rollout role and status class: version comparison panels. */
export const API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE = rec(['api', 'apiVersion', 'deploymentRole', 'statusClass'], REQUESTS, rateOp('5m'));
export const API_DIRECTION_BANDWIDTH_RATE = rec(['api', 'direction'], BANDWIDTH, rateOp('5m'));

/** Span-derived requests per second by business dimension. */
export const PLAN_TRAFFIC_RATE = rec(['plan'], TRAFFIC, rateOp('5m'));
export const API_PLAN_TRAFFIC_RATE = rec(['api', 'plan'], TRAFFIC, rateOp('5m'));
export const CONSUMER_PLAN_TRAFFIC_RATE = rec(['consumer', 'plan'], TRAFFIC, rateOp('5m'));
export const COUNTRY_TRAFFIC_RATE = rec(['country'], TRAFFIC, rateOp('5m'));

/** The status class span-latency panels read: latency of successful calls, as latency SLIs count it. */
export const SUCCESS_STATUS_CLASS: StatusClass = '2xx';
if (!STATUS_CLASSES.includes(SUCCESS_STATUS_CLASS)) throw new Error('unreachable: 2xx is a contract status class');
/**
 * Span-derived latency bucket rates of successful calls per API and route (kept labels: api, http_route,
 * le), the input of per-route span latency quantiles. Exemplars are not recorded: panels that show them
 * keep a target on the raw histogram.
 */
export const API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE = rec(['api', 'route'], `${promName(METRICS.trafficDuration)}_${SUCCESS_STATUS_CLASS}_bucket`, rateOp('5m'), { kept: ['le'] });

export const LATENCY_KINDS: readonly LatencyKind[] = ['request', 'upstream', 'gateway'];

/**
 * Per-API bucket, count and sum rates of the gateways' own histograms (kept labels: api, le), the buckets
 * at the bounds every gateway serving the API shares: the latency SLI's input (exact counts at its bound).
 */
export function apiLatencyBucketRate(kind: LatencyKind = 'request'): string {
  return rec(['api'], `${promName(METRICS[GATEWAY_LATENCY_METRIC[kind]])}_bucket`, rateOp('5m'), { kept: ['le'] });
}
export function apiLatencyCountRate(kind: LatencyKind = 'request'): string {
  return rec(['api'], `${promName(METRICS[GATEWAY_LATENCY_METRIC[kind]])}_count`, rateOp('5m'));
}
export function apiLatencySumRate(kind: LatencyKind = 'request'): string {
  return rec(['api'], `${promName(METRICS[GATEWAY_LATENCY_METRIC[kind]])}_sum`, rateOp('5m'));
}
/** The histogram a per-API quantile reads: an API may be served by gateways with different bounds (latencyHistogram). */
const apiQuantileMetric = (kind: LatencyKind) => METRICS[latencyHistogram(kind)];
/**
 * Per-API bucket rates (kept labels: api, le) that per-API latency quantiles read: the span-derived
 * histogram for total request latency, apiLatencyBucketRate for the upstream and gateway parts.
 */
export function apiQuantileBucketRate(kind: LatencyKind = 'request'): string {
  return rec(['api'], `${promName(apiQuantileMetric(kind))}_bucket`, rateOp('5m'), { kept: ['le'] });
}
/** Per-API latency quantile in seconds, e.g. `api:apigw_traffic_duration_seconds:p95_rate5m`. */
export function apiLatencyQuantile(q: LatencyQuantile, kind: LatencyKind = 'request'): string {
  if (!LATENCY_QUANTILES.includes(q)) throw new RangeError(`quantile ${q} is not recorded; recorded: ${LATENCY_QUANTILES.join(', ')}`);
  return rec(['api'], promName(apiQuantileMetric(kind)), `p${Math.round(q * 100)}_${rateOp('5m')}`);
}

/** SLO series carry `api` and `slo` (availability | latency). */
const SLO_LEVEL = { level: [SLO_LABEL] };
/** SLI events per second (requests that count for the SLI) at the base window; latency SLIs only. */
export const SLO_REQUESTS_RATE = rec(['api'], 'sli_requests', rateOp('5m'), SLO_LEVEL);
/** SLI bad events per second at the base window; latency SLIs only. */
export const SLO_ERRORS_RATE = rec(['api'], 'sli_errors', rateOp('5m'), SLO_LEVEL);
/** SLI error ratio (bad / all) over a window, for every API with an SLO and both SLIs. */
export function sloErrorRatio(w: SloWindow): string {
  return rec(['api'], 'sli_error', `ratio_${rateOp(w)}`, SLO_LEVEL);
}
/** The objective as a ratio (e.g. 0.999) per API and SLI. */
export const SLO_OBJECTIVE = rec(['api'], 'objective', 'ratio', SLO_LEVEL);

/** Every recorded series name the pack's rules produce. */
export const RECORDED_SERIES: ReadonlySet<string> = new Set<string>([
  ...SLO_WINDOWS.flatMap((w) => [apiRequestRate(w), apiErrorRate(w), apiErrorRatio(w), sloErrorRatio(w)]),
  API_STATUS_CLASS_REQUEST_RATE,
  API_ROUTE_REQUEST_RATE,
  API_ROUTE_STATUS_CLASS_REQUEST_RATE,
  GATEWAY_REQUEST_RATE,
  API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE,
  API_DIRECTION_BANDWIDTH_RATE,
  PLAN_TRAFFIC_RATE,
  API_PLAN_TRAFFIC_RATE,
  CONSUMER_PLAN_TRAFFIC_RATE,
  COUNTRY_TRAFFIC_RATE,
  API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE,
  ...[...new Set(LATENCY_KINDS.flatMap((k) => [apiLatencyBucketRate(k), apiQuantileBucketRate(k), apiLatencyCountRate(k), apiLatencySumRate(k), ...LATENCY_QUANTILES.map((q) => apiLatencyQuantile(q, k))]))],
  SLO_REQUESTS_RATE,
  SLO_ERRORS_RATE,
  SLO_OBJECTIVE,
]);

/** Labels recorded series may carry beyond the contract's: the SLI name. */
export const RULE_LABELS: ReadonlySet<string> = new Set([SLO_LABEL]);

function assertRecordedLabel(name: string): void {
  if (!LABEL_NAMES.has(name) && !PLATFORM_LABELS.has(name) && !RULE_LABELS.has(name)) {
    throw new RangeError(`label ${JSON.stringify(name)} is not in the telemetry contract`);
  }
}

/** A selector of a recorded series: `name{label="value",...}`, values escaped like the contract's `selector`. */
export function recordedSelector(series: string, matchers: Matchers = {}): string {
  if (!RECORDED_SERIES.has(series)) throw new RangeError(`series ${JSON.stringify(series)} is not a recorded series of the pack`);
  const parts = renderMatchers(matchers, assertRecordedLabel);
  return parts.length ? `${series}{${parts.join(',')}}` : series;
}

/**
 * Burn rate of an SLO over a window: error ratio divided by the error budget (1 − objective).
 * 1 spends the 30-day budget in exactly 30 days; the BURN_RATE_TIERS factors are the alert thresholds.
 */
export function sloBurnRate(w: SloWindow, filter: Matchers = {}): string {
  return `${recordedSelector(sloErrorRatio(w), filter)} / on (${LABELS.api.label}, ${SLO_LABEL}) (1 - ${recordedSelector(SLO_OBJECTIVE, filter)})`;
}

/** Checks that a query on a recorded series only matches and keeps labels the series has (else it silently reads nothing). */
function assertKept(series: string, labels: readonly string[]): void {
  const kept = recordedLabels(series);
  for (const l of labels) if (!kept.includes(l)) throw new RangeError(`${series} does not keep the label ${JSON.stringify(l)}; it keeps ${kept.join(', ')}`);
}

/**
 * 5xx share (0..1) from a recorded request rate that keeps the status class, summed by `by`: the fast
 * equivalent of the raw `errorRatio({ filter, by, window: '5m' })` over every label the series drops
 * (e.g. all gateways, routes and consumers). Empty where there is no traffic, like the raw query.
 */
export function recordedErrorRatio(series: string, o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  const sc = LABELS.statusClass.label;
  assertKept(series, [sc, ...Object.keys(o.filter ?? {}), ...(o.by ?? [])]);
  const errors = sum(recordedSelector(series, { ...o.filter, [sc]: ERROR_STATUS_CLASS }), o.by);
  return `${errors} / ${sum(recordedSelector(series, o.filter), o.by)}`;
}

/**
 * Latency quantile (seconds) from recorded bucket rates (a series that keeps `le`), by labels the
 * series keeps: the fast equivalent of the raw quantile over the same 5m window.
 */
export function recordedQuantile(q: number, bucketSeries: string, o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  assertKept(bucketSeries, ['le', ...Object.keys(o.filter ?? {}), ...(o.by ?? [])]);
  return histogramQuantile(q, recordedSelector(bucketSeries, o.filter), o.by);
}

/**
 * Exemplar companion of API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE, whose recorded series carry no
 * exemplars: the raw span-latency quantile (seconds) of successful calls computed from only the span
 * histogram's buckets at and above `fromSeconds` (a bound of LATENCY_BUCKETS_SECONDS), kept where it
 * exceeds `fromSeconds`. There it equals the quantile of the full histogram (histogram_quantile
 * interpolates inside the bucket that holds the rank, and that bucket's lower bound is selected too); at
 * or below `fromSeconds` the result is absent rather than wrong. Selecting only the slow buckets' series
 * keeps the query a fraction of the full one (series lookup dominates its cost, instant or range), and the
 * exemplars Grafana fetches for it are those of calls slower than the bound below `fromSeconds`.
 */
export function successTrafficTailQuantile(q: number, fromSeconds: number, o: { filter?: Matchers; by?: readonly string[]; window?: Window } = {}): string {
  const i = (LATENCY_BUCKETS_SECONDS as readonly number[]).indexOf(fromSeconds);
  if (i < 1) throw new RangeError(`fromSeconds must be a bound of LATENCY_BUCKETS_SECONDS above the lowest, got ${fromSeconds}`);
  // Whole bounds have two spellings: `1` (remote write) and `1.0` (Prometheus 3 scrapes).
  const spellings = (b: number) => (Number.isInteger(b) ? [String(b), `${b}.0`] : [String(b)]);
  const le = oneOf([...LATENCY_BUCKETS_SECONDS.slice(i).flatMap(spellings), '+Inf']);
  const buckets = metricSelector('trafficDuration', { ...o.filter, [LABELS.statusClass.label]: SUCCESS_STATUS_CLASS, le }, 'bucket');
  return `${histogramQuantile(q, rate(buckets, o.window ?? RATE_INTERVAL), o.by)} > ${fromSeconds}`;
}
