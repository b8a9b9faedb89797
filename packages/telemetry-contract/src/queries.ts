import type { MetricKey } from './metrics';
import { histogramQuantile, metricSelector, rate, sum, topk, RATE_INTERVAL, type Matchers, type Window } from './promql';

/**
 * The pack's named queries. Dashboards, rules, the Grafana app, the Backstage backend and the canary
 * gate call these instead of writing PromQL, so one change here reaches every consumer.
 */
export interface QueryOptions {
  /** Label matchers (contract labels only). */
  filter?: Matchers;
  /** Labels to keep in the result. */
  by?: readonly string[];
  /** Range window; defaults to Grafana's $__rate_interval. */
  window?: Window;
}

const win = (o: QueryOptions): Window => o.window ?? RATE_INTERVAL;

/** Requests per second from the gateways' counters. */
export function requestRate(o: QueryOptions = {}): string {
  return sum(rate(metricSelector('requests', o.filter), win(o)), o.by);
}

/** Share of requests answered 5xx (0..1). Empty result when there is no traffic: never 0 by default. */
export function errorRatio(o: QueryOptions = {}): string {
  const errors = sum(rate(metricSelector('requests', { ...o.filter, status_class: '5xx' }), win(o)), o.by);
  return `${errors} / ${requestRate(o)}`;
}

export type LatencyKind = 'request' | 'upstream' | 'gateway';
const LATENCY_METRIC: Record<LatencyKind, MetricKey> = {
  request: 'requestDuration',
  upstream: 'upstreamDuration',
  gateway: 'gatewayDuration',
};

/** Latency quantile in seconds for total, upstream or gateway time. */
export function latencyQuantile(q: number, kind: LatencyKind = 'request', o: QueryOptions = {}): string {
  return histogramQuantile(q, rate(metricSelector(LATENCY_METRIC[kind], o.filter, 'bucket'), win(o)), o.by);
}

/**
 * Requests counted per latency bucket over a window: one series per `le`, cumulative (requests that
 * took at most `le` seconds; `le="+Inf"` counts them all). The request-level evidence behind a
 * quantile: the canary gate tests the counts above a bucket boundary like error counts.
 */
export function latencyBucketIncrease(kind: LatencyKind, o: QueryOptions & { window: Window }): string {
  return sum(increaseOf(metricSelector(LATENCY_METRIC[kind], o.filter, 'bucket'), o.window), ['le', ...(o.by ?? [])]);
}

/** Span-derived request rate: the only source with plan, tenant and country. */
export function trafficRate(o: QueryOptions = {}): string {
  return sum(rate(metricSelector('trafficCalls', o.filter), win(o)), o.by);
}

/** Top-k consumers by span-derived request rate. */
export function topConsumers(k: number, o: QueryOptions = {}): string {
  return topk(k, trafficRate({ ...o, by: ['consumer', ...(o.by ?? []).filter((l) => l !== 'consumer')] }));
}

/** Bytes per second by direction. */
export function bandwidthRate(o: QueryOptions = {}): string {
  return sum(rate(metricSelector('bandwidth', o.filter), win(o)), o.by ?? ['direction']);
}

// ─── Dashboard queries (appended for @api-observatory/dashboards) ──────────────────────────────────
// Business KPIs, span-derived latency, week-over-week and canary state-set encodings. Each builds on
// the builders above and on the recorded series of rules.ts, so dashboards never write PromQL.
import { increase as increaseOf, neq, window as checkWindow } from './promql';
import { CONSUMER_PLAN_TRAFFIC_RATE, ERROR_STATUS_CLASS, recordedSelector } from './rules';
import { CANARY_DECISIONS, CANARY_METRIC_RESULTS, LABELS } from './labels';

/** `selector offset w`: shifts a selector (e.g. `1w` for week-over-week); no offset when `w` is undefined. */
export function offsetSelector(sel: string, w?: Window): string {
  return w === undefined ? sel : `${sel} offset ${checkWindow(w)}`;
}

export interface RecordedQueryOptions {
  /** Matchers on the recorded series' labels. */
  filter?: Matchers;
  /** Labels to keep (must be labels the recorded series has). */
  by?: readonly string[];
  /** Shift back in time, e.g. `1w` for week-over-week. */
  offset?: Window;
}

/** Sum of a recorded series (a rules.ts name) by labels, optionally shifted back: what fast panels read. */
export function recordedSum(series: string, o: RecordedQueryOptions = {}): string {
  return sum(offsetSelector(recordedSelector(series, o.filter), o.offset), o.by);
}

/** Span-derived requests per second answered 5xx, by the given labels (absent where there is none). */
export function trafficErrorRate(o: QueryOptions = {}): string {
  return trafficRate({ ...o, filter: { ...o.filter, [LABELS.statusClass.label]: ERROR_STATUS_CLASS } });
}

/** Span-derived latency quantile (seconds); these buckets carry exemplars with trace ids. */
export function trafficLatencyQuantile(q: number, o: QueryOptions = {}): string {
  return histogramQuantile(q, rate(metricSelector('trafficDuration', o.filter, 'bucket'), win(o)), o.by);
}

/** Span-derived requests counted over a window (metering-ready counts), e.g. over Grafana's `$__range`. */
export function trafficIncrease(o: QueryOptions & { window: Window }): string {
  return sum(increaseOf(metricSelector('trafficCalls', o.filter), o.window), o.by);
}

/** Consumers with traffic, from the recorded consumer × plan rates (optionally shifted, e.g. `1w`). */
export function activeConsumers(o: { filter?: Matchers; offset?: Window } = {}): string {
  return `count(${recordedSum(CONSUMER_PLAN_TRAFFIC_RATE, { filter: o.filter, offset: o.offset, by: [LABELS.consumer.label] })} > 0)`;
}

/** Raw equivalent of activeConsumers: consumers whose span-derived rate over the window is above 0. */
export function activeConsumersRaw(o: QueryOptions & { offset?: Window } = {}): string {
  const sel = metricSelector('trafficCalls', o.filter);
  const r = `rate(${sel}[${checkWindow(win(o))}]${o.offset ? ` offset ${checkWindow(o.offset)}` : ''})`;
  return `count(${sum(r, [LABELS.consumer.label])} > 0)`;
}

/**
 * Consumers with traffic within `range` (e.g. `$__range`) that had none in the `lookback` before it
 * (e.g. `1w`), from the recorded consumer × plan rates. 0 (not empty) when there is none.
 */
export function newConsumers(o: { filter?: Matchers; range: Window; lookback: Window }): string {
  const sel = recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, o.filter);
  const now = sum(`max_over_time(${sel}[${checkWindow(o.range)}])`, [LABELS.consumer.label]);
  const before = sum(`max_over_time(${sel}[${checkWindow(o.lookback)}] offset ${checkWindow(o.range)})`, [LABELS.consumer.label]);
  return `count((${now} > 0) unless (${before} > 0)) or vector(0)`;
}

/** Raw equivalent of newConsumers, from the span-derived counters. */
export function newConsumersRaw(o: { filter?: Matchers; range: Window; lookback: Window }): string {
  const sel = metricSelector('trafficCalls', o.filter);
  const now = sum(`increase(${sel}[${checkWindow(o.range)}])`, [LABELS.consumer.label]);
  const before = sum(`increase(${sel}[${checkWindow(o.lookback)}] offset ${checkWindow(o.range)})`, [LABELS.consumer.label]);
  return `count((${now} > 0) unless (${before} > 0)) or vector(0)`;
}

/**
 * SLA attainment (0..1): the share of `resolution`-spaced evaluations within `range` (e.g. `$__range`) at
 * which the span-derived availability (share of calls not answered 5xx, over `window`, default 5m) met
 * `objective` (e.g. 0.995). Evaluations without traffic do not count.
 */
export function slaAttainment(objective: number, o: { filter?: Matchers; by?: readonly string[]; window?: Window; range: Window; resolution: Window }): string {
  if (!(objective > 0 && objective < 1)) throw new RangeError(`objective must be a ratio in (0, 1), got ${objective}`);
  const w = o.window ?? '5m';
  const good = sum(rate(metricSelector('trafficCalls', { ...o.filter, [LABELS.statusClass.label]: neq(ERROR_STATUS_CLASS) }), w), o.by);
  const all = trafficRate({ filter: o.filter, by: o.by, window: w });
  return `avg_over_time(((${good} / ${all}) >= bool ${objective})[${checkWindow(o.range)}:${checkWindow(o.resolution)}])`;
}

/**
 * Encodes a state set (one 0/1 series per state) as one number per group: 1 + the index of the state
 * whose series is 1, 0 when none is (every state's series must exist, as the canary gate exports them).
 */
function stateSetCode(key: 'canaryDecision' | 'canaryMetricResult', stateLabel: string, states: readonly string[], filter: Matchers, by: readonly string[]): string {
  return states.map((s, i) => `(${i + 1} * ${sum(metricSelector(key, { ...filter, [stateLabel]: s }), by)})`).join(' + ');
}

/** Canary gate decision code per canary: 1 + index in CANARY_DECISION_CODES (1 rollback, 2 continue, 3 promote; 0 none). */
export const CANARY_DECISION_CODES = ['rollback', 'continue', 'promote'] as const satisfies ReadonlyArray<(typeof CANARY_DECISIONS)[number]>;
export function canaryDecisionCode(o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  const by = o.by ?? [LABELS.api.label, LABELS.apiVersion.label, LABELS.baselineVersion.label];
  return stateSetCode('canaryDecision', LABELS.decision.label, CANARY_DECISION_CODES, o.filter ?? {}, by);
}

/** Per-metric canary result code: 1 + index in CANARY_METRIC_RESULT_CODES (1 nodata, 2 pass, 3 high, 4 low; 0 none). */
export const CANARY_METRIC_RESULT_CODES = ['nodata', 'pass', 'high', 'low'] as const satisfies ReadonlyArray<(typeof CANARY_METRIC_RESULTS)[number]>;
export function canaryMetricResultCode(o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  const by = o.by ?? [LABELS.api.label, LABELS.apiVersion.label, LABELS.gateMetric.label];
  return stateSetCode('canaryMetricResult', LABELS.result.label, CANARY_METRIC_RESULT_CODES, o.filter ?? {}, by);
}

// Platform series (platform.ts) and gateway reporting, for the platform dashboard.
import { PLATFORM_METRICS, type PlatformMetricKey } from './platform';
import { selector as seriesSelector } from './promql';
import { GATEWAY_REQUEST_RATE } from './rules';

export type Aggregation = 'sum' | 'min' | 'max' | 'avg';
function aggregate(agg: Aggregation, expr: string, by: readonly string[]): string {
  // sum() checks the labels against the contract (platform labels included); reuse its rendering.
  const summed = sum(expr, by);
  return agg === 'sum' ? summed : `${agg}${summed.slice('sum'.length)}`;
}

/** Per-second rate of a platform counter (collector, Prometheus self-telemetry), aggregated by labels. */
export function platformRate(key: PlatformMetricKey, o: QueryOptions = {}): string {
  const m = PLATFORM_METRICS[key];
  if (m.type !== 'counter') throw new RangeError(`${key} is a ${m.type}, not a counter`);
  return sum(rate(seriesSelector(m.name, o.filter), win(o)), o.by);
}

/** A platform gauge aggregated by labels (`min by (job, instance) (up)` for scrape health). */
export function platformGauge(key: PlatformMetricKey, o: { filter?: Matchers; by?: readonly string[]; agg?: Aggregation } = {}): string {
  const m = PLATFORM_METRICS[key];
  if (m.type !== 'gauge') throw new RangeError(`${key} is a ${m.type}, not a gauge`);
  return aggregate(o.agg ?? 'sum', seriesSelector(m.name, o.filter), o.by ?? []);
}

/** Ratio of two platform gauges matched on the same labels (queue size / capacity), 0..1. */
export function platformGaugeRatio(numerator: PlatformMetricKey, denominator: PlatformMetricKey, o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  return `${platformGauge(numerator, { ...o, agg: 'max' })} / ${platformGauge(denominator, { ...o, agg: 'max' })}`;
}

/** 1 per gateway whose recorded request rate is above 0, 0 when it is 0 (absent when its series are). */
export function gatewaysReporting(o: { filter?: Matchers } = {}): string {
  return `${recordedSelector(GATEWAY_REQUEST_RATE, o.filter)} > bool 0`;
}
/** Raw equivalent of gatewaysReporting. */
export function gatewaysReportingRaw(o: { filter?: Matchers; window?: Window } = {}): string {
  return `${requestRate({ filter: o.filter, by: [LABELS.gateway.label], window: o.window ?? '5m' })} > bool 0`;
}

/** requestRate shifted back in time (`rate(...[w] offset 1w)`): the raw equivalent of a recorded rate with an offset. */
export function requestRateOffset(offset: Window, o: QueryOptions = {}): string {
  return sum(`rate(${metricSelector('requests', o.filter)}[${checkWindow(win(o))}] offset ${checkWindow(offset)})`, o.by);
}

/**
 * 5xx share per gateway (0..1) over the recorded 5m window: the raw 5xx rate (few series) divided by
 * the recorded per-gateway request rate, so the panel does not scan every request series. Equals
 * errorRatio({ by: ['gateway'], window: '5m' }) at the rule's evaluation times.
 */
export function gatewayErrorRatio(o: { filter?: Matchers } = {}): string {
  const gw = LABELS.gateway.label;
  const errors = sum(rate(metricSelector('requests', { ...o.filter, [LABELS.statusClass.label]: ERROR_STATUS_CLASS }), '5m'), [gw]);
  return `${errors} / on (${gw}) ${recordedSelector(GATEWAY_REQUEST_RATE, o.filter)}`;
}

/**
 * 5xx share (0..1) from the recorded per-route status-class rates, by API and/or route: the fast
 * equivalent of errorRatio({ filter: { api, http_route }, window: '5m' }) (all gateways and consumers).
 */
export function routeErrorRatio(o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  const errors = recordedSum(API_ROUTE_STATUS_CLASS_REQUEST_RATE, { filter: { ...o.filter, [LABELS.statusClass.label]: ERROR_STATUS_CLASS }, by: o.by });
  return `${errors} / ${recordedSum(API_ROUTE_STATUS_CLASS_REQUEST_RATE, { filter: o.filter, by: o.by })}`;
}
import { API_ROUTE_STATUS_CLASS_REQUEST_RATE } from './rules';
