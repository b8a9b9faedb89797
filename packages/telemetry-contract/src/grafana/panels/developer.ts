/**
 * API developer: per API and route, traffic, errors by status, latency split gateway vs upstream,
 * exemplars to traces, trace-correlated logs and version comparison.
 */
import {
  API_ROUTE_REQUEST_RATE,
  API_ROUTE_STATUS_CLASS_REQUEST_RATE,
  API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE,
  API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE,
  GATEWAYS,
  LABELS,
  LATENCY_BUCKETS_SECONDS,
  PROM,
  SUCCESS_STATUS_CLASS,
  apiLatencyQuantile,
  errorRatio,
  latencyQuantile,
  latencySource,
  oneOf,
  recordedErrorRatio,
  recordedQuantile,
  recordedSelector,
  recordedSum,
  requestRate,
  routeErrorRatio,
  successTrafficTailQuantile,
  trafficLatencyQuantile,
  type LatencyKind,
  type Matchers,
} from '../../index';
import { EXEMPLAR_FROM_SECONDS } from '../config';
import { LOKI_LABELS, labelFilter, logOneOf, logQuery, logVar } from '../logql';
import { L, QUANTILES, legend, pct, v } from '../names';
import { catalogue, type CatalogPanel } from '../spec';
import { spanAttr, spanSet, traceEq, traceVar } from '../traceql';

const GATEWAY = L('gateway');
const API = L('api');
const ROUTE = L('route');
const CONSUMER = L('consumer');
const VERSION = L('apiVersion');
const ROLE = L('deploymentRole');
const STATUS_CLASS = L('statusClass');
const STATUS_CODE = L('statusCode');

/** Gateway counters carry gateway, api, route and consumer. */
const requestFilter: Matchers = { [GATEWAY]: v('gateway'), [API]: v('api'), [ROUTE]: v('route'), [CONSUMER]: v('consumer') };
/** Gateway latency histograms carry no consumer. */
const latencyFilter: Matchers = { [GATEWAY]: v('gateway'), [API]: v('api'), [ROUTE]: v('route') };
/** Recorded per-route series carry api and route only. */
const routeFilter: Matchers = { [API]: v('api'), [ROUTE]: v('route') };

const KIND_DOC: Record<LatencyKind, { title: string; what: string }> = {
  request: { title: 'Request latency (total)', what: 'Total latency the gateway measured (client in to client out) for the selected gateways, APIs and routes' },
  upstream: { title: 'Upstream latency', what: 'Time the gateway waited for the upstream service (the API’s own latency)' },
  gateway: { title: 'Gateway latency', what: 'Time spent inside the gateway (plugins, routing), excluding the upstream' },
};

/** p50 / p95 / p99 of one of the gateway's latency histograms (recorded series have no route). */
function latencyPanel(kind: LatencyKind): CatalogPanel {
  const k = KIND_DOC[kind];
  return {
    kind: 'timeseries',
    title: `${k.title} p50 / p95 / p99`,
    doc: { what: `${k.what}: 50th, 95th and 99th percentile.`, unit: 'seconds', window: '$__rate_interval', source: `${latencySource(kind)}; recorded series have no route, so this panel reads the raw histogram` },
    unit: 's',
    w: 8,
    queries: QUANTILES.map((q) => ({ expr: latencyQuantile(q, kind, { filter: latencyFilter }), legend: pct(q) })),
  };
}

// Span latency of successful calls. The per-route p95 reads the recorded bucket rates (api, route,
// le). Recorded series carry no exemplars, so the exemplars come from a raw target on the span
// histogram; its cost is the number of raw series it selects (about the same instant or range), so
// it reads only the buckets at and above EXEMPLAR_FROM_SECONDS and draws the p99 over all selected
// routes where that is exact. It comes first: Grafana skips a target's exemplars when an earlier
// target's query already names the same histogram.
const spanFilter: Matchers = { [API]: v('api'), [ROUTE]: v('route') };
const exemplarsAbove = LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.indexOf(EXEMPLAR_FROM_SECONDS as (typeof LATENCY_BUCKETS_SECONDS)[number]) - 1]!;
const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;

const versionBy = [API, VERSION, ROLE];
// Recorded per version, role and status class: no gateway, route or consumer label, so the 5xx share
// by version follows the API selection only (the raw per-consumer query was over the panel budget at All).
const versionFilter: Matchers = { [API]: v('api') };

export const DEVELOPER_PANELS = catalogue('developer', {
  requestsPerSecondByRoute: {
    kind: 'timeseries',
    title: 'Requests per second by route',
    doc: { what: 'Requests per second per route of the selected APIs, all gateways and consumers.', unit: 'requests per second', window: '5m rate (recorded series)', source: `${API_ROUTE_REQUEST_RATE} (recorded from ${PROM.requests}, gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: recordedSum(API_ROUTE_REQUEST_RATE, { filter: routeFilter, by: [API, ROUTE] }), raw: requestRate({ filter: routeFilter, by: [API, ROUTE], window: '5m' }), legend: legend([ROUTE]) }],
  },
  responsesByStatusClass: {
    kind: 'timeseries',
    title: 'Responses by status class',
    doc: { what: 'Responses per second by status class (2xx … 5xx) for the selected APIs and routes, all gateways and consumers.', unit: 'requests per second', window: '5m rate (recorded series)', source: `${API_ROUTE_STATUS_CLASS_REQUEST_RATE} (recorded, gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [
      {
        expr: recordedSum(API_ROUTE_STATUS_CLASS_REQUEST_RATE, { filter: routeFilter, by: [STATUS_CLASS] }),
        raw: requestRate({ filter: routeFilter, by: [STATUS_CLASS], window: '5m' }),
        legend: legend([STATUS_CLASS]),
      },
    ],
  },
  errorsByStatusCode: {
    kind: 'timeseries',
    title: 'Errors by status code',
    doc: { what: 'Client (4xx) and server (5xx) error responses per second by status code, for the selected gateways, APIs, routes and consumers (401/403/429 come from the gateway itself).', unit: 'requests per second', window: '$__rate_interval', source: `${PROM.requests} (gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [
      {
        expr: requestRate({ filter: { ...requestFilter, [STATUS_CLASS]: oneOf(['4xx', '5xx']) }, by: [STATUS_CODE] }),
        legend: legend([STATUS_CODE]),
        sparse: 'one consumer on one route can go several minutes without an error',
      },
    ],
  },
  errorShare: {
    kind: 'timeseries',
    title: '5xx share',
    doc: {
      what: 'Share of responses answered 5xx for the selected APIs and routes, all gateways and consumers (0–100 %); no line without traffic. Use “Errors by status code” for one gateway or consumer.',
      unit: 'percent of requests',
      window: '5m rate (recorded series)',
      source: `${API_ROUTE_STATUS_CLASS_REQUEST_RATE} (recorded from ${PROM.requests}, gateway scrape)`,
    },
    unit: 'percentunit',
    w: 12,
    queries: [{ expr: routeErrorRatio({ filter: routeFilter, by: [API] }), raw: errorRatio({ filter: routeFilter, by: [API], window: '5m' }), legend: legend([API]) }],
  },
  apiP99Latency: {
    kind: 'stat',
    title: 'API p99 latency: total, upstream, gateway (all routes)',
    doc: { what: '99th percentile latency of the selected APIs over all routes and gateways: total, upstream and gateway part.', unit: 'seconds', window: '5m rate (recorded series), at the end of the range', source: `${apiLatencyQuantile(0.99, 'request')}, ${apiLatencyQuantile(0.99, 'upstream')}, ${apiLatencyQuantile(0.99, 'gateway')} (recorded)` },
    unit: 's',
    w: 12,
    queries: (['request', 'upstream', 'gateway'] as const).map((kind) => ({
      expr: recordedSelector(apiLatencyQuantile(0.99, kind), { [API]: v('api') }),
      raw: latencyQuantile(0.99, kind, { filter: { [API]: v('api') }, by: [API], window: '5m' }),
      legend: legend([API], kind),
      instant: true,
    })),
  },
  requestLatency: latencyPanel('request'),
  upstreamLatency: latencyPanel('upstream'),
  gatewayLatency: latencyPanel('gateway'),
  spanLatency: {
    kind: 'timeseries',
    title: 'Span latency of successful calls: p95 by route, overall p99 with exemplars',
    doc: {
      what: `Latency of successful (2xx) calls from the gateways’ spans for the selected APIs and routes, all gateways and consumers; errors are left out, as latency SLIs do. Lines per route: 95th percentile. Dashed line: 99th percentile over all selected routes, drawn where it is above ${ms(EXEMPLAR_FROM_SECONDS)} (there it is exact; it reads only the buckets from ${ms(EXEMPLAR_FROM_SECONDS)} up, which keeps the panel fast). The dots are exemplars of successful calls slower than ${ms(exemplarsAbove)}: click one to open its trace in Tempo.`,
      unit: 'seconds',
      window: 'p95: 5m rate (recorded series); p99 and exemplars: $__rate_interval',
      source: `p95: ${API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE} (recorded from ${PROM.trafficDuration}_bucket, span metrics); p99 and exemplars: ${PROM.trafficDuration}_bucket from le ${EXEMPLAR_FROM_SECONDS} up (span metrics, exemplars with trace ids)`,
    },
    unit: 's',
    w: 24,
    queries: [
      {
        expr: successTrafficTailQuantile(0.99, EXEMPLAR_FROM_SECONDS, { filter: spanFilter }),
        legend: 'p99, all selected routes',
        exemplar: true,
        sparse: `drawn only where the p99 is above ${ms(EXEMPLAR_FROM_SECONDS)}; one fast route can stay below it`,
      },
      {
        expr: recordedQuantile(0.95, API_ROUTE_SUCCESS_TRAFFIC_DURATION_BUCKET_RATE, { filter: spanFilter, by: [ROUTE] }),
        raw: trafficLatencyQuantile(0.95, { filter: { ...spanFilter, [STATUS_CLASS]: SUCCESS_STATUS_CLASS }, by: [ROUTE], window: '5m' }),
        legend: legend([ROUTE]),
      },
    ],
  },
  requestsPerSecondByVersionAndRole: {
    kind: 'timeseries',
    title: 'Requests per second by version and role',
    doc: { what: 'Requests per second per deployed version and rollout role (stable, baseline, canary) of the selected APIs: the traffic split.', unit: 'requests per second', window: '$__rate_interval', source: `${PROM.requests} (gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: requestRate({ filter: requestFilter, by: versionBy }), legend: legend(versionBy) }],
  },
  errorShareByVersionAndRole: {
    kind: 'timeseries',
    title: '5xx share by version and role',
    doc: {
      what: 'Share of responses answered 5xx per version and role (0–100 %) of the selected APIs, all gateways, routes and consumers; no line for a version without traffic or without a 5xx series yet.',
      unit: 'percent of requests',
      window: '5m rate (recorded series)',
      source: `${API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE} (recorded from ${PROM.requests}, gateway scrape)`,
    },
    unit: 'percentunit',
    w: 8,
    queries: [
      {
        expr: recordedErrorRatio(API_VERSION_ROLE_STATUS_CLASS_REQUEST_RATE, { filter: versionFilter, by: versionBy }),
        raw: errorRatio({ filter: versionFilter, by: versionBy, window: '5m' }),
        legend: legend(versionBy),
        sparse: 'a new canary version has no 5xx series until its first 5xx',
      },
    ],
  },
  p99LatencyByVersionAndRole: {
    kind: 'timeseries',
    title: 'p99 latency by version and role',
    doc: { what: '99th percentile of total request latency per version and role.', unit: 'seconds', window: '$__rate_interval', source: latencySource('request', versionBy) },
    unit: 's',
    w: 8,
    queries: [{ expr: latencyQuantile(0.99, 'request', { filter: latencyFilter, by: versionBy }), legend: legend(versionBy) }],
  },
  gatewayLogs: {
    kind: 'logs',
    title: 'Gateway logs for the trace id',
    doc: {
      what: 'Log lines of the selected gateways that carry the trace id in the “Trace id” variable (paste one from an exemplar or the traces table; the default .+ shows every line with a trace id).',
      unit: 'log lines',
      window: 'the dashboard time range',
      source: `Loki: stream label ${LOKI_LABELS.serviceName} (OTLP resource service.name), structured metadata ${LOKI_LABELS.traceId}`,
    },
    w: 12,
    h: 10,
    // The stream selector names every gateway (Loki needs a matcher that cannot match the empty
    // string, and the variable's "All" is .*); the gateway variable then filters the streams.
    queries: [
      {
        logql: logQuery(
          { [LOKI_LABELS.serviceName]: logOneOf(GATEWAYS, { caseInsensitive: true }) },
          labelFilter({ [LOKI_LABELS.serviceName]: logVar('${gateway:regex}', { caseInsensitive: true }) }),
          labelFilter({ [LOKI_LABELS.traceId]: logVar('trace_id') }),
        ),
      },
    ],
  },
  recentErrorTraces: {
    kind: 'traces',
    title: 'Recent 5xx traces',
    doc: {
      what: 'Traces of the selected APIs and routes whose gateway span answered 5xx; open one to see where time went.',
      unit: 'traces',
      window: 'the dashboard time range',
      source: `Tempo: span attributes ${LABELS.api.attribute}, ${LABELS.route.attribute}, ${LABELS.statusClass.attribute} (set by the collector)`,
    },
    w: 12,
    h: 10,
    queries: [
      {
        traceql: spanSet([
          traceVar(spanAttr(LABELS.api.attribute), '${api:regex}'),
          traceVar(spanAttr(LABELS.route.attribute), '${route:regex}'),
          traceEq(spanAttr(LABELS.statusClass.attribute), '5xx'),
        ]),
        limit: 20,
      },
    ],
  },
});
