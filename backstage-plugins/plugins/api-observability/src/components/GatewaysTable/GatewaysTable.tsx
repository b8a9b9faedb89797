import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { GatewayBreakdown } from '@api-observatory/backstage-plugin-api-observability-common';
import { formatPercent, formatRate, formatSeconds } from '../../format';

/** The API's current figures per gateway, as the backend computed them (one row per gateway, in its order). */
export function GatewaysTable({ rows }: { rows: readonly GatewayBreakdown[] }) {
  if (rows.length === 0) return null;
  return (
    <Table size="small" data-testid="obs-gateways">
      <TableHead>
        <TableRow>
          <TableCell>Gateway</TableCell>
          <TableCell>Requests</TableCell>
          <TableCell>Errors (5xx)</TableCell>
          <TableCell>Latency p95</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((g) => (
          <TableRow key={g.gateway} data-testid="obs-gateway-row">
            <TableCell>{g.gateway}</TableCell>
            <TableCell>{formatRate(g.requestsPerSecond)}</TableCell>
            <TableCell>{formatPercent(g.errorRatio)}</TableCell>
            <TableCell>{formatSeconds(g.latencyP95Seconds)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
