/**
 * Link builders: the one place that knows the URL shapes of Grafana, Jaeger and Backstage.
 * Inputs are validated; every path segment and query value is encoded.
 */

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Normalizes a W3C trace id (32 lower-case hex, not all zero); throws on anything else. */
export function traceId(id: string): string {
  const t = id.trim().toLowerCase();
  if (!TRACE_ID.test(t) || /^0+$/.test(t)) throw new RangeError(`not a W3C trace id: ${JSON.stringify(id)}`);
  return t;
}

const STORED_TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/**
 * Normalizes the id of a trace to look up in a trace store: 16 (64-bit, older Jaeger clients) or 32
 * lower-case hex, not all zero; throws on anything else, before any request is built.
 */
export function storedTraceId(id: string): string {
  const t = id.trim().toLowerCase();
  if (!STORED_TRACE_ID.test(t) || /^0+$/.test(t)) throw new RangeError(`not a trace id (16 or 32 hex digits): ${JSON.stringify(id)}`);
  return t;
}

function baseUrl(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`${what} is not an absolute URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`${what} must be http(s): ${JSON.stringify(url)}`);
  if (u.search || u.hash) throw new RangeError(`${what} must not carry a query or fragment: ${JSON.stringify(url)}`);
  return u.href.replace(/\/+$/, '');
}

export interface TimeRange {
  from: string;
  to: string;
}
const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

/** Grafana Explore showing one trace from a Tempo datasource. */
export function grafanaTraceLink(o: { grafanaUrl: string; tempoUid: string; traceId: string; orgId?: number; range?: TimeRange }): string {
  const id = traceId(o.traceId);
  const datasource = { type: 'tempo', uid: o.tempoUid };
  const panes = {
    trace: {
      datasource: o.tempoUid,
      queries: [{ refId: 'A', datasource, queryType: 'traceql', query: id }],
      range: o.range ?? DEFAULT_RANGE,
    },
  };
  const q = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify(panes), orgId: String(o.orgId ?? 1) });
  return `${baseUrl(o.grafanaUrl, 'grafanaUrl')}/explore?${q}`;
}

/**
 * Uids of the pack's Grafana dashboards: the dashboards set them, and Backstage and the Grafana app link
 * to them, so all read them here.
 */
export const DASHBOARD_UIDS = {
  platform: 'apiobs-platform',
  product: 'apiobs-product',
  developer: 'apiobs-developer',
  canary: 'apiobs-canary',
} as const;

/** A Grafana dashboard with template variables (`var-<name>`, repeated for multiple values) and time range. */
export function grafanaDashboardLink(o: {
  grafanaUrl: string;
  uid: string;
  slug?: string;
  vars?: Readonly<Record<string, string | readonly string[]>>;
  range?: TimeRange;
  orgId?: number;
}): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(o.uid)) throw new RangeError(`not a Grafana dashboard uid: ${JSON.stringify(o.uid)}`);
  const q = new URLSearchParams({ orgId: String(o.orgId ?? 1) });
  for (const [name, value] of Object.entries(o.vars ?? {})) {
    for (const v of typeof value === 'string' ? [value] : value) q.append(`var-${name}`, v);
  }
  const r = o.range ?? DEFAULT_RANGE;
  q.set('from', r.from);
  q.set('to', r.to);
  const slug = o.slug ? `/${encodeURIComponent(o.slug)}` : '';
  return `${baseUrl(o.grafanaUrl, 'grafanaUrl')}/d/${o.uid}${slug}?${q}`;
}

/** A page of a Grafana app plugin (`/a/<pluginId>/<page>`) with URL-synced variables. */
export function grafanaAppLink(o: {
  grafanaUrl: string;
  pluginId: string;
  page: string;
  vars?: Readonly<Record<string, string>>;
  range?: TimeRange;
}): string {
  if (!/^[a-z0-9-]+$/.test(o.pluginId)) throw new RangeError(`not a plugin id: ${JSON.stringify(o.pluginId)}`);
  const q = new URLSearchParams();
  for (const [name, v] of Object.entries(o.vars ?? {})) q.set(`var-${name}`, v);
  const r = o.range ?? DEFAULT_RANGE;
  q.set('from', r.from);
  q.set('to', r.to);
  const page = o.page.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl(o.grafanaUrl, 'grafanaUrl')}/a/${o.pluginId}/${page}?${q}`;
}

/** Jaeger UI page of a trace. */
export function jaegerTraceLink(o: { jaegerUrl: string; traceId: string }): string {
  return `${baseUrl(o.jaegerUrl, 'jaegerUrl')}/trace/${traceId(o.traceId)}`;
}

/** Jaeger query API for a trace (`GET /api/traces/{id}`: `{ data: [{ traceID, spans, processes }] }`). */
export function jaegerTraceApi(o: { jaegerUrl: string; traceId: string }): string {
  return `${baseUrl(o.jaegerUrl, 'jaegerUrl')}/api/traces/${storedTraceId(o.traceId)}`;
}

/** Tempo query API for a trace (`GET /api/traces/{id}`: OTLP JSON `{ batches: [ResourceSpans] }`). */
export function tempoTraceApi(o: { tempoUrl: string; traceId: string }): string {
  return `${baseUrl(o.tempoUrl, 'tempoUrl')}/api/traces/${storedTraceId(o.traceId)}`;
}

/** A Backstage catalog entity page, from its parts or an entity ref `kind:namespace/name`. */
export function backstageEntityLink(o: { backstageUrl: string; kind: string; namespace?: string; name: string }): string {
  for (const [k, v] of [['kind', o.kind], ['name', o.name]] as const) {
    if (!v) throw new RangeError(`backstage entity ${k} is empty`);
  }
  const seg = [o.namespace || 'default', o.kind.toLowerCase(), o.name].map(encodeURIComponent).join('/');
  return `${baseUrl(o.backstageUrl, 'backstageUrl')}/catalog/${seg}`;
}

const ENTITY_REF = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/;
/** Parses `kind:namespace/name` (kind and namespace optional). */
export function parseEntityRef(ref: string, defaults: { kind?: string; namespace?: string } = {}): { kind: string; namespace: string; name: string } {
  const m = ENTITY_REF.exec(ref);
  const kind = m?.[1] ?? defaults.kind;
  if (!m || !kind) throw new RangeError(`not an entity ref: ${JSON.stringify(ref)}`);
  return { kind, namespace: m[2] ?? defaults.namespace ?? 'default', name: m[3]! };
}
