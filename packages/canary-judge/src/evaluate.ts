/**
 * Evaluate a live canary: fetch samples for a time window from an injected sample source
 * (e.g. Prometheus queries built from the telemetry contract) and judge them.
 *
 * The window [end - lookback, end] is cut into intervals of `interval`; each metric gets one value per
 * interval and side. The gate is then evaluated repeatedly, as it would have been at the end of each
 * interval: from the first interval at which every metric can have `minSamples` values up to the
 * last, each evaluation over the intervals so far (an expanding window). judgeIntervals turns that
 * sequence into the decision, with the evidence of each interval.
 */
import type { GateConfig, MetricConfig } from './config/types';
import type { Decision } from './decision';
import { formatDuration } from './duration';
import { judgeIntervals, type IntervalJudgement, type LabelledVerdict } from './intervals';
import { judgeGate, type GateVerdict } from './judge';
import type { LatencyKind } from '@api-observatory/telemetry-contract';
import type { MetricSamples, RequestCounts, SampleSet, SampleValue, SideHistograms } from './samples';

export interface EvaluateOptions {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  config: GateConfig;
  /** Length of one sample interval (query step), in ms. */
  intervalMs: number;
  /** How far back from `end` to look, in ms. */
  lookbackMs: number;
  /** End of the window (default: now). */
  end?: Date;
}

/** What a sample source is asked for: one value per metric, side and interval in [start, end]. */
export interface SampleQuery {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  /** The gate's metrics (name, query, unit, ...); the source maps each one to its query. */
  metrics: readonly MetricConfig[];
  start: Date;
  end: Date;
  /** Interval between values, in seconds; also the natural rate window. */
  stepSeconds: number;
  /** The interval as a Prometheus duration, e.g. "1m". */
  step: string;
  /** Number of intervals: value k covers (start + k·step, start + (k+1)·step]. */
  intervals: number;
}

/** Values of both sides, one per interval, oldest first. */
export interface SideValues {
  baseline: SampleValue[];
  canary: SampleValue[];
}

/** What a source may return instead of a bare sample set: samples plus traffic and notes. */
export interface SourceResult {
  kind: 'source-result';
  samples: SampleSet;
  /** Requests each side served per interval (null: no series), aligned with the samples. */
  traffic?: SideValues;
  /** Latency bucket counts per histogram, side and interval, aligned with the samples (for the early test). */
  latency?: Partial<Record<LatencyKind, SideHistograms>>;
  /** Remarks for the report, e.g. why a side has no data. */
  notes?: string[];
}

/**
 * Fetches samples. It should return, for each metric it can answer, the baseline and canary values per
 * interval (oldest first, one per interval of the query), with null (or NaN) for intervals without a
 * value; a metric it leaves out is judged "nodata".
 */
export type SampleSource = (query: SampleQuery) => Promise<SampleSet | SourceResult>;

export interface Evaluation {
  query: SampleQuery;
  /** The samples judged (after the traffic floor). */
  samples: SampleSet;
  /** Requests per interval and side, when the source reports them. */
  traffic: SideValues | null;
  notes: string[];
  /** The verdict over every interval of the window (the latest evaluation). */
  verdict: GateVerdict;
  /** The repeated per-interval evaluations and the decision they lead to. */
  judgement: IntervalJudgement;
  /** The decision: judgement.decision. */
  decision: Decision;
}

/** How the window options are named in messages (CLI flags or request fields). */
/** Most intervals (lookback / interval) one evaluation may have: each interval is judged once. */
export const MAX_INTERVALS = 200;

export interface WindowNames {
  interval: string;
  lookback: string;
}
const FLAG_NAMES: WindowNames = { interval: '--interval', lookback: '--lookback' };

function maxMinSamples(config: Pick<GateConfig, 'metrics'>): number {
  return config.metrics.length ? Math.max(...config.metrics.map((m) => m.minSamples)) : 1;
}

/** Problems with an evaluation window, as sentences naming the option (empty when fine). */
export function checkEvaluationWindow(config: GateConfig, intervalMs: number, lookbackMs: number, names: WindowNames = FLAG_NAMES): string[] {
  const problems: string[] = [];
  if (!(Number.isInteger(intervalMs) && intervalMs >= 1000)) problems.push(`${names.interval} must be at least 1s`);
  if (!(Number.isInteger(lookbackMs) && lookbackMs > 0)) problems.push(`${names.lookback} must be a positive duration`);
  if (problems.length) return problems;
  if (intervalMs % 1000 !== 0) problems.push(`${names.interval} must be a whole number of seconds`);
  if (lookbackMs < intervalMs) problems.push(`${names.lookback} (${formatDuration(lookbackMs)}) must be at least ${names.interval} (${formatDuration(intervalMs)})`);
  const perSide = Math.floor(lookbackMs / intervalMs);
  if (perSide > MAX_INTERVALS) {
    problems.push(
      `${names.lookback} ${formatDuration(lookbackMs)} at ${names.interval} ${formatDuration(intervalMs)} gives ${perSide} intervals, more than ${MAX_INTERVALS}: ` +
        `lengthen ${names.interval} or shorten ${names.lookback}`,
    );
    return problems;
  }
  const needy = config.metrics.filter((m) => m.minSamples > perSide);
  if (needy.length) {
    const need = Math.max(...needy.map((m) => m.minSamples));
    problems.push(
      `${names.lookback} ${formatDuration(lookbackMs)} at ${names.interval} ${formatDuration(intervalMs)} yields at most ${perSide} value(s) per side, ` +
        `fewer than minSamples ${need} of ${needy.map((m) => m.name).join(', ')}: lengthen ${names.lookback} or shorten ${names.interval}`,
    );
  } else if (problems.length === 0) {
    const evaluations = perSide - maxMinSamples(config) + 1;
    if (evaluations < config.intervals.promoteAfter) {
      problems.push(
        `${names.lookback} ${formatDuration(lookbackMs)} at ${names.interval} ${formatDuration(intervalMs)} allows ${evaluations} evaluation(s) ` +
          `(one per interval once minSamples ${maxMinSamples(config)} values exist), fewer than intervals.promoteAfter ${config.intervals.promoteAfter}, ` +
          `so the canary could never be promoted: lengthen ${names.lookback} to at least ${formatDuration((maxMinSamples(config) + config.intervals.promoteAfter - 1) * intervalMs)}`,
      );
    }
  }
  return problems;
}

function isSourceResult(r: SampleSet | SourceResult): r is SourceResult {
  return (r as { kind?: unknown }).kind === 'source-result';
}

/**
 * Traffic floor: in every interval where a side served fewer than `minRequests` requests (or has no
 * request series), that side's values of every metric become null (missing). 0 turns it off.
 */
export function applyTrafficFloor(samples: SampleSet, traffic: SideValues, minRequests: number): { samples: SampleSet; notes: string[] } {
  if (!(minRequests > 0)) return { samples, notes: [] };
  const low = (side: keyof SideValues, k: number) => {
    const v = traffic[side][k];
    return typeof v !== 'number' || !(v >= minRequests);
  };
  const out: Record<string, MetricSamples | undefined> = {};
  for (const [name, s] of Object.entries(samples)) {
    if (!s) {
      out[name] = s;
      continue;
    }
    out[name] = {
      baseline: Array.from(s.baseline, (v, k) => (low('baseline', k) ? null : v)),
      canary: Array.from(s.canary, (v, k) => (low('canary', k) ? null : v)),
    };
  }
  const notes: string[] = [];
  for (const side of ['baseline', 'canary'] as const) {
    const n = traffic[side].length;
    let lowCount = 0;
    for (let k = 0; k < n; k++) if (low(side, k)) lowCount++;
    if (lowCount > 0) {
      const none = traffic[side].every((v) => typeof v !== 'number' || !(v > 0));
      notes.push(
        none
          ? `${side}: no requests in any interval (no series for these labels)`
          : `${side}: ${lowCount} of ${n} interval(s) served fewer than ${minRequests} requests (minRequestsPerInterval) and count as missing`,
      );
    }
  }
  return { samples: out, notes };
}

function sliceSet(samples: SampleSet, length: number): SampleSet {
  const out: Record<string, MetricSamples | undefined> = {};
  for (const [name, s] of Object.entries(samples)) out[name] = s ? { baseline: s.baseline.slice(0, length), canary: s.canary.slice(0, length) } : s;
  return out;
}

/**
 * Evaluate the gate at the end of each interval over the intervals so far (an expanding window), from
 * the first interval where every metric can hold minSamples values, and judge that sequence with the
 * gate's interval rules. `verdict` is the evaluation over all `intervals`. `requests` per interval and
 * side, when known, go to the judge (the early tests of the error ratio and, with their bucket counts, of
 * the latency quantiles count them).
 */
export function replayIntervals(
  config: GateConfig,
  samples: SampleSet,
  intervals: number,
  labelOf: (index: number) => string | undefined = () => undefined,
  requests: RequestCounts | null = null,
): { verdict: GateVerdict; judgement: IntervalJudgement } {
  const n = Math.max(1, intervals);
  const first = Math.min(n - 1, Math.max(0, maxMinSamples(config) - 1));
  const verdicts: LabelledVerdict[] = [];
  let judgement: IntervalJudgement | undefined;
  for (let k = first; k < n; k++) {
    const verdict = judgeGate(config, sliceSet(samples, k + 1), requests);
    const label = labelOf(k);
    verdicts.push(label === undefined ? { verdict } : { label, verdict });
    // A rollback stands whatever later intervals say: stop there.
    const j = judgeIntervals(verdicts, config.intervals);
    if (j.decision === 'rollback' || k === n - 1) {
      judgement = j;
      break;
    }
  }
  const last = verdicts[verdicts.length - 1]!.verdict;
  const verdict = verdicts.length === n - first ? last : judgeGate(config, sliceSet(samples, n), requests);
  return { verdict, judgement: judgement! };
}

export async function evaluate(options: EvaluateOptions, fetchSamples: SampleSource): Promise<Evaluation> {
  const problems = checkEvaluationWindow(options.config, options.intervalMs, options.lookbackMs);
  for (const k of ['api', 'canaryVersion', 'baselineVersion'] as const) {
    if (typeof options[k] !== 'string' || options[k].trim() === '') problems.push(`${k} must be a non-empty string`);
  }
  if (problems.length) throw new RangeError(`cannot evaluate: ${problems.join('; ')}`);
  const end = options.end ?? new Date();
  const intervals = Math.floor(options.lookbackMs / options.intervalMs);
  const start = new Date(end.getTime() - intervals * options.intervalMs);
  const query: SampleQuery = {
    api: options.api,
    canaryVersion: options.canaryVersion,
    baselineVersion: options.baselineVersion,
    metrics: options.config.metrics,
    start,
    end,
    stepSeconds: options.intervalMs / 1000,
    step: formatDuration(options.intervalMs),
    intervals,
  };
  const raw = await fetchSamples(query);
  if (typeof raw !== 'object' || raw === null) throw new TypeError('the sample source returned no sample set');
  let samples: SampleSet = isSourceResult(raw) ? raw.samples : raw;
  if (typeof samples !== 'object' || samples === null) throw new TypeError('the sample source returned no sample set');
  const traffic = isSourceResult(raw) ? (raw.traffic ?? null) : null;
  const notes = isSourceResult(raw) ? [...(raw.notes ?? [])] : [];
  if (traffic) {
    const floored = applyTrafficFloor(samples, traffic, options.config.minRequestsPerInterval);
    samples = floored.samples;
    notes.push(...floored.notes);
  }
  const labelOf = (k: number) => new Date(start.getTime() + (k + 1) * options.intervalMs).toISOString();
  const latency = isSourceResult(raw) ? raw.latency : undefined;
  const requests: RequestCounts | null = traffic ? { ...traffic, ...(latency ? { latency } : {}) } : null;
  const { verdict, judgement } = replayIntervals(options.config, samples, intervals, labelOf, requests);
  return { query, samples, traffic, notes, verdict, judgement, decision: judgement.decision };
}
