import { LABELS, metricSelector, grafanaVar, eq } from '@api-observatory/telemetry-contract';
import { VARIABLE_QUERIES, type VariableQuery } from '@api-observatory/dashboards';
import { VAR } from '../constants';

/**
 * The pages' variables. Their `label_values` selectors are the dashboards' (VARIABLE_QUERIES, built
 * from the contract's recorded series), plus `version` (the deployed api_version of the selected APIs)
 * and the Canary page's single-valued api / version of APIs with canary traffic.
 */
export const PLUGIN_VARIABLE_QUERIES = {
  api: VARIABLE_QUERIES.api,
  route: VARIABLE_QUERIES.route,
  plan: VARIABLE_QUERIES.plan,
  consumer: VARIABLE_QUERIES.consumer,
  version: { name: VAR.version, selector: metricSelector('requests', { [LABELS.api.label]: grafanaVar(VAR.api) }), label: LABELS.apiVersion.label },
  canaryApi: { name: VAR.api, selector: metricSelector('requests', { [LABELS.deploymentRole.label]: eq('canary') }), label: LABELS.api.label },
  canaryVersion: {
    name: VAR.version,
    selector: metricSelector('requests', { [LABELS.api.label]: grafanaVar(VAR.api), [LABELS.deploymentRole.label]: eq('canary') }),
    label: LABELS.apiVersion.label,
  },
} as const satisfies Record<string, VariableQuery>;

