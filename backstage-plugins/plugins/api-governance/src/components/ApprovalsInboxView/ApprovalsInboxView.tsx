import { useEffect, useMemo, useState, type ReactNode } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell, { type TableCellProps } from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi } from '../../api/client';
import { ErrorMessage } from '../ErrorMessage';
import { GateList } from '../GateList';
import { StateChip } from '../StateChip';
import { wrapStyle } from '../PlainText';
import { DecisionDialog, type DialogMode } from '../DecisionDialog';
import { ageMs, formatAge, formatTime, newestFirst, shortRef } from '../../model';
import { ALLOWED, CHECKING_REASON, anyOf, gateOf, useActionPermission } from '../../hooks/useGovernancePermissions';
import { useGates } from '../../hooks/useGates';
import { GatedButton } from '../GatedButton';

/** What the inbox shows of a request's API entity (from the catalog). */
export interface EntityInfo {
  title: string;
  system?: string;
  owner?: string;
}

export const AGE_FILTERS = [
  { value: 'any', label: 'Any age', minMs: 0 },
  { value: '1h', label: 'Older than 1 hour', minMs: 3_600_000 },
  { value: '1d', label: 'Older than 1 day', minMs: 86_400_000 },
  { value: '7d', label: 'Older than 7 days', minMs: 7 * 86_400_000 },
] as const;

const STATE_FILTERS = [
  { value: 'requested', label: 'Awaiting decision' },
  { value: 'approved', label: 'Approved, awaiting promotion' },
  { value: 'open', label: 'All open' },
] as const;

export interface ApprovalsInboxViewProps {
  api: ApiGovernanceApi;
  currentUser?: string;
  /** The signed-in user is still being resolved (the requester's own rows offer View, not Review). */
  currentUserLoading?: boolean;
  /** Catalog data of the requests' entities (title, system, owner), by entity ref. */
  loadEntities(refs: string[]): Promise<Record<string, EntityInfo>>;
  /** Renders the link to an API entity's page. */
  renderEntityLink?(entityRef: string, title: string): ReactNode;
  now?: number;
}

const ANY = '';
/** Columns of the table: API, promotion, requested, gates, comment, action. */
const COLUMNS = 6;

/** A table cell with 8px side padding (MUI's small cells have 16 + 24): six columns fit beside a pinned sidebar at 1280 px. */
function Cell(props: TableCellProps) {
  return <TableCell {...props} style={{ paddingLeft: 8, paddingRight: 8, ...props.style }} />;
}

/** User text cut to `lines` lines (with an ellipsis); the whole text is the tooltip. */
function ClampedText(props: { children: string | null | undefined; lines: number }) {
  if (!props.children) return null;
  const text = String(props.children);
  return (
    <Typography
      component="div"
      variant="body2"
      title={text}
      style={{ ...wrapStyle, display: '-webkit-box', WebkitBoxOrient: 'vertical', WebkitLineClamp: props.lines, overflow: 'hidden' }}
    >
      {text}
    </Typography>
  );
}

/** The product managers' inbox: open promotion requests, filterable by system, owner, age and state, sortable by age. */
export function ApprovalsInboxView(props: ApprovalsInboxViewProps) {
  const { api, loadEntities } = props;
  const gateInfo = useGates(api);
  // Loaded on mount, on Refresh and after a decision; the last data stays shown while it reloads.
  const [data, reload] = useAsyncFn(
    async () => {
      const [requested, approved] = await Promise.all([api.listRequests({ state: 'requested' }), api.listRequests({ state: 'approved' })]);
      const requests = newestFirst([...requested, ...approved]);
      const entities = requests.length ? await loadEntities([...new Set(requests.map((r) => r.entityRef))]).catch(() => ({}) as Record<string, EntityInfo>) : {};
      return { requests, entities };
    },
    [api, loadEntities],
    { loading: true },
  );
  useEffect(() => {
    reload();
  }, [reload]);
  const [system, setSystem] = useState(ANY);
  const [owner, setOwner] = useState(ANY);
  const [age, setAge] = useState<string>('any');
  const [stateFilter, setStateFilter] = useState<string>('requested');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [dialog, setDialog] = useState<{ request: PromotionRequest; mode: DialogMode } | undefined>();
  const now = props.now ?? Date.now();

  const loaded = data.value;
  const info = (ref: string): EntityInfo => loaded?.entities[ref] ?? { title: shortRef(ref) };
  const systems = useMemo(() => [...new Set(Object.values(loaded?.entities ?? {}).map((e) => e.system).filter((s): s is string => !!s))].sort(), [loaded]);
  const owners = useMemo(() => [...new Set(Object.values(loaded?.entities ?? {}).map((e) => e.owner).filter((s): s is string => !!s))].sort(), [loaded]);

  const rows = useMemo(() => {
    if (!loaded) return [];
    const minMs = AGE_FILTERS.find((a) => a.value === age)?.minMs ?? 0;
    const filtered = loaded.requests.filter((r) => {
      const e = loaded.entities[r.entityRef];
      if (stateFilter !== 'open' && r.state !== stateFilter) return false;
      if (system && e?.system !== system) return false;
      if (owner && e?.owner !== owner) return false;
      return ageMs(r.requestedAt, now) >= minMs;
    });
    const sign = order === 'desc' ? -1 : 1;
    return filtered.sort((a, b) => sign * (ageMs(a.requestedAt, now) - ageMs(b.requestedAt, now)));
  }, [loaded, stateFilter, system, owner, age, order, now]);

  const link = (ref: string) => {
    const title = info(ref).title;
    return props.renderEntityLink ? props.renderEntityLink(ref, title) : <span style={wrapStyle}>{title}</span>;
  };

  return (
    <Box data-testid="approvals-inbox">
      <Box display="flex" flexWrap="wrap" alignItems="flex-end" style={{ gap: 16 }} mb={2}>
        <TextField select label="State" InputLabelProps={{ shrink: true }} SelectProps={{ displayEmpty: true }} value={stateFilter} onChange={(e) => setStateFilter(String(e.target.value))} style={{ minWidth: 220 }} inputProps={{ 'data-testid': 'filter-state' }}>
          {STATE_FILTERS.map((s) => (
            <MenuItem key={s.value} value={s.value}>
              {s.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="System" InputLabelProps={{ shrink: true }} SelectProps={{ displayEmpty: true }} value={system} onChange={(e) => setSystem(String(e.target.value))} style={{ minWidth: 180 }} inputProps={{ 'data-testid': 'filter-system' }}>
          <MenuItem value={ANY}>All systems</MenuItem>
          {systems.map((s) => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="Owner" InputLabelProps={{ shrink: true }} SelectProps={{ displayEmpty: true }} value={owner} onChange={(e) => setOwner(String(e.target.value))} style={{ minWidth: 180 }} inputProps={{ 'data-testid': 'filter-owner' }}>
          <MenuItem value={ANY}>All owners</MenuItem>
          {owners.map((o) => (
            <MenuItem key={o} value={o}>
              {shortRef(o)}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="Age" InputLabelProps={{ shrink: true }} SelectProps={{ displayEmpty: true }} value={age} onChange={(e) => setAge(String(e.target.value))} style={{ minWidth: 180 }} inputProps={{ 'data-testid': 'filter-age' }}>
          {AGE_FILTERS.map((a) => (
            <MenuItem key={a.value} value={a.value}>
              {a.label}
            </MenuItem>
          ))}
        </TextField>
        <Button size="small" onClick={() => reload()}>
          Refresh
        </Button>
      </Box>
      {!loaded && !data.error && <LinearProgress />}
      {data.error && <ErrorMessage error={data.error} title="Promotion requests unavailable" />}
      {loaded && (
        // Narrower than the columns' minimum (below about 1000 px of page), the table scrolls in its box, not the page.
        <Paper style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Open promotion requests">
            <TableHead>
              <TableRow>
                <Cell style={{ paddingLeft: 16 }}>API</Cell>
                <Cell>Promotion</Cell>
                <Cell sortDirection={order}>
                  <TableSortLabel style={{ whiteSpace: 'nowrap' }} active direction={order === 'desc' ? 'desc' : 'asc'} onClick={() => setOrder(order === 'desc' ? 'asc' : 'desc')} data-testid="sort-age">
                    Requested
                  </TableSortLabel>
                </Cell>
                <Cell>Gates</Cell>
                <Cell>Comment</Cell>
                <Cell style={{ paddingRight: 16 }} />
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.length === 0 && (
                <TableRow>
                  <Cell colSpan={COLUMNS}>
                    <Typography variant="body2" color="textSecondary" data-testid="inbox-empty">
                      No open promotion requests match the filters.
                    </Typography>
                  </Cell>
                </TableRow>
              )}
              {rows.map((r) => {
                const e = info(r.entityRef);
                const mine = !!props.currentUser && props.currentUser === r.requestedBy;
                return (
                  <TableRow key={r.id} data-request={r.id} data-testid="inbox-row">
                    <Cell style={{ minWidth: 140, paddingLeft: 16 }}>
                      {link(r.entityRef)}
                      <Typography variant="caption" color="textSecondary" component="div" style={wrapStyle}>
                        <span title="System">{e.system ?? '—'}</span> · <span title={e.owner ? `Owner ${e.owner}` : 'Owner'}>{e.owner ? shortRef(e.owner) : '—'}</span>
                      </Typography>
                    </Cell>
                    <Cell style={{ minWidth: 100 }}>
                      <Typography variant="body2" component="div" style={wrapStyle}>
                        {r.fromEnvironment} → {r.toEnvironment}
                      </Typography>
                      <StateChip state={r.state} />
                    </Cell>
                    <Cell>
                      <Typography variant="body2" component="div" style={wrapStyle} title={r.requestedBy}>
                        {shortRef(r.requestedBy)}
                      </Typography>
                      <Typography variant="caption" color="textSecondary" component="div" style={{ whiteSpace: 'nowrap' }} title={formatTime(r.requestedAt)}>
                        <span data-testid="inbox-age">{formatAge(r.requestedAt, now)}</span> ago
                      </Typography>
                    </Cell>
                    <Cell style={{ minWidth: 130 }}>
                      <GateList gates={r.gates} info={gateInfo} compact />
                    </Cell>
                    <Cell style={{ minWidth: 140 }}>
                      <ClampedText lines={3}>{r.comment}</ClampedText>
                    </Cell>
                    <Cell style={{ whiteSpace: 'nowrap', paddingRight: 16 }}>
                      {r.state === 'requested' ? (
                        <ReviewButton request={r} mine={mine} userLoading={!!props.currentUserLoading} onClick={() => setDialog({ request: r, mode: 'decide' })} />
                      ) : (
                        <PromoteButton request={r} onClick={() => setDialog({ request: r, mode: 'promote' })} />
                      )}
                    </Cell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Paper>
      )}
      {dialog && (
        <DecisionDialog
          open
          api={api}
          mode={dialog.mode}
          request={dialog.request}
          currentUser={props.currentUser}
          entityTitle={info(dialog.request.entityRef).title}
          onClose={() => setDialog(undefined)}
          onChanged={() => reload()}
        />
      )}
    </Box>
  );
}


const REVIEW_DENIED = "Only product managers of this API's system can approve or reject";

/**
 * A row's Review button, per the user's approve / reject permissions on the row's API: disabled while
 * they are checked, disabled with the reason when both are denied. The requester's own request offers
 * View (the dialog shows it without approve / reject).
 */
function ReviewButton(props: { request: PromotionRequest; mine: boolean; userLoading: boolean; onClick(): void }) {
  const approve = useActionPermission('approve', props.request.entityRef);
  const reject = useActionPermission('reject', props.request.entityRef);
  // Asked here too so that the decision dialog opens with its answer (no placeholder, no relabelling).
  useActionPermission('override', props.request.entityRef);
  // Until the user is known the label (Review or View) is not: a placeholder rather than a label that changes.
  if (props.userLoading) return <ActionPlaceholder />;
  let gate = props.mine ? ALLOWED : anyOf(gateOf(approve, 'approve'), gateOf(reject, 'reject'));
  if (gate.status === 'denied' && !approve.error && !reject.error) gate = { ...gate, reason: REVIEW_DENIED };
  return (
    <GatedButton gate={gate} size="small" variant="outlined" color="primary" onClick={props.onClick} data-testid="inbox-review">
      {props.mine ? 'View' : 'Review'}
    </GatedButton>
  );
}

/** Where a row's action will be, while what it is is still being found out. */
function ActionPlaceholder() {
  return (
    <span title={CHECKING_REASON} style={{ display: 'inline-flex' }}>
      <Skeleton variant="rect" width={64} height={30} data-testid="inbox-action-checking" data-permission="loading" aria-label={CHECKING_REASON} />
    </span>
  );
}

/** A row's Mark promoted button, per the user's promote permission on the row's API. */
function PromoteButton(props: { request: PromotionRequest; onClick(): void }) {
  const promote = useActionPermission('promote', props.request.entityRef);
  return (
    <GatedButton gate={gateOf(promote, 'promote')} size="small" variant="outlined" onClick={props.onClick} data-testid="inbox-promote">
      Mark promoted
    </GatedButton>
  );
}
