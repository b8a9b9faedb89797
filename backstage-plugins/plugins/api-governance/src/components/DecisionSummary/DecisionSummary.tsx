import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { shortRef } from '../../model';
import { PlainText } from '../PlainText';

/** "<verb> by <user> (gate override)" and the decision's reason, as plain text. */
export function DecisionSummary(props: { verb: string; by: string; overridden?: boolean; reason?: string | null }) {
  return (
    <Box mt={1}>
      <Typography variant="body2">
        {props.verb} by <span title={props.by}>{shortRef(props.by)}</span>
        {props.overridden ? ' (gate override)' : ''}
      </Typography>
      <PlainText color="textSecondary">{props.reason}</PlainText>
    </Box>
  );
}
