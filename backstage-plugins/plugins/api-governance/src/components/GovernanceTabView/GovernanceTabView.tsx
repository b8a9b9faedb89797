import { useCallback, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import { GovernanceCardView, type GovernanceCardViewProps } from '../GovernanceCardView';
import { HistoryTimeline } from '../HistoryTimelineView';

/** The card's props; the tab listens to the card's changes itself. */
export type GovernanceTabViewProps = Omit<GovernanceCardViewProps, 'onChanged'>;

/**
 * The "Governance" tab of an API: the promotion card and the history (audit trail and recorded events).
 * Every write made from the card (request, decision, override, cancel, promote, rollback; a conflict's
 * reload too) loads the history again, so both halves of the page show the same state.
 */
export function GovernanceTabView(props: GovernanceTabViewProps) {
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((r) => r + 1), []);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} lg={4}>
        <GovernanceCardView {...props} onChanged={changed} />
      </Grid>
      <Grid item xs={12} lg={8}>
        <Paper>
          <Box p={2}>
            <HistoryTimeline api={props.api} entityRef={props.entityRef} revision={revision} />
          </Box>
        </Paper>
      </Grid>
    </Grid>
  );
}
