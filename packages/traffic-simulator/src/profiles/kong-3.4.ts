import { KONG_LATENCY_BUCKETS_MS } from './buckets';
import { kong3Profile } from './kong-3';

/** Kong 3.4 – 3.6 (source: Kong/kong tag 3.4.2): no workspace label, kong_kong_latency_ms up to 1000 ms. */
export const KONG_3_4 = kong3Profile({ version: '3.4', release: '3.4.2', workspaceLabel: false, kongLatencyBucketsMs: KONG_LATENCY_BUCKETS_MS });
