/**
 * Interval evidence: one decision from a sequence of per-interval gate verdicts (oldest first).
 *
 * Rules (configurable in the gate's `intervals` section):
 * - rollback as soon as the same critical metric has failed in `rollbackAfterCriticalFailures`
 *   consecutive intervals, or `rollbackAfterFailedIntervals` consecutive intervals decided rollback, or
 *   an interval decided rollback on a metric that failed the early test (its level already pays for
 *   the repeated looks, so waiting for more intervals would add nothing but exposure);
 * - promote only when the latest `promoteAfter` intervals each decided promote with conclusive evidence;
 * - otherwise continue.
 * Missing data is no evidence of recovery: an interval where a metric has no data leaves that metric's
 * failure streak as it was, and an interval where no metric has data leaves the failed-interval streak
 * as it was. Both break a promote streak.
 */
import { CONFIG_DEFAULTS, type IntervalRules } from './config/types';
import { hasConclusivePass, type Classification, type Decision } from './decision';
import type { GateVerdict } from './judge';

export interface IntervalEvidence {
  index: number;
  label?: string;
  decision: Decision;
  classification: Classification;
  score: number;
  /** Critical metrics that failed in this interval. */
  failedCritical: string[];
  /** Metrics without data in this interval. */
  noData: string[];
  /** Metrics that failed the early test in this interval. */
  failedEarly: string[];
  verdict: GateVerdict;
}

export interface IntervalJudgement {
  decision: Decision;
  reasons: string[];
  /** Index of the interval at which the decision was reached (null for continue). */
  decidedAt: number | null;
  /** Consecutive promote intervals at the end of the evaluated sequence. */
  consecutivePasses: number;
  rules: IntervalRules;
  /** Evidence of each evaluated interval (up to and including the deciding one). */
  intervals: IntervalEvidence[];
}

export interface LabelledVerdict {
  label?: string;
  verdict: GateVerdict;
}

function checkRules(rules: IntervalRules): void {
  for (const [k, v] of Object.entries(rules)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`intervals.${k} must be an integer >= 1, got ${v}`);
  }
}

export function judgeIntervals(
  intervals: readonly (GateVerdict | LabelledVerdict)[],
  rules: Partial<IntervalRules> = {},
): IntervalJudgement {
  const r: IntervalRules = { ...CONFIG_DEFAULTS.intervals, ...rules };
  checkRules(r);
  const evidence: IntervalEvidence[] = [];
  const criticalStreak = new Map<string, number>();
  let failStreak = 0;
  let passStreak = 0;
  const done = (decision: Decision, decidedAt: number | null, reasons: string[]): IntervalJudgement => ({
    decision,
    reasons,
    decidedAt,
    consecutivePasses: passStreak,
    rules: r,
    intervals: evidence,
  });

  for (let i = 0; i < intervals.length; i++) {
    const item = intervals[i]!;
    const verdict = 'verdict' in item ? item.verdict : item;
    const label = 'verdict' in item ? item.label : undefined;
    const failedCritical = verdict.metrics.filter((m) => m.critical && m.failed).map((m) => m.metric);
    const noData = verdict.metrics.filter((m) => m.result === 'nodata').map((m) => m.metric);
    const failedEarly = verdict.metrics.filter((m) => m.failed && m.evidence.early?.result).map((m) => m.metric);
    const e: IntervalEvidence = { index: i, decision: verdict.decision, classification: verdict.classification, score: verdict.score, failedCritical, noData, failedEarly, verdict };
    if (label !== undefined) e.label = label;
    evidence.push(e);
    const name = label ?? `#${i}`;

    for (const m of verdict.metrics) {
      if (!m.critical) continue;
      if (m.failed) criticalStreak.set(m.metric, (criticalStreak.get(m.metric) ?? 0) + 1);
      else if (m.result !== 'nodata') criticalStreak.set(m.metric, 0);
    }
    if (verdict.decision === 'rollback') failStreak++;
    else if (verdict.classification !== 'nodata') failStreak = 0;
    passStreak = verdict.decision === 'promote' && hasConclusivePass(verdict.metrics) ? passStreak + 1 : 0;

    const streaking = [...criticalStreak].filter(([, n]) => n >= r.rollbackAfterCriticalFailures).map(([k]) => k);
    if (streaking.length > 0) {
      return done('rollback', i, [
        `rollback at interval ${name}: critical metric ${streaking.join(', ')} failed in ${r.rollbackAfterCriticalFailures} consecutive interval(s)`,
        ...verdict.reasons,
      ]);
    }
    if (verdict.decision === 'rollback' && failedEarly.length > 0) {
      return done('rollback', i, [`rollback at interval ${name}: ${failedEarly.join(', ')} failed the early test (overwhelming evidence)`, ...verdict.reasons]);
    }
    if (failStreak >= r.rollbackAfterFailedIntervals) {
      return done('rollback', i, [`rollback at interval ${name}: ${failStreak} consecutive interval(s) decided rollback`, ...verdict.reasons]);
    }
  }

  if (intervals.length === 0) return done('continue', null, ['continue: no interval judged yet']);
  if (passStreak >= r.promoteAfter) {
    return done('promote', intervals.length - 1, [`promote: the last ${passStreak} interval(s) passed (${r.promoteAfter} needed)`]);
  }
  const last = evidence[evidence.length - 1]!;
  return done('continue', null, [
    `continue: ${passStreak} consecutive passing interval(s) of ${r.promoteAfter} needed; latest interval decided ${last.decision}`,
    ...last.verdict.reasons,
  ]);
}
