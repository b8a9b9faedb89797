/**
 * Bench input: request-level events of the traffic simulator (TrafficGenerator), aggregated into one
 * sample per interval and side, as the Prometheus source would read them:
 * - error ratio = 5xx / requests of the interval;
 * - p99 and p50 = histogram_quantile over Kong's request-latency buckets (the simulator's
 *   KONG_UPSTREAM_LATENCY_BUCKETS_MS, which kong_request_latency_ms uses), with Prometheus' interpolation;
 * - requests of the interval (for the gate's traffic floor);
 * - the cumulative request-latency bucket counts of the interval (what `latencyBucketIncrease` reads),
 *   the request-level evidence of the latency quantiles' early test.
 * An interval without requests gives null values (Prometheus returns no point or NaN).
 */
import { KONG_UPSTREAM_LATENCY_BUCKETS_MS, TrafficGenerator, type ScenarioName } from '@api-observatory/traffic-simulator';
import { histogramQuantile, type BucketCounts } from '../src/stats/histogram';

export interface BenchScenario {
  /** Row label. */
  name: string;
  /** What the row measures. */
  kind: 'healthy' | 'regression' | 'missing';
  scenario: ScenarioName;
  scenarioParam?: number;
  /** Expected requests per interval on each of baseline and canary (the canary's may be overridden by the scenario). */
  requestsPerInterval: number;
}

export interface SideSeries {
  errorRatio: (number | null)[];
  p99: (number | null)[];
  p50: (number | null)[];
  requests: number[];
  /** Request-latency bucket counts per interval (null without requests). */
  buckets: (BucketCounts | null)[];
}

export interface RunData {
  baseline: SideSeries;
  canary: SideSeries;
}

/** Canary and baseline get 45 % each of the API's traffic (stable 10 %), so few events are wasted. */
const SIDE_SHARE = 0.45;
const BOUNDS_S = KONG_UPSTREAM_LATENCY_BUCKETS_MS.map((b) => b / 1000);
const LE = [...BOUNDS_S, Infinity];

class IntervalAgg {
  requests = 0;
  errors = 0;
  readonly buckets = new Array<number>(BOUNDS_S.length + 1).fill(0);
  add(status: number, seconds: number): void {
    this.requests++;
    if (status >= 500) this.errors++;
    let b = 0;
    while (b < BOUNDS_S.length && seconds > BOUNDS_S[b]!) b++;
    this.buckets[b]!++;
  }
  histogram(): BucketCounts | null {
    if (this.requests === 0) return null;
    let acc = 0;
    return { le: LE, counts: this.buckets.map((c) => (acc += c)) };
  }
  quantile(q: number): number | null {
    const h = this.histogram();
    return h && histogramQuantile(q, h.le, h.counts);
  }
}

/** Generate `intervals` intervals of traffic for one scenario and seed, and aggregate them per side. */
export function simulateRun(s: BenchScenario, seed: number, intervals: number): RunData {
  const gen = new TrafficGenerator({
    seed: `canary-bench-${seed}`,
    apis: 1,
    consumers: 8,
    canaryApi: 'orders',
    canaryShare: SIDE_SHARE,
    baselineShare: SIDE_SHARE,
    scenario: s.scenario,
    ...(s.scenarioParam !== undefined ? { scenarioParam: s.scenarioParam } : {}),
  });
  const perInterval = Math.round(s.requestsPerInterval / SIDE_SHARE);
  const sides = { baseline: [] as IntervalAgg[], canary: [] as IntervalAgg[] };
  for (let k = 0; k < intervals; k++) {
    const agg = { baseline: new IntervalAgg(), canary: new IntervalAgg() };
    for (let i = 0; i < perInterval; i++) {
      const r = gen.next();
      if (r.role === 'baseline' || r.role === 'canary') agg[r.role].add(r.status, r.requestMs / 1000);
    }
    sides.baseline.push(agg.baseline);
    sides.canary.push(agg.canary);
  }
  const series = (aggs: IntervalAgg[]): SideSeries => ({
    errorRatio: aggs.map((a) => (a.requests ? a.errors / a.requests : null)),
    p99: aggs.map((a) => a.quantile(0.99)),
    p50: aggs.map((a) => a.quantile(0.5)),
    requests: aggs.map((a) => a.requests),
    buckets: aggs.map((a) => a.histogram()),
  });
  return { baseline: series(sides.baseline), canary: series(sides.canary) };
}
