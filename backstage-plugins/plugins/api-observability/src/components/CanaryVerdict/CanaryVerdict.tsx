import Typography from '@material-ui/core/Typography';
import type { CanaryStatus } from '@api-observatory/backstage-plugin-api-observability-common';
import { formatRate } from '../../format';

/**
 * The canary judge's verdict for the API: the judge's one-line reading first (e.g. "not enough traffic
 * to judge …"), then the decision, then its reasons and notes, each once (the judge repeats a note per
 * evaluation; a reader needs it once).
 */
export function CanaryVerdict({ c }: { c: CanaryStatus }) {
  const details = [...new Set([...(c.reasons ?? []), ...(c.notes ?? [])])].filter((r) => r !== c.summary);
  return (
    <div data-testid="obs-canary">
      <Typography variant="body1">
        Canary {c.canaryVersion} ({formatRate(c.canaryRequestsPerSecond)}) vs baseline {c.baselineVersion ?? '–'}
      </Typography>
      {c.error ? (
        <Typography variant="body2" color="error">
          {c.error}
        </Typography>
      ) : (
        <>
          {c.summary && (
            <Typography variant="body1" data-testid="obs-canary-summary">
              {c.summary}
            </Typography>
          )}
          <Typography variant="h6" data-testid="obs-canary-decision">
            {c.decision} · {c.classification} · score {c.score?.toFixed(0)}
          </Typography>
          <ul>
            {details.map((r) => (
              <li key={r}>
                <Typography variant="body2">{r}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
