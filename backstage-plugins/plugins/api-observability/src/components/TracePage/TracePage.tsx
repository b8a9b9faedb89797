import { useEffect, useState } from 'react';
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
  const [state, setState] = useState<TraceLoadState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    api.getTrace(traceId).then(
      (trace) => !cancelled && setState({ status: 'loaded', trace }),
      (e: unknown) => !cancelled && setState({ status: 'error', error: asObservabilityApiError(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, traceId]);
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
