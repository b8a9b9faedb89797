/**
 * What an evaluation report means for whoever acts on it (a promotion gate, a Flagger hook, an entity
 * card): one reading, so they cannot disagree. `promote` needs the judge's conclusive evidence again
 * (a report that came over the network or was built by hand cannot claim it); missing data and thin
 * traffic are never a pass, and never a failure either.
 */
import { hasConclusivePass } from './decision';
import type { RollbackEventMetric } from './event';
import type { GateVerdict } from './judge';
import type { EvaluationReport } from './report';

export type CanaryOutcome =
  /** Promote, with conclusive evidence in each of the deciding intervals. */
  | 'promote'
  /** The judge rolls the canary back. */
  | 'rollback'
  /** Keep the canary running: not enough evidence either way yet. */
  | 'hold'
  /** The canary serves traffic, but too little (the gate's traffic floor) for some gate metric to have samples. */
  | 'not-enough-traffic'
  /** No canary requests in any interval of the window. */
  | 'no-data';

export interface ReportReading {
  outcome: CanaryOutcome;
  /** One line for people. */
  summary: string;
  /** The judge's reasons behind it, most relevant first, without repeats. */
  reasons: string[];
}

const TRAFFIC_FLOOR_NOTE = /served fewer than \d+ requests/;
const unique = (xs: readonly string[]) => [...new Set(xs)];

/** True when the report's promote rests on conclusive evidence in each of the latest `promoteAfter` intervals. */
export function isConclusivePromote(report: EvaluationReport): boolean {
  const j = report.judgement;
  if (report.decision !== 'promote' || j.decision !== 'promote') return false;
  const k = j.rules.promoteAfter;
  const latest = j.intervals.slice(-k);
  return (
    j.consecutivePasses >= k &&
    latest.length === k &&
    latest.every((i) => i.decision === 'promote' && hasConclusivePass(i.verdict.metrics)) &&
    hasConclusivePass(report.verdict.metrics)
  );
}

/** The verdict of the evaluation that decided (a rollback's), else the one over the whole window. */
function decidingVerdict(report: EvaluationReport): GateVerdict {
  const j = report.judgement;
  return (j.decidedAt !== null ? j.intervals.find((i) => i.index === j.decidedAt)?.verdict : undefined) ?? report.verdict;
}

/** Read an evaluation report (see CanaryOutcome). */
export function readReport(report: EvaluationReport): ReportReading {
  const { canaryVersion, baselineVersion } = report.context;
  const j = report.judgement;
  const verdict = decidingVerdict(report);
  const score = `score ${Number.isFinite(verdict.score) ? Math.round(verdict.score * 10) / 10 : '-'}`;
  const who = `canary ${canaryVersion} vs baseline ${baselineVersion}`;

  if (report.decision === 'rollback') {
    const reasons = unique([...j.reasons, ...verdict.reasons]);
    return { outcome: 'rollback', summary: `rollback: ${who} (${score}): ${reasons[0] ?? 'the gate failed'}`, reasons };
  }
  if (isConclusivePromote(report)) {
    return { outcome: 'promote', summary: `promote: ${who} (${score}), conclusive in the last ${j.rules.promoteAfter} evaluations`, reasons: unique([...j.reasons, ...verdict.reasons]) };
  }
  const noData = report.verdict.metrics.filter((m) => m.result === 'nodata').map((m) => m.metric);
  if (noData.length > 0) {
    const served = (report.traffic?.canary ?? []).some((n) => typeof n === 'number' && n > 0);
    const reasons = unique([...report.notes, ...j.reasons]);
    if (!served) return { outcome: 'no-data', summary: `no data: ${who} served no requests in the window`, reasons };
    // The traffic floor's note (evaluate.ts): intervals below minRequestsPerInterval count as missing.
    if (report.notes.some((n) => TRAFFIC_FLOOR_NOTE.test(n))) {
      return { outcome: 'not-enough-traffic', summary: `not enough traffic to judge ${who}: no samples for ${noData.join(', ')}`, reasons };
    }
    return { outcome: 'hold', summary: `hold: ${who}: no data for ${noData.join(', ')}`, reasons };
  }
  const reasons = unique([...j.reasons, ...report.verdict.reasons]);
  const why = report.decision === 'promote' ? 'promote without conclusive evidence in the deciding evaluations' : reasons[0] ?? 'not enough evidence yet';
  return { outcome: 'hold', summary: `hold: ${who} (${score}): ${why}`, reasons };
}

/** A compact record of an evaluation, small enough to store with a promotion request or show on a card. */
export interface ReportEvidence {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  decision: EvaluationReport['decision'];
  outcome: CanaryOutcome;
  classification: EvaluationReport['verdict']['classification'];
  score: number;
  gate: string;
  gateConfigHash: string;
  window: EvaluationReport['window'];
  reasons: string[];
  notes: string[];
  /** Per gate metric, of the deciding evaluation (the whole window when none decided); fields as in the rollback event. */
  metrics: Array<Pick<RollbackEventMetric, 'name' | 'result' | 'failed' | 'critical' | 'nBaseline' | 'nCanary' | 'baselineMedian' | 'canaryMedian' | 'shift' | 'pValue'>>;
}

export function reportEvidence(report: EvaluationReport, reading: ReportReading = readReport(report)): ReportEvidence {
  const verdict = decidingVerdict(report);
  return {
    api: report.context.api,
    canaryVersion: report.context.canaryVersion,
    baselineVersion: report.context.baselineVersion,
    decision: report.decision,
    outcome: reading.outcome,
    classification: verdict.classification,
    score: verdict.score,
    gate: report.gate,
    gateConfigHash: report.gateConfigHash,
    window: report.window,
    reasons: reading.reasons.slice(0, 10),
    notes: report.notes,
    metrics: verdict.metrics.map((m) => ({
      name: m.metric,
      result: m.result,
      failed: m.failed,
      critical: m.critical,
      nBaseline: m.evidence.baseline.n,
      nCanary: m.evidence.canary.n,
      baselineMedian: m.evidence.baseline.median,
      canaryMedian: m.evidence.canary.median,
      shift: m.evidence.shift,
      pValue: m.evidence.pValue,
    })),
  };
}
