/**
 * The JSON the `api-observability` backend returns, shared by the backend and the frontend plugin.
 */

/** Catalog annotation naming the API in the telemetry (the contract's `api` label). */
export const API_NAME_ANNOTATION = 'api-observatory.io/api-name';
/**
 * Catalog annotation naming the gateway(s) that serve the API (the contract's `gateway` label): `kong`,
 * `apisix`, or a comma-separated list such as `kong,apisix`.
 */
export const GATEWAY_ANNOTATION = 'api-observatory.io/gateway';

/**
 * Span attribute of the pack's own spans (governance transitions, observability summaries) naming the
 * catalog entity they are about, e.g. `api:default/orders`: find an API's spans in the trace store by it.
 */
export const ENTITY_REF_SPAN_ATTRIBUTE = 'backstage.entity.ref';

/**
 * The gateways a gateway annotation names: comma-separated, spaces around names ignored, empty entries and
 * repeats dropped. Each name is used only as one escaped label value (never as PromQL).
 */
export function parseGatewayAnnotation(value: string | undefined): string[] {
  const out: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const name = raw.trim();
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return out;
}

/** One gateway's share of an API's traffic over the summary's window. */
export interface GatewayBreakdown {
  gateway: string;
  requestsPerSecond: number | null;
  errorRatio: number | null;
  latencyP95Seconds: number | null;
}

/** Error codes of the routes (in `error.code` of a non-2xx answer). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'ENTITY_NOT_FOUND'
  | 'NO_ANNOTATION'
  | 'PROMETHEUS_UNREACHABLE'
  | 'PROMETHEUS_QUERY_FAILED'
  | 'NOT_CONFIGURED'
  | 'UNAUTHORIZED'
  | 'NOTIFICATIONS_FAILED'
  | 'TRACE_NOT_FOUND'
  | 'TRACE_STORE_UNREACHABLE'
  | 'TRACE_STORE_FAILED';

/**
 * An error answer: the body Backstage's error middleware writes (`ErrorResponseBody` of @backstage/errors),
 * whose serialized error carries the machine-readable `code`.
 */
export interface ErrorBody {
  error: { name: string; message: string; code: ErrorCode };
  request?: { method: string; url: string };
  response: { statusCode: number };
}

/** `[unix seconds, value]` */
export type Point = [number, number];

export interface SloStatus {
  /** The SLI: availability (non-5xx share) or latency. */
  sli: string;
  /** `recorded`: objective and error ratio from the pack's recording rules; `computed`: raw query and the configured default objective. */
  source: 'recorded' | 'computed';
  objective: number;
  /** Error ratio (bad / all) over `window`, null without traffic. */
  errorRatio: number | null;
  window: string;
  /** errorRatio / (1 − objective): 1 spends exactly the period's budget. */
  burnRate: number | null;
  /** 1 − burnRate: share of the period's error budget left if the window's error ratio held for the whole period. */
  errorBudgetRemaining: number | null;
  period: string;
}

export interface ConsumerRow {
  consumer: string;
  plan: string;
  requestsPerSecond: number;
}

export interface TraceRequest {
  traceId: string;
  /** ISO time of the exemplar. */
  time: string;
  durationSeconds: number;
  route: string;
  status: string;
  statusClass: string;
  reason: 'failed' | 'slow';
  grafanaUrl?: string;
  jaegerUrl?: string;
}

export interface CanaryStatus {
  running: true;
  canaryVersion: string;
  baselineVersion: string | null;
  canaryRequestsPerSecond: number;
  decision?: string;
  classification?: string;
  score?: number;
  /** The judge's reading of the evaluation: promote, rollback, hold, not-enough-traffic or no-data. */
  outcome?: string;
  /** One line for people, e.g. "not enough traffic to judge canary v2.1 vs baseline v2: …". */
  summary?: string;
  reasons?: string[];
  notes?: string[];
  /** Why the verdict could not be computed (the rest of the summary is still valid). */
  error?: string;
}

export interface DashboardLink {
  id: string;
  title: string;
  url: string;
}

export interface Summary {
  /** `no-data`: the annotations are there but Prometheus has no series for the API yet. */
  state: 'ok' | 'no-data';
  entity: { kind: string; namespace: string; name: string };
  api: string;
  /** The annotation's gateways joined by `, ` (null without the annotation); `gateways` lists them. */
  gateway: string | null;
  /** The gateways the entity names, in annotation order (empty without the annotation: every gateway). */
  gateways: string[];
  /**
   * `window`: the one rate window of every figure of the summary (current KPIs, sparklines, top
   * consumers): the range's window, shortened to the age of the data when the API's series are younger
   * (`dataSince`, unix seconds, is then set) so that young data is not averaged over time it does not cover.
   */
  range: { key: string; start: number; end: number; stepSeconds: number; window: string; windowSeconds?: number; dataSince?: number };
  current: {
    requestsPerSecond: number | null;
    errorRatio: number | null;
    latencyP50Seconds: number | null;
    latencyP95Seconds: number | null;
    latencyP99Seconds: number | null;
  };
  series: {
    requestsPerSecond: Point[];
    errorRatio: Point[];
    latencyP50Seconds: Point[];
    latencyP95Seconds: Point[];
    latencyP99Seconds: Point[];
  };
  /** Current figures per gateway: each named gateway (null figures when it has no data), then any other gateway seen. */
  byGateway: GatewayBreakdown[];
  slo: SloStatus[];
  topConsumers: ConsumerRow[];
  recentRequests: TraceRequest[];
  canary: CanaryStatus | null;
  links: { dashboards: DashboardLink[]; grafanaApp?: string };
  generatedAt: string;
}

/** One attribute of a span or of its resource, its value as text (as stored: redaction happened in the collector). */
export interface TraceAttribute {
  key: string;
  value: string;
}

/** The catalog API a span's service belongs to, by the gateway service naming `<api>-<version>[-<role>]`. */
export interface TraceSpanApi {
  api: string;
  version: string;
  role: string;
  /** `api:<namespace>/<name>` of the catalog API annotated with this api name, when there is one the caller may see. */
  entityRef?: string;
}

export interface TraceSpan {
  spanId: string;
  /** null for a root span (or one whose parent is not in the trace). */
  parentSpanId: string | null;
  name: string;
  /** The resource's service.name. */
  service: string;
  /** server, client, internal, producer, consumer or unspecified. */
  kind: string;
  /** Microseconds since the trace's start. */
  startOffsetMicros: number;
  durationMicros: number;
  status: 'ok' | 'error' | 'unset';
  statusMessage?: string;
  /** Nesting depth in the waterfall (0 for roots); spans are listed depth-first, children by start time. */
  depth: number;
  attributes: TraceAttribute[];
  resource: TraceAttribute[];
  api?: TraceSpanApi;
}

/** A trace as the trace view shows it (`GET /traces/:traceId`). */
export interface TraceView {
  traceId: string;
  /** The trace store it was read from. */
  store: 'jaeger' | 'tempo';
  /** ISO time of the earliest span's start. */
  startTime: string;
  durationMicros: number;
  spans: TraceSpan[];
  services: string[];
  errorCount: number;
  /** Links to the same trace elsewhere, only when configured. */
  links: { jaegerUi?: string; grafana?: string };
}

/** Topic of the notifications the alert receiver sends (users can mute it in their notification settings). */
export const API_ALERT_TOPIC = 'api-alert';

/** An Alertmanager alert firing for an API, as received by the backend's webhook receiver. */
export interface FiringAlert {
  /** Alertmanager's fingerprint of the alert's labels. */
  fingerprint: string;
  alertname: string;
  /** `page`, `ticket` or `info` (the pack's alerts); empty when the alert has none. */
  severity: string;
  summary: string;
  description: string;
  runbookUrl?: string;
  /** ISO time the alert started firing. */
  startsAt: string;
  /** All labels of the alert (api, slo, api_version, ...). */
  labels: Record<string, string>;
}

/** GET /entity/:kind/:namespace/:name/alerts */
export interface FiringAlerts {
  /** The entity's API name (its api-name annotation). */
  api: string;
  alerts: FiringAlert[];
}
