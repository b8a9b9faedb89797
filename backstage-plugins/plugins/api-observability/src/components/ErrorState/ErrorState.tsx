import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ObservabilityApiError } from '../../api/client';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';

/** The backend's config key naming the Prometheus it queries (api-observability-backend's config.d.ts). */
export const PROMETHEUS_URL_CONFIG_KEY = 'apiObservability.prometheusUrl';

/** The distinct error states: no annotation, Prometheus unreachable, and anything else. */
export function ErrorState(props: { error: ObservabilityApiError }) {
  const { error } = props;
  switch (error.code) {
    case 'NO_ANNOTATION':
      return (
        <WarningPanel severity="info" title="No observability annotation" defaultExpanded>
          <div data-testid="obs-state-no-annotation">
            <Typography variant="body2">
              This entity has no <code>{API_NAME_ANNOTATION}</code> annotation, so there is no API telemetry to show. Add
              it (and <code>{GATEWAY_ANNOTATION}</code>: kong, apisix, or both as <code>kong,apisix</code>) to the entity's metadata.
            </Typography>
          </div>
        </WarningPanel>
      );
    case 'PROMETHEUS_UNREACHABLE':
      return (
        <WarningPanel severity="error" title="Prometheus unreachable" defaultExpanded>
          <div data-testid="obs-state-prometheus-unreachable">
            <Typography variant="body2">{error.message}</Typography>
            <Typography variant="body2" data-testid="obs-state-prometheus-config-key">
              The backend queries the Prometheus at <code>{PROMETHEUS_URL_CONFIG_KEY}</code> in its app-config: check that
              it is set to a Prometheus the backend can reach.
            </Typography>
          </div>
        </WarningPanel>
      );
    default:
      return (
        <WarningPanel severity="error" title="Observability data unavailable" defaultExpanded>
          <div data-testid="obs-state-error">
            <Typography variant="body2">
              {error.code}: {error.message}
            </Typography>
          </div>
        </WarningPanel>
      );
  }
}
