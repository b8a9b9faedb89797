/**
 * Test doubles for Grafana's runtime, the way grafana/metrics-drilldown's tests do it: a DataSourceSrv
 * with the configured datasources (setDataSourceSrv) and a runRequest (setRunRequest) that answers
 * each query with its recorded Prometheus response turned into frames, or with no data, or an error.
 * Panels render through a minimal panel plugin (Grafana's own visualizations live in Grafana core).
 */
import React from 'react';
import { of } from 'rxjs';
import {
  DataSourceApi,
  LoadingState,
  PanelPlugin,
  PluginType,
  dateTime,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type PanelData,
  type PanelProps,
} from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { setDataSourceSrv, setPluginImportUtils, setRunRequest, type DataSourceSrv } from '@grafana/runtime';
import { labelValues } from '@api-observatory/telemetry-contract/grafana';
import { PLUGIN_VARIABLE_QUERIES } from '../variableQueries';
import { canaryFixture, fixture, recorded } from './fixtures';
import { promFrames } from './frames';

export type Mode = 'fixtures' | 'empty' | 'error';
let mode: Mode = 'fixtures';
export const setMode = (m: Mode) => (mode = m);
export const requests: DataQueryRequest[] = [];

export const DATASOURCE_ERROR = 'bad_data: invalid parameter "query": 1:1: parse error (recorded shape of a Prometheus refusal)';

type PromTarget = DataQuery & { expr?: string; instant?: boolean; legendFormat?: string; format?: string };

function framesFor(t: PromTarget) {
  const expr = t.expr ?? '';
  const rec = recorded(expr, t.instant === true);
  if (rec) {
    return promFrames(rec.response, { refId: t.refId, legend: t.legendFormat, table: t.format === 'table' });
  }
  for (const c of canaryFixture.canaries) {
    if (c.discover.expr === expr) {
      return promFrames(c.discover.response, { refId: t.refId });
    }
    if (c.samples[expr]) {
      return promFrames(c.samples[expr]!, { refId: t.refId });
    }
  }
  return [];
}

function answer(request: DataQueryRequest): PanelData {
  requests.push(request);
  const timeRange = request.range ?? { from: dateTime(), to: dateTime(), raw: { from: 'now-1h', to: 'now' } };
  if (mode === 'error') {
    return { state: LoadingState.Error, series: [], errors: [{ message: DATASOURCE_ERROR, refId: request.targets[0]?.refId }], timeRange };
  }
  if (mode === 'empty') {
    return { state: LoadingState.Done, series: [], timeRange };
  }
  return { state: LoadingState.Done, series: request.targets.flatMap((t) => framesFor(t as PromTarget)), timeRange };
}

const variableValues = new Map<string, string[]>(
  Object.entries(PLUGIN_VARIABLE_QUERIES).map(([key, q]) => [labelValues(q.selector, q.label), fixture.variables[key]?.response.data ?? []]),
);

export class FixtureDataSource extends DataSourceApi<DataQuery> {
  constructor(settings: DataSourceInstanceSettings) {
    super(settings);
  }
  query(request: DataQueryRequest) {
    return of({ data: answer(request).series });
  }
  async metricFindQuery(query: string | { query: string }): Promise<MetricFindValue[]> {
    if (mode !== 'fixtures') {
      return [];
    }
    const q = typeof query === 'string' ? query : query.query;
    return (variableValues.get(q) ?? []).map((text) => ({ text, value: text }));
  }
  async testDatasource() {
    return { status: 'success', message: 'ok' };
  }
}

function settingsOf(uid: string, type: string): DataSourceInstanceSettings {
  return {
    uid,
    name: uid,
    type,
    access: 'proxy',
    readOnly: true,
    jsonData: {},
    meta: { id: type, name: type, type: PluginType.datasource, module: '', baseUrl: '', info: { author: { name: '' }, description: '', links: [], logos: { large: '', small: '' }, screenshots: [], updated: '', version: '' } },
  } as DataSourceInstanceSettings;
}

const instances = new Map<string, FixtureDataSource>();
const ds = (uid: string, type: string) => {
  if (!instances.has(uid)) {
    instances.set(uid, new FixtureDataSource(settingsOf(uid, type)));
  }
  return instances.get(uid)!;
};
const TYPES: Record<string, string> = { prometheus: 'prometheus', loki: 'loki', tempo: 'tempo' };

export const dataSourceSrv = {
  get: async (ref?: { uid?: string } | string | null) => {
    const uid = (typeof ref === 'string' ? ref : ref?.uid) ?? 'prometheus';
    return ds(uid, TYPES[uid] ?? 'prometheus');
  },
  getInstanceSettings: (ref?: { uid?: string } | string | null) => {
    const uid = (typeof ref === 'string' ? ref : ref?.uid) ?? 'prometheus';
    return settingsOf(uid, TYPES[uid] ?? 'prometheus');
  },
  getList: () => Object.keys(TYPES).map((uid) => settingsOf(uid, TYPES[uid]!)),
  reload: async () => {},
  registerRuntimeDataSource: () => {},
} as unknown as DataSourceSrv;

/** A panel plugin that shows what it received: its title, the number of frames and rows, or "No data". */
function FixturePanel({ data, title }: PanelProps) {
  const rows = data.series.reduce((n, f) => n + f.length, 0);
  return <div data-testid={`panel-body ${title}`}>{data.series.length === 0 ? 'No data' : `${data.series.length} frames, ${rows} rows`}</div>;
}
const panelPlugins = new Map<string, PanelPlugin>();
function panelPlugin(id: string): PanelPlugin {
  if (!panelPlugins.has(id)) {
    const p = new PanelPlugin(FixturePanel);
    p.meta = { id, name: id, type: PluginType.panel, module: '', baseUrl: '', sort: 0, info: { author: { name: '' }, description: '', links: [], logos: { large: '', small: '' }, screenshots: [], updated: '', version: '' } } as never;
    panelPlugins.set(id, p);
  }
  return panelPlugins.get(id)!;
}

let installed = false;
/** Installs the doubles once per test file (setRunRequest may only be called once). */
export function installGrafanaMocks() {
  if (installed) {
    return;
  }
  installed = true;
  setDataSourceSrv(dataSourceSrv);
  setRunRequest((_ds, request) => of(answer(request)));
  setPluginImportUtils({ importPanelPlugin: async (id: string) => panelPlugin(id), getPanelPluginFromCache: (id: string) => panelPlugin(id) } as never);
}
