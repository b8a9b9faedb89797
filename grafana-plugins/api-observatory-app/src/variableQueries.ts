import { LABELS, eq, grafanaVar, metricSelector } from '@api-observatory/telemetry-contract';
import { VARIABLE_QUERIES, type VariableQuery } from '@api-observatory/telemetry-contract/grafana';
import { VAR } from './constants';
import type { VariableKey } from './pages';

/**
 * The pages' query variables. Their `label_values` selectors are the catalogue's (VARIABLE_QUERIES,
 * which the dashboards use too), plus `version` (the deployed api_version of the selected APIs) and the
 * Canary page's single-valued api / version of APIs with canary traffic.
 */
export const PLUGIN_VARIABLE_QUERIES = {
  gateway: VARIABLE_QUERIES.gateway,
  api: VARIABLE_QUERIES.api,
  route: VARIABLE_QUERIES.route,
  plan: VARIABLE_QUERIES.plan,
  tenant: VARIABLE_QUERIES.tenant,
  consumer: VARIABLE_QUERIES.consumer,
  consumerAnyPlan: VARIABLE_QUERIES.consumerAnyPlan,
  version: { name: VAR.version, selector: metricSelector('requests', { [LABELS.api.label]: grafanaVar(VAR.api) }), label: LABELS.apiVersion.label },
  canaryApi: { name: VAR.api, selector: metricSelector('requests', { [LABELS.deploymentRole.label]: eq('canary') }), label: LABELS.api.label },
  canaryVersion: {
    name: VAR.version,
    selector: metricSelector('requests', { [LABELS.api.label]: grafanaVar(VAR.api), [LABELS.deploymentRole.label]: eq('canary') }),
    label: LABELS.apiVersion.label,
  },
} as const satisfies Record<Exclude<VariableKey, 'traceId'>, VariableQuery>;

