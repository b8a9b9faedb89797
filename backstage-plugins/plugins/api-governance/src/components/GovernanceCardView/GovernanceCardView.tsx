import { useEffect, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import ArrowForward from '@material-ui/icons/ArrowForward';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi } from '../../api/client';
import { DecisionSummary } from '../DecisionSummary';
import { ErrorMessage } from '../ErrorMessage';
import { GateList } from '../GateList';
import { PlainText, wrapStyle } from '../PlainText';
import { StateChip } from '../StateChip';
import { DecisionDialog, type DialogMode } from '../DecisionDialog';
import { currentEnvironment, defaultTarget, formatAge, formatTime, lastPromotion, openRequest, shortRef } from '../../model';
import { ALLOWED, CHECKING, gateOf, useGovernancePermissions } from '../../hooks/useGovernancePermissions';
import { useGates } from '../../hooks/useGates';
import { GatedButton } from '../GatedButton';
import { RequestDialog } from '../RequestDialog';

export interface GovernanceCardViewProps {
  api: ApiGovernanceApi;
  entityRef: string;
  entityTitle: string;
  currentUser?: string;
  /** The signed-in user is still being resolved: Approve / Reject (hidden from the requester) wait for it. */
  currentUserLoading?: boolean;
  now?: number;
  /** Called after every change made from the card (so the page can refresh what else it shows). */
  onChanged?(): void;
}

type OpenDialog = { kind: 'request' } | { kind: 'transition'; mode: DialogMode; request: PromotionRequest } | undefined;

/**
 * Environments of the API, where it is now, and the open promotion request with its gates and actions.
 * Each action is offered according to the user's governance permissions on the API (usePermission):
 * disabled while they are checked, disabled with the reason as tooltip when denied.
 */
export function GovernanceCardView(props: GovernanceCardViewProps) {
  const { api, entityRef } = props;
  const perms = useGovernancePermissions(entityRef);
  const gateInfo = useGates(api);
  // Loaded on mount and again after every change; the last data stays shown while it reloads.
  const [data, reload] = useAsyncFn(
    async () => {
      const [environments, requests] = await Promise.all([api.getEnvironments(), api.listRequests({ entityRef })]);
      return { environments, requests };
    },
    [api, entityRef],
    { loading: true },
  );
  useEffect(() => {
    reload();
  }, [reload]);
  const [dialog, setDialog] = useState<OpenDialog>();
  const close = () => setDialog(undefined);
  const changed = () => {
    reload();
    props.onChanged?.();
  };

  let body: JSX.Element;
  if (data.error) body = <ErrorMessage error={data.error} title="Governance data unavailable" />;
  else if (!data.value) body = <LinearProgress data-testid="governance-loading" />;
  else {
    const { environments, requests } = data.value;
    const current = currentEnvironment(environments, requests);
    const open = openRequest(requests);
    const promoted = lastPromotion(requests);
    const isRequester = !!open && !!props.currentUser && open.requestedBy === props.currentUser;
    // The requester may always cancel their own request (the backend agrees); others need the permission.
    const cancelGate = isRequester ? ALLOWED : props.currentUserLoading ? CHECKING : gateOf(perms.cancel, 'cancel');
    body = (
      <>
        <Typography variant="overline" color="textSecondary">
          Environments
        </Typography>
        <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 4 }} data-testid="governance-environments">
          {environments.map((env, i) => (
            <Box key={env} display="flex" alignItems="center" style={{ gap: 4 }}>
              {i > 0 && <ArrowForward fontSize="small" color="disabled" aria-hidden />}
              <Chip
                size="small"
                label={env === current ? `${env} (current)` : env}
                color={env === current ? 'primary' : 'default'}
                variant={env === current ? 'default' : 'outlined'}
                data-env={env}
                data-current={env === current ? 'true' : undefined}
              />
            </Box>
          ))}
        </Box>
        <Box my={2}>
          <Divider />
        </Box>
        {open ? (
          <Box data-testid="governance-open-request">
            <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
              <Typography variant="subtitle2">
                {open.fromEnvironment} → {open.toEnvironment}
              </Typography>
              <StateChip state={open.state} />
            </Box>
            <Typography variant="body2" color="textSecondary">
              Requested by <span title={open.requestedBy}>{shortRef(open.requestedBy)}</span>{' '}
              <span title={formatTime(open.requestedAt)}>{formatAge(open.requestedAt, props.now)} ago</span>
            </Typography>
            {open.comment && (
              <Box mt={1}>
                <PlainText>{open.comment}</PlainText>
              </Box>
            )}
            {open.state === 'approved' && open.decidedBy && (
              <DecisionSummary verb="Approved" by={open.decidedBy} overridden={open.overridden} reason={open.decisionReason} />
            )}
            <Box mt={1}>
              <Typography variant="overline" color="textSecondary">
                Gates
              </Typography>
              <GateList gates={open.gates} info={gateInfo} dense />
            </Box>
            <Box mt={1} display="flex" flexWrap="wrap" style={{ gap: 8 }}>
              {open.state === 'requested' && !isRequester && !props.currentUserLoading && (
                <>
                  <GatedButton gate={gateOf(perms.approve, 'approve')} size="small" color="primary" variant="contained" onClick={() => setDialog({ kind: 'transition', mode: 'decide', request: open })} data-testid="card-approve">
                    Approve
                  </GatedButton>
                  <GatedButton gate={gateOf(perms.reject, 'reject')} size="small" color="secondary" variant="outlined" onClick={() => setDialog({ kind: 'transition', mode: 'decide', request: open })} data-testid="card-reject">
                    Reject
                  </GatedButton>
                </>
              )}
              {open.state === 'requested' && (
                <GatedButton gate={cancelGate} size="small" variant="outlined" onClick={() => setDialog({ kind: 'transition', mode: 'cancel', request: open })} data-testid="card-cancel">
                  Cancel request
                </GatedButton>
              )}
              {open.state === 'approved' && (
                <GatedButton gate={gateOf(perms.promote, 'promote')} size="small" color="primary" variant="contained" onClick={() => setDialog({ kind: 'transition', mode: 'promote', request: open })} data-testid="card-promote">
                  Mark promoted
                </GatedButton>
              )}
            </Box>
            {isRequester && open.state === 'requested' && (
              <Typography variant="caption" color="textSecondary" component="div" data-testid="card-self-note">
                You requested this promotion; another person decides on it.
              </Typography>
            )}
          </Box>
        ) : (
          <Typography variant="body2" color="textSecondary" data-testid="governance-no-open-request">
            No open promotion request.
          </Typography>
        )}
        <Box mt={2} display="flex" flexWrap="wrap" style={{ gap: 8 }}>
          <GatedButton
            gate={gateOf(perms.create, 'create')}
            disabled={!!open || environments.length < 2}
            disabledReason={open ? 'A request is already open for this API' : 'There is no environment to promote to'}
            size="small"
            variant="outlined"
            color="primary"
            onClick={() => setDialog({ kind: 'request' })}
            data-testid="card-request"
          >
            Request promotion
          </GatedButton>
          {!open && promoted && (
            <GatedButton gate={gateOf(perms.rollback, 'rollback')} size="small" variant="outlined" onClick={() => setDialog({ kind: 'transition', mode: 'rollback', request: promoted })} data-testid="card-rollback">
              Mark rolled back
            </GatedButton>
          )}
        </Box>
        {dialog?.kind === 'request' && (
          <RequestDialog
            open
            api={api}
            entityRef={entityRef}
            entityTitle={props.entityTitle}
            environments={environments}
            defaultTarget={defaultTarget(environments, current)}
            onClose={close}
            onCreated={() => {
              close();
              changed();
            }}
            onStale={() => {
              close();
              changed();
            }}
          />
        )}
        {dialog?.kind === 'transition' && (
          <DecisionDialog
            open
            api={api}
            mode={dialog.mode}
            request={dialog.request}
            currentUser={props.currentUser}
            entityTitle={props.entityTitle}
            onClose={close}
            onChanged={changed}
          />
        )}
      </>
    );
  }

  return (
    <Card data-testid="governance-card">
      <CardHeader title="Promotion" subheader={<span style={wrapStyle}>Environments and approvals of this API</span>} />
      <Divider />
      <CardContent>{body}</CardContent>
    </Card>
  );
}

