import {
  DASHBOARD_UIDS,
  COMPONENT_JOBS,
  GATEWAY_REQUEST_RATE,
  API_DIRECTION_BANDWIDTH_RATE,
  PLATFORM_METRICS,
  PLATFORM_COMPONENT_METRICS,
  PROM,
  ERROR_STATUS_CLASS,
  KEYCLOAK_SERVER_ERROR_OUTCOME,
  OPA_SERVER_ERROR_CODE,
  componentGauge,
  componentLabel,
  componentMeanLatency,
  componentQuantile,
  componentRate,
  errorRatio,
  gatewayErrorRatio,
  grafanaVar,
  keycloakErrorRatio,
  latencyQuantile,
  opaErrorRatio,
  gatewaysReporting,
  gatewaysReportingRaw,
  platformGauge,
  platformGaugeRatio,
  platformRate,
  recordedSum,
  requestRate,
  bandwidthRate,
  type Matchers,
} from '@api-observatory/telemetry-contract';
import { DashboardDoc, codeMappings } from '../lib/spec';
import { L, legend, platformLabel } from '../lib/names';
import { PACK_TAG, packLinks } from '../lib/links';
import { vars } from '../lib/variables';

export const PLATFORM_UID = DASHBOARD_UIDS.platform;

const GW = L('gateway');
const gwFilter: Matchers = { [GW]: grafanaVar('gateway') };
const P = PLATFORM_METRICS;
const C = PLATFORM_COMPONENT_METRICS;
const RECEIVER = platformLabel('collectorAcceptedSpans', 'receiver');
const EXPORTER = platformLabel('collectorExporterSentSpans', 'exporter');
const RULE_GROUP = platformLabel('prometheusRuleEvaluationFailures', 'rule_group');
const JOB = platformLabel('up', 'job');
const INSTANCE = platformLabel('up', 'instance');
const HANDLER = componentLabel('opaRequestDuration', 'handler');
const OUTCOME = componentLabel('keycloakRequests', 'outcome');

export function platformDashboard(): DashboardDoc {
  const d = new DashboardDoc({
    uid: PLATFORM_UID,
    title: 'API Observatory / Platform engineering',
    folder: 'platform',
    description: 'Health of the API platform: gateways, the OpenTelemetry Collector pipeline, Prometheus, OPA, Keycloak and their saturation.',
    tags: [PACK_TAG, 'platform'],
    time: { from: 'now-3h', to: 'now' },
  });
  d.builder.withVariable(vars.prometheus()).withVariable(vars.gateway()).withVariable(vars.backstageUrl());
  for (const l of packLinks({ backstage: false })) d.builder.link(l);

  // ── Gateways ──────────────────────────────────────────────────────────────────────────────────
  d.row('Gateways');
  d.timeseries({
    title: 'Requests per second by gateway',
    doc: { what: 'Requests each gateway served per second, all APIs and status codes.', unit: 'requests per second', window: '5m rate (recorded series)', source: `${GATEWAY_REQUEST_RATE} (recorded from ${PROM.requests}, gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: recordedSum(GATEWAY_REQUEST_RATE, { filter: gwFilter, by: [GW] }), raw: requestRate({ filter: gwFilter, by: [GW], window: '5m' }), legend: legend([GW]) }],
  });
  d.timeseries({
    title: '5xx share by gateway',
    doc: {
      what: 'Share of each gateway’s responses with a 5xx status (0–100 %). No line when a gateway has no traffic or no 5xx.',
      unit: 'percent of requests',
      window: '5m rate: the raw 5xx rate over the recorded per-gateway request rate',
      source: `${PROM.requests} (gateway scrape), ${L('statusClass')}="${ERROR_STATUS_CLASS}", over ${GATEWAY_REQUEST_RATE} (recorded)`,
    },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: gatewayErrorRatio({ filter: gwFilter }), raw: errorRatio({ filter: gwFilter, by: [GW], window: '5m' }), legend: legend([GW]) }],
  });
  d.timeseries({
    title: 'Request latency p50 / p99 by gateway',
    doc: { what: 'End-to-end request latency as each gateway measured it (client in to client out), 50th and 99th percentile across all APIs.', unit: 'seconds', window: '$__rate_interval', source: `${PROM.requestDuration}_bucket (gateway scrape, the gateway’s own buckets)` },
    unit: 's',
    w: 8,
    queries: [
      { expr: latencyQuantile(0.5, 'request', { filter: gwFilter, by: [GW] }), legend: legend([GW], 'p50') },
      { expr: latencyQuantile(0.99, 'request', { filter: gwFilter, by: [GW] }), legend: legend([GW], 'p99') },
    ],
  });
  d.timeseries({
    title: 'Latency added by the gateway p99',
    doc: { what: '99th percentile of the time spent inside each gateway (plugins, routing), excluding the upstream.', unit: 'seconds', window: '$__rate_interval', source: `${PROM.gatewayDuration}_bucket (gateway scrape)` },
    unit: 's',
    w: 8,
    queries: [{ expr: latencyQuantile(0.99, 'gateway', { filter: gwFilter, by: [GW] }), legend: legend([GW]) }],
  });
  d.statetimeline({
    title: 'Gateways reporting',
    doc: {
      what: 'Per gateway: “reporting” while its request metrics arrive with traffic (recorded rate > 0), “silent” when the rate is 0; no bar when its series are absent (the collector drops the gateways’ own scrape `up`, so this is the gateway scrape health signal, the one GatewayDown alerts on).',
      unit: 'state',
      window: '5m rate (recorded series)',
      source: `${GATEWAY_REQUEST_RATE} (recorded)`,
    },
    w: 8,
    queries: [{ expr: gatewaysReporting({ filter: gwFilter }), raw: gatewaysReportingRaw({ filter: gwFilter }), legend: legend([GW]) }],
    configure: (b) =>
      b.mappings(codeMappings([{ code: 0, text: 'silent', color: 'orange' }, { code: 1, text: 'reporting', color: 'green' }])),
  });
  d.timeseries({
    title: 'Bandwidth by direction',
    doc: { what: 'Bytes per second through the gateways, ingress (client to gateway) and egress (gateway to client), all APIs and gateways.', unit: 'bytes per second', window: '5m rate (recorded series)', source: `${API_DIRECTION_BANDWIDTH_RATE} (recorded from ${PROM.bandwidth})` },
    unit: 'Bps',
    w: 8,
    queries: [{ expr: recordedSum(API_DIRECTION_BANDWIDTH_RATE, { by: [L('direction')] }), raw: bandwidthRate({ window: '5m' }), legend: legend([L('direction')]) }],
  });

  // ── Collector ─────────────────────────────────────────────────────────────────────────────────
  d.row('OpenTelemetry Collector');
  d.timeseries({
    title: 'Spans accepted / refused',
    doc: { what: 'Spans per second the collector’s receivers accepted and refused (refused = memory limiter or invalid data; lost unless the sender retries).', unit: 'spans per second', window: '$__rate_interval', source: `${P.collectorAcceptedSpans.name}, ${P.collectorRefusedSpans.name} (collector self-telemetry)` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorAcceptedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'accepted') },
      { expr: platformRate('collectorRefusedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'refused') },
    ],
  });
  d.timeseries({
    title: 'Metric points sent / refused',
    doc: { what: 'Metric points per second the exporters sent and the receivers refused.', unit: 'points per second', window: '$__rate_interval', source: `${P.collectorExporterSentMetricPoints.name}, ${P.collectorRefusedMetricPoints.name} (collector self-telemetry)` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterSentMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'sent') },
      { expr: platformRate('collectorRefusedMetricPoints', { by: [RECEIVER] }), legend: legend([RECEIVER], 'refused') },
    ],
  });
  d.timeseries({
    title: 'Dropped: exporter queue full',
    doc: { what: 'Spans and metric points per second dropped because an exporter’s sending queue was full (never delivered).', unit: 'items per second', window: '$__rate_interval', source: `${P.collectorExporterEnqueueFailedSpans.name}, ${P.collectorExporterEnqueueFailedMetricPoints.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterEnqueueFailedSpans', { by: [EXPORTER] }), legend: legend([EXPORTER], 'spans') },
      { expr: platformRate('collectorExporterEnqueueFailedMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'metric points') },
    ],
  });
  d.timeseries({
    title: 'Exporter send failures',
    doc: { what: 'Spans and metric points per second an exporter failed to send (the backend rejected them or was unreachable; retried while the queue holds them).', unit: 'items per second', window: '$__rate_interval', source: `${P.collectorExporterSendFailedSpans.name}, ${P.collectorExporterSendFailedMetricPoints.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterSendFailedSpans', { by: [EXPORTER] }), legend: legend([EXPORTER], 'spans') },
      { expr: platformRate('collectorExporterSendFailedMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'metric points') },
    ],
  });
  d.timeseries({
    title: 'Exporter queue size vs capacity',
    doc: { what: 'Items waiting in each exporter’s sending queue and the queue’s capacity; data is dropped once size reaches capacity.', unit: 'items', window: 'instantaneous gauge', source: `${P.collectorExporterQueueSize.name}, ${P.collectorExporterQueueCapacity.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformGauge('collectorExporterQueueSize', { by: [EXPORTER] }), legend: legend([EXPORTER], 'size') },
      { expr: platformGauge('collectorExporterQueueCapacity', { by: [EXPORTER] }), legend: legend([EXPORTER], 'capacity') },
    ],
  });
  d.timeseries({
    title: 'Exporter queue utilisation',
    doc: { what: 'Queue size divided by capacity per exporter (0–100 %); OtelCollectorQueueFilling alerts above 80 % for 10 minutes.', unit: 'percent of capacity', window: 'instantaneous gauge', source: `${P.collectorExporterQueueSize.name} / ${P.collectorExporterQueueCapacity.name}` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: platformGaugeRatio('collectorExporterQueueSize', 'collectorExporterQueueCapacity', { by: [EXPORTER] }), legend: legend([EXPORTER]) }],
    configure: (b) => b.max(1).min(0),
  });

  // ── Prometheus ────────────────────────────────────────────────────────────────────────────────
  d.row('Prometheus');
  d.statetimeline({
    title: 'Scrape targets up',
    doc: { what: 'Per scrape job and instance: up (1) when Prometheus’ last scrape succeeded, down (0) when it failed.', unit: 'state', window: 'last scrape', source: `${P.up.name} (written by Prometheus per target)` },
    w: 12,
    queries: [{ expr: platformGauge('up', { by: [JOB, INSTANCE], agg: 'min' }), legend: legend([JOB, INSTANCE]) }],
    configure: (b) =>
      b.mappings(codeMappings([{ code: 0, text: 'down', color: 'red' }, { code: 1, text: 'up', color: 'green' }])),
  });
  d.timeseries({
    title: 'Scrape duration by job',
    doc: { what: 'Slowest scrape per job (seconds); a scrape that approaches the scrape timeout fails and marks the target down.', unit: 'seconds', window: 'last scrape', source: `${C.scrapeDuration.name} (written by Prometheus per target)` },
    unit: 's',
    w: 12,
    queries: [{ expr: componentGauge('scrapeDuration', { by: [JOB], agg: 'max' }), legend: legend([JOB]) }],
  });
  d.timeseries({
    title: 'Rule evaluation failures and missed iterations',
    doc: { what: 'Rule evaluations that failed and rule group iterations skipped (group slower than its interval), per second, per rule group; recorded series have gaps while either is above 0.', unit: 'per second', window: '$__rate_interval', source: `${P.prometheusRuleEvaluationFailures.name}, ${P.prometheusRuleGroupIterationsMissed.name}` },
    unit: 'short',
    w: 12,
    queries: [
      { expr: platformRate('prometheusRuleEvaluationFailures', { by: [RULE_GROUP] }), legend: legend([RULE_GROUP], 'failures') },
      { expr: platformRate('prometheusRuleGroupIterationsMissed', { by: [RULE_GROUP] }), legend: legend([RULE_GROUP], 'missed') },
    ],
  });
  d.timeseries({
    title: 'Active series (TSDB head)',
    doc: { what: 'Series in each Prometheus server’s head block: the cardinality the server holds in memory (saturation).', unit: 'series', window: 'instantaneous gauge', source: `${C.prometheusHeadSeries.name} (Prometheus self-telemetry)` },
    unit: 'short',
    w: 12,
    queries: [{ expr: componentGauge('prometheusHeadSeries', { by: [INSTANCE] }), legend: legend([INSTANCE]) }],
  });

  // ── OPA & Keycloak ────────────────────────────────────────────────────────────────────────────
  d.row('OPA and Keycloak');
  d.timeseries({
    title: 'OPA requests per second by handler',
    doc: { what: 'Policy API requests per second OPA served, per handler (v1/data is a policy decision).', unit: 'requests per second', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_count{job="${COMPONENT_JOBS.opa}"} (OPA /metrics)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: componentRate('opaRequestDuration', { by: [HANDLER] }), legend: legend([HANDLER]) }],
  });
  d.timeseries({
    title: 'OPA 5xx share',
    doc: { what: 'Share of OPA requests answered 5xx (0–100 %); a failing decision point fails every gateway request that asks it.', unit: 'percent of requests', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_count{job="${COMPONENT_JOBS.opa}"}, code=~"${OPA_SERVER_ERROR_CODE}"` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: opaErrorRatio(), legend: 'OPA' }],
  });
  d.timeseries({
    title: 'OPA latency p99 by handler',
    doc: { what: '99th percentile of OPA request latency per handler, added to every gateway request that asks for a decision.', unit: 'seconds', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_bucket{job="${COMPONENT_JOBS.opa}"}` },
    unit: 's',
    w: 8,
    queries: [{ expr: componentQuantile(0.99, 'opaRequestDuration', { by: [HANDLER] }), legend: legend([HANDLER]) }],
  });
  d.timeseries({
    title: 'Keycloak requests per second by outcome',
    doc: { what: 'HTTP requests per second Keycloak served, by outcome (SUCCESS, CLIENT_ERROR, SERVER_ERROR, REDIRECTION).', unit: 'requests per second', window: '$__rate_interval', source: `${C.keycloakRequests.name}_count{job="${COMPONENT_JOBS.keycloak}"} (Keycloak metrics)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: componentRate('keycloakRequests', { by: [OUTCOME] }), legend: legend([OUTCOME]) }],
  });
  d.timeseries({
    title: 'Keycloak server error share',
    doc: { what: 'Share of Keycloak requests with outcome SERVER_ERROR (0–100 %); token issuing and introspection failures surface as gateway 401s.', unit: 'percent of requests', window: '$__rate_interval', source: `${C.keycloakRequests.name}_count{job="${COMPONENT_JOBS.keycloak}"}, outcome="${KEYCLOAK_SERVER_ERROR_OUTCOME}"` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: keycloakErrorRatio(), legend: 'Keycloak' }],
  });
  d.timeseries({
    title: 'Keycloak latency: mean and p95',
    doc: { what: 'Mean Keycloak request latency (always available) and the 95th percentile (only with http-metrics-histograms-enabled).', unit: 'seconds', window: '$__rate_interval', source: `${C.keycloakRequests.name}_{sum,count,bucket}{job="${COMPONENT_JOBS.keycloak}"}` },
    unit: 's',
    w: 8,
    queries: [
      { expr: componentMeanLatency('keycloakRequests'), legend: 'mean' },
      { expr: componentQuantile(0.95, 'keycloakRequests'), legend: 'p95' },
    ],
  });

  // ── Saturation ────────────────────────────────────────────────────────────────────────────────
  d.row('Saturation');
  d.timeseries({
    title: 'CPU by component',
    doc: { what: 'CPU cores each component process uses (1 = one core busy), per scrape job.', unit: 'cores', window: '$__rate_interval', source: `${C.processCpu.name} (component /metrics)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: componentRate('processCpu', { by: [JOB] }), legend: legend([JOB]) }],
  });
  d.timeseries({
    title: 'Resident memory by component',
    doc: { what: 'Resident memory of each component process, summed per scrape job.', unit: 'bytes', window: 'instantaneous gauge', source: `${C.processResidentMemory.name} (component /metrics)` },
    unit: 'bytes',
    w: 8,
    queries: [{ expr: componentGauge('processResidentMemory', { by: [JOB] }), legend: legend([JOB]) }],
  });
  d.timeseries({
    title: 'Keycloak requests in progress',
    doc: { what: 'Requests Keycloak is processing at the moment; a rising level with flat throughput means it is saturated.', unit: 'requests', window: 'instantaneous gauge', source: `${C.keycloakActiveRequests.name} (Keycloak metrics)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: componentGauge('keycloakActiveRequests'), legend: 'in progress' }],
  });
  return d;
}
