import {
  API_ROUTE_REQUEST_RATE,
  API_ROUTE_STATUS_CLASS_REQUEST_RATE,
  GATEWAYS,
  LABELS,
  PROM,
  errorRatio,
  latencyQuantile,
  oneOf,
  recordedSum,
  requestRate,
  routeErrorRatio,
  trafficLatencyQuantile,
} from '@api-observatory/telemetry-contract';
import { LOKI_LABELS, labelFilter, logOneOf, logQuery, logVar, spanAttr, spanSet, traceEq, traceVar } from '@api-observatory/dashboards';
import { VAR } from '../constants';
import { F, L } from './filters';
import { legend, type PanelSpec } from './spec';

const QUANTILES = [0.5, 0.95, 0.99] as const;
const pct = (q: number) => `p${Math.round(q * 100)}`;

/** Gateway logs carrying the trace id in the `trace_id` variable (Loki OTLP: service_name stream label, trace_id structured metadata). */
export function logsByTraceId(): string {
  return logQuery(
    { [LOKI_LABELS.serviceName]: logOneOf(GATEWAYS, { caseInsensitive: true }) },
    labelFilter({ [LOKI_LABELS.traceId]: logVar(VAR.traceId) }),
  );
}

/** TraceQL: traces of the selected APIs and routes whose gateway span answered 5xx. */
export function errorTraces(): string {
  return spanSet([
    traceVar(spanAttr(LABELS.api.attribute), `\${${VAR.api}:regex}`),
    traceVar(spanAttr(LABELS.route.attribute), `\${${VAR.route}:regex}`),
    traceEq(spanAttr(LABELS.statusClass.attribute), '5xx'),
  ]);
}

export function developerPanels(): PanelSpec[] {
  const versionBy = [L.api, L.version, L.role];
  return [
    {
      key: 'developer.rate',
      title: 'Rate: requests per second by route',
      description: `Requests per second per route of the selected APIs (all gateways and consumers). Source: ${API_ROUTE_REQUEST_RATE} (recorded).`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 8,
      targets: [{ refId: 'A', expr: recordedSum(API_ROUTE_REQUEST_RATE, { filter: F.apiRoute, by: [L.api, L.route] }), legend: legend([L.route]) }],
    },
    {
      key: 'developer.errors',
      title: 'Errors: 5xx share by route',
      description: `Share of responses answered 5xx per route (0–100 %). Source: ${API_ROUTE_STATUS_CLASS_REQUEST_RATE} (recorded).`,
      viz: 'timeseries',
      unit: 'percentunit',
      w: 8,
      targets: [{ refId: 'A', expr: routeErrorRatio({ filter: F.apiRoute, by: [L.route] }), legend: legend([L.route]) }],
    },
    {
      key: 'developer.duration',
      title: 'Duration: p95 by route',
      description: `95th percentile of total request latency per route. Source: ${PROM.requestDuration}_bucket (gateway scrape).`,
      viz: 'timeseries',
      unit: 's',
      w: 8,
      targets: [{ refId: 'A', expr: latencyQuantile(0.95, 'request', { filter: F.latency, by: [L.route] }), legend: legend([L.route]) }],
    },
    {
      key: 'developer.statusCodes',
      title: 'Errors by status code',
      description: `Client (4xx) and server (5xx) error responses per second by status code, for the selected APIs, versions, routes and consumers. Source: ${PROM.requests}.`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 12,
      targets: [{ refId: 'A', expr: requestRate({ filter: { ...F.requests, [L.statusClass]: oneOf(['4xx', '5xx']) }, by: [L.statusCode] }), legend: legend([L.statusCode]) }],
    },
    ...(['request', 'upstream', 'gateway'] as const).map(
      (kind): PanelSpec => ({
        key: `developer.latency.${kind}`,
        title: kind === 'request' ? 'Latency: total p50 / p95 / p99' : kind === 'upstream' ? 'Latency: upstream p50 / p95 / p99' : 'Latency: gateway p50 / p95 / p99',
        description:
          kind === 'request'
            ? `Total latency the gateway measured (client in to client out). Source: ${PROM.requestDuration}_bucket.`
            : kind === 'upstream'
              ? `Time the gateway waited for the upstream service. Source: ${PROM.upstreamDuration}_bucket.`
              : `Time spent inside the gateway (plugins, routing). Source: ${PROM.gatewayDuration}_bucket.`,
        viz: 'timeseries',
        unit: 's',
        w: 8,
        targets: QUANTILES.map((q, i) => ({ refId: 'ABC'[i]!, expr: latencyQuantile(q, kind, { filter: F.latency }), legend: pct(q) })),
      }),
    ),
    {
      key: 'developer.exemplars',
      title: 'Span latency p95 of successful calls, with exemplars',
      description: `95th percentile of 2xx calls per route from the gateways' spans; the dots are exemplars: click one to open its trace in Tempo (the Prometheus datasource's exemplar trace-id destination). Source: ${PROM.trafficDuration}_bucket.`,
      viz: 'timeseries',
      unit: 's',
      w: 12,
      targets: [
        {
          refId: 'A',
          expr: trafficLatencyQuantile(0.95, { filter: { ...F.latency, [L.consumer]: F.requests[L.consumer], [L.statusClass]: '2xx' }, by: [L.route] }),
          legend: legend([L.route]),
          exemplar: true,
        },
      ],
    },
    {
      key: 'developer.versions',
      title: 'Versions: requests per second and 5xx share by version and role',
      description: `Traffic split and 5xx share per deployed version and rollout role of the selected APIs. Source: ${PROM.requests}.`,
      viz: 'timeseries',
      unit: 'short',
      w: 12,
      targets: [
        { refId: 'A', expr: requestRate({ filter: F.requests, by: versionBy }), legend: legend(versionBy, 'req/s') },
        { refId: 'B', expr: errorRatio({ filter: F.requests, by: versionBy }), legend: legend(versionBy, '5xx share') },
      ],
    },
    {
      key: 'developer.logs',
      title: 'Gateway logs for the trace id',
      description: 'Log lines of the gateways that carry the trace id in the “Trace id” variable (paste one from an exemplar or the traces table; the default .+ shows every line with a trace id). Loki: stream label service_name, structured metadata trace_id.',
      viz: 'logs',
      datasource: 'loki',
      w: 12,
      h: 10,
      targets: [{ refId: 'A', expr: logsByTraceId() }],
    },
    {
      key: 'developer.traces',
      title: 'Recent 5xx traces',
      description: 'Traces of the selected APIs and routes whose gateway span answered 5xx (Tempo, TraceQL on the collector’s span attributes).',
      viz: 'traces',
      datasource: 'tempo',
      w: 12,
      h: 10,
      targets: [{ refId: 'A', expr: errorTraces() }],
    },
  ];
}
