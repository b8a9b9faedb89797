/**
 * Samples: per-metric values of the baseline and the canary (one value per interval, e.g. the error
 * ratio or the p99 latency of each minute), and the samples.json document the CLI reads.
 */
import type { LatencyKind } from '@api-observatory/telemetry-contract';
import { parseDocument } from './documents';
import type { BucketCounts } from './stats/histogram';
import { Checker, joinPath } from './validation';

/** A sample value; null and NaN mean "no value for this interval" and are dropped (and counted). */
export type SampleValue = number | null;

export interface MetricSamples {
  baseline: readonly SampleValue[];
  canary: readonly SampleValue[];
}

/**
 * Requests each side served per interval (null: unknown), aligned with the samples' intervals. With
 * them, a share of requests (the error ratio) is judged early on its counts (see judge.ts).
 */
export interface RequestCounts {
  baseline: readonly SampleValue[];
  canary: readonly SampleValue[];
  /**
   * Latency bucket counts of each side per interval (null: none), by histogram (request, upstream,
   * gateway latency). With them, a latency quantile is judged early on the requests above its bucket.
   */
  latency?: Partial<Record<LatencyKind, SideHistograms>>;
}

/** Latency bucket counts of both sides per interval, aligned with the samples' intervals. */
export interface SideHistograms {
  baseline: readonly (BucketCounts | null)[];
  canary: readonly (BucketCounts | null)[];
}

/** Samples of several metrics, keyed by the metric name used in the gate config. */
export type SampleSet = Readonly<Record<string, MetricSamples | undefined>>;

export interface CleanSample {
  /** Finite values, in input order. */
  values: number[];
  /** Values given, including dropped ones. */
  total: number;
  /** null / NaN values dropped. */
  missing: number;
  /** +/-Infinity values, kept out of the rank test. */
  infinite: number[];
}

/** Split a raw sample into finite values and counts of dropped ones. A non-array counts as empty. */
export function cleanSample(raw: readonly SampleValue[] | undefined | null): CleanSample {
  const out: CleanSample = { values: [], total: 0, missing: 0, infinite: [] };
  if (!Array.isArray(raw)) return out;
  for (const v of raw as readonly unknown[]) {
    out.total++;
    if (typeof v !== 'number' || Number.isNaN(v)) out.missing++;
    else if (!Number.isFinite(v)) out.infinite.push(v);
    else out.values.push(v);
  }
  return out;
}

/** Who/what the samples are about; optional in samples.json, used in reports and rollback events. */
export interface SamplesContext {
  api?: string;
  canaryVersion?: string;
  baselineVersion?: string;
}

export interface IntervalSamples {
  /** Free-form label, e.g. the interval's start time. */
  label?: string;
  metrics: SampleSet;
}

/** A parsed samples.json: either one set of samples, or a sequence of intervals. */
export type SamplesDocument =
  | { kind: 'single'; context: SamplesContext; metrics: SampleSet }
  | { kind: 'intervals'; context: SamplesContext; intervals: IntervalSamples[] };

const ROOT_FIELDS = ['schemaVersion', 'api', 'canaryVersion', 'baselineVersion', 'metrics', 'intervals'];

/** Strings Prometheus uses for special float values, accepted in samples.json. */
const SPECIAL: Record<string, number> = { NaN: NaN, '+Inf': Infinity, Inf: Infinity, '-Inf': -Infinity };

function readValues(c: Checker, raw: unknown, path: string): SampleValue[] | undefined {
  const arr = c.array(raw, path);
  if (!arr) return undefined;
  const out: SampleValue[] = [];
  arr.forEach((v, i) => {
    if (v === null || typeof v === 'number') out.push(v);
    else if (typeof v === 'string' && v in SPECIAL) out.push(SPECIAL[v]!);
    else c.fail(joinPath(path, i), `must be a number, null, "NaN", "+Inf" or "-Inf", got ${JSON.stringify(v)}`);
  });
  return out;
}

function readSampleSet(c: Checker, raw: unknown, path: string): SampleSet | undefined {
  const rec = c.object(raw, path, null);
  if (!rec) return undefined;
  const set: Record<string, MetricSamples> = {};
  for (const [name, value] of Object.entries(rec)) {
    const p = joinPath(path, name);
    const m = c.object(value, p, ['baseline', 'canary']);
    if (!m) continue;
    const baseline = m.baseline === undefined ? c.fail(joinPath(p, 'baseline'), 'is required (an array, may be empty)') : readValues(c, m.baseline, joinPath(p, 'baseline'));
    const canary = m.canary === undefined ? c.fail(joinPath(p, 'canary'), 'is required (an array, may be empty)') : readValues(c, m.canary, joinPath(p, 'canary'));
    if (baseline && canary) set[name] = { baseline, canary };
  }
  return set;
}

/** Validate a parsed samples document; throws a ValidationError naming each bad field. */
export function validateSamplesDocument(raw: unknown, source?: string): SamplesDocument {
  const c = new Checker('samples');
  const root = c.object(raw, '', ROOT_FIELDS);
  if (!root) {
    c.throwIfAny('samples', source);
    throw new Error('unreachable');
  }
  if (root.schemaVersion !== undefined && root.schemaVersion !== 1) c.fail('schemaVersion', `must be 1, got ${JSON.stringify(root.schemaVersion)}`);
  const context: SamplesContext = {};
  for (const k of ['api', 'canaryVersion', 'baselineVersion'] as const) {
    if (root[k] !== undefined) {
      const s = c.string(root[k], k, { nonEmpty: true });
      if (s !== undefined) context[k] = s;
    }
  }
  let doc: SamplesDocument | undefined;
  if (root.metrics !== undefined && root.intervals !== undefined) c.fail('intervals', 'cannot be given together with metrics (use one or the other)');
  else if (root.metrics !== undefined) {
    const metrics = readSampleSet(c, root.metrics, 'metrics');
    if (metrics) doc = { kind: 'single', context, metrics };
  } else if (root.intervals !== undefined) {
    const list = c.array(root.intervals, 'intervals');
    const intervals: IntervalSamples[] = [];
    list?.forEach((item, i) => {
      const p = joinPath('intervals', i);
      const o = c.object(item, p, ['label', 'metrics']);
      if (!o) return;
      const label = o.label === undefined ? undefined : c.string(o.label, joinPath(p, 'label'));
      const metrics = o.metrics === undefined ? c.fail(joinPath(p, 'metrics'), 'is required') : readSampleSet(c, o.metrics, joinPath(p, 'metrics'));
      if (metrics) intervals.push(label === undefined ? { metrics } : { label, metrics });
    });
    doc = { kind: 'intervals', context, intervals };
  } else c.fail('metrics', 'is required (or intervals, a list of {label?, metrics})');
  c.throwIfAny('samples', source);
  return doc!;
}

/** Parse and validate samples from JSON (or YAML) text. */
export function parseSamplesDocument(text: string, source?: string): SamplesDocument {
  return validateSamplesDocument(parseDocument(text, 'samples', 'auto', source), source);
}
