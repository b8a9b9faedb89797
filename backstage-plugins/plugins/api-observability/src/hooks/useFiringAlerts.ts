import { useEffect, useState } from 'react';
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
  const [alerts, setAlerts] = useState<FiringAlert[]>([]);
  useEffect(() => {
    let cancelled = false;
    // A failure leaves the last list: the summary cards report backend errors.
    const load = () => api.getFiringAlerts({ kind, namespace, name }).then((r) => !cancelled && setAlerts(r.alerts), () => undefined);
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, kind, namespace, name, refreshMs]);
  return alerts;
}
