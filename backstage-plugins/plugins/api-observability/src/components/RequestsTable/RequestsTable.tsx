import type { ReactNode } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Summary } from '@api-observatory/backstage-plugin-api-observability-common';
import { ExternalLink } from '../ExternalLink';
import { formatSeconds } from '../../format';

/** The in-app link to the trace view (Backstage's router Link in the app; a plain anchor in tests). */
export type TraceLink = (traceId: string, text: string) => ReactNode;

export function RequestsTable({ s, traceLink }: { s: Summary; traceLink: TraceLink | undefined }) {
  return (
    <>
      {s.recentRequests.length === 0 ? (
        <Typography variant="body2">No failed or slow requests with a trace in this range.</Typography>
      ) : (
        <Table size="small" data-testid="obs-requests">
          <TableHead>
            <TableRow>
              <TableCell>Time</TableCell>
              <TableCell>Route</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Why</TableCell>
              <TableCell>Trace</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {s.recentRequests.map((r) => (
              <TableRow key={r.traceId} data-testid="obs-request-row" data-trace-id={r.traceId}>
                <TableCell>{new Date(r.time).toLocaleTimeString()}</TableCell>
                <TableCell>{r.route}</TableCell>
                <TableCell>{r.status}</TableCell>
                <TableCell>{formatSeconds(r.durationSeconds)}</TableCell>
                <TableCell>{r.reason}</TableCell>
                <TableCell>
                  {traceLink ? traceLink(r.traceId, `${r.traceId.slice(0, 12)}…`) : <code>{r.traceId.slice(0, 12)}…</code>}{' '}
                  <ExternalLink href={r.grafanaUrl} testId="obs-trace-grafana">
                    Grafana
                  </ExternalLink>{' '}
                  <ExternalLink href={r.jaegerUrl} testId="obs-trace-jaeger">
                    Jaeger
                  </ExternalLink>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
