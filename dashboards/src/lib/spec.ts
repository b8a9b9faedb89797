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

/**
 * The dashboards' small layer over the Foundation SDK: every panel is declared with its queries, its
 * description (what the number means, unit, window, source) and, for queries that read recorded
 * series, the raw equivalent. The layer builds the SDK panel and records each query in a catalog that
 * the tests (every target against a real Prometheus) and the benchmark (shipped vs raw) iterate.
 */

/** Datasource references: every panel reads the dashboard's datasource variables. */
export const DS = {
  prometheus: { type: 'prometheus', uid: '${datasource}' },
  loki: { type: 'loki', uid: '${loki_datasource}' },
  tempo: { type: 'tempo', uid: '${tempo_datasource}' },
} as const satisfies Record<string, common.DataSourceRef>;

export interface PromQuery {
  expr: string;
  /** Raw equivalent over the contract's raw series, when `expr` reads recorded series. */
  raw?: string;
  legend?: string;
  /** Instant query (stat, table, pie, geomap); else a range query. */
  instant?: boolean;
  /** Ask Grafana for exemplars (span-derived histogram queries: exemplars carry trace ids). */
  exemplar?: boolean;
  /** Table format (one row per series, labels as columns). */
  table?: boolean;
  /**
   * Why this query may return nothing for a narrow variable selection (e.g. a single consumer's 5xx
   * in a short window); the tests still require data with every variable at "All".
   */
  sparse?: string;
}
export interface LokiQuery {
  logql: string;
}
export interface TempoQuery {
  traceql: string;
  limit?: number;
}
export type Query = PromQuery | LokiQuery | TempoQuery;

const isProm = (q: Query): q is PromQuery => 'expr' in q;
const isLoki = (q: Query): q is LokiQuery => 'logql' in q;

export interface PanelDoc {
  /** What each number means, in one or two sentences. */
  what: string;
  unit: string;
  /** Rate / aggregation window, e.g. "5m rate (recorded series)" or "$__rate_interval". */
  window: string;
  /** Series read and where they come from. */
  source: string;
}

export function describe(d: PanelDoc): string {
  return `${d.what.trim()} Unit: ${d.unit}. Window: ${d.window}. Source: ${d.source}.`;
}

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

export type Kind = 'timeseries' | 'stat' | 'table' | 'piechart' | 'bargauge' | 'geomap' | 'statetimeline' | 'logs' | 'traces';

export interface PanelSpec<B> {
  title: string;
  doc: PanelDoc;
  /** Grafana unit id (`reqps`, `percentunit`, `s`, `short`, `bytes`, `Bps`, ...). */
  unit?: string;
  queries: readonly Query[];
  /** Width (of 24) and height in grid units. */
  w?: number;
  h?: number;
  links?: ReadonlyArray<{ title: string; url: string }>;
  /** Kind-specific options on the SDK builder. */
  configure?: (b: B) => void;
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

  timeseries(spec: PanelSpec<timeseries.PanelBuilder>): this {
    return this.add('timeseries', new timeseries.PanelBuilder().lineWidth(1).fillOpacity(10).showPoints(common.VisibilityMode.Never).legend(listLegend()), spec);
  }
  stat(spec: PanelSpec<stat.PanelBuilder>): this {
    return this.add('stat', new stat.PanelBuilder().graphMode(common.BigValueGraphMode.Area).reduceOptions(lastValue()), spec);
  }
  table(spec: PanelSpec<table.PanelBuilder>): this {
    return this.add('table', new table.PanelBuilder(), spec);
  }
  piechart(spec: PanelSpec<piechart.PanelBuilder>): this {
    return this.add('piechart', new piechart.PanelBuilder().reduceOptions(lastValue()).legend(new piechart.PieChartLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Right).values([piechart.PieChartLegendValues.Percent]).calcs([])), spec);
  }
  bargauge(spec: PanelSpec<bargauge.PanelBuilder>): this {
    return this.add('bargauge', new bargauge.PanelBuilder().reduceOptions(lastValue()), spec);
  }
  geomap(spec: PanelSpec<geomap.PanelBuilder>): this {
    return this.add('geomap', new geomap.PanelBuilder(), spec);
  }
  statetimeline(spec: PanelSpec<statetimeline.PanelBuilder>): this {
    return this.add('statetimeline', new statetimeline.PanelBuilder().showValue(common.VisibilityMode.Auto).mergeValues(true).legend(listLegend()), spec);
  }
  logs(spec: PanelSpec<logs.PanelBuilder>): this {
    return this.add('logs', new logs.PanelBuilder().showTime(true).wrapLogMessage(true).enableLogDetails(true).sortOrder(common.LogsSortOrder.Descending), spec);
  }
  /** Tempo search results as a table (Tempo returns a traces table frame). */
  traces(spec: PanelSpec<table.PanelBuilder>): this {
    return this.add('traces', new table.PanelBuilder(), spec);
  }

  private add<B extends AnyPanelBuilder>(kind: Kind, b: B, spec: PanelSpec<B>): this {
    if (this.titles.has(spec.title)) throw new Error(`${this.meta.uid}: duplicate panel title ${JSON.stringify(spec.title)}`);
    this.titles.add(spec.title);
    if (spec.queries.length === 0) throw new Error(`${this.meta.uid}/${spec.title}: a panel needs a query`);
    const ds = kind === 'logs' ? DS.loki : kind === 'traces' ? DS.tempo : DS.prometheus;
    b.title(spec.title).description(describe(spec.doc)).datasource(ds).span(spec.w ?? 12).height(spec.h ?? 8);
    if (spec.unit) b.unit(spec.unit);
    if (spec.links?.length) b.links(spec.links.map((l) => new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url)));
    spec.queries.forEach((q, i) => {
      const refId = REF_IDS[i]!;
      b.withTarget(targetOf(q, refId));
      this.catalog.push(
        isProm(q)
          ? {
              dashboard: this.meta.uid,
              panel: spec.title,
              refId,
              datasource: 'prometheus',
              expr: q.expr,
              raw: q.raw ?? q.expr,
              recorded: q.raw !== undefined,
              instant: q.instant === true,
              exemplar: q.exemplar === true,
              ...(q.sparse ? { sparse: q.sparse } : {}),
            }
          : isLoki(q)
            ? { dashboard: this.meta.uid, panel: spec.title, refId, datasource: 'loki', expr: q.logql, raw: q.logql, recorded: false, instant: false, exemplar: false }
            : { dashboard: this.meta.uid, panel: spec.title, refId, datasource: 'tempo', expr: q.traceql, raw: q.traceql, recorded: false, instant: false, exemplar: false },
      );
    });
    spec.configure?.(b);
    this.builder.withPanel(b);
    return this;
  }
}

/** Value mapping from codes to state names and colours (state timelines of encoded state sets). */
export function codeMappings(states: ReadonlyArray<{ code: number; text: string; color: string }>): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(states.map((s, index) => [String(s.code), { text: s.text, color: s.color, index }])),
    },
  ];
}
