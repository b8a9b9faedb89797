import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

export function NoDataState(props: { api: string; range: string }) {
  return (
    <WarningPanel severity="info" title="No data yet" defaultExpanded>
      <div data-testid="obs-state-no-data">
        <Typography variant="body2">
          Prometheus has no traffic for API <code>{props.api}</code> in the last {props.range}. Data appears once the
          gateway serves requests for it.
        </Typography>
      </div>
    </WarningPanel>
  );
}
