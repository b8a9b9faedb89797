/**
 * What the Canary page asks Prometheus for: the evaluation window and the gate's planned queries,
 * computed with the canary judge's own functions (no Grafana dependency, so the fixture recorder
 * runs the very same code).
 */
import { formatDuration, planBucketQueries, planQueries, type GateConfig, type PlannedBucketQuery, type PlannedQuery, type SampleQuery } from '@api-observatory/canary-judge/browser';

export interface CanaryTarget {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
}

export interface CanaryWindow {
  intervalMs: number;
  lookbackMs: number;
  /** End of the evaluation window; aligned down to the interval. */
  end: Date;
}

/** The evaluation window aligned to the interval, as a Prometheus range query at step = interval aligns it. */
export function alignedWindow(endMs: number, intervalMs: number, lookbackMs: number): { start: Date; end: Date; intervals: number } {
  const end = Math.floor(endMs / intervalMs) * intervalMs;
  const intervals = Math.floor(lookbackMs / intervalMs);
  return { start: new Date(end - intervals * intervalMs), end: new Date(end), intervals };
}

/** The SampleQuery `evaluate` builds for this window (same fields, same arithmetic). */
export function sampleQuery(target: CanaryTarget, config: GateConfig, w: CanaryWindow): SampleQuery {
  const { start, end, intervals } = alignedWindow(w.end.getTime(), w.intervalMs, w.lookbackMs);
  return {
    api: target.api,
    canaryVersion: target.canaryVersion,
    baselineVersion: target.baselineVersion,
    metrics: config.metrics,
    start,
    end,
    stepSeconds: w.intervalMs / 1000,
    step: formatDuration(w.intervalMs),
    intervals,
  };
}

/**
 * The range queries the page runs for a canary: exactly those `canary-gate evaluate` runs, the gate's
 * series and the latency bucket counts its early rollback rule reads.
 */
export function plannedQueries(target: CanaryTarget, config: GateConfig, w: CanaryWindow): Array<PlannedQuery | PlannedBucketQuery> {
  const q = sampleQuery(target, config, w);
  return [...planQueries(q), ...planBucketQueries(q)];
}

/** The equivalent CLI command, shown next to the verdict so anyone can reproduce it. */
export function cliCommand(target: CanaryTarget, w: CanaryWindow, gateSource: 'default' | 'inline'): string {
  return [
    'canary-gate evaluate --prometheus <url>',
    `--api ${JSON.stringify(target.api)}`,
    `--canary ${JSON.stringify(target.canaryVersion)}`,
    `--baseline ${JSON.stringify(target.baselineVersion)}`,
    `--interval ${formatDuration(w.intervalMs)}`,
    `--lookback ${formatDuration(w.lookbackMs)}`,
    ...(gateSource === 'inline' ? ['--config gate.yaml'] : []),
  ].join(' ');
}
