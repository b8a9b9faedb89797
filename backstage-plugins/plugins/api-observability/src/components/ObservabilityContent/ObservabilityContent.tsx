import { useState } from 'react';
import { InfoCard, Link as RouterLink, Progress } from '@backstage/core-components';
// core-plugin-api's hook resolves the route in both frontend systems.
import { useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { SUMMARY_RANGES, type SummaryRange } from '../../api/client';
import type { Point, Summary } from '@api-observatory/backstage-plugin-api-observability-common';
import { legacyTraceRouteRef } from '../../routes';
import { CanaryVerdict } from '../CanaryVerdict';
import { ExternalLink } from '../ExternalLink';
import { formatPercent, formatRate, formatSeconds } from '../../format';
import { GatewaysTable } from '../GatewaysTable';
import { RequestsTable, type TraceLink } from '../RequestsTable';
import { WindowNote, windowText } from '../WindowNote';
import { Sparkline } from '../Sparkline';
import { ErrorState } from '../ErrorState';
import { NoDataState } from '../NoDataState';
import { useSummary } from '../../hooks/useSummary';
import { FiringAlertsTable } from '../FiringAlertsTable';
import { useFiringAlerts } from '../../hooks/useFiringAlerts';

function Kpi(props: { label: string; value: string; points: Point[]; testId: string }) {
  return (
    <Box border={1} borderColor="divider" borderRadius={4} p={1.5}>
      <Typography variant="overline" color="textSecondary">
        {props.label}
      </Typography>
      <Typography variant="h5" data-testid={props.testId}>
        {props.value}
      </Typography>
      <Sparkline points={props.points} label={`${props.label} over time`} />
    </Box>
  );
}

function Kpis({ s }: { s: Summary }) {
  const items = [
    { label: 'Requests', value: formatRate(s.current.requestsPerSecond), points: s.series.requestsPerSecond, testId: 'obs-rps' },
    { label: 'Errors (5xx)', value: formatPercent(s.current.errorRatio), points: s.series.errorRatio, testId: 'obs-error-ratio' },
    { label: 'Latency p50', value: formatSeconds(s.current.latencyP50Seconds), points: s.series.latencyP50Seconds, testId: 'obs-p50' },
    { label: 'Latency p95', value: formatSeconds(s.current.latencyP95Seconds), points: s.series.latencyP95Seconds, testId: 'obs-p95' },
    { label: 'Latency p99', value: formatSeconds(s.current.latencyP99Seconds), points: s.series.latencyP99Seconds, testId: 'obs-p99' },
  ];
  return (
    <Grid container spacing={2}>
      {items.map((k) => (
        <Grid item xs={12} sm={6} md key={k.testId}>
          <Kpi {...k} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <WindowNote s={s} />
      </Grid>
    </Grid>
  );
}

const SLO_CELL = { padding: '6px 8px', whiteSpace: 'nowrap' } as const;

function SloCard({ s }: { s: Summary }) {
  return (
    <InfoCard title="SLO and error budget">
      {/* The card is half the page wide: narrow cell padding, and headers and numbers never split mid-word. */}
      <Table size="small" data-testid="obs-slo">
        <TableHead>
          <TableRow>
            {['SLI', 'Objective', 'Error ratio', 'Burn rate', 'Budget left'].map((h) => (
              <TableCell key={h} style={SLO_CELL}>{h}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {s.slo.map((slo) => (
            <TableRow key={slo.sli}>
              <TableCell style={SLO_CELL}>{slo.sli}</TableCell>
              <TableCell style={SLO_CELL}>{formatPercent(slo.objective, 2)}</TableCell>
              <TableCell style={{ ...SLO_CELL, whiteSpace: 'normal' }}>
                {formatPercent(slo.errorRatio, 3)} <Typography variant="caption" color="textSecondary">({slo.window}, {slo.source})</Typography>
              </TableCell>
              <TableCell style={SLO_CELL}>{slo.burnRate === null ? '–' : `${slo.burnRate.toFixed(2)}×`}</TableCell>
              <TableCell style={SLO_CELL}>{formatPercent(slo.errorBudgetRemaining, 1)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="textSecondary">
        Budget left: share of the {s.slo[0]?.period ?? '30d'} error budget that would remain if the window's error ratio held for the whole period.
      </Typography>
    </InfoCard>
  );
}

function ConsumersCard({ s }: { s: Summary }) {
  return (
    <InfoCard title="Top consumers" subheader={`Requests per second over the last ${windowText(s)}, from spans`}>
      {s.topConsumers.length === 0 ? (
        <Typography variant="body2">No consumer traffic in spans over the last {windowText(s)}.</Typography>
      ) : (
        <Table size="small" data-testid="obs-consumers">
          <TableHead>
            <TableRow>
              <TableCell>Consumer</TableCell>
              <TableCell>Plan</TableCell>
              <TableCell align="right">Requests</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {s.topConsumers.map((c) => (
              <TableRow key={`${c.consumer}|${c.plan}`}>
                <TableCell>{c.consumer}</TableCell>
                <TableCell>{c.plan}</TableCell>
                <TableCell align="right">{formatRate(c.requestsPerSecond)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function GatewaysCard({ s }: { s: Summary }) {
  if (s.byGateway.length === 0) return null;
  return (
    <InfoCard title="Per gateway" subheader={`Current figures of each gateway serving the API, over the last ${windowText(s)}`}>
      <GatewaysTable rows={s.byGateway} />
    </InfoCard>
  );
}

function RequestsCard({ s }: { s: Summary }) {
  const traceHref = useRouteRef(legacyTraceRouteRef);
  const traceLink: TraceLink | undefined = traceHref
    ? (traceId, text) => (
        <RouterLink to={traceHref({ traceId })} data-testid="obs-trace-view">
          <code>{text}</code>
        </RouterLink>
      )
    : undefined;
  return (
    <InfoCard title="Recent failed or slow requests" subheader={`From exemplars of the span-derived latency histogram over the last ${s.range.key}; open a trace id to see its spans`}>
      <RequestsTable s={s} traceLink={traceLink} />
    </InfoCard>
  );
}

function CanaryCard({ s }: { s: Summary }) {
  if (!s.canary) return null;
  return (
    <InfoCard title="Canary">
      <CanaryVerdict c={s.canary} />
    </InfoCard>
  );
}

function LinksCard({ s }: { s: Summary }) {
  if (s.links.dashboards.length === 0 && !s.links.grafanaApp) return null;
  return (
    <InfoCard title="Grafana">
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} data-testid="obs-links">
        {s.links.dashboards.map((d) => (
          <ExternalLink key={d.id} href={d.url} testId={`obs-dashboard-${d.id}`}>
            {d.title}
          </ExternalLink>
        ))}
        <ExternalLink href={s.links.grafanaApp} testId="obs-grafana-app">
          API Observatory app
        </ExternalLink>
      </Box>
    </InfoCard>
  );
}

/** The Observability tab of API and Component entities. */
export function ObservabilityContent() {
  const [range, setRange] = useState<SummaryRange>('1h');
  const state = useSummary(range);
  const alerts = useFiringAlerts();
  return (
    <Grid container spacing={3} data-testid="obs-content">
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="h5">
            {state.status === 'loaded' ? `API ${state.summary.api}${state.summary.gateway ? ` on ${state.summary.gateway}` : ''}` : 'API observability'}
          </Typography>
          <ButtonGroup size="small" aria-label="time range">
            {SUMMARY_RANGES.map((r) => (
              <Button key={r} variant={r === range ? 'contained' : 'outlined'} onClick={() => setRange(r)}>
                {r}
              </Button>
            ))}
          </ButtonGroup>
        </Box>
      </Grid>
      {alerts.length > 0 && (
        <Grid item xs={12}>
          <InfoCard title={`Firing alerts (${alerts.length})`} subheader="Delivered by Alertmanager to the owners of this API">
            <FiringAlertsTable alerts={alerts} />
          </InfoCard>
        </Grid>
      )}
      {state.status === 'loading' && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {state.status === 'error' && (
        <Grid item xs={12}>
          <ErrorState error={state.error} />
        </Grid>
      )}
      {state.status === 'loaded' && state.summary.state === 'no-data' && (
        <Grid item xs={12}>
          <NoDataState api={state.summary.api} range={range} />
        </Grid>
      )}
      {state.status === 'loaded' && state.summary.state === 'ok' && (
        <>
          <Grid item xs={12}>
            <Kpis s={state.summary} />
          </Grid>
          <Grid item xs={12}>
            <GatewaysCard s={state.summary} />
          </Grid>
          <Grid item xs={12} md={6}>
            <SloCard s={state.summary} />
          </Grid>
          <Grid item xs={12} md={6}>
            <ConsumersCard s={state.summary} />
          </Grid>
          <Grid item xs={12}>
            <RequestsCard s={state.summary} />
          </Grid>
          {state.summary.canary && (
            <Grid item xs={12} md={6}>
              <CanaryCard s={state.summary} />
            </Grid>
          )}
          <Grid item xs={12} md={6}>
            <LinksCard s={state.summary} />
          </Grid>
        </>
      )}
    </Grid>
  );
}
