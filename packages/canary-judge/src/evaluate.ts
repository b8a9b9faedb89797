/**
 * Evaluate a live canary: fetch samples for a time window from an injected sample source
 * (e.g. Prometheus queries built from the telemetry contract) and judge them.
 */
import type { GateConfig, MetricConfig } from './config/types';
import { formatDuration } from './duration';
import { judgeGate, type GateVerdict } from './judge';
import type { SampleSet } from './samples';

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
  /** The gate's metrics (name, unit, ...); the source maps each name to its query. */
  metrics: readonly MetricConfig[];
  start: Date;
  end: Date;
  /** Interval between values, in seconds; also the natural rate window. */
  stepSeconds: number;
  /** The interval as a Prometheus duration, e.g. "1m". */
  step: string;
}

/**
 * Fetches samples. It should return, for each metric it can answer, the baseline and canary values per
 * interval, with null (or NaN) for intervals without a value; a metric it leaves out is judged "nodata".
 */
export type SampleSource = (query: SampleQuery) => Promise<SampleSet>;

export interface Evaluation {
  query: SampleQuery;
  samples: SampleSet;
  verdict: GateVerdict;
}

/** Problems with an evaluation window, as sentences naming the option (empty when fine). */
export function checkEvaluationWindow(config: GateConfig, intervalMs: number, lookbackMs: number): string[] {
  const problems: string[] = [];
  if (!(Number.isInteger(intervalMs) && intervalMs >= 1000)) problems.push(`--interval must be at least 1s`);
  if (!(Number.isInteger(lookbackMs) && lookbackMs > 0)) problems.push(`--lookback must be a positive duration`);
  if (problems.length) return problems;
  if (intervalMs % 1000 !== 0) problems.push('--interval must be a whole number of seconds');
  if (lookbackMs < intervalMs) problems.push(`--lookback (${formatDuration(lookbackMs)}) must be at least --interval (${formatDuration(intervalMs)})`);
  const perSide = Math.floor(lookbackMs / intervalMs);
  const needy = config.metrics.filter((m) => m.minSamples > perSide);
  if (needy.length) {
    const need = Math.max(...needy.map((m) => m.minSamples));
    problems.push(
      `--lookback ${formatDuration(lookbackMs)} at --interval ${formatDuration(intervalMs)} yields at most ${perSide} value(s) per side, ` +
        `fewer than minSamples ${need} of ${needy.map((m) => m.name).join(', ')}: lengthen --lookback or shorten --interval`,
    );
  }
  return problems;
}

export async function evaluate(options: EvaluateOptions, fetchSamples: SampleSource): Promise<Evaluation> {
  const problems = checkEvaluationWindow(options.config, options.intervalMs, options.lookbackMs);
  for (const k of ['api', 'canaryVersion', 'baselineVersion'] as const) {
    if (typeof options[k] !== 'string' || options[k].trim() === '') problems.push(`${k} must be a non-empty string`);
  }
  if (problems.length) throw new RangeError(`cannot evaluate: ${problems.join('; ')}`);
  const end = options.end ?? new Date();
  const query: SampleQuery = {
    api: options.api,
    canaryVersion: options.canaryVersion,
    baselineVersion: options.baselineVersion,
    metrics: options.config.metrics,
    start: new Date(end.getTime() - options.lookbackMs),
    end,
    stepSeconds: options.intervalMs / 1000,
    step: formatDuration(options.intervalMs),
  };
  const samples = await fetchSamples(query);
  if (typeof samples !== 'object' || samples === null) throw new TypeError('the sample source returned no sample set');
  return { query, samples, verdict: judgeGate(options.config, samples) };
}
