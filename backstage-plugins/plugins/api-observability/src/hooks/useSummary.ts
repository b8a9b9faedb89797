import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { apiObservabilityApiRef } from '../api/ref';
import { asObservabilityApiError, type ObservabilityApiError, type SummaryRange } from '../api/client';
import type { Summary } from '@api-observatory/backstage-plugin-api-observability-common';

export type SummaryState =
  | { status: 'loading' }
  | { status: 'error'; error: ObservabilityApiError }
  | { status: 'loaded'; summary: Summary };

/** Loads the current entity's summary for a range; reloads every `refreshMs` (default 30 s). */
export function useSummary(range: SummaryRange, refreshMs = 30_000): SummaryState {
  const api = useApi(apiObservabilityApiRef);
  const { entity } = useEntity();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [state, setState] = useState<SummaryState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api.getSummary({ kind, namespace, name }, range).then(
        (summary) => !cancelled && setState({ status: 'loaded', summary }),
        (e: unknown) => !cancelled && setState({ status: 'error', error: asObservabilityApiError(e) }),
      );
    setState({ status: 'loading' });
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, kind, namespace, name, range, refreshMs]);
  return state;
}
