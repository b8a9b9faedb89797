/**
 * The pages' panels: each page's catalogue panels (`@api-observatory/telemetry-contract/grafana`),
 * in the catalogue's order and sizes, as the scenes draw them. Nothing here but the mapping to Scenes'
 * terms: titles, descriptions, units and queries are the catalogue's, the ones the persona dashboards
 * show too.
 */
import { catalogueEntries, datasourceOf, describe, isProm, queryText, type CatalogPanel, type Kind } from '@api-observatory/telemetry-contract/grafana';
import { appPageDataLink } from './lib/links';
import { PAGE_REGISTRY, type PageDef, type PageId } from './pages';

export type Viz = Kind;

/** Which configured datasource a panel reads. */
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
  /** Tempo: how many traces. */
  limit?: number;
}

export interface PanelSpec {
  /** `<page>.<catalogue key>`: unique across the app (also the fixture key prefix). */
  key: string;
  title: string;
  description: string;
  viz: Viz;
  datasource: DatasourceKind;
  unit?: string;
  targets: readonly PromTarget[];
  /** Grid width of 24 and height in grid rows. */
  w?: number;
  h?: number;
  /** Value → text mappings for state encodings. */
  mappings?: ReadonlyArray<{ value: number; text: string; color: string }>;
  /** Data links on a table field (drill-down to another page). */
  fieldLinks?: ReadonlyArray<{ field: string; title: string; url: string }>;
}

const REF = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function isPage(id: string): id is PageId {
  return id in PAGE_REGISTRY;
}

/** A catalogue panel as the app draws it. */
export function panelSpec(page: string, key: string, p: CatalogPanel): PanelSpec {
  return {
    key: `${page}.${key}`,
    title: p.title,
    description: describe(p.doc),
    viz: p.kind,
    datasource: datasourceOf(p.kind),
    ...(p.unit ? { unit: p.unit } : {}),
    targets: p.queries.map((q, i) => ({
      refId: REF[i]!,
      expr: queryText(q),
      ...(isProm(q)
        ? { ...(q.legend ? { legend: q.legend } : {}), ...(q.instant ? { instant: true } : {}), ...(q.table ? { table: true } : {}), ...(q.exemplar ? { exemplar: true } : {}) }
        : 'limit' in q && q.limit
          ? { limit: q.limit }
          : {}),
    })),
    ...(p.w ? { w: p.w } : {}),
    ...(p.h ? { h: p.h } : {}),
    ...(p.mappings ? { mappings: p.mappings } : {}),
    ...(p.fieldLinks
      ? {
          fieldLinks: p.fieldLinks.map((l) => {
            if (!isPage(l.persona)) {
              throw new Error(`${page}.${key}: link to ${l.persona}, which is not a page of the app`);
            }
            return { field: l.field, title: l.title, url: appPageDataLink(l.persona, l.vars) };
          }),
        }
      : {}),
  };
}

/**
 * Every panel of every page of the registry (the app's, unless given), by page id: what the scenes render,
 * the recorder records and the tests check.
 */
export function pagePanels<R extends Readonly<Record<string, PageDef>> = typeof PAGE_REGISTRY>(registry: R = PAGE_REGISTRY as unknown as R): Record<keyof R & string, PanelSpec[]> {
  return Object.fromEntries(Object.entries(registry).map(([id, def]) => [id, catalogueEntries(def.catalogue).map(([key, p]) => panelSpec(id, key, p))])) as Record<keyof R & string, PanelSpec[]>;
}
