/**
 * The pages' panels as data: title, description, visualization and Prometheus targets. Every `expr` is
 * built with the telemetry contract's builders (or its recorded-series constants), the same calls the
 * persona dashboards make, so no metric name, label name or PromQL is typed in the plugin. The scenes
 * render these specs; the tests and the fixture recorder iterate them.
 */
export type Viz = 'timeseries' | 'stat' | 'table' | 'bargauge' | 'piechart' | 'geomap' | 'statetimeline' | 'logs' | 'traces';

/** Which configured datasource a panel reads (Prometheus unless said otherwise). */
export type DatasourceKind = 'prometheus' | 'loki' | 'tempo';

export interface PromTarget {
  refId: string;
  /** PromQL (Prometheus), LogQL (Loki) or TraceQL (Tempo), by the panel's datasource. */
  expr: string;
  legend?: string;
  /** Instant query (tables, stats, geomap, bar gauges); else a range query. */
  instant?: boolean;
  /** One row per series, labels as columns. */
  table?: boolean;
  /** Ask for exemplars (span-derived histograms carry trace ids). */
  exemplar?: boolean;
}

export interface PanelSpec {
  /** Stable key, unique across the app (also the fixture key prefix). */
  key: string;
  title: string;
  description: string;
  viz: Viz;
  /** Default: prometheus. */
  datasource?: DatasourceKind;
  unit?: string;
  targets: readonly PromTarget[];
  /** Grid width of 24 and height in grid rows. */
  w?: number;
  h?: number;
  /** Value → text mappings for state encodings. */
  mappings?: ReadonlyArray<{ value: number; text: string; color: string }>;
  /** Data links on a table field (drill-down). */
  fieldLinks?: ReadonlyArray<{ field: string; title: string; url: string }>;
}

const REF = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const refId = (i: number): string => REF[i]!;

/** `{{a}} {{b}}`: Grafana legend showing label values. */
export function legend(labels: readonly string[], prefix?: string): string {
  const v = labels.map((l) => `{{${l}}}`).join(' ');
  return prefix ? `${prefix} ${v}` : v;
}
