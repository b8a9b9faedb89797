/**
 * The panel catalogue's types. A catalogue panel is what a panel shows, independent of where it is
 * drawn: title, description (what, unit, window, source), Grafana unit, visualization kind, queries with
 * their raw equivalents, value mappings and drill-down links. The dashboards-as-code generator (Grafana
 * Foundation SDK) and the Grafana app's Scenes pages both render these objects; each adds only layout
 * (rows, sizes) and its own visual options.
 */

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

export const isProm = (q: Query): q is PromQuery => 'expr' in q;
export const isLoki = (q: Query): q is LokiQuery => 'logql' in q;

/** The query text whatever the datasource: PromQL, LogQL or TraceQL. */
export const queryText = (q: Query): string => (isProm(q) ? q.expr : isLoki(q) ? q.logql : q.traceql);

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

export type Kind = 'timeseries' | 'stat' | 'table' | 'piechart' | 'bargauge' | 'geomap' | 'statetimeline' | 'logs' | 'traces';

/** Datasource a panel of that kind reads. */
export function datasourceOf(kind: Kind): 'prometheus' | 'loki' | 'tempo' {
  return kind === 'logs' ? 'loki' : kind === 'traces' ? 'tempo' : 'prometheus';
}

/** Value → text and colour (state encodings such as the canary decision codes). */
export interface ValueMapping {
  value: number;
  text: string;
  color: string;
}

/**
 * A data link on a table field to another persona's view, with variables set from Grafana expressions
 * (`${__data.fields.consumer}`); each surface renders it to its own URL (the persona's dashboard, or
 * its page in the Grafana app), keeping the time range.
 */
export interface FieldLink {
  field: string;
  title: string;
  persona: string;
  vars: Readonly<Record<string, string>>;
}

export interface CatalogPanel {
  kind: Kind;
  title: string;
  doc: PanelDoc;
  /** Grafana unit id (`reqps`, `percentunit`, `s`, `short`, `bytes`, `Bps`, ...). */
  unit?: string;
  queries: readonly Query[];
  /** Default width (of 24) and height in grid units; a surface may lay the panel out differently. */
  w?: number;
  h?: number;
  mappings?: readonly ValueMapping[];
  fieldLinks?: readonly FieldLink[];
}

/** One persona's panels, by key, in display order. */
export interface Catalogue<K extends string = string> {
  /** Persona id: the Grafana app's page id and the dashboards' folder. */
  id: string;
  panels: Readonly<Record<K, CatalogPanel>>;
}

export function catalogue<K extends string>(id: string, panels: Record<K, CatalogPanel>): Catalogue<K> {
  const titles = new Set<string>();
  for (const [key, p] of Object.entries<CatalogPanel>(panels)) {
    if (titles.has(p.title)) throw new Error(`${id}: duplicate panel title ${JSON.stringify(p.title)}`);
    titles.add(p.title);
    if (p.queries.length === 0) throw new Error(`${id}.${key}: a panel needs a query`);
  }
  return { id, panels };
}

/** The panels of a catalogue with their keys, in display order. */
export function catalogueEntries(c: Catalogue): Array<[string, CatalogPanel]> {
  return Object.entries(c.panels);
}
