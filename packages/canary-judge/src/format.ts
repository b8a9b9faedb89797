/** Plain-text reports of verdicts for terminals and CI logs. */
import type { IntervalJudgement } from './intervals';
import { fmt, type GateVerdict, type MetricVerdict } from './judge';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function signed(x: number | null): string {
  if (x === null) return '-';
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

function metricRow(m: MetricVerdict): string[] {
  const e = m.evidence;
  const ci = e.ci ? `[${signed(e.ci.lower)}, ${signed(e.ci.upper)}]` : '-';
  const rel = e.relativeShift === null ? '-' : `${e.relativeShift > 0 ? '+' : ''}${fmt(e.relativeShift * 100, 3)}%`;
  const guard = !m.guard ? '-' : m.guard.value === null ? 'n/a' : `${m.guard.statistic}=${fmt(m.guard.value)}${m.guard.breached ? ` BREACH ${m.guard.breached}` : ''}`;
  return [
    `${m.metric}${m.critical ? ' *' : ''}`,
    m.result,
    m.failed ? 'FAIL' : m.result === 'nodata' ? '?' : 'ok',
    `${e.baseline.n}/${e.canary.n}`,
    `${fmt(e.baseline.median)} -> ${fmt(e.canary.median)}`,
    signed(e.shift),
    ci,
    fmt(e.pValue, 3),
    rel,
    e.cles === null ? '-' : fmt(e.cles, 3),
    guard,
  ];
}

/** Table of metrics with result and evidence, then decision and reasons. */
export function formatVerdict(v: GateVerdict, title?: string): string {
  const rows = [['METRIC', 'RESULT', 'STATUS', 'N b/c', 'MEDIAN b -> c', 'SHIFT', 'SHIFT CI', 'P', 'REL', 'CLES', 'GUARD'], ...v.metrics.map(metricRow)];
  const lines = [
    `${title ?? `gate ${v.gate}`}: ${v.decision.toUpperCase()} (classification ${v.classification}, score ${fmt(v.score, 3)}/100)`,
    '',
    table(rows),
    '(* critical; shift = canary - baseline, Hodges-Lehmann; CLES = P(canary > baseline))',
    '',
    'Reasons:',
    ...v.reasons.map((r) => `  - ${r}`),
    '',
    'Metric details:',
    ...v.metrics.flatMap((m) => m.reasons.map((r) => `  - ${r}`)),
  ];
  return lines.join('\n');
}

export function formatIntervalJudgement(j: IntervalJudgement): string {
  const rows = [
    ['INTERVAL', 'DECISION', 'CLASS', 'SCORE', 'FAILED CRITICAL', 'FAILED EARLY', 'NO DATA'],
    ...j.intervals.map((i) => [
      i.label ?? `#${i.index}`,
      i.decision,
      i.classification,
      fmt(i.score, 3),
      i.failedCritical.join(',') || '-',
      (i.failedEarly ?? []).join(',') || '-',
      i.noData.join(',') || '-',
    ]),
  ];
  const lines = [
    `intervals: ${j.decision.toUpperCase()} after ${j.intervals.length} interval(s) ` +
      `(promote after ${j.rules.promoteAfter} passing, rollback after ${j.rules.rollbackAfterCriticalFailures} critical / ${j.rules.rollbackAfterFailedIntervals} failed in a row)`,
    '',
    table(rows),
    '',
    'Reasons:',
    ...j.reasons.map((r) => `  - ${r}`),
  ];
  const last = j.intervals[j.decidedAt ?? j.intervals.length - 1];
  if (last) lines.push('', formatVerdict(last.verdict, `interval ${last.label ?? `#${last.index}`}`));
  return lines.join('\n');
}
