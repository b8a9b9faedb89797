/**
 * The three gates the bench compares, each run on the same per-interval samples and evaluated at the
 * end of every interval of the canary's life, as its controller would:
 *
 * (a) this judge: the gate config (default: the shipped default gate), evaluated exactly as
 *     `canary-gate evaluate --interval 1m --lookback 10m` does at that moment: the window of the last
 *     `lookback` intervals (those before the canary started are empty), the traffic floor, one
 *     evaluation per interval once minSamples values exist (replayIntervals), the interval rules.
 *
 * (b) Flagger-style absolute thresholds, a reference implementation of Flagger's builtin checks
 *     (request-success-rate thresholdRange.min 99, request-duration thresholdRange.max 500 ms, each over
 *     the latest `interval`): every interval the canary's own values are checked; a value out of range
 *     or NO VALUE (Flagger's "Halt advancement no values found ... probably not receiving traffic")
 *     is a failed check; `threshold` failed checks (cumulative, as Flagger's failedChecks) roll back;
 *     `promoteAfter` successful checks promote (stepWeight 10 up to maxWeight 50). No baseline, no
 *     statistics. Simplification: the rollback is counted at the failing check, not at the next iteration.
 *
 * (c) Kayenta-style rank test, a reference implementation of Kayenta's NetflixACAJudge: for each metric,
 *     NaN/missing values removed, Nodata when either side is empty, Pass when both series are
 *     identical, else a Mann-Whitney test at 98 % confidence: High when the CI of the shift lies above
 *     0.25 × |Hodges-Lehmann estimate| (MannWhitneyClassifier, fraction 0.25), direction increase. Each
 *     metric is its own group (weights 50 / 33.3 / 16.7 like this gate's 3 : 2 : 1); the summary score
 *     sums the groups with data (groups with no data add 0); a critical metric that is not Pass
 *     (error ratio) makes the score 0. Spinnaker's canary stage with lifetime 10m and analysis interval
 *     5m: a judgement every `analysisEvery` intervals over the canary's life so far; a score below
 *     marginal (75) fails at once; the last score must reach pass (95), else it fails. No absolute
 *     guards, no minimum-sample rule, no traffic floor; Kayenta's IQR outlier removal is left out.
 */
import {
  applyTrafficFloor,
  mannWhitney,
  replayIntervals,
  resolveMetricQuery,
  type Decision,
  type GateConfig,
  type SampleSet,
  type SampleValue,
} from '../src';
import type { RunData, SideSeries } from './simulate';

export interface GateOutcome {
  decision: Decision;
  /** Intervals elapsed when the decision was reached (null: no decision within the horizon). */
  at: number | null;
}

type SeriesKey = 'errorRatio' | 'p99' | 'p50';
const QUERY_SERIES: Record<string, SeriesKey> = { errorRatio: 'errorRatio', latencyP99: 'p99', latencyP50: 'p50' };

function seriesOf(config: GateConfig): Array<[string, SeriesKey]> {
  return config.metrics.map((m) => {
    const q = resolveMetricQuery(m);
    const key = q ? QUERY_SERIES[q] : undefined;
    if (!key) throw new Error(`bench: metric ${m.name} (query ${q}) is not simulated; use errorRatio, latencyP99 or latencyP50`);
    return [m.name, key];
  });
}

/** (a) This judge, evaluated at the end of each interval with a sliding lookback. */
export function judgeTimeline(config: GateConfig, data: RunData, horizon: number, lookback: number): GateOutcome {
  const metrics = seriesOf(config);
  for (let t = 1; t <= horizon; t++) {
    const at = (k: number) => t - lookback + k; // window index -> interval index (negative: before the canary)
    const pick = <T>(values: readonly (T | null)[]) => Array.from({ length: lookback }, (_, k): T | null => (at(k) >= 0 ? values[at(k)]! : null));
    const samples: Record<string, { baseline: SampleValue[]; canary: SampleValue[] }> = {};
    for (const [name, key] of metrics) samples[name] = { baseline: pick(data.baseline[key]), canary: pick(data.canary[key]) };
    const traffic = { baseline: pick(data.baseline.requests), canary: pick(data.canary.requests) };
    const floored = applyTrafficFloor(samples as SampleSet, traffic, config.minRequestsPerInterval);
    const latency = { request: { baseline: pick(data.baseline.buckets), canary: pick(data.canary.buckets) } };
    const { judgement } = replayIntervals(config, floored.samples, lookback, undefined, { ...traffic, latency });
    if (judgement.decision !== 'continue') return { decision: judgement.decision, at: t };
  }
  return { decision: 'continue', at: null };
}

export const FLAGGER = { maxErrorRatio: 0.01, maxP99Seconds: 0.5, threshold: 2, promoteAfter: 5 } as const;

/** (b) Flagger-style absolute thresholds on the canary's latest interval. */
export function flaggerTimeline(data: RunData, horizon: number): GateOutcome {
  let failed = 0;
  let passed = 0;
  for (let t = 1; t <= horizon; t++) {
    const e = data.canary.errorRatio[t - 1];
    const p = data.canary.p99[t - 1];
    const noValue = (v: number | null | undefined) => v === null || v === undefined || Number.isNaN(v);
    const ok = !noValue(e) && !noValue(p) && (e as number) <= FLAGGER.maxErrorRatio && (p as number) <= FLAGGER.maxP99Seconds;
    if (!ok) {
      failed++;
      if (failed >= FLAGGER.threshold) return { decision: 'rollback', at: t };
    } else {
      passed++;
      if (passed >= FLAGGER.promoteAfter) return { decision: 'promote', at: t };
    }
  }
  return { decision: 'continue', at: null };
}

export const KAYENTA = {
  confidenceLevel: 0.98,
  fraction: 0.25,
  pass: 95,
  marginal: 75,
  /** A judgement every this many intervals (Spinnaker's analysis interval). */
  analysisEvery: 5,
  metrics: [
    { key: 'errorRatio', weight: 50, critical: true },
    { key: 'p99', weight: 100 / 3, critical: false },
    { key: 'p50', weight: 50 / 3, critical: false },
  ] as Array<{ key: SeriesKey; weight: number; critical: boolean }>,
};

type KayentaClass = 'Pass' | 'High' | 'Nodata';

function kayentaClassify(baseline: number[], canary: number[]): KayentaClass {
  if (baseline.length === 0 || canary.length === 0) return 'Nodata';
  if (baseline.length === canary.length && baseline.every((v, i) => v === canary[i])) return 'Pass';
  const mw = mannWhitney(baseline, canary, { confidenceLevel: KAYENTA.confidenceLevel });
  const bound = KAYENTA.fraction * Math.abs(mw.shift);
  return mw.ci.lower > bound ? 'High' : 'Pass';
}

/** Kayenta's summary score of one analysis (0-100). */
export function kayentaScore(baseline: SideSeries, canary: SideSeries, upTo: number): number {
  const finite = (xs: readonly (number | null)[]) => xs.slice(0, upTo).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  let score = 0;
  let criticalFailure = false;
  for (const m of KAYENTA.metrics) {
    const c = kayentaClassify(finite(baseline[m.key]), finite(canary[m.key]));
    if (m.critical && c !== 'Pass') criticalFailure = true;
    if (c !== 'Nodata') score += (c === 'Pass' ? 100 : 0) * (m.weight / 100);
  }
  return criticalFailure ? 0 : score;
}

/** (c) Kayenta-style: an analysis over the canary's life so far at each interval. */
export function kayentaTimeline(data: RunData, horizon: number): GateOutcome {
  for (let t = 1; t <= horizon; t++) {
    if (t % KAYENTA.analysisEvery !== 0 && t !== horizon) continue;
    const score = kayentaScore(data.baseline, data.canary, t);
    if (t < horizon && score < KAYENTA.marginal) return { decision: 'rollback', at: t };
    if (t === horizon) return score >= KAYENTA.pass ? { decision: 'promote', at: t } : { decision: 'rollback', at: t };
  }
  return { decision: 'continue', at: null };
}
