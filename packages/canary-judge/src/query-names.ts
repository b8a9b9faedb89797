/**
 * Names of the contract queries a gate metric can be sampled with (the `query` field of a gate metric).
 * A gate config never holds PromQL: it names one of these, and the Prometheus sample source builds the
 * query with the telemetry contract's builders (src/prometheus/queries.ts).
 */

import { PROM, latencyHistogram, type LatencyKind } from '@api-observatory/telemetry-contract';

export interface GateQueryInfo {
  description: string;
  /** Unit of the values the query returns. */
  unit: string;
}

export const GATE_QUERIES = {
  errorRatio: { description: `share of requests answered 5xx (${PROM.requests}, status_class="5xx")`, unit: 'ratio' },
  requestRate: { description: `requests per second (${PROM.requests})`, unit: 'req/s' },
  latencyP50: { description: `median request duration (${PROM[latencyHistogram('request')]})`, unit: 's' },
  latencyP90: { description: '90th percentile of request duration', unit: 's' },
  latencyP95: { description: '95th percentile of request duration', unit: 's' },
  latencyP99: { description: '99th percentile of request duration', unit: 's' },
  upstreamLatencyP50: { description: `median upstream latency (${PROM.upstreamDuration})`, unit: 's' },
  upstreamLatencyP95: { description: '95th percentile of upstream latency', unit: 's' },
  upstreamLatencyP99: { description: '99th percentile of upstream latency', unit: 's' },
  gatewayLatencyP50: { description: `median latency added by the gateway (${PROM.gatewayDuration})`, unit: 's' },
  gatewayLatencyP95: { description: '95th percentile of the latency added by the gateway', unit: 's' },
  gatewayLatencyP99: { description: '99th percentile of the latency added by the gateway', unit: 's' },
} as const satisfies Record<string, GateQueryInfo>;

export type GateQueryName = keyof typeof GATE_QUERIES;
export const GATE_QUERY_NAMES = Object.keys(GATE_QUERIES) as GateQueryName[];

/** The queries that are a latency quantile: which quantile of which histogram. */
export const LATENCY_QUANTILE_QUERIES: Readonly<Partial<Record<GateQueryName, { quantile: number; kind: LatencyKind }>>> = {
  latencyP50: { quantile: 0.5, kind: 'request' },
  latencyP90: { quantile: 0.9, kind: 'request' },
  latencyP95: { quantile: 0.95, kind: 'request' },
  latencyP99: { quantile: 0.99, kind: 'request' },
  upstreamLatencyP50: { quantile: 0.5, kind: 'upstream' },
  upstreamLatencyP95: { quantile: 0.95, kind: 'upstream' },
  upstreamLatencyP99: { quantile: 0.99, kind: 'upstream' },
  gatewayLatencyP50: { quantile: 0.5, kind: 'gateway' },
  gatewayLatencyP95: { quantile: 0.95, kind: 'gateway' },
  gatewayLatencyP99: { quantile: 0.99, kind: 'gateway' },
};

/**
 * The query used for a gate metric without a `query` field, by metric name. Metrics with other names
 * must set `query` to be evaluated against Prometheus.
 */
export const DEFAULT_QUERY_BY_METRIC_NAME: Readonly<Record<string, GateQueryName>> = {
  error_ratio: 'errorRatio',
  request_rate: 'requestRate',
  latency_p50_seconds: 'latencyP50',
  latency_p90_seconds: 'latencyP90',
  latency_p95_seconds: 'latencyP95',
  latency_p99_seconds: 'latencyP99',
  upstream_latency_p50_seconds: 'upstreamLatencyP50',
  upstream_latency_p95_seconds: 'upstreamLatencyP95',
  upstream_latency_p99_seconds: 'upstreamLatencyP99',
  gateway_latency_p50_seconds: 'gatewayLatencyP50',
  gateway_latency_p95_seconds: 'gatewayLatencyP95',
  gateway_latency_p99_seconds: 'gatewayLatencyP99',
};

export function isGateQueryName(name: unknown): name is GateQueryName {
  return typeof name === 'string' && Object.hasOwn(GATE_QUERIES, name);
}

/** The named query of a gate metric: its `query` field, else the default for its name, else null. */
export function resolveMetricQuery(metric: { name: string; query?: GateQueryName }): GateQueryName | null {
  if (metric.query !== undefined) return metric.query;
  return Object.hasOwn(DEFAULT_QUERY_BY_METRIC_NAME, metric.name) ? DEFAULT_QUERY_BY_METRIC_NAME[metric.name]! : null;
}

/** Problems, one sentence per metric, for gate metrics that have no query (empty when all resolve). */
export function unresolvedQueries(metrics: readonly { name: string; query?: GateQueryName }[]): string[] {
  const out: string[] = [];
  metrics.forEach((m, i) => {
    if (resolveMetricQuery(m) === null) {
      out.push(`metrics[${i}] (${JSON.stringify(m.name)}) has no query: set its query field to one of ${GATE_QUERY_NAMES.join(', ')}`);
    }
  });
  return out;
}
