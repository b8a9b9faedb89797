/**
 * The Prometheus-backed sample source: for each side (baseline, canary) and gate metric it runs the
 * metric's named contract query with query_range at step = the evaluation interval over the lookback,
 * and returns one value per interval. It also fetches each side's request rate, which gives the
 * requests per interval (for the gate's traffic floor) and fills the error ratio of intervals that had
 * traffic but no 5xx series at all with 0. For the latency quantile metrics it also fetches each side's
 * bucket counts per interval (`latencyBucketIncrease`, one series per `le`), the request-level evidence
 * the judge's early test counts.
 *
 * Errors: PrometheusUnreachableError when Prometheus cannot be reached (or answers without JSON),
 * PrometheusQueryError when it refuses a query or answers with more than one series.
 */
import { PrometheusClient, PrometheusQueryError, latencyBucketIncrease, type LatencyKind, type RangeSeries } from '@api-observatory/telemetry-contract';
import type { SampleQuery, SampleSource, SideValues, SourceResult } from '../evaluate';
import { LATENCY_QUANTILE_QUERIES, resolveMetricQuery, unresolvedQueries, type GateQueryName } from '../query-names';
import type { MetricSamples, SampleValue, SideHistograms } from '../samples';
import type { BucketCounts } from '../stats/histogram';
import { SIDES, gateQueryPromql, sideMatchers, type Side } from './queries';

/** The part of PrometheusClient the source uses (so tests can count or fake calls). */
export interface RangeQueryClient {
  queryRange(promql: string, start: Date | number, end: Date | number, stepSeconds: number): Promise<RangeSeries[]>;
}

export interface PrometheusSourceOptions {
  /** Per-request timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** A client to use instead of a new PrometheusClient. */
  client?: RangeQueryClient;
}

/** One planned query_range call. */
export interface PlannedQuery {
  side: Side;
  query: GateQueryName;
  promql: string;
}

/** The queries an evaluation runs: the request rate and each metric's named query, per side. */
export function planQueries(q: SampleQuery): PlannedQuery[] {
  const problems = unresolvedQueries(q.metrics);
  if (problems.length) throw new RangeError(`the gate cannot be evaluated against Prometheus: ${problems.join('; ')}`);
  const names = new Set<GateQueryName>(['requestRate']);
  for (const m of q.metrics) names.add(resolveMetricQuery(m)!);
  const out: PlannedQuery[] = [];
  for (const side of SIDES) {
    const filter = sideMatchers(q.api, side === 'canary' ? q.canaryVersion : q.baselineVersion, side);
    for (const name of names) out.push({ side, query: name, promql: gateQueryPromql(name, filter, q.step) });
  }
  return out;
}

/** One planned query_range call for a side's latency bucket counts (several series, one per `le`). */
export interface PlannedBucketQuery {
  side: Side;
  kind: LatencyKind;
  promql: string;
}

/** The bucket-count queries an evaluation runs: per side, one per histogram the gate's latency quantiles read. */
export function planBucketQueries(q: SampleQuery): PlannedBucketQuery[] {
  const kinds = new Set<LatencyKind>();
  for (const m of q.metrics) {
    const name = resolveMetricQuery(m);
    const latency = name === null ? undefined : LATENCY_QUANTILE_QUERIES[name];
    if (latency) kinds.add(latency.kind);
  }
  return SIDES.flatMap((side) => {
    const filter = sideMatchers(q.api, side === 'canary' ? q.canaryVersion : q.baselineVersion, side);
    return [...kinds].map((kind) => ({ side, kind, promql: latencyBucketIncrease(kind, { filter, window: q.step }) }));
  });
}

/**
 * Cumulative bucket counts per interval from a bucket query's series (one per `le`); null for an
 * interval without a finite +Inf count. Bounds are sorted; a bound without a point in an interval is
 * left out of that interval's histogram.
 */
export function alignBuckets(result: RangeSeries[], q: SampleQuery, promql: string): (BucketCounts | null)[] {
  const perInterval: Array<Map<number, number>> = Array.from({ length: q.intervals }, () => new Map());
  const first = q.start.getTime() / 1000 + q.stepSeconds;
  for (const series of result) {
    const le = parsePromValue(series.metric.le ?? '');
    if (Number.isNaN(le)) throw new PrometheusQueryError(`expected series with a numeric le label, got ${JSON.stringify(series.metric)} for ${promql}`, 'bad_data');
    for (const [t, v] of series.values) {
      const k = Math.round((t - first) / q.stepSeconds);
      const n = parsePromValue(v);
      if (k >= 0 && k < q.intervals && Number.isFinite(n)) perInterval[k]!.set(le, n);
    }
  }
  return perInterval.map((m) => {
    if (!m.has(Infinity)) return null;
    const le = [...m.keys()].sort((a, b) => a - b);
    return { le, counts: le.map((b) => m.get(b)!) };
  });
}

/** A Prometheus sample value: "NaN", "+Inf" and "-Inf" included. */
export function parsePromValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** One value per interval from a query_range result (null where Prometheus returned no point). */
export function alignSeries(result: RangeSeries[], q: SampleQuery, promql: string): SampleValue[] {
  const values: SampleValue[] = new Array(q.intervals).fill(null);
  if (result.length === 0) return values;
  if (result.length > 1) throw new PrometheusQueryError(`expected at most one series, got ${result.length} for ${promql}`, 'bad_data');
  const first = q.start.getTime() / 1000 + q.stepSeconds;
  for (const [t, v] of result[0]!.values) {
    const k = Math.round((t - first) / q.stepSeconds);
    if (k >= 0 && k < q.intervals) values[k] = parsePromValue(v);
  }
  return values;
}

/** Build a SampleSource that reads the contract's series from the Prometheus at `url`. */
export function createPrometheusSource(url: string, options: PrometheusSourceOptions = {}): SampleSource {
  const client: RangeQueryClient = options.client ?? new PrometheusClient(url, options.timeoutMs ?? 10_000);
  return async (q: SampleQuery): Promise<SourceResult> => {
    const plan = planQueries(q);
    const bucketPlan = planBucketQueries(q);
    // The first point is one step after the window start, so point k covers interval k exactly.
    const firstPoint = new Date(q.start.getTime() + q.stepSeconds * 1000);
    const run = (promql: string) => client.queryRange(promql, firstPoint, q.end, q.stepSeconds);
    const [results, bucketResults] = await Promise.all([Promise.all(plan.map((p) => run(p.promql))), Promise.all(bucketPlan.map((p) => run(p.promql)))]);
    const values = new Map<string, SampleValue[]>();
    plan.forEach((p, i) => values.set(`${p.side}|${p.query}`, alignSeries(results[i]!, q, p.promql)));
    const get = (side: Side, name: GateQueryName) => values.get(`${side}|${name}`)!;

    const traffic: SideValues = { baseline: [], canary: [] };
    for (const side of SIDES) traffic[side] = get(side, 'requestRate').map((r) => (typeof r === 'number' && Number.isFinite(r) ? r * q.stepSeconds : null));

    const sideValues = (side: Side, name: GateQueryName): SampleValue[] => {
      const v = get(side, name);
      if (name !== 'errorRatio') return v;
      // No 5xx series at all while requests were served: the error ratio is 0, not missing.
      const rate = get(side, 'requestRate');
      return v.map((x, k) => (x === null && typeof rate[k] === 'number' && (rate[k] as number) > 0 ? 0 : x));
    };
    const samples: Record<string, MetricSamples> = {};
    for (const m of q.metrics) {
      const name = resolveMetricQuery(m)!;
      samples[m.name] = { baseline: sideValues('baseline', name), canary: sideValues('canary', name) };
    }
    const latency: Partial<Record<LatencyKind, SideHistograms>> = {};
    bucketPlan.forEach((p, i) => {
      const h = (latency[p.kind] ??= { baseline: [], canary: [] });
      h[p.side] = alignBuckets(bucketResults[i]!, q, p.promql);
    });
    return { kind: 'source-result', samples, traffic, latency, notes: [] };
  };
}
