import Typography from '@material-ui/core/Typography';
import type { Summary } from '@api-observatory/backstage-plugin-api-observability-common';
import { formatWindow } from '../../format';

/** The one rate window of the summary's figures, as the cards state it. */
export function windowText(s: Summary): string {
  return s.range.windowSeconds ? formatWindow(s.range.windowSeconds) : s.range.window;
}

/** Says which window the figures use, and why it is shorter than the range's when the data is young. */
export function WindowNote({ s }: { s: Summary }) {
  return (
    <Typography variant="caption" color="textSecondary" component="div" data-testid="obs-window">
      Rates over {windowText(s)} windows: now, and every {formatWindow(s.range.stepSeconds)} over the last {s.range.key}.
      {s.range.dataSince !== undefined &&
        ` The data starts at ${new Date(s.range.dataSince * 1000).toLocaleTimeString()}, so the window is its age rather than the range's.`}
    </Typography>
  );
}
