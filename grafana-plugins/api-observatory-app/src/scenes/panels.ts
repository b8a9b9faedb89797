import { FieldColorModeId, MappingType, type ValueMapping } from '@grafana/data';
import {
  PanelBuilders,
  SceneFlexItem,
  SceneFlexLayout,
  SceneQueryRunner,
  type SceneDataQuery,
  type SceneObject,
  type VizPanel,
} from '@grafana/scenes';
import type { AppSettings } from '../settings';
import type { PanelSpec, PromTarget } from '../panels';

export interface DatasourceRef {
  type: string;
  uid: string;
}

export function datasources(settings: AppSettings): Record<'prometheus' | 'loki' | 'tempo', DatasourceRef> {
  return {
    prometheus: { type: 'prometheus', uid: settings.prometheusUid },
    loki: { type: 'loki', uid: settings.lokiUid },
    tempo: { type: 'tempo', uid: settings.tempoUid },
  };
}

function query(spec: PanelSpec, t: PromTarget, ds: DatasourceRef): SceneDataQuery {
  if (spec.datasource === 'loki') {
    return { refId: t.refId, datasource: ds, expr: t.expr, queryType: 'range' };
  }
  if (spec.datasource === 'tempo') {
    return { refId: t.refId, datasource: ds, queryType: 'traceql', query: t.expr, limit: t.limit ?? 20, tableType: 'traces' };
  }
  return {
    refId: t.refId,
    datasource: ds,
    expr: t.expr,
    ...(t.legend ? { legendFormat: t.legend } : {}),
    instant: t.instant === true,
    range: t.instant !== true,
    format: t.table ? 'table' : 'time_series',
    ...(t.exemplar ? { exemplar: true } : {}),
    editorMode: 'code',
  };
}

/** The query runner of a panel spec, against the configured datasource. */
export function queryRunner(spec: PanelSpec, settings: AppSettings): SceneQueryRunner {
  const ds = datasources(settings)[spec.datasource];
  return new SceneQueryRunner({ key: `${spec.key}.data`, datasource: ds, queries: spec.targets.map((t) => query(spec, t, ds)), maxDataPoints: 500 });
}

function valueMappings(spec: PanelSpec): ValueMapping[] {
  if (!spec.mappings?.length) {
    return [];
  }
  return [
    {
      type: MappingType.ValueToText,
      options: Object.fromEntries(spec.mappings.map((m, index) => [String(m.value), { text: m.text, color: m.color, index }])),
    },
  ];
}

/** A VizPanel for a panel spec, with its own query runner. */
export function vizPanel(spec: PanelSpec, settings: AppSettings): VizPanel {
  const data = queryRunner(spec, settings);
  const common = <B extends { setTitle(t: string): B; setDescription(d: string): B; setData(d: SceneQueryRunner): B; setUnit(u: string | undefined): B }>(b: B): B =>
    b.setTitle(spec.title).setDescription(spec.description).setData(data).setUnit(spec.unit);
  const mappings = valueMappings(spec);
  switch (spec.viz) {
    case 'stat': {
      return common(PanelBuilders.stat()).build();
    }
    case 'bargauge': {
      return common(PanelBuilders.bargauge()).setOption('displayMode', 'lcd' as never).build();
    }
    case 'piechart':
      return common(PanelBuilders.piechart()).build();
    case 'table': {
      const b = common(PanelBuilders.table());
      if (mappings.length) {
        b.setMappings(mappings);
      }
      if (spec.fieldLinks?.length) {
        b.setOverrides((o: { matchFieldsWithName(n: string): { overrideLinks(l: Array<{ title: string; url: string }>): unknown } }) => {
          for (const l of spec.fieldLinks!) {
            o.matchFieldsWithName(l.field).overrideLinks([{ title: l.title, url: l.url }]);
          }
        });
      }
      return b.build();
    }
    case 'geomap': {
      const b = common(PanelBuilders.geomap())
        .setOption('view', { id: 'zero', lat: 20, lon: 0, zoom: 1 } as never)
        .setOption('layers', [
          {
            type: 'markers',
            name: 'Requests by country',
            location: { mode: 'lookup', lookup: 'country', gazetteer: 'public/gazetteer/countries.json' },
            config: { showLegend: true, style: { size: { field: 'Value', fixed: 5, min: 4, max: 30 }, color: { field: 'Value', fixed: 'dark-green' }, opacity: 0.6 } },
            tooltip: true,
          },
        ] as never);
      return b.build();
    }
    case 'statetimeline': {
      const b = common(PanelBuilders.statetimeline()).setColor({ mode: FieldColorModeId.Thresholds });
      if (mappings.length) {
        b.setMappings(mappings);
      }
      return b.build();
    }
    case 'logs':
      return common(PanelBuilders.logs()).setOption('showTime', true).setOption('wrapLogMessage', true).build();
    case 'traces':
      return common(PanelBuilders.table()).build();
    case 'timeseries':
    default:
      return common(PanelBuilders.timeseries()).build();
  }
}

/** Lays panels out in rows of 24 columns (a panel's `w`, default 12), each row `h` grid units high. */
export function panelRows(specs: readonly PanelSpec[], settings: AppSettings, extra: Record<string, SceneObject> = {}): SceneFlexLayout {
  const rows: SceneFlexLayout[] = [];
  let row: SceneFlexItem[] = [];
  let used = 0;
  const flush = () => {
    if (row.length) {
      rows.push(new SceneFlexLayout({ direction: 'row', children: row }));
    }
    row = [];
    used = 0;
  };
  for (const spec of specs) {
    const w = spec.w ?? 12;
    if (used + w > 24) {
      flush();
    }
    const body = extra[spec.key] ?? vizPanel(spec, settings);
    row.push(new SceneFlexItem({ key: spec.key, minHeight: (spec.h ?? 8) * 30, width: `${(w / 24) * 100}%`, body }));
    used += w;
  }
  flush();
  return new SceneFlexLayout({ direction: 'column', children: rows.map((r) => new SceneFlexItem({ body: r })) });
}
