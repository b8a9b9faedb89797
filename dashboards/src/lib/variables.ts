import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PROM } from '@api-observatory/telemetry-contract';
import { ALL_VALUE, VARIABLE_QUERIES, labelValues, type VariableQuery } from '@api-observatory/telemetry-contract/grafana';
import { DS } from './spec';

/**
 * Template variables: the catalogue's variable queries (`label_values` over contract series, recorded
 * series where one has the label) as the dashboards' query variables, multi-value with "All" sent as
 * ALL_VALUE (`.*`) so that a long value list is never expanded into a huge regex.
 */

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
  tenant: () => queryVariable({ ...VARIABLE_QUERIES.tenant, title: 'Tenant', description: 'Tenant (the tenant claim of partner tokens; unknown without one) of the selected plans, from the span-derived call counter.' }),
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
