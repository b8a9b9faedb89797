import type { LabelKey } from './labels';

export type MetricType = 'counter' | 'histogram' | 'gauge';
/** UCUM units as OTel writes them; `{request}` is an annotation and adds no Prometheus suffix. */
export type Unit = 's' | 'By' | '{request}' | '{decision}' | '{score}' | '{evaluation}' | '{event}' | '1';

/** Where a series comes from, so a reader knows which pipeline to debug when it is missing. */
export type MetricSource = 'gateway-scrape' | 'span-metrics' | 'canary-gate';


export interface MetricDef {
  /** OpenTelemetry metric name as the collector produces it. */
  otelName: string;
  type: MetricType;
  unit: Unit;
  description: string;
  labels: readonly LabelKey[];
  source: MetricSource;
}

/** Labels shared by every gateway-derived series: what the gateway's service and route names give. */
const WORKLOAD: readonly LabelKey[] = ['gateway', 'api', 'apiVersion', 'deploymentRole', 'route'];

/**
 * Latency histogram bounds (seconds) for span-derived histograms: the OTel HTTP semantic conventions'
 * advice for http.server.request.duration. Scraped histograms keep each gateway's own bounds, scaled to seconds.
 */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;

export const METRICS = {
  /** Requests by status and consumer, from kong_http_requests_total / apisix_http_status. */
  requests: {
    otelName: 'apigw.requests',
    type: 'counter',
    unit: '{request}',
    description: 'Requests served by the gateway, by status code and consumer.',
    labels: [...WORKLOAD, 'consumer', 'statusCode', 'statusClass'],
    source: 'gateway-scrape',
  },
  /** End-to-end request latency as the gateway measured it (kong_request_latency_ms, apisix_http_latency{type="request"}). */
  requestDuration: {
    otelName: 'http.server.request.duration',
    type: 'histogram',
    unit: 's',
    description: 'Total request latency measured by the gateway (client in to client out).',
    labels: WORKLOAD,
    source: 'gateway-scrape',
  },
  /** Time waiting for the upstream (kong_upstream_latency_ms, apisix_http_latency{type="upstream"}). */
  upstreamDuration: {
    otelName: 'apigw.upstream.duration',
    type: 'histogram',
    unit: 's',
    description: 'Latency of the upstream service as seen by the gateway.',
    labels: WORKLOAD,
    source: 'gateway-scrape',
  },
  /** Time spent in the gateway itself (kong_kong_latency_ms, apisix_http_latency{type="apisix"}). */
  gatewayDuration: {
    otelName: 'apigw.gateway.duration',
    type: 'histogram',
    unit: 's',
    description: 'Latency added by the gateway (plugins, routing), excluding the upstream.',
    labels: WORKLOAD,
    source: 'gateway-scrape',
  },
  /** Bytes in and out (kong_bandwidth_bytes, apisix_bandwidth). */
  bandwidth: {
    otelName: 'apigw.bandwidth',
    type: 'counter',
    unit: 'By',
    description: 'Bytes transferred through the gateway, by direction.',
    labels: [...WORKLOAD, 'consumer', 'direction'],
    source: 'gateway-scrape',
  },
  /** Span-derived request count with business dimensions (spanmetrics connector). */
  trafficCalls: {
    otelName: 'apigw.traffic.calls',
    type: 'counter',
    unit: '{request}',
    description: 'Requests seen in gateway spans, with consumer, plan, tenant and country.',
    labels: [...WORKLOAD, 'method', 'statusCode', 'statusClass', 'consumer', 'plan', 'tenant', 'country'],
    source: 'span-metrics',
  },
  /**
   * Span-derived latency with exemplars that carry trace ids. Only what latency panels and rules select
   * on: the business dimensions (consumer, plan, tenant, country) and the exact status are on
   * trafficCalls only, so the histogram's series do not grow with the number of consumers.
   */
  trafficDuration: {
    otelName: 'apigw.traffic.duration',
    type: 'histogram',
    unit: 's',
    description: 'Request latency from gateway spans; exemplars link to traces.',
    // The exact status stays: a failed request's exemplar row shows its code.
    labels: [...WORKLOAD, 'statusCode', 'statusClass'],
    source: 'span-metrics',
  },
  /** Canary gate: 1 on the series of the latest decision, 0 on the others (a state set). */
  canaryDecision: {
    otelName: 'canary_gate.decision',
    type: 'gauge',
    unit: '{decision}',
    description: 'Latest canary gate decision per API and canary version: 1 on the current decision.',
    labels: ['api', 'apiVersion', 'baselineVersion', 'decision'],
    source: 'canary-gate',
  },
  canaryScore: {
    otelName: 'canary_gate.score',
    type: 'gauge',
    unit: '{score}',
    description: 'Latest canary gate score, 0 to 100.',
    labels: ['api', 'apiVersion', 'baselineVersion'],
    source: 'canary-gate',
  },
  /** Per-metric results as a state set: 1 on the current result of each gate metric. */
  canaryMetricResult: {
    otelName: 'canary_gate.metric_result',
    type: 'gauge',
    unit: '{decision}',
    description: 'Latest per-metric canary result: 1 on the current result (pass, high, low, nodata).',
    labels: ['api', 'apiVersion', 'baselineVersion', 'gateMetric', 'result'],
    source: 'canary-gate',
  },
  canaryEvaluations: {
    otelName: 'canary_gate.evaluations',
    type: 'counter',
    unit: '{evaluation}',
    description: 'Canary gate evaluations by decision.',
    labels: ['api', 'apiVersion', 'decision'],
    source: 'canary-gate',
  },
  /** Decision and rollback events held in canary-gate's memory until Kafka acknowledges them. */
  canaryEventsQueued: {
    otelName: 'canary_gate.events.queued',
    type: 'gauge',
    unit: '{event}',
    description: 'Canary gate events waiting in memory for Kafka (lost if the process stops).',
    labels: [],
    source: 'canary-gate',
  },
  canaryEventsPublished: {
    otelName: 'canary_gate.events.published',
    type: 'counter',
    unit: '{event}',
    description: 'Canary gate events Kafka acknowledged.',
    labels: [],
    source: 'canary-gate',
  },
  /** Dropped when the queue is full: the oldest queued event gives way. */
  canaryEventsDropped: {
    otelName: 'canary_gate.events.dropped',
    type: 'counter',
    unit: '{event}',
    description: 'Canary gate events dropped before Kafka acknowledged them (queue full).',
    labels: [],
    source: 'canary-gate',
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/**
 * Consumer value of requests for which the gateway identified no consumer: rejected by authentication
 * (401, before a consumer is known), routes without authentication, and, on APISIX spans, requests an
 * access-phase plugin (consumer restriction, rate limiting) rejected before the pack's enrichment ran.
 * The collector writes it wherever a gateway leaves the consumer empty, so such traffic is never shown
 * under a real consumer. (Kong without `per_consumer: true` leaves every consumer empty.)
 */
export const UNAUTHENTICATED_CONSUMER = 'unauthenticated';

/** Value of a span-derived dimension (plan, tenant, country, route) the span did not carry. */
export const UNKNOWN_DIMENSION = 'unknown';

/**
 * Label of the series into which the collector's span metrics fold new label combinations once a gateway
 * has SPANMETRICS_CARDINALITY_LIMIT series of trafficCalls (or of trafficDuration): value "true", besides it
 * only the gateway label. It counts the calls it folded, so totals stay exact; per-label breakdowns miss them.
 */
export const SPAN_METRICS_OVERFLOW_LABEL = 'otel_metric_overflow';

/** spanmetrics connector namespace that yields the trafficCalls / trafficDuration names. */
export const SPAN_METRICS_NAMESPACE = 'apigw.traffic';

const UNIT_SUFFIX: Record<Unit, string> = { s: 'seconds', By: 'bytes', '{request}': '', '{decision}': '', '{score}': '', '{evaluation}': '', '{event}': '', '1': 'ratio' };

/**
 * Prometheus name of a metric after the collector's Prometheus remote-write exporter
 * (dots to underscores, unit suffix, `_total` for counters), i.e. what queries must use.
 */
export function promName(def: MetricDef): string {
  let name = def.otelName.replace(/\./g, '_');
  const suffix = UNIT_SUFFIX[def.unit];
  if (suffix && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  if (def.type === 'counter') name += '_total';
  return name;
}

/** The series names a metric gives in Prometheus (histograms give three). */
export function promSeriesNames(def: MetricDef): string[] {
  const base = promName(def);
  return def.type === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

/** Prometheus names of all contract metrics, keyed like METRICS. */
export const PROM = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, promName(d)])) as Record<MetricKey, string>;
