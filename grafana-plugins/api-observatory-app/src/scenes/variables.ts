import { ALL_VALUE, labelValues } from '@api-observatory/telemetry-contract/grafana';
import { QueryVariable, SceneTimeRange, TextBoxVariable, type SceneVariable } from '@grafana/scenes';
import { VariableRefresh, VariableSort } from '@grafana/schema';
import { VAR } from '../constants';
import type { PageDef } from '../pages';
import type { AppSettings } from '../settings';
import { PLUGIN_VARIABLE_QUERIES } from '../variableQueries';
import { datasources } from './panels';

export { PLUGIN_VARIABLE_QUERIES };

type Key = keyof typeof PLUGIN_VARIABLE_QUERIES;

const TITLES: Record<Key, string> = {
  gateway: 'Gateway',
  api: 'API',
  route: 'Route',
  plan: 'Plan',
  tenant: 'Tenant',
  consumer: 'Consumer',
  consumerAnyPlan: 'Consumer',
  version: 'Version',
  canaryApi: 'API',
  canaryVersion: 'Canary version',
};

export function queryVariable(key: Key, settings: AppSettings, o: { multi?: boolean } = {}): QueryVariable {
  const q = PLUGIN_VARIABLE_QUERIES[key];
  const multi = o.multi ?? true;
  return new QueryVariable({
    name: q.name,
    label: TITLES[key],
    datasource: datasources(settings).prometheus,
    query: { query: labelValues(q.selector, q.label), refId: `variable-${q.name}` },
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.alphabeticalAsc,
    isMulti: multi,
    includeAll: multi,
    defaultToAll: multi,
    ...(multi ? { allValue: ALL_VALUE } : {}),
  });
}

export function traceIdVariable(): TextBoxVariable {
  return new TextBoxVariable({ name: VAR.traceId, label: 'Trace id', value: '.+' });
}

/** A page's variables, in the registry's order. */
export function pageVariables(def: PageDef, settings: AppSettings): SceneVariable[] {
  return def.variables.map((v) => {
    const key = typeof v === 'string' ? v : v.key;
    if (key === 'traceId') {
      return traceIdVariable();
    }
    return queryVariable(key, settings, { multi: typeof v === 'string' });
  });
}

export function timeRange(from = 'now-3h'): SceneTimeRange {
  return new SceneTimeRange({ from, to: 'now' });
}
