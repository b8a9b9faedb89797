/**
 * Platform engineering: the gateways, the OpenTelemetry Collector pipeline, Prometheus, OPA, Keycloak
 * and their saturation.
 */
import {
  API_DIRECTION_BANDWIDTH_RATE,
  COMPONENT_JOBS,
  ERROR_STATUS_CLASS,
  GATEWAY_REQUEST_RATE,
  KEYCLOAK_SERVER_ERROR_OUTCOME,
  OPA_DECISION_HANDLER,
  OPA_SERVER_ERROR_CODE,
  OPA_SUCCESS_CODE,
  PLATFORM_COMPONENT_METRICS,
  PLATFORM_METRICS,
  PROM,
  bandwidthRate,
  componentGauge,
  componentLabel,
  componentMeanLatency,
  componentQuantile,
  componentRate,
  errorRatio,
  gatewayErrorRatio,
  gatewaysReporting,
  gatewaysReportingRaw,
  keycloakErrorRatio,
  latencyQuantile,
  latencySource,
  opaDecisionErrors,
  opaDecisionLatency,
  opaErrorRatio,
  platformGauge,
  platformGaugeRatio,
  platformRate,
  recordedSum,
  requestRate,
  type Matchers,
} from '../../index';
import { L, legend, platformLabel, v } from '../names';
import { catalogue } from '../spec';

const GW = L('gateway');
const gwFilter: Matchers = { [GW]: v('gateway') };
const P = PLATFORM_METRICS;
const C = PLATFORM_COMPONENT_METRICS;
const RECEIVER = platformLabel('collectorAcceptedSpans', 'receiver');
const EXPORTER = platformLabel('collectorExporterSentSpans', 'exporter');
const RULE_GROUP = platformLabel('prometheusRuleEvaluationFailures', 'rule_group');
const JOB = platformLabel('up', 'job');
const INSTANCE = platformLabel('up', 'instance');
const HANDLER = componentLabel('opaRequestDuration', 'handler');
const OUTCOME = componentLabel('keycloakRequests', 'outcome');
const CODE = componentLabel('opaRequestDuration', 'code');
const INTEGRATION = componentLabel('alertmanagerNotificationsFailed', 'integration');
const REASON = componentLabel('alertmanagerNotificationsFailed', 'reason');
const GROUP = platformLabel('kafkaConsumerGroupLagSum', 'group');
const TOPIC = platformLabel('kafkaConsumerGroupLagSum', 'topic');
const DESTINATION = platformLabel('governanceOutboxBacklog', 'destination');

export const PLATFORM_PANELS = catalogue('platform', {
  requestsPerSecondByGateway: {
    kind: 'timeseries',
    title: 'Requests per second by gateway',
    doc: { what: 'Requests each gateway served per second, all APIs and status codes.', unit: 'requests per second', window: '5m rate (recorded series)', source: `${GATEWAY_REQUEST_RATE} (recorded from ${PROM.requests}, gateway scrape)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: recordedSum(GATEWAY_REQUEST_RATE, { filter: gwFilter, by: [GW] }), raw: requestRate({ filter: gwFilter, by: [GW], window: '5m' }), legend: legend([GW]) }],
  },
  errorShareByGateway: {
    kind: 'timeseries',
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
  },
  requestLatencyP50P99ByGateway: {
    kind: 'timeseries',
    title: 'Request latency p50 / p99 by gateway',
    doc: { what: 'End-to-end request latency per gateway (client in to client out), 50th and 99th percentile across all APIs.', unit: 'seconds', window: '$__rate_interval', source: latencySource('request', [GW]) },
    unit: 's',
    w: 8,
    queries: [
      { expr: latencyQuantile(0.5, 'request', { filter: gwFilter, by: [GW] }), legend: legend([GW], 'p50') },
      { expr: latencyQuantile(0.99, 'request', { filter: gwFilter, by: [GW] }), legend: legend([GW], 'p99') },
    ],
  },
  latencyAddedByTheGatewayP99: {
    kind: 'timeseries',
    title: 'Latency added by the gateway p99',
    doc: { what: '99th percentile of the time spent inside each gateway (plugins, routing), excluding the upstream.', unit: 'seconds', window: '$__rate_interval', source: `${PROM.gatewayDuration}_bucket (gateway scrape)` },
    unit: 's',
    w: 8,
    queries: [{ expr: latencyQuantile(0.99, 'gateway', { filter: gwFilter, by: [GW] }), legend: legend([GW]) }],
  },
  gatewaysReporting: {
    kind: 'statetimeline',
    title: 'Gateways reporting',
    doc: {
      what: 'Per gateway: “reporting” while its request metrics arrive with traffic (recorded rate > 0), “silent” when the rate is 0; no bar when its series are absent (the collector drops the gateways’ own scrape `up`, so this is the gateway scrape health signal, the one GatewayDown alerts on).',
      unit: 'state',
      window: '5m rate (recorded series)',
      source: `${GATEWAY_REQUEST_RATE} (recorded)`,
    },
    w: 8,
    queries: [{ expr: gatewaysReporting({ filter: gwFilter }), raw: gatewaysReportingRaw({ filter: gwFilter }), legend: legend([GW]) }],
    mappings: [{ value: 0, text: 'silent', color: 'orange' }, { value: 1, text: 'reporting', color: 'green' }],
  },
  bandwidthByDirection: {
    kind: 'timeseries',
    title: 'Bandwidth by direction',
    doc: { what: 'Bytes per second through the gateways, ingress (client to gateway) and egress (gateway to client), all APIs and gateways.', unit: 'bytes per second', window: '5m rate (recorded series)', source: `${API_DIRECTION_BANDWIDTH_RATE} (recorded from ${PROM.bandwidth})` },
    unit: 'Bps',
    w: 8,
    queries: [{ expr: recordedSum(API_DIRECTION_BANDWIDTH_RATE, { by: [L('direction')] }), raw: bandwidthRate({ window: '5m' }), legend: legend([L('direction')]) }],
  },
  spansAcceptedRefused: {
    kind: 'timeseries',
    title: 'Spans accepted / refused',
    doc: { what: 'Spans per second the collector’s receivers accepted and refused (refused = memory limiter or invalid data; lost unless the sender retries).', unit: 'spans per second', window: '$__rate_interval', source: `${P.collectorAcceptedSpans.name}, ${P.collectorRefusedSpans.name} (collector self-telemetry)` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorAcceptedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'accepted') },
      { expr: platformRate('collectorRefusedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'refused') },
    ],
  },
  metricPointsSentRefused: {
    kind: 'timeseries',
    title: 'Metric points sent / refused',
    doc: { what: 'Metric points per second the exporters sent and the receivers refused.', unit: 'points per second', window: '$__rate_interval', source: `${P.collectorExporterSentMetricPoints.name}, ${P.collectorRefusedMetricPoints.name} (collector self-telemetry)` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterSentMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'sent') },
      { expr: platformRate('collectorRefusedMetricPoints', { by: [RECEIVER] }), legend: legend([RECEIVER], 'refused') },
    ],
  },
  droppedExporterQueueFull: {
    kind: 'timeseries',
    title: 'Dropped: exporter queue full',
    doc: { what: 'Spans and metric points per second dropped because an exporter’s sending queue was full (never delivered).', unit: 'items per second', window: '$__rate_interval', source: `${P.collectorExporterEnqueueFailedSpans.name}, ${P.collectorExporterEnqueueFailedMetricPoints.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterEnqueueFailedSpans', { by: [EXPORTER] }), legend: legend([EXPORTER], 'spans') },
      { expr: platformRate('collectorExporterEnqueueFailedMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'metric points') },
    ],
  },
  exporterSendFailures: {
    kind: 'timeseries',
    title: 'Exporter send failures',
    doc: { what: 'Spans and metric points per second an exporter failed to send (the backend rejected them or was unreachable; retried while the queue holds them).', unit: 'items per second', window: '$__rate_interval', source: `${P.collectorExporterSendFailedSpans.name}, ${P.collectorExporterSendFailedMetricPoints.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformRate('collectorExporterSendFailedSpans', { by: [EXPORTER] }), legend: legend([EXPORTER], 'spans') },
      { expr: platformRate('collectorExporterSendFailedMetricPoints', { by: [EXPORTER] }), legend: legend([EXPORTER], 'metric points') },
    ],
  },
  exporterQueueSizeVsCapacity: {
    kind: 'timeseries',
    title: 'Exporter queue size vs capacity',
    doc: { what: 'Items waiting in each exporter’s sending queue and the queue’s capacity; data is dropped once size reaches capacity.', unit: 'items', window: 'instantaneous gauge', source: `${P.collectorExporterQueueSize.name}, ${P.collectorExporterQueueCapacity.name}` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: platformGauge('collectorExporterQueueSize', { by: [EXPORTER] }), legend: legend([EXPORTER], 'size') },
      { expr: platformGauge('collectorExporterQueueCapacity', { by: [EXPORTER] }), legend: legend([EXPORTER], 'capacity') },
    ],
  },
  exporterQueueUtilisation: {
    kind: 'timeseries',
    title: 'Exporter queue utilisation',
    doc: { what: 'Queue size divided by capacity per exporter (0–100 %); OtelCollectorQueueFilling alerts above 80 % for 10 minutes.', unit: 'percent of capacity', window: 'instantaneous gauge', source: `${P.collectorExporterQueueSize.name} / ${P.collectorExporterQueueCapacity.name}` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: platformGaugeRatio('collectorExporterQueueSize', 'collectorExporterQueueCapacity', { by: [EXPORTER] }), legend: legend([EXPORTER]) }],
  },
  scrapeTargetsUp: {
    kind: 'statetimeline',
    title: 'Scrape targets up',
    doc: { what: 'Per scrape job and instance: up (1) when Prometheus’ last scrape succeeded, down (0) when it failed.', unit: 'state', window: 'last scrape', source: `${P.up.name} (written by Prometheus per target)` },
    w: 12,
    queries: [{ expr: platformGauge('up', { by: [JOB, INSTANCE], agg: 'min' }), legend: legend([JOB, INSTANCE]) }],
    mappings: [{ value: 0, text: 'down', color: 'red' }, { value: 1, text: 'up', color: 'green' }],
  },
  scrapeDurationByJob: {
    kind: 'timeseries',
    title: 'Scrape duration by job',
    doc: { what: 'Slowest scrape per job (seconds); a scrape that approaches the scrape timeout fails and marks the target down.', unit: 'seconds', window: 'last scrape', source: `${C.scrapeDuration.name} (written by Prometheus per target)` },
    unit: 's',
    w: 12,
    queries: [{ expr: componentGauge('scrapeDuration', { by: [JOB], agg: 'max' }), legend: legend([JOB]) }],
  },
  ruleEvaluationFailuresAndMissedIterations: {
    kind: 'timeseries',
    title: 'Rule evaluation failures and missed iterations',
    doc: { what: 'Rule evaluations that failed and rule group iterations skipped (group slower than its interval), per second, per rule group; recorded series have gaps while either is above 0.', unit: 'per second', window: '$__rate_interval', source: `${P.prometheusRuleEvaluationFailures.name}, ${P.prometheusRuleGroupIterationsMissed.name}` },
    unit: 'short',
    w: 12,
    queries: [
      { expr: platformRate('prometheusRuleEvaluationFailures', { by: [RULE_GROUP] }), legend: legend([RULE_GROUP], 'failures') },
      { expr: platformRate('prometheusRuleGroupIterationsMissed', { by: [RULE_GROUP] }), legend: legend([RULE_GROUP], 'missed') },
    ],
  },
  activeSeriesTsdbHead: {
    kind: 'timeseries',
    title: 'Active series (TSDB head)',
    doc: { what: 'Series in each Prometheus server’s head block: the cardinality the server holds in memory (saturation).', unit: 'series', window: 'instantaneous gauge', source: `${C.prometheusHeadSeries.name} (Prometheus self-telemetry)` },
    unit: 'short',
    w: 12,
    queries: [{ expr: componentGauge('prometheusHeadSeries', { by: [INSTANCE] }), legend: legend([INSTANCE]) }],
  },
  opaRequestsPerSecondByHandler: {
    kind: 'timeseries',
    title: 'OPA requests per second by handler',
    doc: { what: 'Policy API requests per second OPA served, per handler (v1/data is a policy decision).', unit: 'requests per second', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_count{job="${COMPONENT_JOBS.opa}"} (OPA /metrics)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: componentRate('opaRequestDuration', { by: [HANDLER] }), legend: legend([HANDLER]) }],
  },
  opaErrorShare: {
    kind: 'timeseries',
    title: 'OPA 5xx share',
    doc: { what: 'Share of OPA requests answered 5xx (0–100 %); a failing decision point fails every gateway request that asks it.', unit: 'percent of requests', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_count{job="${COMPONENT_JOBS.opa}"}, code=~"${OPA_SERVER_ERROR_CODE}"` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: opaErrorRatio(), legend: 'OPA' }],
  },
  opaLatencyP99ByHandler: {
    kind: 'timeseries',
    title: 'OPA latency p99 by handler',
    doc: { what: '99th percentile of OPA request latency per handler, added to every gateway request that asks for a decision.', unit: 'seconds', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_bucket{job="${COMPONENT_JOBS.opa}"}` },
    unit: 's',
    w: 8,
    queries: [{ expr: componentQuantile(0.99, 'opaRequestDuration', { by: [HANDLER] }), legend: legend([HANDLER]) }],
  },
  policyDecisionLatencyP50P99: {
    kind: 'timeseries',
    title: 'Policy decision latency (p50/p99)',
    doc: { what: 'Median and 99th percentile of the time OPA takes to answer a policy decision (Data API v1 query), which every governance transition waits for.', unit: 'seconds', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_bucket{job="${COMPONENT_JOBS.opa}", handler="${OPA_DECISION_HANDLER}"} (OPA /metrics)` },
    unit: 's',
    w: 12,
    queries: [
      { expr: opaDecisionLatency(0.5), legend: 'p50' },
      { expr: opaDecisionLatency(0.99), legend: 'p99' },
    ],
  },
  policyDecisionErrors: {
    kind: 'timeseries',
    title: 'Policy decision errors',
    doc: { what: 'Policy decisions per second OPA answered with an error, by status code: 4xx when the caller sent a malformed input document, 5xx when the policy failed to evaluate. The governance backend fails closed on either.', unit: 'decisions per second', window: '$__rate_interval', source: `${C.opaRequestDuration.name}_count{job="${COMPONENT_JOBS.opa}", handler="${OPA_DECISION_HANDLER}", code!~"${OPA_SUCCESS_CODE}"}` },
    unit: 'reqps',
    w: 12,
    queries: [{ expr: opaDecisionErrors({ by: [CODE] }), legend: legend([CODE]) }],
  },
  keycloakRequestsPerSecondByOutcome: {
    kind: 'timeseries',
    title: 'Keycloak requests per second by outcome',
    doc: { what: 'HTTP requests per second Keycloak served, by outcome (SUCCESS, CLIENT_ERROR, SERVER_ERROR, REDIRECTION).', unit: 'requests per second', window: '$__rate_interval', source: `${C.keycloakRequests.name}_count{job="${COMPONENT_JOBS.keycloak}"} (Keycloak metrics)` },
    unit: 'reqps',
    w: 8,
    queries: [{ expr: componentRate('keycloakRequests', { by: [OUTCOME] }), legend: legend([OUTCOME]) }],
  },
  keycloakServerErrorShare: {
    kind: 'timeseries',
    title: 'Keycloak server error share',
    doc: { what: 'Share of Keycloak requests with outcome SERVER_ERROR (0–100 %); token issuing and introspection failures surface as gateway 401s.', unit: 'percent of requests', window: '$__rate_interval', source: `${C.keycloakRequests.name}_count{job="${COMPONENT_JOBS.keycloak}"}, outcome="${KEYCLOAK_SERVER_ERROR_OUTCOME}"` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: keycloakErrorRatio(), legend: 'Keycloak' }],
  },
  keycloakLatencyMeanAndP95: {
    kind: 'timeseries',
    title: 'Keycloak latency: mean and p95',
    doc: { what: 'Mean Keycloak request latency (always available) and the 95th percentile (only with http-metrics-histograms-enabled).', unit: 'seconds', window: '$__rate_interval', source: `${C.keycloakRequests.name}_{sum,count,bucket}{job="${COMPONENT_JOBS.keycloak}"}` },
    unit: 's',
    w: 8,
    queries: [
      { expr: componentMeanLatency('keycloakRequests'), legend: 'mean' },
      { expr: componentQuantile(0.95, 'keycloakRequests'), legend: 'p95' },
    ],
  },
  cpuByComponent: {
    kind: 'timeseries',
    title: 'CPU by component',
    doc: { what: 'CPU cores each component process uses (1 = one core busy), per scrape job.', unit: 'cores', window: '$__rate_interval', source: `${C.processCpu.name} (component /metrics)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: componentRate('processCpu', { by: [JOB] }), legend: legend([JOB]) }],
  },
  residentMemoryByComponent: {
    kind: 'timeseries',
    title: 'Resident memory by component',
    doc: { what: 'Resident memory of each component process, summed per scrape job.', unit: 'bytes', window: 'instantaneous gauge', source: `${C.processResidentMemory.name} (component /metrics)` },
    unit: 'bytes',
    w: 8,
    queries: [{ expr: componentGauge('processResidentMemory', { by: [JOB] }), legend: legend([JOB]) }],
  },
  keycloakRequestsInProgress: {
    kind: 'timeseries',
    title: 'Keycloak requests in progress',
    doc: { what: 'Requests Keycloak is processing at the moment; a rising level with flat throughput means it is saturated.', unit: 'requests', window: 'instantaneous gauge', source: `${C.keycloakActiveRequests.name} (Keycloak metrics)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: componentGauge('keycloakActiveRequests'), legend: 'in progress' }],
  },
  alertmanagerNotificationFailures: {
    kind: 'timeseries',
    title: 'Alertmanager notification failures',
    doc: { what: 'Notification attempts per second that failed, per integration and reason (an alert that fires but reaches nobody; Alertmanager retries until the group’s next flush), next to all attempts per integration.', unit: 'attempts per second', window: '$__rate_interval', source: `${C.alertmanagerNotificationsFailed.name}, ${C.alertmanagerNotifications.name} {job="${COMPONENT_JOBS.alertmanager}"} (Alertmanager /metrics)` },
    unit: 'short',
    w: 8,
    queries: [
      { expr: componentRate('alertmanagerNotificationsFailed', { by: [INTEGRATION, REASON] }), legend: legend([INTEGRATION, REASON], 'failed') },
      { expr: componentRate('alertmanagerNotifications', { by: [INTEGRATION] }), legend: legend([INTEGRATION], 'attempted') },
    ],
  },
  kafkaConsumerLag: {
    kind: 'timeseries',
    title: 'Kafka consumer lag',
    doc: { what: 'Messages per consumer group and topic not consumed yet (summed over partitions); a lag that keeps growing means the consumers fall behind and spans arrive late.', unit: 'messages', window: 'instantaneous gauge, per collection interval', source: `${P.kafkaConsumerGroupLagSum.name} (collector Kafka tier, kafkametrics receiver)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: platformGauge('kafkaConsumerGroupLagSum', { by: [GROUP, TOPIC], agg: 'max' }), legend: legend([GROUP, TOPIC]) }],
  },
  governanceOutboxBacklog: {
    kind: 'timeseries',
    title: 'Governance outbox backlog',
    doc: { what: 'Governance events (promotions, approvals, deprecations) recorded but not yet delivered, per destination: the Backstage EventsService and the Kafka topic. It grows while a destination is down and drains once it is back; nothing is lost meanwhile.', unit: 'events', window: 'instantaneous gauge, per scrape', source: `${P.governanceOutboxBacklog.name} (Backstage governance backend, OpenTelemetry Prometheus exporter)` },
    unit: 'short',
    w: 8,
    queries: [{ expr: platformGauge('governanceOutboxBacklog', { by: [DESTINATION], agg: 'max' }), legend: legend([DESTINATION]) }],
  },
});
