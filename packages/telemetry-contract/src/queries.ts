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
