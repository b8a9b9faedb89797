/** Latency bucket bounds (milliseconds) of the gateways' Prometheus plugins, per version. See collector/GATEWAY-FORMATS.md. */

/** Kong 3.0–3.8 `KONG_LATENCY_BUCKETS` (kong_kong_latency_ms). */
export const KONG_LATENCY_BUCKETS_MS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000] as const;
/** Kong 3.9+ `KONG_LATENCY_BUCKETS`: 3000 and 6000 added. */
export const KONG_LATENCY_BUCKETS_MS_3_9 = [...KONG_LATENCY_BUCKETS_MS, 3000, 6000] as const;
/** Kong 3.x `UPSTREAM_LATENCY_BUCKETS` (kong_upstream_latency_ms and kong_request_latency_ms). */
export const KONG_UPSTREAM_LATENCY_BUCKETS_MS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000] as const;
/** Kong 2.x `DEFAULT_BUCKETS` (kong_latency, every type). */
export const KONG_2_LATENCY_BUCKETS_MS = [1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 30000, 60000] as const;
/** APISIX `DEFAULT_BUCKETS` (apisix_http_latency, every type). */
export const APISIX_LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000] as const;
