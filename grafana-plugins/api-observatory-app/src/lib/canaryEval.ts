/**
 * The canary judge in the browser. The Canary page fetches the gate's samples through Grafana (its
 * Prometheus datasource) and hands the frames to the canary judge's own Prometheus sample source
 * (`createPrometheusSource` with a client that reads those frames), then to `evaluate`: the same
 * planning (`planQueries`), alignment (`alignSeries`), error-ratio fill, traffic floor and repeated
 * per-interval evaluation (`replayIntervals` + `judgeIntervals`) as `canary-gate evaluate`. Only the
 * transport differs, so the page's verdict is the CLI's verdict on the same samples.
 */
import {
  createPrometheusSource,
  evaluate,
  pickCanary,
  versionsByRole,
  type CanaryDiscovery,
  type Evaluation,
  type GateConfig,
} from '@api-observatory/canary-judge/browser';
import { alignedWindow, type CanaryTarget, type CanaryWindow } from './canaryPlan';

export * from './canaryPlan';
import type { RangeSeries } from '@api-observatory/telemetry-contract';
import { FieldType, type DataFrame } from '@grafana/data';

const promValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

/**
 * Frames of one Prometheus range query (one frame per series: a time field and a number field with
 * the series labels) back to the Prometheus API's matrix shape.
 */
export function framesToRangeSeries(frames: readonly DataFrame[]): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const values: Array<[number, string]> = [];
      for (let i = 0; i < frame.length; i++) {
        const t = time.values[i];
        const v = field.values[i];
        if (typeof t !== 'number' || v === null || v === undefined) {
          continue;
        }
        values.push([t / 1000, promValue(Number(v))]);
      }
      if (values.length) {
        out.push({ metric: { ...(field.labels ?? {}) }, values });
      }
    }
  }
  return out;
}

/** Judges a canary on frames keyed by their PromQL (the planned queries' `promql`). */
export async function evaluateFrames(
  target: CanaryTarget,
  config: GateConfig,
  w: CanaryWindow,
  framesByPromql: ReadonlyMap<string, readonly DataFrame[]>,
): Promise<Evaluation> {
  const client = {
    queryRange: async (promql: string): Promise<RangeSeries[]> => {
      const frames = framesByPromql.get(promql);
      if (!frames) {
        throw new Error(`no data was fetched for ${promql}`);
      }
      return framesToRangeSeries(frames);
    },
  };
  const source = createPrometheusSource('http://grafana.invalid', { client });
  const { end } = alignedWindow(w.end.getTime(), w.intervalMs, w.lookbackMs);
  return evaluate({ ...target, config, intervalMs: w.intervalMs, lookbackMs: w.lookbackMs, end }, source);
}

/**
 * Canary and baseline versions from the frames of the discovery query (`discoveryQuery`, the one
 * canary-gate runs): the judge's own `pickCanary`. A wanted canary version without traffic in the
 * window falls back to the busiest canary.
 */
export function discoverFromFrames(api: string, frames: readonly DataFrame[], lookbackMs: number, wantedCanaryVersion?: string): CanaryDiscovery {
  const samples = framesToRangeSeries(frames).flatMap((s) => {
    const last = s.values[s.values.length - 1];
    return last ? [{ metric: s.metric, value: last }] : [];
  });
  const seen = versionsByRole(samples);
  const wanted = wantedCanaryVersion && seen.canary.some((c) => c.version === wantedCanaryVersion) ? wantedCanaryVersion : undefined;
  return pickCanary(api, seen, { lookbackMs, ...(wanted ? { canaryVersion: wanted } : {}) });
}
