import Chip from '@material-ui/core/Chip';
import type { PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import { stateLabel } from '../../model';

const STATE_COLOR: Partial<Record<PromotionState, 'primary' | 'secondary'>> = {
  requested: 'primary',
  approved: 'primary',
  promoted: 'secondary',
};

/** The state as a chip; in a narrow column its label is cut with an ellipsis, the whole label is the tooltip. */
export function StateChip(props: { state: string }) {
  const label = stateLabel(props.state);
  return <Chip size="small" label={label} title={label} style={{ maxWidth: '100%' }} color={STATE_COLOR[props.state as PromotionState] ?? 'default'} data-state={props.state} />;
}
