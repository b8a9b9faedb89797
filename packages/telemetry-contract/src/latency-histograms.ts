import { LABELS } from './labels';
import { PROM, type MetricKey } from './metrics';

export type LatencyKind = 'request' | 'upstream' | 'gateway';
/** The gateways' own latency histograms, each exported with that gateway's bucket bounds. */
export const GATEWAY_LATENCY_METRIC: Readonly<Record<LatencyKind, MetricKey>> = {
  request: 'requestDuration',
  upstream: 'upstreamDuration',
  gateway: 'gatewayDuration',
};

/**
 * Gateways export their latency histograms with their own bucket bounds (Kong 3's request latency at 25,
 * 50, 80, 100, 250 ms…, APISIX's at 1, 2, 5, 10, 20, 50, 100, 200 ms…; see the simulator's profiles and
 * collector/GATEWAY-FORMATS.md). Adding such histograms `le` by `le` mixes a bound that one gateway has with
 * counts that lack the other's requests: the sum is no histogram, and its quantile lands far from every
 * gateway's (an API served by Kong and APISIX read p95 951 ms against 228 and 197 ms per gateway).
 *
 * So a latency quantile reads:
 * - total request latency: always the span-derived histogram, which the collector builds with one set of
 *   bounds (LATENCY_BUCKETS_SECONDS) for every gateway and version, so that an API's figure, its
 *   per-gateway breakdown and a canary's two sides are read alike and can be compared;
 * - upstream or gateway time (spans carry no such split): the gateways' own histograms, per gateway as
 *   they are, over several gateways restricted to the bounds every one of them has (commonBucketsOnly).
 * Counts at one bound (the latency SLI's `le` = threshold) stay on the gateways' histograms, restricted to
 * the shared bounds: exact for every request, and absent, not wrong, where a gateway lacks the bound.
 */
export function latencyHistogram(kind: LatencyKind): MetricKey {
  return kind === 'request' ? 'trafficDuration' : GATEWAY_LATENCY_METRIC[kind];
}

/** Where a latency query over `by` reads from, for panel documentation (the series and why). */
export function latencySource(kind: LatencyKind, by: readonly string[] = []): string {
  const key = latencyHistogram(kind);
  if (key === 'trafficDuration') return `${PROM[key]}_bucket (span metrics: one set of bucket bounds for every gateway)`;
  return by.includes(LABELS.gateway.label)
    ? `${PROM[key]}_bucket (gateway scrape, the gateway’s own buckets)`
    : `${PROM[key]}_bucket (gateway scrape, at the bucket bounds every selected gateway shares)`;
}
