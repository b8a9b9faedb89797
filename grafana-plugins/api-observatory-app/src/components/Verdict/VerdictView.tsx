import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Stack, Text, useStyles2, type BadgeColor } from '@grafana/ui';
import { fmt, type Decision, type Evaluation } from '@api-observatory/canary-judge/browser';
import type { CanaryTarget } from '../../lib/canaryEval';

const DECISION_COLOR: Record<Decision, BadgeColor> = { promote: 'green', continue: 'orange', rollback: 'red' };
const RESULT_COLOR: Record<string, BadgeColor> = { pass: 'green', high: 'red', low: 'blue', nodata: 'darkgrey' };

export interface VerdictViewProps {
  target: CanaryTarget;
  evaluation: Evaluation;
  command: string;
  gateSource: 'default' | 'inline';
}

/** The judge's decision, the whole-window verdict per metric with its reasons, and the interval evidence. */
export function VerdictView({ target, evaluation, command, gateSource }: VerdictViewProps) {
  const s = useStyles2(styles);
  const { verdict, judgement } = evaluation;
  return (
    <div className={s.root} data-testid="canary-verdict">
      <Stack direction="row" gap={2} alignItems="center" wrap="wrap">
        <Text element="h3">
          {target.api} {target.canaryVersion} vs {target.baselineVersion}
        </Text>
        <Badge text={`decision: ${evaluation.decision}`} color={DECISION_COLOR[evaluation.decision]} data-testid="canary-decision" />
        <Badge text={`window: ${verdict.classification}, score ${fmt(verdict.score, 3)}`} color={DECISION_COLOR[verdict.decision]} />
        <Text color="secondary">
          gate “{verdict.gate}” ({gateSource === 'default' ? 'the judge’s default gate' : 'inline config'})
        </Text>
      </Stack>
      <ul className={s.reasons} data-testid="canary-reasons">
        {judgement.reasons.map((r, i) => (
          <li key={`j${i}`}>{r}</li>
        ))}
      </ul>
      <table className={s.table} data-testid="canary-metrics">
        <thead>
          <tr>
            <th>metric</th>
            <th>result</th>
            <th>n baseline / canary</th>
            <th>median baseline → canary</th>
            <th>shift (CI)</th>
            <th>p</th>
            <th>reasons</th>
          </tr>
        </thead>
        <tbody>
          {verdict.metrics.map((m) => (
            <tr key={m.metric} data-testid={`canary-metric-${m.metric}`}>
              <td>
                {m.metric}
                {m.critical ? ' (critical)' : ''}
              </td>
              <td>
                <Badge text={m.failed ? `${m.result}, failed` : m.result} color={m.failed ? 'red' : (RESULT_COLOR[m.result] ?? 'blue')} />
              </td>
              <td>
                {m.evidence.baseline.n} / {m.evidence.canary.n}
              </td>
              <td>
                {fmt(m.evidence.baseline.median)} → {fmt(m.evidence.canary.median)}
              </td>
              <td>
                {fmt(m.evidence.shift)}
                {m.evidence.ci ? ` (${fmt(m.evidence.ci.lower)}, ${fmt(m.evidence.ci.upper)})` : ''}
              </td>
              <td>{fmt(m.evidence.pValue, 3)}</td>
              <td>{m.reasons.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {evaluation.notes.length > 0 && (
        <ul className={s.reasons} data-testid="canary-notes">
          {evaluation.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      <Text color="secondary" variant="bodySmall">
        Evaluated {judgement.intervals.length} interval(s) ending {evaluation.query.end.toISOString()}; the same verdict as <code>{command}</code>.
      </Text>
    </div>
  );
}

const styles = (theme: GrafanaTheme2) => ({
  root: css({ padding: theme.spacing(1), overflow: 'auto', height: '100%' }),
  reasons: css({ margin: theme.spacing(1, 0, 1, 2) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { textAlign: 'left', padding: theme.spacing(0.5, 1), borderBottom: `1px solid ${theme.colors.border.weak}`, verticalAlign: 'top' },
  }),
});
