import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Cancel from '@material-ui/icons/Cancel';
import HelpOutline from '@material-ui/icons/HelpOutline';
import type { GateReport, GateResult, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import { GovernanceApiError } from '../api/client';
import { shortRef, stateLabel } from './model';

/** Style of user text (comments, reasons, titles): kept as typed, long words wrapped. */
export const wrapStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', wordBreak: 'break-word' } as const;

/**
 * User-provided text, rendered as a React text node (never as HTML) and wrapped. Everything a user or
 * the backend wrote goes through here or through another text node.
 */
export function PlainText(props: { children: string | null | undefined; variant?: 'body1' | 'body2' | 'caption'; color?: 'textSecondary' | 'textPrimary'; testId?: string }) {
  if (!props.children) return null;
  return (
    <Typography component="div" variant={props.variant ?? 'body2'} color={props.color} style={wrapStyle} data-testid={props.testId}>
      {String(props.children)}
    </Typography>
  );
}

const STATE_COLOR: Partial<Record<PromotionState, 'primary' | 'secondary'>> = {
  requested: 'primary',
  approved: 'primary',
  promoted: 'secondary',
};

/** The state as a chip; in a narrow column its label is cut with an ellipsis, the whole label is the tooltip. */
export function StateChip(props: { state: string }) {
  const label = stateLabel(props.state);
  return <Chip size="small" label={label} title={label} style={{ maxWidth: '100%' }} color={STATE_COLOR[props.state as PromotionState] ?? 'default'} data-state={props.state} />;
}

const GATE_ICON = {
  passed: <CheckCircle style={{ color: '#2e7d32' }} fontSize="small" />,
  failed: <Cancel style={{ color: '#c62828' }} fontSize="small" />,
  unknown: <HelpOutline style={{ color: '#ef6c00' }} fontSize="small" />,
};

/** What follows a gate's status when the gate does not block a promotion (the one wording for it). */
export const requirementNote = (required: boolean) => (required ? '' : ' (not required)');

/** The gates of a report: name, status (passed / failed / unknown), required or not, and the evidence summary. */
export function GateList(props: { gates: GateReport | null | undefined; dense?: boolean; compact?: boolean }) {
  const gates: GateResult[] = Array.isArray(props.gates?.gates) ? props.gates!.gates : [];
  if (gates.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary" data-testid="gates-none">
        No gate evaluation recorded.
      </Typography>
    );
  }
  if (props.compact) {
    // One entry per gate (icon, name, status; the qualifier may wrap); the evidence summary is the tooltip.
    return (
      <Box component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="gates">
        {gates.map((g) => {
          const status = (['passed', 'failed', 'unknown'] as const).includes(g.status) ? g.status : 'unknown';
          return (
            <Box component="li" key={g.gate} display="flex" alignItems="flex-start" style={{ gap: 4 }} title={String(g.summary ?? '')} data-gate={g.gate} data-status={status}>
              <span aria-hidden style={{ display: 'inline-flex' }}>{GATE_ICON[status]}</span>
              <Typography variant="body2" component="span">
                <span style={{ whiteSpace: 'nowrap' }}>
                  {String(g.gate)}: {status}
                </span>
                {!g.required && ' '}
                {!g.required && <span style={{ whiteSpace: 'nowrap' }}>{requirementNote(false).trim()}</span>}
              </Typography>
            </Box>
          );
        })}
      </Box>
    );
  }
  return (
    <Box component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="gates">
      {gates.map((g) => {
        const status = (['passed', 'failed', 'unknown'] as const).includes(g.status) ? g.status : 'unknown';
        return (
          <Box component="li" key={g.gate} display="flex" alignItems="flex-start" style={{ gap: 8, marginBottom: props.dense ? 2 : 6 }} data-gate={g.gate} data-status={status}>
            <span aria-hidden style={{ marginTop: 2 }}>{GATE_ICON[status]}</span>
            <Box minWidth={0}>
              <Typography variant="body2" component="div">
                <strong>{String(g.gate)}</strong>: {status}
                {requirementNote(g.required)}
              </Typography>
              <PlainText variant="caption" color="textSecondary">
                {g.summary}
              </PlainText>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}

/** An error of the backend, with its code and message (as text). */
export function ErrorMessage(props: { error: unknown; title?: string; children?: ReactNode }) {
  const e = props.error;
  const code = e instanceof GovernanceApiError ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return (
    <Alert severity="error" data-testid="governance-error" data-code={code}>
      {props.title && <strong>{props.title}: </strong>}
      <span style={wrapStyle}>
        {code ? `${code}: ` : ''}
        {message}
      </span>
      {props.children}
    </Alert>
  );
}

/** "<verb> by <user> (gate override)" and the decision's reason, as plain text. */
export function DecisionSummary(props: { verb: string; by: string; overridden?: boolean; reason?: string | null }) {
  return (
    <Box mt={1}>
      <Typography variant="body2">
        {props.verb} by <span title={props.by}>{shortRef(props.by)}</span>
        {props.overridden ? ' (gate override)' : ''}
      </Typography>
      <PlainText color="textSecondary">{props.reason}</PlainText>
    </Box>
  );
}
