/**
 * Reads one trace from the configured trace store (Jaeger query API or Tempo HTTP API) and turns it
 * into the trace view's waterfall. The id is validated before any request is built; the store's
 * answer is parsed defensively (anything unexpected is TRACE_STORE_FAILED, never a blank page).
 */
import {
  LABELS,
  grafanaTraceLink,
  jaegerTraceApi,
  jaegerTraceLink,
  parseGatewayService,
  tempoTraceApi,
  UNKNOWN_VERSION,
} from '@api-observatory/telemetry-contract';
import type { TraceAttribute, TraceSpan, TraceSpanApi, TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import type { ObservabilityConfig, TraceStoreConfig } from './config';

export class TraceNotFoundError extends Error {
  override name = 'TraceNotFoundError';
}
export class TraceStoreUnreachableError extends Error {
  override name = 'TraceStoreUnreachableError';
}
export class TraceStoreFailedError extends Error {
  override name = 'TraceStoreFailedError';
}

/** A span as read from a store, before the waterfall is laid out. */
export interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: string;
  startMicros: number;
  durationMicros: number;
  status: TraceSpan['status'];
  statusMessage?: string;
  attributes: TraceAttribute[];
  resource: TraceAttribute[];
}

/** Limits that keep one huge or hostile trace from exhausting the backend or the browser. */
const MAX_SPANS = 5000;
const MAX_VALUE_CHARS = 4096;

const text = (v: unknown): string => {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
};

// ─── Jaeger query API (`/api/traces/{id}`, the v1 JSON model that Jaeger v2 still serves) ────────────

interface JaegerKv {
  key: string;
  type?: string;
  value: unknown;
}
interface JaegerSpan {
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags?: JaegerKv[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerKv[] }>;
}

/** Tags Jaeger derives from OTLP fields; they become the span's kind and status instead of attributes. */
const JAEGER_DERIVED = new Set(['span.kind', 'otel.status_code', 'otel.status_description', 'error', 'internal.span.format']);

export function parseJaegerTrace(body: unknown): StoredSpan[] {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new TraceStoreFailedError('Jaeger answered without a data array');
  const spans: StoredSpan[] = [];
  for (const t of data as JaegerTrace[]) {
    if (!t || !Array.isArray(t.spans)) throw new TraceStoreFailedError('Jaeger answered a trace without spans');
    for (const s of t.spans) {
      const tags = Array.isArray(s.tags) ? s.tags : [];
      const tag = (k: string) => tags.find((x) => x.key === k)?.value;
      const code = String(tag('otel.status_code') ?? '').toUpperCase();
      const process = t.processes?.[s.processID];
      const parent = (s.references ?? []).find((r) => r.refType === 'CHILD_OF') ?? (s.references ?? [])[0];
      spans.push({
        spanId: text(s.spanID),
        parentSpanId: parent ? text(parent.spanID) : null,
        name: text(s.operationName),
        service: text(process?.serviceName ?? ''),
        kind: text(tag('span.kind') ?? 'unspecified').toLowerCase(),
        startMicros: Number(s.startTime),
        durationMicros: Number(s.duration),
        status: code === 'ERROR' || tag('error') === true ? 'error' : code === 'OK' ? 'ok' : 'unset',
        ...(tag('otel.status_description') !== undefined ? { statusMessage: text(tag('otel.status_description')) } : {}),
        attributes: tags.filter((x) => !JAEGER_DERIVED.has(x.key)).map((x) => ({ key: text(x.key), value: text(x.value) })),
        resource: (process?.tags ?? []).map((x) => ({ key: text(x.key), value: text(x.value) })),
      });
    }
  }
  return spans;
}

// ─── Tempo HTTP API (`/api/traces/{id}`: OTLP JSON, `{ batches: [ResourceSpans] }`) ─────────────────

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
interface OtlpSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: string | number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: string | number; message?: string };
}
interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  /** Tempo before OTLP 0.15 named scopeSpans this way. */
  instrumentationLibrarySpans?: Array<{ spans?: OtlpSpan[] }>;
}

function anyValue(v: OtlpAnyValue | undefined): unknown {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
  return '';
}

const kvs = (list: OtlpKeyValue[] | undefined): TraceAttribute[] =>
  (Array.isArray(list) ? list : []).map((kv) => ({ key: text(kv.key), value: text(anyValue(kv.value)) }));

/** OTLP JSON ids are hex (the OTLP/JSON spec) or base64 (protobuf's JSON mapping of bytes, as Tempo's `/api/traces` writes them). */
export function otlpId(id: string | undefined): string {
  if (!id) return '';
  if (/^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

const OTLP_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
function otlpKind(k: string | number | undefined): string {
  if (typeof k === 'number') return OTLP_KINDS[k] ?? 'unspecified';
  return typeof k === 'string' && k ? k.replace(/^SPAN_KIND_/, '').toLowerCase() : 'unspecified';
}
function otlpStatus(c: string | number | undefined): TraceSpan['status'] {
  if (c === 2 || c === 'STATUS_CODE_ERROR') return 'error';
  if (c === 1 || c === 'STATUS_CODE_OK') return 'ok';
  return 'unset';
}
const nanosToMicros = (n: string | number): number => Number(BigInt(String(n)) / 1000n);

export function parseTempoTrace(body: unknown): StoredSpan[] {
  const b = body as { batches?: unknown; resourceSpans?: unknown; trace?: { resourceSpans?: unknown } } | null;
  const batches = b?.batches ?? b?.resourceSpans ?? b?.trace?.resourceSpans;
  if (!Array.isArray(batches)) throw new TraceStoreFailedError('Tempo answered without batches of resource spans');
  const spans: StoredSpan[] = [];
  for (const rs of batches as OtlpResourceSpans[]) {
    const resource = kvs(rs?.resource?.attributes);
    const service = resource.find((a) => a.key === 'service.name')?.value ?? '';
    for (const scope of rs?.scopeSpans ?? rs?.instrumentationLibrarySpans ?? []) {
      for (const s of scope?.spans ?? []) {
        let start: number;
        let end: number;
        try {
          start = nanosToMicros(s.startTimeUnixNano);
          end = nanosToMicros(s.endTimeUnixNano);
        } catch {
          throw new TraceStoreFailedError(`Tempo answered a span with a malformed time: ${text(s.startTimeUnixNano)}`);
        }
        const parent = otlpId(s.parentSpanId);
        spans.push({
          spanId: otlpId(s.spanId),
          parentSpanId: parent || null,
          name: text(s.name),
          service,
          kind: otlpKind(s.kind),
          startMicros: start,
          durationMicros: Math.max(0, end - start),
          status: otlpStatus(s.status?.code),
          ...(s.status?.message ? { statusMessage: text(s.status.message) } : {}),
          attributes: kvs(s.attributes),
          resource,
        });
      }
    }
  }
  return spans;
}

// ─── Fetching ─────────────────────────────────────────────────────────────────────────────────────

/** GETs the trace from the store; TraceNotFoundError for an unknown id (also an empty answer). */
export async function fetchStoredTrace(store: TraceStoreConfig, id: string, timeoutMs: number): Promise<StoredSpan[]> {
  const url = store.type === 'jaeger' ? jaegerTraceApi({ jaegerUrl: store.url, traceId: id }) : tempoTraceApi({ tempoUrl: store.url, traceId: id });
  const what = store.type === 'jaeger' ? 'Jaeger' : 'Tempo';
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new TraceStoreUnreachableError(`${what} is unreachable: ${(e as Error).message}`);
  }
  if (res.status === 404) throw new TraceNotFoundError(`${what} has no trace ${id}`);
  if (res.status >= 500 && res.status !== 501) throw new TraceStoreUnreachableError(`${what} answered ${res.status}`);
  if (!res.ok) throw new TraceStoreFailedError(`${what} answered ${res.status}`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new TraceStoreFailedError(`${what} answered ${res.status} without JSON`);
  }
  const spans = store.type === 'jaeger' ? parseJaegerTrace(body) : parseTempoTrace(body);
  if (spans.length === 0) throw new TraceNotFoundError(`${what} has no spans for trace ${id}`);
  return spans;
}

// ─── Waterfall ────────────────────────────────────────────────────────────────────────────────────

const attr = (list: TraceAttribute[], key: string) => list.find((a) => a.key === key)?.value;

/**
 * The API a span belongs to: the contract attributes the collector derives from the gateway service
 * name (api, api_version, deployment_role), else the resource service.name when it follows the
 * naming `<api>-<version>[-<role>]`, else its parent's.
 */
function spanApi(s: StoredSpan, parent: TraceSpanApi | undefined): TraceSpanApi | undefined {
  const api = attr(s.attributes, LABELS.api.attribute);
  const version = attr(s.attributes, LABELS.apiVersion.attribute);
  if (api && version && version !== UNKNOWN_VERSION) {
    return { api, version, role: attr(s.attributes, LABELS.deploymentRole.attribute) ?? 'stable' };
  }
  const named = parseGatewayService(s.service);
  if (named.version !== UNKNOWN_VERSION) return { api: named.api, version: named.version, role: named.role };
  return parent ? { api: parent.api, version: parent.version, role: parent.role } : undefined;
}

export interface TraceViewOptions {
  traceId: string;
  store: TraceStoreConfig['type'];
  config: Pick<ObservabilityConfig, 'grafanaUrl' | 'tempoDatasourceUid' | 'jaegerUiUrl'>;
  /** Catalog API entity refs by api name (only the APIs the caller may see). */
  resolveApis(apis: string[]): Promise<Map<string, string>>;
}

/** Lays the spans out depth-first (children by start time), with offsets from the trace's start. */
export async function buildTraceView(stored: StoredSpan[], o: TraceViewOptions): Promise<TraceView> {
  const byId = new Map<string, StoredSpan>();
  for (const s of stored.slice(0, MAX_SPANS)) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const spans = [...byId.values()];
  const children = new Map<string | null, StoredSpan[]>();
  for (const s of spans) {
    const p = s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId ? s.parentSpanId : null;
    children.set(p, [...(children.get(p) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMicros - b.startMicros || a.name.localeCompare(b.name));
  const start = Math.min(...spans.map((s) => s.startMicros));
  const end = Math.max(...spans.map((s) => s.startMicros + s.durationMicros));

  const ordered: TraceSpan[] = [];
  const visited = new Set<string>();
  const walk = (s: StoredSpan, depth: number, parentApi: TraceSpanApi | undefined) => {
    if (visited.has(s.spanId)) return;
    visited.add(s.spanId);
    const api = spanApi(s, parentApi);
    ordered.push({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: s.service,
      kind: s.kind,
      startOffsetMicros: s.startMicros - start,
      durationMicros: s.durationMicros,
      status: s.status,
      ...(s.statusMessage ? { statusMessage: s.statusMessage } : {}),
      depth,
      attributes: s.attributes,
      resource: s.resource,
      ...(api ? { api } : {}),
    });
    for (const c of children.get(s.spanId) ?? []) walk(c, depth + 1, api);
  };
  for (const root of children.get(null) ?? []) walk(root, 0, undefined);
  // Spans in a parent cycle have no root; show them rather than drop them.
  for (const s of spans) walk(s, 0, undefined);

  const apis = [...new Set(ordered.flatMap((s) => (s.api ? [s.api.api] : [])))];
  const refs = apis.length ? await o.resolveApis(apis) : new Map<string, string>();
  for (const s of ordered) {
    const ref = s.api && refs.get(s.api.api);
    if (s.api && ref) s.api.entityRef = ref;
  }
  const c = o.config;
  return {
    traceId: o.traceId,
    store: o.store,
    startTime: new Date(start / 1000).toISOString(),
    durationMicros: end - start,
    spans: ordered,
    services: [...new Set(ordered.map((s) => s.service))].sort(),
    errorCount: ordered.filter((s) => s.status === 'error').length,
    links: {
      // The Jaeger UI understands 32-hex ids; so does the Grafana link builder.
      ...(c.jaegerUiUrl && o.traceId.length === 32 ? { jaegerUi: jaegerTraceLink({ jaegerUrl: c.jaegerUiUrl, traceId: o.traceId }) } : {}),
      ...(c.grafanaUrl && c.tempoDatasourceUid && o.traceId.length === 32
        ? { grafana: grafanaTraceLink({ grafanaUrl: c.grafanaUrl, tempoUid: c.tempoDatasourceUid, traceId: o.traceId }) }
        : {}),
    },
  };
}
