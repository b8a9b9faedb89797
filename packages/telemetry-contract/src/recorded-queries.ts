import { LABELS } from './labels';
import { offsetSelector } from './operators';
import { metricSelector, rate, sum, window as checkWindow, type Matchers, type Window } from './promql';
import { API_ROUTE_STATUS_CLASS_REQUEST_RATE, CONSUMER_PLAN_TRAFFIC_RATE, ERROR_STATUS_CLASS, GATEWAY_REQUEST_RATE, recordedSelector } from './rules';

/**
 * Named queries over the pack's recorded series (rules.ts): what fast panels read. Each has a raw
 * equivalent in queries.ts that the tests compare it with.
 */

export interface RecordedQueryOptions {
  /** Matchers on the recorded series' labels. */
  filter?: Matchers;
  /** Labels to keep (must be labels the recorded series has). */
  by?: readonly string[];
  /** Shift back in time, e.g. `1w` for week-over-week. */
  offset?: Window;
}

/** Sum of a recorded series (a rules.ts name) by labels, optionally shifted back. */
export function recordedSum(series: string, o: RecordedQueryOptions = {}): string {
  return sum(offsetSelector(recordedSelector(series, o.filter), o.offset), o.by);
}

/** Consumers with traffic, from the recorded consumer × plan rates (optionally shifted, e.g. `1w`). Raw: activeConsumersRaw. */
export function activeConsumers(o: { filter?: Matchers; offset?: Window } = {}): string {
  return `count(${recordedSum(CONSUMER_PLAN_TRAFFIC_RATE, { filter: o.filter, offset: o.offset, by: [LABELS.consumer.label] })} > 0)`;
}

/**
 * Consumers with traffic within `range` (e.g. `$__range`) that had none in the `lookback` before it
 * (e.g. `1w`), from the recorded consumer × plan rates. 0 (not empty) when there is none. Raw: newConsumersRaw.
 */
export function newConsumers(o: { filter?: Matchers; range: Window; lookback: Window }): string {
  const sel = recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, o.filter);
  const now = sum(`max_over_time(${sel}[${checkWindow(o.range)}])`, [LABELS.consumer.label]);
  const before = sum(`max_over_time(${sel}[${checkWindow(o.lookback)}] offset ${checkWindow(o.range)})`, [LABELS.consumer.label]);
  return `count((${now} > 0) unless (${before} > 0)) or vector(0)`;
}

/** 1 per gateway whose recorded request rate is above 0, 0 when it is 0 (absent when its series are). Raw: gatewaysReportingRaw. */
export function gatewaysReporting(o: { filter?: Matchers } = {}): string {
  return `${recordedSelector(GATEWAY_REQUEST_RATE, o.filter)} > bool 0`;
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
