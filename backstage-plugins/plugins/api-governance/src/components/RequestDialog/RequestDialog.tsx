import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import type { ApiGovernanceApi } from '../../api/client';
import { ErrorMessage } from '../ErrorMessage';
import { wrapStyle } from '../PlainText';
import { useWrite } from '../../hooks/useWrite';

export interface RequestDialogProps {
  open: boolean;
  api: ApiGovernanceApi;
  entityRef: string;
  entityTitle: string;
  environments: readonly string[];
  /** Preselected target environment. */
  defaultTarget?: string;
  onClose(): void;
  /** Called with the created request. */
  onCreated(request: PromotionRequest): void;
  /** Called when the backend says the state changed (e.g. a request is already open): reload. */
  onStale?(): void;
}

/** "Request promotion": the target environment (the source is the one before it) and an optional comment. */
export function RequestDialog(props: RequestDialogProps) {
  const targets = props.environments.slice(1);
  const [target, setTarget] = useState(props.defaultTarget && targets.includes(props.defaultTarget) ? props.defaultTarget : (targets[0] ?? ''));
  const [comment, setComment] = useState('');
  const write = useWrite();
  const from = props.environments[props.environments.indexOf(target) - 1];

  const submit = async () => {
    if (!target) return;
    const input = { entityRef: props.entityRef, toEnvironment: target, ...(comment.trim() ? { comment } : {}) };
    const created = await write.run(input, (idempotencyKey) => props.api.createRequest(input, { idempotencyKey }));
    if (created) props.onCreated(created);
  };

  const code = (write.error as { code?: string } | undefined)?.code;
  const staleCodes = ['REQUEST_ALREADY_OPEN', 'VERSION_CONFLICT', 'INVALID_TRANSITION'];

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm" aria-labelledby="governance-request-title">
      <DialogTitle id="governance-request-title">Request promotion</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom style={wrapStyle}>
          API: {props.entityTitle}
        </Typography>
        {targets.length === 0 ? (
          <Typography color="textSecondary">Only one environment is configured: there is nothing to promote into.</Typography>
        ) : (
          <TextField
            select
            fullWidth
            margin="normal"
            label="Target environment"
            value={target}
            onChange={(e) => setTarget(String(e.target.value))}
            helperText={from ? `Promotes from ${from} to ${target}` : undefined}
            inputProps={{ 'data-testid': 'request-target' }}
          >
            {targets.map((env) => (
              <MenuItem key={env} value={env}>
                {env}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          label="Comment (optional)"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          inputProps={{ 'data-testid': 'request-comment', maxLength: 10000 }}
        />
        {write.error !== undefined && (
          <ErrorMessage error={write.error} title="The request was not created">
            {code && staleCodes.includes(code) && props.onStale && (
              <Button size="small" onClick={props.onStale}>
                Reload
              </Button>
            )}
          </ErrorMessage>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        <Button color="primary" variant="contained" disabled={write.busy || !target} onClick={submit} data-testid="request-submit">
          Request promotion
        </Button>
      </DialogActions>
    </Dialog>
  );
}
