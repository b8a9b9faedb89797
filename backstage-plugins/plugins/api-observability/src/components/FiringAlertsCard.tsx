import { useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { FiringAlert } from '@api-observatory/backstage-plugin-api-observability-common';
import { apiObservabilityApiRef } from '../api/ref';
import { ExternalLink } from './ExternalLink';
import { safeHref } from './format';

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

/** The firing alerts table; renders nothing while no alert fires. */
export function FiringAlertsCard({ alerts }: { alerts: FiringAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <InfoCard title={`Firing alerts (${alerts.length})`} subheader="Delivered by Alertmanager to the owners of this API">
      <Table size="small" data-testid="obs-firing-alerts">
        <TableHead>
          <TableRow>
            <TableCell>Severity</TableCell>
            <TableCell>Alert</TableCell>
            <TableCell>Since</TableCell>
            <TableCell>Runbook</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {alerts.map((a) => (
            <TableRow key={a.fingerprint}>
              <TableCell>{a.severity || '—'}</TableCell>
              <TableCell title={a.description}>{a.summary || a.alertname}</TableCell>
              <TableCell>{new Date(a.startsAt).toLocaleString()}</TableCell>
              <TableCell>{safeHref(a.runbookUrl) ? <ExternalLink href={a.runbookUrl}>{a.alertname}</ExternalLink> : a.alertname}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
