/** The payload sent to webhooks / event sinks when the gate decides to roll a canary back. */
import { createHash } from 'node:crypto';
import type { GateConfig } from './config/types';
import type { Classification } from './decision';
import type { IntervalJudgement } from './intervals';
import type { GateVerdict, GuardEvidence, MetricResult, MetricVerdict } from './judge';

export const ROLLBACK_EVENT_SCHEMA_VERSION = 1;

export interface RollbackEventMetric {
  name: string;
  result: MetricResult;
  failed: boolean;
  critical: boolean;
  nBaseline: number;
  nCanary: number;
  baselineMedian: number | null;
  canaryMedian: number | null;
  /** Hodges-Lehmann shift canary - baseline. */
  shift: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  confidenceLevel: number | null;
  pValue: number | null;
  relativeShift: number | null;
  guard: GuardEvidence | null;
  reasons: string[];
}

export interface RollbackEvent {
  schemaVersion: typeof ROLLBACK_EVENT_SCHEMA_VERSION;
  type: 'canary.rollback';
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  decision: 'rollback';
  classification: Classification;
  score: number;
  reasons: string[];
  /** Per-metric results (of the deciding interval for interval judgements). */
  metrics: RollbackEventMetric[];
  /** Present when the decision came from judgeIntervals. */
  intervals: { evaluated: number; decidedAt: number | null; label: string | null } | null;
  /** ISO 8601 time of the decision. */
  timestamp: string;
  gateName: string;
  /** "sha256:<hex>" of the canonical JSON of the validated gate config. */
  gateConfigHash: string;
}

export interface RollbackContext {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  /** The gate config used; its hash goes into the event. */
  config: GateConfig;
  /** Default: now. */
  timestamp?: Date;
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** "sha256:<hex>" of a validated gate config. */
export function hashGateConfig(config: GateConfig): string {
  return `sha256:${createHash('sha256').update(canonicalJson(config)).digest('hex')}`;
}

function metricEntry(m: MetricVerdict): RollbackEventMetric {
  const e = m.evidence;
  return {
    name: m.metric,
    result: m.result,
    failed: m.failed,
    critical: m.critical,
    nBaseline: e.baseline.n,
    nCanary: e.canary.n,
    baselineMedian: e.baseline.median,
    canaryMedian: e.canary.median,
    shift: e.shift,
    ciLower: e.ci?.lower ?? null,
    ciUpper: e.ci?.upper ?? null,
    confidenceLevel: e.ci?.level ?? null,
    pValue: e.pValue,
    relativeShift: e.relativeShift,
    guard: m.guard,
    reasons: m.reasons,
  };
}

/** Build the rollback event. Throws if the verdict's decision is not "rollback". */
export function buildRollbackEvent(verdict: GateVerdict | IntervalJudgement, context: RollbackContext): RollbackEvent {
  if (verdict.decision !== 'rollback') throw new Error(`buildRollbackEvent: the decision is "${verdict.decision}", not "rollback"`);
  for (const k of ['api', 'canaryVersion', 'baselineVersion'] as const) {
    if (typeof context[k] !== 'string' || context[k].trim() === '') throw new TypeError(`buildRollbackEvent: context.${k} must be a non-empty string`);
  }
  let gate: GateVerdict;
  let intervals: RollbackEvent['intervals'] = null;
  if ('intervals' in verdict) {
    const deciding = verdict.intervals[verdict.decidedAt ?? verdict.intervals.length - 1];
    if (!deciding) throw new Error('buildRollbackEvent: the interval judgement has no intervals');
    gate = deciding.verdict;
    intervals = { evaluated: verdict.intervals.length, decidedAt: verdict.decidedAt, label: deciding.label ?? null };
  } else gate = verdict;
  return {
    schemaVersion: ROLLBACK_EVENT_SCHEMA_VERSION,
    type: 'canary.rollback',
    api: context.api,
    canaryVersion: context.canaryVersion,
    baselineVersion: context.baselineVersion,
    decision: 'rollback',
    classification: gate.classification,
    score: gate.score,
    reasons: verdict.reasons,
    metrics: gate.metrics.map(metricEntry),
    intervals,
    timestamp: (context.timestamp ?? new Date()).toISOString(),
    gateName: context.config.name,
    gateConfigHash: hashGateConfig(context.config),
  };
}
