/**
 * Per-metric judgement: rank test of canary against baseline, tolerance on the shift, absolute guards,
 * and the gate verdict (score, classification, decision) over all metrics of a gate config.
 */
import type { EarlyRules, GateConfig, Guard, GuardStatistic, MetricConfig } from './config/types';
import { decide, type Classification, type Decision } from './decision';
import { mean, median } from './stats/descriptive';
import { mannWhitney, type ShiftInterval } from './stats/mann-whitney';
import { shiftTTest } from './stats/t-test';
import { shareTest, type ShareCounts } from './stats/share-test';
import { tailCounts, sumHistograms, type BucketCounts } from './stats/histogram';
import { LATENCY_QUANTILE_QUERIES, resolveMetricQuery, type GateQueryName } from './query-names';
import { cleanSample, type MetricSamples, type RequestCounts, type SampleSet, type SideHistograms } from './samples';

export type MetricResult = 'pass' | 'high' | 'low' | 'nodata';

export interface SampleEvidence {
  /** Finite values used. */
  n: number;
  /** Values given, including dropped ones. */
  total: number;
  /** null / NaN values dropped. */
  missing: number;
  /** +/-Infinity values (kept out of the rank test). */
  infinite: number;
  median: number | null;
  mean: number | null;
}

export interface MetricEvidence {
  baseline: SampleEvidence;
  canary: SampleEvidence;
  /** Hodges-Lehmann estimate of the shift canary - baseline. */
  shift: number | null;
  /** Confidence interval of the shift. */
  ci: ShiftInterval | null;
  pValue: number | null;
  /** Mann-Whitney U of the canary. */
  u: number | null;
  method: 'exact' | 'asymptotic' | null;
  /** shift / |baseline median| (null when the baseline median is 0 or there is no shift). */
  relativeShift: number | null;
  /** Common-language effect size P(canary > baseline) + 0.5 P(equal). */
  cles: number | null;
  /** Rank-biserial correlation 2 * CLES - 1. */
  rankBiserial: number | null;
  /** Largest shift tolerated, in the metric's unit: max(absolute, relative * |baseline median|). */
  allowedShift: number | null;
  /** What the rank test and tolerance alone said, before guards. */
  statisticalResult: Exclude<MetricResult, 'nodata'> | null;
  /** The early test, run while a side has fewer than minSamples values (null otherwise). */
  early?: EarlyEvidence | null;
}

/**
 * Early evidence, for a metric with fewer than minSamples values on a side: a one-sided test of a shift
 * in the bad direction beyond the tolerance, at the level alpha / looks, looks = minSamples -
 * early.minSamples (the sample sizes at which it can run).
 * - `share`: for a share of requests (the error ratio) with the requests of each interval known, the
 *   exact conditional test of the two error counts (stats/share-test.ts);
 * - `tail`: for a latency quantile with the latency bucket counts of each interval known, the same test
 *   of the requests above the bucket that holds the quantile of both sides together (stats/histogram.ts);
 * - `t`: otherwise a two-sample t-test on the values (pooled variance, at least half the tolerance as
 *   standard deviation: interval values such as ratios of a few errors or histogram-interpolated
 *   quantiles are quantized, and two close values must not pass for a precise measurement).
 */
export interface EarlyEvidence {
  test: 'share' | 'tail' | 't';
  /** 'high' or 'low' when the shift beyond the tolerance is significant at `level`, else null. */
  result: 'high' | 'low' | null;
  /** Canary minus baseline: difference of the means (t), of the pooled shares (share), of the summed histograms' quantiles (tail). */
  difference: number;
  /** Smallest one-sided p-value over the bad directions tested. */
  pValue: number;
  /** Significance level of this look: alpha / looks. */
  level: number;
  looks: number;
  /** t statistic and degrees of freedom of the t-test. */
  t?: number;
  df?: number;
  /** Events and requests per side of the share and tail tests (tail: requests above `threshold`). */
  counts?: { baseline: ShareCounts; canary: ShareCounts };
  /** Latency bucket boundary (seconds) the tail test counts requests above. */
  threshold?: number;
}

export interface GuardEvidence {
  statistic: GuardStatistic;
  /** The canary statistic compared with the bounds (null without enough canary values). */
  value: number | null;
  max?: number;
  min?: number;
  breached: 'max' | 'min' | null;
}

export interface MetricVerdict {
  metric: string;
  result: MetricResult;
  /** True when the result is a deviation in the bad direction, or a guard was breached. */
  failed: boolean;
  critical: boolean;
  weight: number;
  direction: MetricConfig['direction'];
  /** Valid values that were required on each side. */
  minSamples: number;
  reasons: string[];
  evidence: MetricEvidence;
  guard: GuardEvidence | null;
}

export interface GateVerdict {
  gate: string;
  /** One verdict per configured metric, in config order. */
  metrics: MetricVerdict[];
  /** Weighted share (0-100) of the metrics with data that did not fail; 0 when no metric has data. */
  score: number;
  /** "nodata" only when no metric has data. */
  classification: Classification;
  decision: Decision;
  reasons: string[];
  onNoData: GateConfig['onNoData'];
  /** Metrics present in the samples but not in the gate config (not judged). */
  ignoredMetrics: string[];
}

export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '-';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

function sampleEvidence(values: number[], total: number, missing: number, infinite: number): SampleEvidence {
  return {
    n: values.length,
    total,
    missing,
    infinite,
    median: values.length ? median(values) : null,
    mean: values.length ? mean(values) : null,
  };
}

function guardStatistic(values: number[], statistic: GuardStatistic): number {
  switch (statistic) {
    case 'median':
      return median(values);
    case 'mean':
      return mean(values);
    case 'max':
      return values.reduce((a, b) => (b > a ? b : a));
    case 'min':
      return values.reduce((a, b) => (b < a ? b : a));
    case 'last':
      return values[values.length - 1] as number;
  }
}

function isBad(result: MetricResult, direction: MetricConfig['direction']): boolean {
  if (result === 'high') return direction === 'increase' || direction === 'either';
  if (result === 'low') return direction === 'decrease' || direction === 'either';
  return false;
}

/**
 * Judge one metric. Missing samples (undefined) give "nodata". With `early` rules, guards act from
 * early.minSamples canary values, and before minSamples values per side the early test may fail it.
 */
export function judgeMetric(metric: MetricConfig, samples: MetricSamples | undefined, early?: EarlyRules, requests?: RequestCounts | null): MetricVerdict {
  const name = metric.name;
  const b = cleanSample(samples?.baseline);
  const c = cleanSample(samples?.canary);
  const reasons: string[] = [];
  const evidence: MetricEvidence = {
    baseline: sampleEvidence(b.values, b.total, b.missing, b.infinite.length),
    canary: sampleEvidence(c.values, c.total, c.missing, c.infinite.length),
    shift: null,
    ci: null,
    pValue: null,
    u: null,
    method: null,
    relativeShift: null,
    cles: null,
    rankBiserial: null,
    allowedShift: null,
    statisticalResult: null,
    early: null,
  };
  const verdict = (result: MetricResult, failed: boolean, guard: GuardEvidence | null): MetricVerdict => ({
    metric: name,
    result,
    failed,
    critical: metric.critical,
    weight: metric.weight,
    direction: metric.direction,
    minSamples: metric.minSamples,
    reasons,
    evidence,
    guard,
  });
  const dropped = (side: string, s: ReturnType<typeof cleanSample>) => {
    if (s.missing > 0) reasons.push(`${name}: ${s.missing} of ${s.total} ${side} values were missing (null/NaN) and dropped`);
  };
  dropped('baseline', b);
  dropped('canary', c);

  if (samples === undefined) reasons.push(`${name}: no samples for this metric`);

  // Absolute guards only need the canary; values +/-Infinity count (an infinite p99 does breach a max).
  let guard: GuardEvidence | null = null;
  if (metric.guard) {
    const guardMinSamples = early ? Math.min(early.minSamples, metric.minSamples) : metric.minSamples;
    guard = evaluateGuard(metric.guard, [...c.values, ...c.infinite], guardMinSamples, metric.minSamples);
    if (guard.value === null && c.values.length + c.infinite.length >= guardMinSamples) {
      reasons.push(`${name}: the guard's canary ${guard.statistic} is undefined (+Inf and -Inf values together)`);
    }
    if (guard.breached) {
      const bound = guard.breached === 'max' ? `max ${fmt(guard.max)}` : `min ${fmt(guard.min)}`;
      reasons.push(`${name}: guard breached: canary ${guard.statistic} ${fmt(guard.value)} is ${guard.breached === 'max' ? 'above' : 'below'} the ${bound}`);
    }
  }

  const enough = b.values.length >= metric.minSamples && c.values.length >= metric.minSamples;
  const finiteOnly = b.infinite.length === 0 && c.infinite.length === 0;
  if (enough && finiteOnly) {
    const t = mannWhitney(b.values, c.values, { confidenceLevel: metric.confidenceLevel });
    const baseMedian = evidence.baseline.median as number;
    const allowed = allowedShift(metric, baseMedian);
    evidence.shift = t.shift;
    evidence.ci = t.ci;
    evidence.pValue = t.pValue;
    evidence.u = t.u;
    evidence.method = t.method;
    evidence.relativeShift = baseMedian !== 0 ? t.shift / Math.abs(baseMedian) : null;
    evidence.cles = t.cles;
    evidence.rankBiserial = t.rankBiserial;
    evidence.allowedShift = allowed;
    let stat: Exclude<MetricResult, 'nodata'> = 'pass';
    // Kayenta's Mann-Whitney classifier: significant (the CI excludes 0) AND larger than the tolerance.
    // Significance also needs p <= 1 - level: for tiny samples the exact CI cannot reach the requested
    // level (R then widens it to the full range at a lower coverage), and must not count as evidence.
    const significant = t.pValue <= 1 - metric.confidenceLevel;
    if (significant && t.ci.lower > 0 && t.shift > allowed) stat = 'high';
    else if (significant && t.ci.upper < 0 && t.shift < -allowed) stat = 'low';
    evidence.statisticalResult = stat;
    const level = `${fmt(t.ci.level * 100, 3)}% CI`;
    const shiftText = `shift ${signed(t.shift)} (${level} ${signed(t.ci.lower)} to ${signed(t.ci.upper)}, p=${fmt(t.pValue, 3)})`;
    if (stat === 'pass') {
      const why = significant && (t.ci.lower > 0 || t.ci.upper < 0) ? `within the tolerance ${fmt(allowed)}` : 'not significant';
      reasons.push(`${name}: no deviation beyond tolerance: ${shiftText}, ${why}`);
    } else {
      const bad = isBad(stat, metric.direction);
      reasons.push(
        `${name}: canary is ${stat === 'high' ? 'higher' : 'lower'} than baseline: ${shiftText}, beyond the tolerance ${fmt(allowed)}` +
          (bad ? '' : ` (a ${stat === 'high' ? 'increase' : 'decrease'} is not bad for direction "${metric.direction}")`),
      );
    }
  } else if (!enough) {
    reasons.push(
      `${name}: not enough data: ${b.values.length} baseline and ${c.values.length} canary values, at least ${metric.minSamples} needed on each side`,
    );
    if (early && early.alpha > 0 && finiteOnly) {
      const e = earlyTest(metric, b.values, c.values, early, samples && requests ? requestEvidence(metric, samples, requests) : null);
      evidence.early = e;
      if (e?.result) {
        const how =
          e.test === 'share'
            ? `exact test of ${e.counts!.canary.events} of ${e.counts!.canary.total} against ${e.counts!.baseline.events} of ${e.counts!.baseline.total} requests`
            : e.test === 'tail'
              ? `exact test of ${e.counts!.canary.events} of ${e.counts!.canary.total} canary against ${e.counts!.baseline.events} of ${e.counts!.baseline.total} baseline requests above ${fmt(e.threshold)} s`
              : `t=${fmt(e.t, 3)}, df=${e.df}`;
        reasons.push(
          `${name}: early rollback: canary is ${e.result === 'high' ? 'higher' : 'lower'} than baseline by ${signed(e.difference)}, ` +
            `beyond the tolerance (${how}, p=${fmt(e.pValue, 3)} <= ${fmt(e.level, 3)} = early.alpha / ${e.looks} looks)`,
        );
      }
    }
  } else {
    reasons.push(`${name}: ${b.infinite.length + c.infinite.length} infinite values; the shift cannot be estimated`);
  }

  if (guard?.breached) return verdict(guard.breached === 'max' ? 'high' : 'low', true, guard);
  if (evidence.early?.result) return verdict(evidence.early.result, true, guard);
  if (evidence.statisticalResult === null) return verdict('nodata', false, guard);
  return verdict(evidence.statisticalResult, isBad(evidence.statisticalResult, metric.direction), guard);
}

/** Queries whose values are a share of requests, so that the requests of an interval give its counts. */
const REQUEST_SHARE_QUERIES: ReadonlySet<GateQueryName> = new Set(['errorRatio']);

interface SideCounts {
  test: 'share' | 'tail';
  /** Counts per side; tail: above each bound of the pooled quantile's bucket, all of which must show the shift. */
  sets: Array<{ baseline: ShareCounts; canary: ShareCounts; threshold?: number }>;
  /** Intervals with both a value and counts, per side. */
  intervals: { baseline: number; canary: number };
  /** tail: each side's quantile. */
  quantiles?: { baseline: number; canary: number };
}

/** The request-level counts of a metric, when it has them: a share of requests, or a latency quantile with bucket counts. */
function requestEvidence(metric: MetricConfig, samples: MetricSamples, requests: RequestCounts): SideCounts | null {
  const query = resolveMetricQuery(metric);
  if (query === null) return null;
  if (REQUEST_SHARE_QUERIES.has(query)) return shareCounts(samples, requests);
  const latency = LATENCY_QUANTILE_QUERIES[query];
  const histograms = latency ? requests.latency?.[latency.kind] : undefined;
  return latency && histograms ? latencyTailCounts(latency.quantile, samples, histograms) : null;
}

/**
 * Requests above the quantile's bucket, per side, summed over the intervals that have a finite value
 * (a floored interval's value is null) and bucket counts. Null when either side's histograms cannot be
 * summed or counted.
 */
function latencyTailCounts(q: number, samples: MetricSamples, histograms: SideHistograms): SideCounts | null {
  const side = (values: MetricSamples['baseline'], hs: SideHistograms['baseline']) => {
    const used: BucketCounts[] = [];
    values.forEach((v, k) => {
      const h = hs[k];
      if (typeof v === 'number' && Number.isFinite(v) && h) used.push(h);
    });
    return used;
  };
  const b = side(samples.baseline, histograms.baseline);
  const c = side(samples.canary, histograms.canary);
  const sb = sumHistograms(b);
  const sc = sumHistograms(c);
  const t = sb && sc ? tailCounts(q, sb, sc) : null;
  if (!t || t.bounds.length === 0) return null;
  return { test: 'tail', sets: t.bounds, intervals: { baseline: b.length, canary: c.length }, quantiles: t.quantiles };
}

/** Events (value × requests) and requests summed over the intervals that have both, per side. */
function shareCounts(samples: MetricSamples, requests: RequestCounts): SideCounts {
  const side = (values: MetricSamples['baseline'], served: RequestCounts['baseline']) => {
    const out = { events: 0, total: 0, intervals: 0 };
    values.forEach((v, k) => {
      const r = served[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || typeof r !== 'number' || !(r > 0) || !Number.isFinite(r)) return;
      out.events += Math.round(v * r);
      out.total += Math.round(r);
      out.intervals++;
    });
    return out;
  };
  const b = side(samples.baseline, requests.baseline);
  const c = side(samples.canary, requests.canary);
  return { test: 'share', sets: [{ baseline: { events: b.events, total: b.total }, canary: { events: c.events, total: c.total } }], intervals: { baseline: b.intervals, canary: c.intervals } };
}

/** The early test in each bad direction of the metric, beyond the tolerance, at alpha / looks (null: it cannot run yet). */
function earlyTest(metric: MetricConfig, baseline: number[], canary: number[], early: EarlyRules, counts: SideCounts | null): EarlyEvidence | null {
  const looks = Math.max(1, metric.minSamples - early.minSamples);
  const level = early.alpha / looks;
  const share = counts !== null;
  const n = share ? Math.min(counts.intervals.baseline, counts.intervals.canary) : Math.min(baseline.length, canary.length);
  if (n < early.minSamples || baseline.length === 0) return null;
  const allowed = allowedShift(metric, median(baseline));
  const directions = (['high', 'low'] as const).filter((d) => (d === 'high' ? metric.direction !== 'decrease' : metric.direction !== 'increase'));
  let best: EarlyEvidence | null = null;
  for (const d of directions) {
    // Both tests are one-sided "canary above baseline"; the low direction swaps (share) or negates (t) the sides.
    let e: EarlyEvidence | null = null;
    if (share) {
      // Every set must show the shift (an intersection-union test: its p-value is the largest, at no
      // cost in level); the evidence names the least convincing set.
      let worst: { p: number; difference: number; set: SideCounts['sets'][number] } | null = null;
      for (const set of counts.sets) {
        const r = d === 'high' ? shareTest(set.baseline, set.canary) : shareTest(set.canary, set.baseline);
        if (r === null) {
          worst = null;
          break;
        }
        if (worst === null || r.pValue > worst.p) worst = { p: r.pValue, difference: d === 'high' ? r.difference : -r.difference, set };
      }
      // tail: the shift is the quantiles' difference; share: the shares'
      const difference = counts.quantiles ? counts.quantiles.canary - counts.quantiles.baseline : worst?.difference;
      if (worst && difference !== undefined && Number.isFinite(difference)) {
        e = { test: counts.test, result: null, difference, pValue: worst.p, level, looks, counts: { baseline: worst.set.baseline, canary: worst.set.canary } };
        if (worst.set.threshold !== undefined) e.threshold = worst.set.threshold;
      }
    } else {
      const flip = (xs: number[]) => (d === 'high' ? xs : xs.map((x) => -x));
      const r = shiftTTest(flip(baseline), flip(canary), allowed, allowed / 2);
      if (r) e = { test: 't', result: null, difference: d === 'high' ? r.difference : -r.difference, pValue: r.pValue, level, looks, t: r.t, df: r.df };
    }
    if (e === null) continue;
    const beyond = d === 'high' ? e.difference > allowed : e.difference < -allowed;
    if (e.pValue <= level && beyond) e.result = d;
    if (best === null || (e.result !== null && best.result === null) || (e.result === best.result && e.pValue < best.pValue)) best = e;
  }
  return best;
}

function allowedShift(metric: MetricConfig, baseMedian: number): number {
  return Math.max(metric.tolerance.absolute ?? 0, (metric.tolerance.relative ?? 0) * Math.abs(baseMedian));
}

/**
 * Compare the guard's statistic of the canary with its bounds. Before the metric's minSamples values, a
 * median of an even number of values is read on the safe side of each bound (the lower middle value
 * against max, the upper against min): of two values, one odd interval alone must not breach.
 */
function evaluateGuard(g: Guard, canaryValues: number[], minValues: number, minSamples: number): GuardEvidence {
  const statistic = g.statistic ?? 'median';
  const out: GuardEvidence = { statistic, value: null, breached: null };
  if (g.max !== undefined) out.max = g.max;
  if (g.min !== undefined) out.min = g.min;
  // Too few canary values say nothing; the metric is then "nodata" unless the rank test can run.
  if (canaryValues.length < minValues) return out;
  const value = guardStatistic(canaryValues, statistic);
  // +Inf and -Inf together can leave the statistic undefined (their mean, a median between them): no evidence.
  if (Number.isNaN(value)) return out;
  out.value = value;
  let againstMax = value;
  let againstMin = value;
  if (statistic === 'median' && canaryValues.length < minSamples && canaryValues.length % 2 === 0) {
    const s = [...canaryValues].sort((x, y) => x - y);
    againstMax = s[s.length / 2 - 1]!;
    againstMin = s[s.length / 2]!;
  }
  if (g.max !== undefined && againstMax > g.max) out.breached = 'max';
  else if (g.min !== undefined && againstMin < g.min) out.breached = 'min';
  return out;
}

function signed(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

/**
 * Judge every metric of a gate config against a set of samples and decide.
 * Metrics missing from the samples are "nodata"; samples of metrics not in the config are ignored.
 * `requests` (per interval and side, aligned with the samples) lets the error ratio be judged early on
 * its counts, and with their latency bucket counts the latency quantiles.
 */
export function judgeGate(config: GateConfig, samples: SampleSet, requests?: RequestCounts | null): GateVerdict {
  const metrics = config.metrics.map((m) => judgeMetric(m, Object.hasOwn(samples, m.name) ? samples[m.name] : undefined, config.early, requests));
  const configured = new Set(config.metrics.map((m) => m.name));
  const ignoredMetrics = Object.keys(samples).filter((k) => !configured.has(k));
  const { score, classification, decision, reasons } = decide(metrics, config);
  if (ignoredMetrics.length) reasons.push(`samples of metrics not in the gate config were ignored: ${ignoredMetrics.join(', ')}`);
  return { gate: config.name, metrics, score, classification, decision, reasons, onNoData: config.onNoData, ignoredMetrics };
}
