import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { FiringAlert } from '@api-observatory/backstage-plugin-api-observability-common';
import { ExternalLink } from '../ExternalLink';
import { safeHref } from '../../format';

/** The firing alerts, one row each; renders nothing while no alert fires. */
export function FiringAlertsTable({ alerts }: { alerts: FiringAlert[] }) {
  if (alerts.length === 0) return null;
  return (
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
  );
}
