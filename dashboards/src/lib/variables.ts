import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  API_ROUTE_REQUEST_RATE,
  CONSUMER_PLAN_TRAFFIC_RATE,
  GATEWAY_REQUEST_RATE,
  LABELS,
  PLAN_TRAFFIC_RATE,
  PROM,
  apiRequestRate,
  grafanaVar,
  metricSelector,
  recordedSelector,
} from '@api-observatory/telemetry-contract';
import { DS } from './spec';

/**
 * Template variables. Query variables read `label_values(<selector>, <label>)` over contract series
 * (recorded series where one has the label: far fewer series to scan), built with the contract's
 * selectors; chained variables (route after api, consumer after plan) filter with the parent variable.
 * Multi-value variables with "All" use `.*` as the all value so that a long value list is never
 * expanded into a huge regex.
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

function queryVariable(v: VariableQuery & { title: string; description: string }): dashboard.QueryVariableBuilder {
  const q = labelValues(v.selector, v.label);
  return new dashboard.QueryVariableBuilder(v.name)
    .label(v.title)
    .description(v.description)
    .datasource(DS.prometheus)
    .query(q)
    .definition(q)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(ALL_VALUE)
    .current({ text: 'All', value: '$__all' });
}

export const VARIABLE_QUERIES = {
  gateway: { name: 'gateway', selector: recordedSelector(GATEWAY_REQUEST_RATE), label: LABELS.gateway.label },
  api: { name: 'api', selector: recordedSelector(apiRequestRate('5m')), label: LABELS.api.label },
  route: { name: 'route', selector: recordedSelector(API_ROUTE_REQUEST_RATE, { [LABELS.api.label]: grafanaVar('api') }), label: LABELS.route.label },
  plan: { name: 'plan', selector: recordedSelector(PLAN_TRAFFIC_RATE), label: LABELS.plan.label },
  consumer: { name: 'consumer', selector: recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE, { [LABELS.plan.label]: grafanaVar('plan') }), label: LABELS.consumer.label },
  /** Consumer on dashboards without a plan variable. */
  consumerAnyPlan: { name: 'consumer', selector: recordedSelector(CONSUMER_PLAN_TRAFFIC_RATE), label: LABELS.consumer.label },
  tenant: { name: 'tenant', selector: metricSelector('trafficCalls', { [LABELS.plan.label]: grafanaVar('plan') }), label: LABELS.tenant.label },
  canaryApi: { name: 'api', selector: metricSelector('canaryDecision'), label: LABELS.api.label },
} as const satisfies Record<string, VariableQuery>;

export const vars = {
  prometheus: () => new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus').description('Prometheus (or compatible) datasource holding the pack’s series and recording rules.'),
  loki: () => new dashboard.DatasourceVariableBuilder('loki_datasource').label('Loki').type('loki').description('Loki datasource receiving the collector’s OTLP logs.'),
  tempo: () => new dashboard.DatasourceVariableBuilder('tempo_datasource').label('Tempo').type('tempo').description('Tempo datasource receiving the collector’s traces.'),
  gateway: () => queryVariable({ ...VARIABLE_QUERIES.gateway, title: 'Gateway', description: 'Gateway product (kong, apisix), from the recorded per-gateway request rate.' }),
  api: () => queryVariable({ ...VARIABLE_QUERIES.api, title: 'API', description: 'API (Backstage API entity name), from the recorded per-API request rate.' }),
  route: () => queryVariable({ ...VARIABLE_QUERIES.route, title: 'Route', description: 'Gateway route of the selected APIs, from the recorded per-route request rate.' }),
  plan: () => queryVariable({ ...VARIABLE_QUERIES.plan, title: 'Plan', description: 'Commercial plan, from the recorded span-derived per-plan rate.' }),
  consumer: () => queryVariable({ ...VARIABLE_QUERIES.consumer, title: 'Consumer', description: 'Consumer (calling application) of the selected plans, from the recorded consumer × plan rate.' }),
  consumerAnyPlan: () => queryVariable({ ...VARIABLE_QUERIES.consumerAnyPlan, title: 'Consumer', description: 'Consumer (calling application), from the recorded consumer × plan rate.' }),
  tenant: () => queryVariable({ ...VARIABLE_QUERIES.tenant, title: 'Tenant', description: 'Tenant (JWT azp, else sub) of the selected plans, from the span-derived call counter.' }),
  canaryApi: () => queryVariable({ ...VARIABLE_QUERIES.canaryApi, title: 'API', description: `APIs the canary gate has evaluated (${PROM.canaryDecision}).` }),
  traceId: () =>
    new dashboard.TextBoxVariableBuilder('trace_id')
      .label('Trace id')
      .description('A W3C trace id (32 hex) to show only that trace’s logs; the default .+ shows every log line that carries a trace id.')
      .defaultValue('.+'),
  backstageUrl: () =>
    new dashboard.TextBoxVariableBuilder('backstage_url')
      .label('Backstage URL')
      .description('Base URL of Backstage, for links to the API entity pages.')
      // Backstage serves app and API on one port (7007) in the sandbox and in docker-compose.
      .defaultValue('http://localhost:7007'),
};
