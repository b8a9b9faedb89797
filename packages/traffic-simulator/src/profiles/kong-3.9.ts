import { KONG_LATENCY_BUCKETS_MS_3_9 } from './buckets';
import { kong3Profile } from './kong-3';

/** Kong 3.9+ (source: Kong/kong tag 3.9.1): workspace label (since 3.7), kong_kong_latency_ms adds 3000 and 6000 ms. */
export const KONG_3_9 = kong3Profile({ version: '3.9', release: '3.9.1', workspaceLabel: true, kongLatencyBucketsMs: KONG_LATENCY_BUCKETS_MS_3_9 });
