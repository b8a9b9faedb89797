import { InfoCard, Progress } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { formatPercent, formatRate, formatSeconds } from '../../format';
import { WindowNote } from '../WindowNote';
import { Sparkline } from '../Sparkline';
import { ErrorState } from '../ErrorState';
import { NoDataState } from '../NoDataState';
import { useSummary } from '../../hooks/useSummary';

/** Overview card: the last hour at a glance; the Observability tab has the details. */
export function ObservabilityCard() {
  const state = useSummary('1h', 60_000);
  return (
    <InfoCard title="Observability (last hour)">
      {state.status === 'loading' && <Progress />}
      {state.status === 'error' && <ErrorState error={state.error} />}
      {state.status === 'loaded' && state.summary.state === 'no-data' && <NoDataState api={state.summary.api} range="1h" />}
      {state.status === 'loaded' && state.summary.state === 'ok' && (
        <Grid container spacing={2} data-testid="obs-card">
          {[
            ['Requests', formatRate(state.summary.current.requestsPerSecond)],
            ['Errors', formatPercent(state.summary.current.errorRatio)],
            ['p95', formatSeconds(state.summary.current.latencyP95Seconds)],
            ['Budget left', formatPercent(state.summary.slo.find((s) => s.sli === 'availability')?.errorBudgetRemaining, 1)],
          ].map(([label, value]) => (
            <Grid item xs={6} key={label}>
              <Typography variant="overline" color="textSecondary">
                {label}
              </Typography>
              <Typography variant="h6">{value}</Typography>
            </Grid>
          ))}
          <Grid item xs={12}>
            <Sparkline points={state.summary.series.requestsPerSecond} width={300} label="Requests over time" />
            <WindowNote s={state.summary} />
          </Grid>
          {state.summary.canary && (
            <Grid item xs={12}>
              <Typography variant="body2">
                Canary {state.summary.canary.canaryVersion}: {state.summary.canary.decision ?? state.summary.canary.error ?? 'evaluating'}
              </Typography>
            </Grid>
          )}
        </Grid>
      )}
    </InfoCard>
  );
}
