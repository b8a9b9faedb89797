import {
  API_ROUTE_REQUEST_RATE,
  CONSUMER_PLAN_TRAFFIC_RATE,
  GATEWAY_REQUEST_RATE,
  LABELS,
  PLAN_TRAFFIC_RATE,
  apiRequestRate,
  grafanaVar,
  metricSelector,
  recordedSelector,
} from '../index';

/**
 * Grafana template variables the catalogue's queries refer to (`$api`, `$route`, ...). Query variables
 * read `label_values(<selector>, <label>)` over contract series (recorded series where one has the
 * label: far fewer series to scan); chained variables (route after api, consumer after plan) filter
 * with the parent variable. Multi-value variables with "All" send ALL_VALUE, so that a long value list
 * is never expanded into a huge regex.
 */
export interface VariableQuery {
  name: string;
  /** Series selector given to label_values (Grafana variables inside are interpolated first). */
  selector: string;
  label: string;
}

export const ALL_VALUE = '.*';

/** `label_values(<selector>, <label>)`, Grafana's Prometheus variable query. */
export function labelValues(selector: string, label: string): string {
  return `label_values(${selector}, ${label})`;
}

export const VARIABLE_QUERIES = {
  gateway: { name: 'gateway', selector: recordedSelector(GATEWAY_REQUEST_RATE), label: LABELS.gateway.label },
  api: { name: 'api', selector: recordedSelector(apiRequestRate('5m')), label: LABELS.api.label },
  route: { name: 'route', selector: recordedSelector(API_ROUTE_REQUEST_RATE, { [LABELS.api.label]: grafanaVar('api') }), label: LABELS.route.label },
  plan: { name: 'plan', selector: recordedSelector(PLAN_TRAFFIC_RATE), label: LABELS.plan.label },
  consumer: { name: 'consumer', selector: recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, { [LABELS.plan.label]: grafanaVar('plan') }), label: LABELS.consumer.label },
  /** Consumer on views without a plan variable. */
  consumerAnyPlan: { name: 'consumer', selector: recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE), label: LABELS.consumer.label },
  tenant: { name: 'tenant', selector: metricSelector('trafficCalls', { [LABELS.plan.label]: grafanaVar('plan') }), label: LABELS.tenant.label },
  canaryApi: { name: 'api', selector: metricSelector('canaryDecision'), label: LABELS.api.label },
} as const satisfies Record<string, VariableQuery>;

/** Names of the textbox variables the catalogue's queries use. */
export const TEXT_VARIABLES = { traceId: 'trace_id', backstageUrl: 'backstage_url' } as const;
