import { labelValues } from '@api-observatory/dashboards';
import { PLUGIN_VARIABLE_QUERIES } from '../queries/variables';
import { QueryVariable, SceneTimeRange, TextBoxVariable } from '@grafana/scenes';
import { VariableRefresh, VariableSort } from '@grafana/schema';
import { ALL_VALUE, VAR } from '../constants';

export { PLUGIN_VARIABLE_QUERIES };
import type { AppSettings } from '../settings';
import { datasources } from './panels';

type Key = keyof typeof PLUGIN_VARIABLE_QUERIES;

const TITLES: Record<Key, string> = { api: 'API', route: 'Route', plan: 'Plan', consumer: 'Consumer', version: 'Version', canaryApi: 'API', canaryVersion: 'Canary version' };

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

export function timeRange(from = 'now-3h'): SceneTimeRange {
  return new SceneTimeRange({ from, to: 'now' });
}
