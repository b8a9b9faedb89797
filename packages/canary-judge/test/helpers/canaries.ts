/**
 * Canaries for server tests: a sample source that plays Prometheus' answers (samples and requests per
 * interval) and a discovery over fixed traffic per API, version and role.
 *
 * orders: v2 healthy, v3 with 20x the errors, vs baseline v1; broken: only v3 (20x the errors); thin: 5 canary requests an interval;
 * idle: no canary requests in the window; lonely: a canary without baseline; any other API: no canary.
 */
import { pickCanary, type Discover, type SampleQuery, type SourceResult } from '../../src';

const N = 10;
const jitter = (base: number, k: number) => base * (1 + ((k * 7) % 5 - 2) / 40);
const series = (base: number) => Array.from({ length: N }, (_, k) => jitter(base, k));

export async function source(q: SampleQuery): Promise<SourceResult> {
  const requests = q.api === 'thin' ? 5 : q.api === 'idle' ? 0 : 600;
  const errors = q.canaryVersion === 'v3' ? 0.2 : 0.01;
  return {
    kind: 'source-result',
    samples: {
      error_ratio: { baseline: series(0.01), canary: requests ? series(errors) : new Array(N).fill(null) },
      latency_p99_seconds: { baseline: series(0.3), canary: requests ? series(0.3) : new Array(N).fill(null) },
      latency_p50_seconds: { baseline: series(0.1), canary: requests ? series(0.1) : new Array(N).fill(null) },
    },
    traffic: { baseline: new Array(N).fill(600), canary: new Array(N).fill(requests || null) },
  };
}

const TRAFFIC: Record<string, Array<[string, string, number]>> = {
  orders: [['v2', 'canary', 10], ['v3', 'canary', 1], ['v1', 'baseline', 10]],
  broken: [['v3', 'canary', 10], ['v1', 'baseline', 10]],
  thin: [['v2', 'canary', 0.1], ['v1', 'baseline', 10]],
  idle: [['v2', 'canary', 0.001], ['v1', 'baseline', 10]],
  lonely: [['v2', 'canary', 3]],
};
export const discover: Discover = async (api, o) => {
  const seen = { baseline: [] as Array<{ version: string; requestsPerSecond: number }>, canary: [] as Array<{ version: string; requestsPerSecond: number }> };
  for (const [version, role, rps] of TRAFFIC[api] ?? []) seen[role as 'canary' | 'baseline'].push({ version, requestsPerSecond: rps });
  return pickCanary(api, seen, o);
};

