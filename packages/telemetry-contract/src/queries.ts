import { CANARY_DECISIONS, CANARY_METRIC_RESULTS, LABELS } from './labels';
import type { MetricKey } from './metrics';
import { commonBucketsOnly, histogramQuantile, increase, metricSelector, neq, rate, sum, topk, window as checkWindow, type Matchers, type Window } from './promql';
import { GATEWAY_LATENCY_METRIC, latencyHistogram, type LatencyKind } from './latency-histograms';
import { rangeWindow as win, type QueryOptions } from './query-options';
import { ERROR_STATUS_CLASS } from './rules';

/**
 * The pack's named queries over the raw contract series (gateway scrapes, span metrics, the canary
 * gate's state sets). Dashboards, rules, the Grafana app, the Backstage backend and the canary gate call
 * these instead of writing PromQL, so one change here reaches every consumer. The fast equivalents over
 * recorded series are in recorded-queries.ts, the platform's own series in platform-queries.ts.
 */

/** Requests per second from the gateways' counters. */
export function requestRate(o: QueryOptions = {}): string {
  return sum(rate(metricSelector('requests', o.filter), win(o)), o.by);
}

/** Share of requests answered 5xx (0..1). Empty result when there is no traffic: never 0 by default. */
export function errorRatio(o: QueryOptions = {}): string {
  const errors = sum(rate(metricSelector('requests', { ...o.filter, status_class: '5xx' }), win(o)), o.by);
  return `${errors} / ${requestRate(o)}`;
}

export { GATEWAY_LATENCY_METRIC, latencyHistogram, latencySource, type LatencyKind } from './latency-histograms';

/** Per-`le` series of `key`'s buckets through `op` (rate or increase), never adding different bucket sets together. */
function bucketsOf(key: MetricKey, o: QueryOptions, op: (sel: string) => string): string {
  const sel = metricSelector(key, o.filter, 'bucket');
  const perGateway = (o.by ?? []).includes(LABELS.gateway.label);
  return key === 'trafficDuration' || perGateway ? op(sel) : commonBucketsOnly(op(sel), sel, LABELS.gateway.label, o.by);
}

/** Latency quantile in seconds for total, upstream or gateway time (which histogram: latencyHistogram). */
export function latencyQuantile(q: number, kind: LatencyKind = 'request', o: QueryOptions = {}): string {
  return histogramQuantile(q, bucketsOf(latencyHistogram(kind), o, (sel) => rate(sel, win(o))), o.by);
}

/** Bucket rates by `le` and `o.by` of the histogram a quantile over these labels reads (latencyHistogram). */
export function latencyBucketRate(kind: LatencyKind, o: QueryOptions = {}): string {
  return sum(bucketsOf(latencyHistogram(kind), o, (sel) => rate(sel, win(o))), ['le', ...(o.by ?? [])]);
}

/**
 * Bucket rates by `le` and `o.by` of the gateways' own histogram of `kind`, at the bounds every contributing
 * gateway shares: exact request counts at those bounds (the latency SLI's input), whatever the spans sample.
 */
export function gatewayLatencyBucketRate(kind: LatencyKind, o: QueryOptions = {}): string {
  return sum(bucketsOf(GATEWAY_LATENCY_METRIC[kind], o, (sel) => rate(sel, win(o))), ['le', ...(o.by ?? [])]);
}

/**
 * Requests counted per latency bucket over a window: one series per `le`, cumulative (requests that
 * took at most `le` seconds; `le="+Inf"` counts them all). The request-level evidence behind a
 * quantile: the canary gate tests the counts above a bucket boundary like error counts.
 */
export function latencyBucketIncrease(kind: LatencyKind, o: QueryOptions & { window: Window }): string {
  return sum(bucketsOf(latencyHistogram(kind), o, (sel) => increase(sel, o.window)), ['le', ...(o.by ?? [])]);
}

/** requestRate shifted back in time (`rate(...[w] offset 1w)`): the raw equivalent of a recorded rate with an offset. */
export function requestRateOffset(offset: Window, o: QueryOptions = {}): string {
  return sum(`rate(${metricSelector('requests', o.filter)}[${checkWindow(win(o))}] offset ${checkWindow(offset)})`, o.by);
}

/** 1 per gateway whose request rate over the window (default 5m) is above 0, 0 when it is 0. */
export function gatewaysReportingRaw(o: { filter?: Matchers; window?: Window } = {}): string {
  return `${requestRate({ filter: o.filter, by: [LABELS.gateway.label], window: o.window ?? '5m' })} > bool 0`;
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
  return sum(increase(metricSelector('trafficCalls', o.filter), o.window), o.by);
}

/** Consumers whose span-derived rate over the window is above 0 (optionally shifted, e.g. `1w`). */
export function activeConsumersRaw(o: QueryOptions & { offset?: Window } = {}): string {
  const sel = metricSelector('trafficCalls', o.filter);
  const r = `rate(${sel}[${checkWindow(win(o))}]${o.offset ? ` offset ${checkWindow(o.offset)}` : ''})`;
  return `count(${sum(r, [LABELS.consumer.label])} > 0)`;
}

/**
 * Consumers with span-derived traffic within `range` (e.g. `$__range`) that had none in the `lookback`
 * before it (e.g. `1w`). 0 (not empty) when there is none.
 */
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
