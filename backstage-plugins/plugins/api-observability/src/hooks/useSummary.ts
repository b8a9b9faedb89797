import { useEffect } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useInterval from 'react-use/esm/useInterval';
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
  const key = `${kind}:${namespace}/${name}@${range}`;
  // Each outcome carries what it was loaded for: a refresh keeps the shown summary (or error) until it
  // answers, another entity or range shows loading instead of the previous one's numbers.
  const [state, load] = useAsyncFn(
    () =>
      api.getSummary({ kind, namespace, name }, range).then(
        (summary): { key: string; outcome: SummaryState } => ({ key, outcome: { status: 'loaded', summary } }),
        (e: unknown): { key: string; outcome: SummaryState } => ({ key, outcome: { status: 'error', error: asObservabilityApiError(e) } }),
      ),
    [api, kind, namespace, name, range, key],
  );
  useEffect(() => {
    load();
  }, [load]);
  useInterval(load, refreshMs);
  return state.value?.key === key ? state.value.outcome : { status: 'loading' };
}
