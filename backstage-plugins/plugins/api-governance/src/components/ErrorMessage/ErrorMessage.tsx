import type { ReactNode } from 'react';
import Alert from '@material-ui/lab/Alert';
import { GovernanceApiError } from '../../api/client';
import { wrapStyle } from '../PlainText';

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
