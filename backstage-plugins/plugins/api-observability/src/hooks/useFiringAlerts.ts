import { useEffect, useRef } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useInterval from 'react-use/esm/useInterval';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { FiringAlert } from '@api-observatory/backstage-plugin-api-observability-common';
import { apiObservabilityApiRef } from '../api/ref';

/** Firing alerts of the current entity's API, reloaded every `refreshMs`; [] when none or the receiver is off. */
export function useFiringAlerts(refreshMs = 30_000): FiringAlert[] {
  const api = useApi(apiObservabilityApiRef);
  const { entity } = useEntity();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const last = useRef<FiringAlert[]>([]);
  const [state, load] = useAsyncFn(async () => {
    try {
      last.current = (await api.getFiringAlerts({ kind, namespace, name })).alerts;
    } catch {
      // A failure leaves the last list: the summary cards report backend errors.
    }
    return last.current;
  }, [api, kind, namespace, name]);
  useEffect(() => {
    load();
  }, [load]);
  useInterval(load, refreshMs);
  return state.value ?? last.current;
}
