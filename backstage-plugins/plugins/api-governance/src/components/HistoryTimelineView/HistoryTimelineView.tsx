import useAsync from 'react-use/esm/useAsync';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { AuditEntry, PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi, GovernanceEvent } from '../../api/client';
import { ErrorMessage } from '../ErrorMessage';
import { GateList } from '../GateList';
import { PlainText, wrapStyle } from '../PlainText';
import { formatTime, newestFirst, orderedEvidence, shortRef, stateLabel } from '../../model';
import { useGates, type GatesByName } from '../../hooks/useGates';

export interface TimelineEntry {
  entry: AuditEntry;
  request: PromotionRequest;
}

const ACTION_LABEL: Record<string, string> = {
  create: 'Requested',
  approve: 'Approved',
  reject: 'Rejected',
  cancel: 'Cancelled',
  deprecate: 'Deprecated',
  promote: 'Marked promoted',
  rollback: 'Marked rolled back',
};

const ts = (iso: string | undefined | null) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
};
const eventTime = (e: GovernanceEvent) => e.at ?? e.occurredAt ?? e.createdAt;

/** A dotted name (`api-governance.promotion.requested`) that a narrow column breaks after a dot, not inside a word. */
function DottedName(props: { name: string }) {
  const parts = props.name.split('.');
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && <wbr />}
          {i > 0 ? `.${part}` : part}
        </span>
      ))}
    </>
  );
}

/** Evidence and payloads are shown as JSON text (never as markup). */
function JsonText(props: { value: unknown }) {
  if (props.value === undefined || props.value === null) return null;
  let text: string;
  try {
    text = JSON.stringify(props.value, null, 2);
  } catch {
    text = String(props.value);
  }
  return (
    <Box component="pre" m={0} p={1} style={{ ...wrapStyle, fontSize: 12, maxHeight: 240, overflow: 'auto', background: 'rgba(127,127,127,0.08)' }}>
      {text}
    </Box>
  );
}

/** The readable part of an event payload (promotion: environments, states, reason, override; deprecation: reason, sunset, consumers). */
function EventSummary(props: { payload: unknown }) {
  if (!props.payload || typeof props.payload !== 'object') return null;
  const p = props.payload as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const lines: string[] = [];
  if (str(p.fromEnvironment) && str(p.toEnvironment)) lines.push(`${p.fromEnvironment} → ${p.toEnvironment}`);
  if (str(p.state)) lines.push(`${str(p.previousState) ? `${stateLabel(p.previousState as string)} → ` : ''}${stateLabel(p.state as string)}`);
  if (str(p.sunsetDate)) lines.push(`sunset ${p.sunsetDate}`);
  if (Array.isArray(p.consumers)) lines.push(`${p.consumers.length} consumer${p.consumers.length === 1 ? '' : 's'} notified`);
  return (
    <Box>
      {lines.length > 0 && (
        <Typography variant="body2" component="div">
          {lines.join(' · ')}
          {p.overridden === true && <Chip size="small" color="secondary" label="gate override" style={{ marginLeft: 8 }} />}
        </Typography>
      )}
      <PlainText>{str(p.reason)}</PlainText>
    </Box>
  );
}

/** The audit trail of every request of an API (newest first) and the API's recorded events. */
export function HistoryTimelineView(props: { entries: TimelineEntry[]; events: GovernanceEvent[]; eventsError?: unknown; gateInfo?: GatesByName }) {
  const entries = [...props.entries].sort((a, b) => ts(b.entry.at) - ts(a.entry.at) || b.entry.id - a.entry.id);
  const events = [...props.events].sort((a, b) => ts(eventTime(b)) - ts(eventTime(a)));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <Typography variant="h6" gutterBottom>
          Audit trail
        </Typography>
        {entries.length === 0 && (
          <Typography variant="body2" color="textSecondary" data-testid="timeline-empty">
            No promotion requests yet.
          </Typography>
        )}
        <Box component="ol" m={0} p={0} style={{ listStyle: 'none' }} data-testid="timeline">
          {entries.map(({ entry, request }) => (
            <Box component="li" key={`${entry.requestId}-${entry.id}`} mb={2} pl={2} style={{ borderLeft: '3px solid rgba(127,127,127,0.35)' }} data-testid="timeline-entry" data-action={entry.action}>
              <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
                <Typography variant="subtitle2" component="span">
                  {ACTION_LABEL[entry.action] ?? String(entry.action)}
                </Typography>
                <Typography variant="body2" component="span" color="textSecondary">
                  {request.fromEnvironment} → {request.toEnvironment}
                </Typography>
                {entry.override && <Chip size="small" color="secondary" label="gate override" data-testid="timeline-override" />}
              </Box>
              <Typography variant="body2" component="div">
                <span title={entry.actor}>{shortRef(entry.actor)}</span> · {formatTime(entry.at)} · {entry.fromState ? `${stateLabel(entry.fromState)} → ` : ''}
                {stateLabel(entry.toState)}
              </Typography>
              {entry.reason && (
                <Box mt={0.5}>
                  <PlainText testId="timeline-reason">{entry.reason}</PlainText>
                </Box>
              )}
              {entry.action === 'create' && request.comment && !entry.reason && (
                <Box mt={0.5}>
                  <PlainText testId="timeline-reason">{request.comment}</PlainText>
                </Box>
              )}
              {entry.evidence && (
                <Box mt={1}>
                  <Typography variant="caption" color="textSecondary">
                    Gate evidence
                  </Typography>
                  <GateList gates={entry.evidence} info={props.gateInfo} dense />
                  <details>
                    <summary>
                      <Typography variant="caption" component="span">
                        Raw evidence
                      </Typography>
                    </summary>
                    <JsonText value={entry.evidence.gates?.map((g) => ({ gate: g.gate, status: g.status, evidence: orderedEvidence(g.evidence), evaluatedAt: g.evaluatedAt }))} />
                  </details>
                </Box>
              )}
            </Box>
          ))}
        </Box>
      </Grid>
      <Grid item xs={12} md={5}>
        <Typography variant="h6" gutterBottom>
          Recorded events
        </Typography>
        {props.eventsError !== undefined && <ErrorMessage error={props.eventsError} title="Events unavailable" />}
        {props.eventsError === undefined && events.length === 0 && (
          <Typography variant="body2" color="textSecondary" data-testid="events-empty">
            No events recorded.
          </Typography>
        )}
        <Box component="ol" m={0} p={0} style={{ listStyle: 'none' }} data-testid="events">
          {events.map((e, i) => (
            <Box component="li" key={String(e.id ?? i)} mb={2} pl={2} style={{ borderLeft: '3px solid rgba(127,127,127,0.35)' }} data-testid="event">
              <Typography variant="subtitle2" style={wrapStyle}>
                <DottedName name={String(e.type)} />
              </Typography>
              <Typography variant="body2" color="textSecondary">
                {typeof e.actor === 'string' ? `${shortRef(e.actor)} · ` : ''}
                {formatTime(eventTime(e))}
              </Typography>
              <EventSummary payload={e.payload} />
              {e.payload !== undefined && e.payload !== null && (
                <details>
                  <summary>
                    <Typography variant="caption" component="span">
                      Payload
                    </Typography>
                  </summary>
                  <JsonText value={e.payload} />
                </details>
              )}
            </Box>
          ))}
        </Box>
      </Grid>
    </Grid>
  );
}

/** Loads the requests of an API, their audit entries and the API's events. */
export async function loadHistory(api: ApiGovernanceApi, entityRef: string) {
  const [requests, eventsResult] = await Promise.all([
    api.listRequests({ entityRef }),
    api.listEvents(entityRef).then(
      (events) => ({ events, error: undefined as unknown }),
      (error: unknown) => ({ events: [] as GovernanceEvent[], error }),
    ),
  ]);
  const audits = await Promise.all(newestFirst(requests).map(async (request) => (await api.getAudit(request.id)).map((entry) => ({ entry, request }))));
  return { entries: audits.flat(), events: eventsResult.events, eventsError: eventsResult.error };
}

/** The history of an API, loaded again whenever `revision` changes (the page's writes bump it). */
export function HistoryTimeline(props: { api: ApiGovernanceApi; entityRef: string; revision?: number }) {
  // A new revision loads again; the last history stays shown meanwhile, and only the newest load is shown.
  const data = useAsync(() => loadHistory(props.api, props.entityRef), [props.api, props.entityRef, props.revision]);
  const gateInfo = useGates(props.api);
  if (data.error) return <ErrorMessage error={data.error} title="Governance history unavailable" />;
  if (!data.value) return <LinearProgress />;
  return <HistoryTimelineView {...data.value} gateInfo={gateInfo} />;
}

