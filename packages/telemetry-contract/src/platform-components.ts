import { renderMatchers, window, RATE_INTERVAL, type Matchers, type Window } from './promql';

/**
 * Series of the platform components around the gateways that the platform dashboard reads: OPA (the
 * policy decision point), Keycloak (the identity provider), Alertmanager (notification delivery), Prometheus' own per-target scrape series
 * and the process metrics every Go / Prometheus-client component exports. Their names and labels are
 * defined by those projects; they are listed here so that no dashboard types them.
 *
 * Sources:
 * - OPA: `http_request_duration_seconds{code, handler, method}`, a histogram registered by OPA's
 *   Prometheus provider for every REST API handler (`v1/data`, `v0/data`, `v1/policies`, `health`, ...),
 *   exposed on OPA's `/metrics`. Buckets are configurable (`server.metrics.prom.http_request_duration_seconds.buckets`).
 *   OPA 1.22 exposes no decision counter of its own: a decision is a `v1/data` request, a failed one a
 *   non-2xx code (400 for a malformed input document, 500 for an evaluation error such as a conflict).
 * - Alertmanager 0.31: `alertmanager_notifications_total{integration}` (attempts) and
 *   `alertmanager_notifications_failed_total{integration, reason}` (`reason`: clientError, serverError,
 *   contextCanceled, contextDeadlineExceeded, other), on its `/metrics`.
 * - Keycloak 26 with `--metrics-enabled=true`: `http_server_requests_seconds_{count,sum}{method, outcome,
 *   status, uri}` (Micrometer timer; `outcome` is SUCCESS, CLIENT_ERROR, SERVER_ERROR, REDIRECTION,
 *   INFORMATIONAL or UNKNOWN), `_bucket` only with `--http-metrics-histograms-enabled=true`, and the gauge
 *   `http_server_active_requests`; on the management interface's `/metrics`.
 * - Prometheus: `scrape_duration_seconds` and `scrape_samples_scraped` (synthetic, one per target) and
 *   `prometheus_tsdb_head_series` (self-telemetry).
 * - Process: `process_cpu_seconds_total`, `process_resident_memory_bytes` (Go and Prometheus clients).
 *
 * These names are not in the contract's `CONTRACT_SERIES` (which `selector()` checks): they are
 * generic names whose meaning depends on the scrape job (OPA's `http_request_duration_seconds` is the
 * same name many HTTP servers use), so every query here selects its component's `job`. Use the builders
 * below, which check names and labels against this registry and escape values like `selector()`.
 */
export interface ComponentMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  component: 'opa' | 'keycloak' | 'alertmanager' | 'prometheus' | 'process';
  description: string;
  /** Labels the pack's queries may use on this series (`le` is implied for histogram buckets). */
  labels: readonly string[];
}

/** Scrape job names the pack's Prometheus configuration gives each component (the `job` label). */
export const COMPONENT_JOBS = {
  opa: 'opa',
  keycloak: 'keycloak',
  alertmanager: 'alertmanager',
  /** The Backstage backend's Prometheus exporter (the plugins' OpenTelemetry metrics). */
  backstage: 'backstage',
  prometheus: 'prometheus',
  collector: 'otelcol',
} as const;

const TARGET = ['job', 'instance'] as const;

export const PLATFORM_COMPONENT_METRICS = {
  opaRequestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    component: 'opa',
    description: 'OPA REST API request latency per handler, status code and method (seconds).',
    labels: [...TARGET, 'handler', 'code', 'method'],
  },
  keycloakRequests: {
    name: 'http_server_requests_seconds',
    type: 'histogram',
    component: 'keycloak',
    description: 'Keycloak HTTP requests (Micrometer timer): _count and _sum always, _bucket with http-metrics-histograms-enabled.',
    labels: [...TARGET, 'method', 'outcome', 'status', 'uri'],
  },
  keycloakActiveRequests: {
    name: 'http_server_active_requests',
    type: 'gauge',
    component: 'keycloak',
    description: 'Keycloak requests in progress.',
    labels: [...TARGET],
  },
  alertmanagerNotifications: {
    name: 'alertmanager_notifications_total',
    type: 'counter',
    component: 'alertmanager',
    description: 'Notifications Alertmanager attempted to send, per integration (webhook, email, slack, ...).',
    labels: [...TARGET, 'integration'],
  },
  alertmanagerNotificationsFailed: {
    name: 'alertmanager_notifications_failed_total',
    type: 'counter',
    component: 'alertmanager',
    description: 'Notification attempts that failed, per integration and reason (clientError, serverError, contextDeadlineExceeded, ...).',
    labels: [...TARGET, 'integration', 'reason'],
  },
  scrapeDuration: {
    name: 'scrape_duration_seconds',
    type: 'gauge',
    component: 'prometheus',
    description: 'Duration of the last scrape of a target (seconds), written by Prometheus per target.',
    labels: [...TARGET],
  },
  scrapeSamples: {
    name: 'scrape_samples_scraped',
    type: 'gauge',
    component: 'prometheus',
    description: 'Samples the last scrape of a target returned, written by Prometheus per target.',
    labels: [...TARGET],
  },
  prometheusHeadSeries: {
    name: 'prometheus_tsdb_head_series',
    type: 'gauge',
    component: 'prometheus',
    description: 'Series in the TSDB head (active series) of a Prometheus server.',
    labels: [...TARGET],
  },
  processCpu: {
    name: 'process_cpu_seconds_total',
    type: 'counter',
    component: 'process',
    description: 'CPU time a component process used (seconds).',
    labels: [...TARGET],
  },
  processResidentMemory: {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    component: 'process',
    description: 'Resident memory of a component process (bytes).',
    labels: [...TARGET],
  },
} as const satisfies Record<string, ComponentMetric>;

export type ComponentMetricKey = keyof typeof PLATFORM_COMPONENT_METRICS;

/** Keycloak's `outcome` for responses with a 5xx status (Micrometer's Outcome.SERVER_ERROR). */
export const KEYCLOAK_SERVER_ERROR_OUTCOME = 'SERVER_ERROR';
/** Regex of OPA's `code` label values counted as errors (5xx). */
export const OPA_SERVER_ERROR_CODE = '5..';
/** OPA's handler label of the Data API's v1 queries: a policy decision. */
export const OPA_DECISION_HANDLER = 'v1/data';
/** Regex of OPA's `code` label values of answered decisions; any other code is a failed decision. */
export const OPA_SUCCESS_CODE = '2..';

/** Series names of a component metric in Prometheus (histograms give _bucket, _sum and _count). */
export function componentSeriesNames(key: ComponentMetricKey): string[] {
  const m: ComponentMetric = PLATFORM_COMPONENT_METRICS[key];
  return m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name];
}

function allowedLabels(key: ComponentMetricKey, part?: 'bucket' | 'sum' | 'count'): ReadonlySet<string> {
  const m: ComponentMetric = PLATFORM_COMPONENT_METRICS[key];
  return new Set(part === 'bucket' ? [...m.labels, 'le'] : m.labels);
}

function assertComponentLabel(key: ComponentMetricKey, label: string, part?: 'bucket' | 'sum' | 'count'): void {
  if (!allowedLabels(key, part).has(label)) {
    throw new RangeError(`label ${JSON.stringify(label)} is not a label of ${PLATFORM_COMPONENT_METRICS[key].name}`);
  }
}

/** A selector of a component series, values escaped as PromQL string literals; `job` defaults to the component's job. */
export function componentSelector(key: ComponentMetricKey, matchers: Matchers = {}, part?: 'bucket' | 'sum' | 'count'): string {
  const m: ComponentMetric = PLATFORM_COMPONENT_METRICS[key];
  if (m.type === 'histogram' && !part) throw new RangeError(`${key} is a histogram: say which series (bucket, sum or count)`);
  if (m.type !== 'histogram' && part) throw new RangeError(`${key} is a ${m.type}, it has no ${part} series`);
  const name = part ? `${m.name}_${part}` : m.name;
  const defaultJob = m.component === 'opa' || m.component === 'keycloak' || m.component === 'alertmanager' ? { job: COMPONENT_JOBS[m.component] } : {};
  const parts = renderMatchers({ ...defaultJob, ...matchers }, (label) => assertComponentLabel(key, label, part));
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

export interface ComponentQueryOptions {
  filter?: Matchers;
  by?: readonly string[];
  /** Range window; defaults to Grafana's $__rate_interval. */
  window?: Window;
}

function sumBy(key: ComponentMetricKey, expr: string, by: readonly string[], part?: 'bucket' | 'sum' | 'count'): string {
  by.forEach((l) => assertComponentLabel(key, l, part));
  return `sum${by.length ? ` by (${by.join(', ')})` : ''} (${expr})`;
}

const win = (o: ComponentQueryOptions): Window => window(o.window ?? RATE_INTERVAL);

/** Per-second rate of a counter, or of a histogram's _count (requests per second). */
export function componentRate(key: ComponentMetricKey, o: ComponentQueryOptions = {}): string {
  const part = PLATFORM_COMPONENT_METRICS[key].type === 'histogram' ? 'count' : undefined;
  return sumBy(key, `rate(${componentSelector(key, o.filter, part)}[${win(o)}])`, o.by ?? [], part);
}

/** Quantile (seconds) of a component latency histogram. */
export function componentQuantile(q: number, key: ComponentMetricKey, o: ComponentQueryOptions = {}): string {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  if (PLATFORM_COMPONENT_METRICS[key].type !== 'histogram') throw new RangeError(`${key} is not a histogram`);
  return `histogram_quantile(${q}, ${sumBy(key, `rate(${componentSelector(key, o.filter, 'bucket')}[${win(o)}])`, ['le', ...(o.by ?? [])], 'bucket')})`;
}

/** Mean latency (seconds) of a component histogram or timer: rate of _sum over rate of _count. */
export function componentMeanLatency(key: ComponentMetricKey, o: ComponentQueryOptions = {}): string {
  if (PLATFORM_COMPONENT_METRICS[key].type !== 'histogram') throw new RangeError(`${key} is not a histogram`);
  const by = o.by ?? [];
  const s = sumBy(key, `rate(${componentSelector(key, o.filter, 'sum')}[${win(o)}])`, by, 'sum');
  const c = sumBy(key, `rate(${componentSelector(key, o.filter, 'count')}[${win(o)}])`, by, 'count');
  return `${s} / ${c}`;
}

/** Value of a gauge aggregated by labels (sum by default; `max` for "the slowest scrape per job"). */
export function componentGauge(key: ComponentMetricKey, o: Omit<ComponentQueryOptions, 'window'> & { agg?: 'sum' | 'min' | 'max' | 'avg' } = {}): string {
  if (PLATFORM_COMPONENT_METRICS[key].type !== 'gauge') throw new RangeError(`${key} is not a gauge`);
  const summed = sumBy(key, componentSelector(key, o.filter), o.by ?? []);
  return o.agg && o.agg !== 'sum' ? `${o.agg}${summed.slice('sum'.length)}` : summed;
}

/** A label of a component metric, checked at compile time against the registry above. */
export function componentLabel<K extends ComponentMetricKey>(_key: K, label: (typeof PLATFORM_COMPONENT_METRICS)[K]['labels'][number]): string {
  return label;
}

/** OPA requests answered 5xx as a share of all OPA requests (0..1). */
export function opaErrorRatio(o: ComponentQueryOptions = {}): string {
  const errors = componentRate('opaRequestDuration', { ...o, filter: { ...o.filter, code: { op: '=~', value: OPA_SERVER_ERROR_CODE } } });
  return `${errors} / ${componentRate('opaRequestDuration', o)}`;
}

/** Keycloak requests with outcome SERVER_ERROR as a share of all Keycloak requests (0..1). */
export function keycloakErrorRatio(o: ComponentQueryOptions = {}): string {
  const errors = componentRate('keycloakRequests', { ...o, filter: { ...o.filter, outcome: KEYCLOAK_SERVER_ERROR_OUTCOME } });
  return `${errors} / ${componentRate('keycloakRequests', o)}`;
}

/** Policy decision latency (seconds): quantile of OPA's `v1/data` requests. */
export function opaDecisionLatency(q: number, o: ComponentQueryOptions = {}): string {
  return componentQuantile(q, 'opaRequestDuration', { ...o, filter: { ...o.filter, handler: OPA_DECISION_HANDLER } });
}

/** Failed policy decisions per second: OPA `v1/data` requests answered other than 2xx (by `code` unless `by` says otherwise). */
export function opaDecisionErrors(o: ComponentQueryOptions = {}): string {
  return componentRate('opaRequestDuration', {
    by: ['code'],
    ...o,
    filter: { ...o.filter, handler: OPA_DECISION_HANDLER, code: { op: '!~', value: OPA_SUCCESS_CODE } },
  });
}

