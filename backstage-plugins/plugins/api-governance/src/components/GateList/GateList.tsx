import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Cancel from '@material-ui/icons/Cancel';
import HelpOutline from '@material-ui/icons/HelpOutline';
import type { GateReport, GateResult } from '@api-observatory/backstage-plugin-api-governance-common';
import type { GatesByName } from '../../hooks/useGates';
import { PlainText } from '../PlainText';

const GATE_ICON = {
  passed: <CheckCircle style={{ color: '#2e7d32' }} fontSize="small" />,
  failed: <Cancel style={{ color: '#c62828' }} fontSize="small" />,
  unknown: <HelpOutline style={{ color: '#ef6c00' }} fontSize="small" />,
};

/** What follows a gate's status when the gate does not block a promotion (the one wording for it). */
export const requirementNote = (required: boolean) => (required ? '' : ' (not required)');

/**
 * The gates of a report: title, status (passed / failed / unknown), required or not, and the evidence
 * summary. Title and description come from the backend's gate registry (`info`, see useGates); a gate it
 * does not list (or before it answers) is shown by its name. The description is the title's tooltip and,
 * in the full (not dense) list, a line of its own.
 */
export function GateList(props: { gates: GateReport | null | undefined; info?: GatesByName; dense?: boolean; compact?: boolean }) {
  const gates: GateResult[] = Array.isArray(props.gates?.gates) ? props.gates!.gates : [];
  const about = (g: GateResult) => {
    const info = Object.prototype.hasOwnProperty.call(props.info ?? {}, g.gate) ? props.info![g.gate] : undefined;
    return { title: info?.title || String(g.gate), description: info?.description || undefined };
  };
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
          const { title, description } = about(g);
          return (
            <Box component="li" key={g.gate} display="flex" alignItems="flex-start" style={{ gap: 4 }} title={String(g.summary ?? '')} data-gate={g.gate} data-status={status}>
              <span aria-hidden style={{ display: 'inline-flex' }}>{GATE_ICON[status]}</span>
              <Typography variant="body2" component="span">
                {/* A title of several words may wrap; ": status" stays with its last word. */}
                <span title={description} data-testid="gate-title">
                  {title}
                </span>
                <span style={{ whiteSpace: 'nowrap' }}>: {status}</span>
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
        const { title, description } = about(g);
        return (
          <Box component="li" key={g.gate} display="flex" alignItems="flex-start" style={{ gap: 8, marginBottom: props.dense ? 2 : 6 }} data-gate={g.gate} data-status={status}>
            <span aria-hidden style={{ marginTop: 2 }}>{GATE_ICON[status]}</span>
            <Box minWidth={0}>
              <Typography variant="body2" component="div">
                <strong title={description} data-testid="gate-title">
                  {title}
                </strong>
                : {status}
                {requirementNote(g.required)}
              </Typography>
              {!props.dense && (
                <PlainText variant="caption" color="textSecondary" testId="gate-description">
                  {description}
                </PlainText>
              )}
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
