import useAsync from 'react-use/esm/useAsync';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { useApi, useRouteRefParams } from '@backstage/frontend-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { apiObservabilityApiRef } from '../../api/ref';
import { asObservabilityApiError } from '../../api/client';
import { traceRouteRef } from '../../routes';
import { TracePageView, type RenderLink, type TraceLoadState } from '../TraceView';

const renderLink: RenderLink = (to, text, testId) => (
  <Link to={to} data-testid={testId}>
    {text}
  </Link>
);

/** The trace view page (`/api-observability/traces/:traceId`): the trace from the backend's trace store. */
export function TracePage() {
  const { traceId } = useRouteRefParams(traceRouteRef);
  const api = useApi(apiObservabilityApiRef);
  const entityLink = useEntityRefLink();
  const trace = useAsync(() => api.getTrace(traceId), [api, traceId]);
  let state: TraceLoadState;
  if (trace.loading) state = { status: 'loading' };
  else if (trace.error) state = { status: 'error', error: asObservabilityApiError(trace.error) };
  else state = { status: 'loaded', trace: trace.value! };
  const entityHref = (ref: string) => {
    try {
      return entityLink(ref);
    } catch {
      return undefined;
    }
  };
  return (
    <Box p={3}>
      <TracePageView traceId={traceId} state={state} entityHref={entityHref} renderLink={renderLink} />
    </Box>
  );
}
