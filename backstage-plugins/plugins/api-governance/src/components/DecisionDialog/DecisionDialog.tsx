import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  TRANSITIONS,
  type GateReport,
  type PromotionAction,
  type PromotionRequest,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { GovernanceApiError, type ApiGovernanceApi, type TransitionInput } from '../../api/client';
import { DecisionSummary } from '../DecisionSummary';
import { ErrorMessage } from '../ErrorMessage';
import { GateList } from '../GateList';
import { PlainText, wrapStyle } from '../PlainText';
import { StateChip } from '../StateChip';
import { formatTime, needsOverride, shortRef, stateLabel } from '../../model';
import { useWrite } from '../../hooks/useWrite';
import { useGates } from '../../hooks/useGates';
import { ALLOWED, CHECKING_REASON, DENIED_REASONS, allOf, gateOf, useGovernancePermissions } from '../../hooks/useGovernancePermissions';
import { GatedButton } from '../GatedButton';

/** `decide`: approve or reject (with override when gates are not passed); the others: one transition. */
export type DialogMode = 'decide' | 'cancel' | 'promote' | 'rollback';

export interface DecisionDialogProps {
  open: boolean;
  api: ApiGovernanceApi;
  request: PromotionRequest;
  /** The signed-in user's entity ref (identityApi); the requester is not offered approve / reject. */
  currentUser?: string;
  entityTitle?: string;
  mode: DialogMode;
  onClose(): void;
  /** Called with the request after a transition, or its reloaded state after a conflict. */
  onChanged(request: PromotionRequest): void;
}

const TITLES: Record<DialogMode, string> = {
  decide: 'Decide on the promotion request',
  cancel: 'Cancel the promotion request',
  promote: 'Mark as promoted',
  rollback: 'Mark as rolled back',
};

const CONFLICT_CODES = new Set(['VERSION_CONFLICT', 'INVALID_TRANSITION', 'REQUEST_ALREADY_OPEN']);

function isGateReport(x: unknown): x is GateReport {
  return typeof x === 'object' && x !== null && Array.isArray((x as GateReport).gates);
}

/**
 * The decision dialog: shows the request and its gates; a comment is required to reject and to
 * override (approve despite failed or unknown gates: the comment is the override reason). Backend
 * errors (403 SELF_APPROVAL / FORBIDDEN, 409 VERSION_CONFLICT, 422 GATES_NOT_PASSED…) are shown with
 * the backend's message; on a conflict the request is reloaded and its current state shown.
 *
 * The actions follow the user's governance permissions on the API: Approve / Reject / the transition
 * are disabled while the permissions are checked and, when denied, with the reason as tooltip; approving
 * over gates that have not passed ("Approve with override") is offered only with the override permission.
 */
export function DecisionDialog(props: DecisionDialogProps) {
  const { api, mode } = props;
  const perms = useGovernancePermissions(props.request.entityRef);
  const gateInfo = useGates(api);
  const [request, setRequest] = useState(props.request);
  const [gates, setGates] = useState<GateReport | null>(props.request.gates);
  const [comment, setComment] = useState('');
  const [validation, setValidation] = useState<string | undefined>();
  const [reloaded, setReloaded] = useState<PromotionRequest | undefined>();
  const write = useWrite();

  useEffect(() => {
    setRequest(props.request);
    setGates(props.request.gates);
  }, [props.request]);

  const isRequester = !!props.currentUser && props.currentUser === request.requestedBy;
  const override = needsOverride(gates);
  const expectedFrom = mode === 'decide' ? 'requested' : TRANSITIONS[mode].from;
  const actionable = request.state === expectedFrom;
  const canOverride = perms.override.allowed && !perms.override.error;
  const rejectGate = gateOf(perms.reject, 'reject');
  const approveGate = override ? allOf(gateOf(perms.approve, 'approve'), gateOf(perms.override, 'override')) : gateOf(perms.approve, 'approve');
  const transitionGate = mode === 'decide' ? ALLOWED : mode === 'cancel' && isRequester ? ALLOWED : gateOf(perms[mode], mode);
  // Until the permissions this dialog depends on are answered, its decision controls (labels, notice,
  // comment field, buttons) are replaced by one placeholder: nothing is shown that would change afterwards.
  const needed = mode === 'decide' ? (isRequester ? [] : [perms.approve, perms.reject, perms.override]) : mode === 'cancel' && isRequester ? [] : [perms[mode]];
  const checking = needed.some((p) => p.loading);
  // The comment field only once the user may submit something here.
  const someAllowed = mode === 'decide' ? rejectGate.status === 'allowed' || approveGate.status === 'allowed' : transitionGate.status === 'allowed';

  const submit = async (action: PromotionAction) => {
    setValidation(undefined);
    const reason = comment.trim() ? comment : undefined;
    if (action === 'reject' && !reason) {
      setValidation('A comment is required to reject a request.');
      return;
    }
    let input: TransitionInput;
    if (action === 'approve' && override) {
      if (!reason) {
        setValidation('Gates have not all passed: approving is an override, which requires a reason in the comment.');
        return;
      }
      input = { version: request.version, override: { reason } };
    } else {
      input = { version: request.version, ...(reason ? { reason } : {}) };
    }
    const out = await write.run({ id: request.id, action, input }, (idempotencyKey) => api.transition(request.id, action, input, { idempotencyKey }));
    if (out) {
      props.onChanged(out);
      props.onClose();
    }
  };

  // React to the failure of the last write: new gates on a 422, the current state on a 409.
  useEffect(() => {
    const e = write.error;
    if (!(e instanceof GovernanceApiError)) return;
    const details = e.details as { gates?: unknown; current?: unknown } | undefined;
    if (e.code === 'GATES_NOT_PASSED' && isGateReport(details?.gates)) setGates(details!.gates as GateReport);
    if (CONFLICT_CODES.has(e.code)) {
      let cancelled = false;
      api.getRequest(request.id).then(
        (current) => {
          if (cancelled) return;
          setRequest(current);
          setGates(current.gates);
          setReloaded(current);
          props.onChanged(current);
        },
        () => undefined,
      );
      return () => {
        cancelled = true;
      };
    }
    return undefined;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [write.error]);

  const commentLabel =
    mode === 'decide'
      ? override && canOverride
        ? 'Comment (required: the reason to reject, or to override the gates)'
        : 'Comment (required to reject)'
      : 'Comment (optional)';

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="md" aria-labelledby="governance-decision-title">
      <DialogTitle id="governance-decision-title">{TITLES[mode]}</DialogTitle>
      <DialogContent data-testid="decision-dialog">
        <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }} mb={1}>
          <Typography variant="subtitle1" component="div" style={wrapStyle}>
            {props.entityTitle ?? request.entityRef}
          </Typography>
          <StateChip state={request.state} />
        </Box>
        <Typography variant="body2" component="div">
          {request.fromEnvironment} → {request.toEnvironment} · requested by <span title={request.requestedBy}>{shortRef(request.requestedBy)}</span> on{' '}
          {formatTime(request.requestedAt)} · version {request.version}
        </Typography>
        {request.comment && (
          <Box mt={1}>
            <Typography variant="overline" color="textSecondary">
              Requester's comment
            </Typography>
            <PlainText testId="decision-request-comment">{request.comment}</PlainText>
          </Box>
        )}
        {request.decidedBy && <DecisionSummary verb="Decided" by={request.decidedBy} overridden={request.overridden} reason={request.decisionReason} />}
        <Box mt={2}>
          <Typography variant="overline" color="textSecondary">
            Gates
          </Typography>
          <GateList gates={gates} info={gateInfo} />
        </Box>
        {mode === 'decide' && actionable && override && !isRequester && !checking && (
          <Alert severity="warning" data-testid="decision-override-notice" data-can-override={String(canOverride)}>
            {canOverride
              ? 'Not every required gate has passed. Approving is an override: it needs the override permission and a reason (the comment), and it is audited.'
              : `${DENIED_REASONS.override}; you do not have it, so you cannot approve this request until its gates pass.`}
          </Alert>
        )}
        {mode === 'decide' && isRequester && (
          <Alert severity="info" data-testid="decision-self">
            You requested this promotion: someone else must approve or reject it (separation of duties). You can cancel it.
          </Alert>
        )}
        {actionable && !(mode === 'decide' && isRequester) && !checking && someAllowed && (
          <TextField
            fullWidth
            multiline
            minRows={3}
            margin="normal"
            label={commentLabel}
            value={comment}
            onChange={(e) => {
              setComment(e.target.value);
              setValidation(undefined);
            }}
            error={!!validation}
            inputProps={{ 'data-testid': 'decision-comment' }}
          />
        )}
        {validation && (
          <Typography variant="body2" color="error" role="alert" data-testid="decision-validation">
            {validation}
          </Typography>
        )}
        {write.error !== undefined && <ErrorMessage error={write.error} title="Not done" />}
        {reloaded && (
          <Alert severity="info" data-testid="decision-reloaded">
            Reloaded: the request is now {stateLabel(reloaded.state)} (version {reloaded.version})
            {reloaded.decidedBy ? `, decided by ${shortRef(reloaded.decidedBy)}` : ''}.
          </Alert>
        )}
        {!actionable && !reloaded && (
          <Alert severity="info">This request is {stateLabel(request.state)}: there is nothing to {mode === 'decide' ? 'decide' : mode}.</Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        {checking && (
          <Box display="flex" alignItems="center" style={{ gap: 8 }} px={1} role="status" data-testid="decision-checking" data-permission="loading">
            <CircularProgress size={16} aria-hidden />
            <Typography variant="body2" color="textSecondary">
              {CHECKING_REASON}
            </Typography>
          </Box>
        )}
        {!checking && mode === 'decide' && !isRequester && (
          <>
            <GatedButton gate={rejectGate} color="secondary" variant="outlined" disabled={write.busy || !actionable} onClick={() => submit('reject')} data-testid="decision-reject">
              Reject
            </GatedButton>
            <GatedButton gate={approveGate} color="primary" variant="contained" disabled={write.busy || !actionable} onClick={() => submit('approve')} data-testid="decision-approve">
              {override && canOverride ? 'Approve with override' : 'Approve'}
            </GatedButton>
          </>
        )}
        {!checking && mode !== 'decide' && (
          <GatedButton gate={transitionGate} color="primary" variant="contained" disabled={write.busy || !actionable} onClick={() => submit(mode)} data-testid={`decision-${mode}`}>
            {mode === 'cancel' ? 'Cancel request' : mode === 'promote' ? 'Mark promoted' : 'Mark rolled back'}
          </GatedButton>
        )}
      </DialogActions>
    </Dialog>
  );
}
