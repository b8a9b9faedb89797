import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as geomap from '@grafana/grafana-foundation-sdk/geomap';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { dashboardTemplateUrl, describe, isLoki, isProm, type CatalogPanel, type Kind, type Query, type ValueMapping } from '@api-observatory/telemetry-contract/grafana';

/**
 * The dashboards' small layer over the Foundation SDK: it renders panels of the telemetry contract's
 * panel catalogue (`@api-observatory/telemetry-contract/grafana`: title, description, unit, queries
 * with their raw equivalents, mappings, links), adding only layout and the SDK's visual options, and
 * records each query in a catalog that the tests (every target against a real Prometheus) and the
 * benchmark (shipped vs raw) iterate.
 */

/** Datasource references: every panel reads the dashboard's datasource variables. */
export const DS = {
  prometheus: { type: 'prometheus', uid: '${datasource}' },
  loki: { type: 'loki', uid: '${loki_datasource}' },
  tempo: { type: 'tempo', uid: '${tempo_datasource}' },
} as const satisfies Record<string, common.DataSourceRef>;

/** One query of one panel, as shipped, with its raw equivalent. */
export interface CatalogEntry {
  dashboard: string;
  panel: string;
  refId: string;
  datasource: 'prometheus' | 'loki' | 'tempo';
  expr: string;
  raw: string;
  recorded: boolean;
  instant: boolean;
  exemplar: boolean;
  sparse?: string;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Legends shown as a list below the graph (the SDK's default hides them). */
const listLegend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).calcs([]);

/** Single-value panels show the last non-null value of each series. */
const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

type AnyPanelBuilder =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | table.PanelBuilder
  | piechart.PanelBuilder
  | bargauge.PanelBuilder
  | geomap.PanelBuilder
  | statetimeline.PanelBuilder
  | logs.PanelBuilder;

function targetOf(q: Query, refId: string): cog.Builder<cog.Dataquery> {
  if (isProm(q)) {
    const b = new prometheus.DataqueryBuilder().refId(refId).datasource(DS.prometheus).editorMode(prometheus.QueryEditorMode.Code).expr(q.expr);
    if (q.legend) b.legendFormat(q.legend);
    if (q.instant) b.instant();
    else b.range();
    if (q.exemplar) b.exemplar(true);
    if (q.table) b.format(prometheus.PromQueryFormat.Table);
    return b;
  }
  if (isLoki(q)) {
    return new loki.DataqueryBuilder().refId(refId).datasource(DS.loki).editorMode(loki.QueryEditorMode.Code).queryType('range').expr(q.logql);
  }
  return new tempo.DataqueryBuilder()
    .refId(refId)
    .datasource(DS.tempo)
    .queryType('traceql')
    .query(q.traceql)
    .limit(q.limit ?? 20)
    .tableType(tempo.SearchTableType.Traces);
}

export interface DashboardMeta {
  uid: string;
  title: string;
  /** Persona folder: platform, product, developer or canary. */
  folder: 'platform' | 'product' | 'developer' | 'canary';
  description: string;
  tags: readonly string[];
  time: { from: string; to: string };
}

/** Collects a dashboard's panels into the SDK builder and its queries into the catalog. */
export class DashboardDoc {
  readonly builder: dashboard.DashboardBuilder;
  readonly catalog: CatalogEntry[] = [];
  private readonly titles = new Set<string>();

  constructor(readonly meta: DashboardMeta) {
    this.builder = new dashboard.DashboardBuilder(meta.title)
      .uid(meta.uid)
      .description(meta.description)
      .tags([...meta.tags])
      .editable()
      .time(meta.time)
      .timezone('browser')
      .refresh('1m')
      .tooltip(dashboard.DashboardCursorSync.Crosshair);
  }

  row(title: string): this {
    this.builder.withRow(new dashboard.RowBuilder(title));
    return this;
  }

  timeseries(panel: CatalogPanel, configure?: Configure<timeseries.PanelBuilder>): this {
    return this.add('timeseries', new timeseries.PanelBuilder().lineWidth(1).fillOpacity(10).showPoints(common.VisibilityMode.Never).legend(listLegend()), panel, configure);
  }
  stat(panel: CatalogPanel, configure?: Configure<stat.PanelBuilder>): this {
    return this.add('stat', new stat.PanelBuilder().graphMode(common.BigValueGraphMode.Area).reduceOptions(lastValue()), panel, configure);
  }
  table(panel: CatalogPanel, configure?: Configure<table.PanelBuilder>): this {
    return this.add('table', new table.PanelBuilder(), panel, configure);
  }
  piechart(panel: CatalogPanel, configure?: Configure<piechart.PanelBuilder>): this {
    return this.add('piechart', new piechart.PanelBuilder().reduceOptions(lastValue()).legend(new piechart.PieChartLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Right).values([piechart.PieChartLegendValues.Percent]).calcs([])), panel, configure);
  }
  bargauge(panel: CatalogPanel, configure?: Configure<bargauge.PanelBuilder>): this {
    return this.add('bargauge', new bargauge.PanelBuilder().reduceOptions(lastValue()), panel, configure);
  }
  geomap(panel: CatalogPanel, configure?: Configure<geomap.PanelBuilder>): this {
    return this.add('geomap', new geomap.PanelBuilder(), panel, configure);
  }
  statetimeline(panel: CatalogPanel, configure?: Configure<statetimeline.PanelBuilder>): this {
    return this.add('statetimeline', new statetimeline.PanelBuilder().showValue(common.VisibilityMode.Auto).mergeValues(true).legend(listLegend()), panel, configure);
  }
  logs(panel: CatalogPanel, configure?: Configure<logs.PanelBuilder>): this {
    return this.add('logs', new logs.PanelBuilder().showTime(true).wrapLogMessage(true).enableLogDetails(true).sortOrder(common.LogsSortOrder.Descending), panel, configure);
  }
  /** Tempo search results as a table (Tempo returns a traces table frame). */
  traces(panel: CatalogPanel, configure?: Configure<table.PanelBuilder>): this {
    return this.add('traces', new table.PanelBuilder(), panel, configure);
  }

  private add<B extends AnyPanelBuilder>(kind: Kind, b: B, spec: CatalogPanel, configure?: Configure<B>): this {
    if (spec.kind !== kind) throw new Error(`${this.meta.uid}/${spec.title}: a ${spec.kind} panel drawn as ${kind}`);
    if (this.titles.has(spec.title)) throw new Error(`${this.meta.uid}: duplicate panel title ${JSON.stringify(spec.title)}`);
    this.titles.add(spec.title);
    if (spec.queries.length === 0) throw new Error(`${this.meta.uid}/${spec.title}: a panel needs a query`);
    const ds = kind === 'logs' ? DS.loki : kind === 'traces' ? DS.tempo : DS.prometheus;
    b.title(spec.title).description(describe(spec.doc)).datasource(ds).span(spec.w ?? 12).height(spec.h ?? 8);
    if (spec.unit) b.unit(spec.unit);
    spec.queries.forEach((q, i) => {
      const refId = REF_IDS[i]!;
      b.withTarget(targetOf(q, refId));
      this.catalog.push(catalogEntry(this.meta.uid, spec.title, refId, q));
    });
    if (spec.mappings?.length) b.mappings(codeMappings(spec.mappings));
    configure?.(b);
    for (const l of spec.fieldLinks ?? []) {
      const uid = (DASHBOARD_UIDS as Record<string, string>)[l.persona];
      if (!uid) throw new Error(`${this.meta.uid}/${spec.title}: no dashboard for persona ${l.persona}`);
      b.overrideByName(l.field, [{ id: 'links', value: [{ title: l.title, url: dashboardTemplateUrl(uid, l.vars) }] }]);
    }
    this.builder.withPanel(b);
    return this;
  }
}

type Configure<B> = (b: B) => void;

function catalogEntry(dashboard: string, panel: string, refId: string, q: Query): CatalogEntry {
  if (isProm(q)) {
    return {
      dashboard,
      panel,
      refId,
      datasource: 'prometheus',
      expr: q.expr,
      raw: q.raw ?? q.expr,
      recorded: q.raw !== undefined,
      instant: q.instant === true,
      exemplar: q.exemplar === true,
      ...(q.sparse ? { sparse: q.sparse } : {}),
    };
  }
  const expr = isLoki(q) ? q.logql : q.traceql;
  return { dashboard, panel, refId, datasource: isLoki(q) ? 'loki' : 'tempo', expr, raw: expr, recorded: false, instant: false, exemplar: false };
}

/** Value mapping from codes to state names and colours (state timelines of encoded state sets). */
export function codeMappings(states: readonly ValueMapping[]): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(states.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }])),
    },
  ];
}
