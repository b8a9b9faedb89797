/**
 * The report of a live evaluation: the JSON that `canary-gate evaluate --json` prints and that
 * `POST /v1/evaluate` returns, and its plain-text form.
 */
import type { GateConfig } from './config/types';
import type { Decision } from './decision';
import type { Evaluation, SideValues } from './evaluate';
import { buildRollbackEvent, hashGateConfig, type RollbackEvent } from './event';
import { formatIntervalJudgement } from './format';
import type { IntervalJudgement } from './intervals';
import type { GateVerdict } from './judge';

export interface EvaluationContext {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
}

export interface EvaluationReport {
  decision: Decision;
  context: EvaluationContext;
  window: { start: string; end: string; step: string; intervals: number };
  gate: string;
  gateConfigHash: string;
  /** Evaluations at the end of each interval (expanding window) and the interval rules' decision. */
  judgement: IntervalJudgement;
  /** The evaluation over the whole window. */
  verdict: GateVerdict;
  /** Requests per interval and side, when known. */
  traffic: SideValues | null;
  notes: string[];
  /** Present when the decision is rollback. */
  rollbackEvent?: RollbackEvent;
}

export function evaluationReport(e: Evaluation, context: EvaluationContext, config: GateConfig, at: Date = new Date()): EvaluationReport {
  const report: EvaluationReport = {
    decision: e.decision,
    context: { api: context.api, canaryVersion: context.canaryVersion, baselineVersion: context.baselineVersion },
    window: { start: e.query.start.toISOString(), end: e.query.end.toISOString(), step: e.query.step, intervals: e.query.intervals },
    gate: config.name,
    gateConfigHash: hashGateConfig(config),
    judgement: e.judgement,
    verdict: e.verdict,
    traffic: e.traffic,
    notes: e.notes,
  };
  if (e.decision === 'rollback') report.rollbackEvent = buildRollbackEvent(e.judgement, { ...context, config, timestamp: at });
  return report;
}

function requests(values: readonly (number | null)[]): string {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return 'none';
  const total = finite.reduce((a, b) => a + b, 0);
  return `${Math.round(total)} total, ${Math.round(Math.min(...finite))} to ${Math.round(Math.max(...finite))} per interval`;
}

/** Header, notes and the interval judgement as text. */
export function formatEvaluation(e: Evaluation, context: EvaluationContext): string {
  const lines = [
    `${context.api}, canary ${context.canaryVersion}, baseline ${context.baselineVersion}, ` +
      `${e.query.start.toISOString()} to ${e.query.end.toISOString()} every ${e.query.step} (${e.query.intervals} intervals)`,
  ];
  if (e.traffic) lines.push(`requests: baseline ${requests(e.traffic.baseline)}; canary ${requests(e.traffic.canary)}`);
  for (const n of e.notes) lines.push(`note: ${n}`);
  lines.push('', formatIntervalJudgement(e.judgement));
  return lines.join('\n');
}
