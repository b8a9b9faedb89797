import {
  COMPONENT_JOBS,
  GATEWAY_REQUEST_RATE,
  PROM,
  componentGauge,
  componentQuantile,
  componentRate,
  gatewayErrorRatio,
  gatewaysReporting,
  keycloakErrorRatio,
  latencyQuantile,
  opaErrorRatio,
  platformGauge,
  platformGaugeRatio,
  platformRate,
  recordedSum,
} from '@api-observatory/telemetry-contract';
import { L } from './filters';
import { legend, type PanelSpec } from './spec';

/** Labels of platform series (their names are defined by those projects; listed in the contract). */
const JOB = 'job';
const INSTANCE = 'instance';
const RECEIVER = 'receiver';
const EXPORTER = 'exporter';
const HANDLER = 'handler';
const OUTCOME = 'outcome';

/**
 * Component health: gateways, the OpenTelemetry Collector, Prometheus, OPA and Keycloak. The same
 * builders (and, panel for panel, the same queries) as the platform dashboard.
 */
export function platformPanels(): PanelSpec[] {
  return [
    {
      key: 'platform.gatewaysUp',
      title: 'Gateways reporting',
      description: `1 per gateway whose recorded request rate is above 0 (the collector drops the gateways' own scrape up). Source: ${GATEWAY_REQUEST_RATE}.`,
      viz: 'statetimeline',
      w: 12,
      h: 6,
      targets: [{ refId: 'A', expr: gatewaysReporting(), legend: legend([L.gateway]) }],
      mappings: [
        { value: 0, text: 'silent', color: 'red' },
        { value: 1, text: 'reporting', color: 'green' },
      ],
    },
    {
      key: 'platform.gatewayTraffic',
      title: 'Requests per second by gateway',
      description: `Requests each gateway served per second. Source: ${GATEWAY_REQUEST_RATE} (recorded from ${PROM.requests}).`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 12,
      h: 6,
      targets: [{ refId: 'A', expr: recordedSum(GATEWAY_REQUEST_RATE, { by: [L.gateway] }), legend: legend([L.gateway]) }],
    },
    {
      key: 'platform.gatewayErrors',
      title: '5xx share by gateway',
      description: 'Share of each gateway’s responses with a 5xx status (raw 5xx rate over the recorded request rate).',
      viz: 'timeseries',
      unit: 'percentunit',
      w: 8,
      targets: [{ refId: 'A', expr: gatewayErrorRatio(), legend: legend([L.gateway]) }],
    },
    {
      key: 'platform.gatewayLatency',
      title: 'Gateway-added latency p99',
      description: `99th percentile of the time spent inside each gateway (plugins, routing). Source: ${PROM.gatewayDuration}_bucket.`,
      viz: 'timeseries',
      unit: 's',
      w: 8,
      targets: [{ refId: 'A', expr: latencyQuantile(0.99, 'gateway', { by: [L.gateway] }), legend: legend([L.gateway]) }],
    },
    {
      key: 'platform.targetsUp',
      title: 'Scrape targets up',
      description: 'Prometheus scrape health per job and instance (1 up, 0 down): Prometheus itself, the collector’s telemetry, OPA, Keycloak.',
      viz: 'statetimeline',
      w: 8,
      targets: [{ refId: 'A', expr: platformGauge('up', { by: [JOB, INSTANCE], agg: 'min' }), legend: legend([JOB, INSTANCE]) }],
      mappings: [
        { value: 0, text: 'down', color: 'red' },
        { value: 1, text: 'up', color: 'green' },
      ],
    },
    {
      key: 'platform.collectorSpans',
      title: 'Collector: spans accepted / refused',
      description: 'Spans the OpenTelemetry Collector accepted and refused per receiver (self-telemetry).',
      viz: 'timeseries',
      unit: 'short',
      w: 8,
      targets: [
        { refId: 'A', expr: platformRate('collectorAcceptedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'accepted') },
        { refId: 'B', expr: platformRate('collectorRefusedSpans', { by: [RECEIVER] }), legend: legend([RECEIVER], 'refused') },
      ],
    },
    {
      key: 'platform.collectorQueue',
      title: 'Collector: exporter queue utilisation',
      description: 'Exporter queue size over capacity (0–100 %): near 100 % the collector starts dropping.',
      viz: 'timeseries',
      unit: 'percentunit',
      w: 8,
      targets: [{ refId: 'A', expr: platformGaugeRatio('collectorExporterQueueSize', 'collectorExporterQueueCapacity', { by: [EXPORTER] }), legend: legend([EXPORTER]) }],
    },
    {
      key: 'platform.prometheus',
      title: 'Prometheus: active series and rule failures',
      description: 'Series in the TSDB head, and rule evaluation failures per second (self-telemetry).',
      viz: 'timeseries',
      unit: 'short',
      w: 8,
      targets: [
        { refId: 'A', expr: componentGauge('prometheusHeadSeries', { by: [INSTANCE] }), legend: legend([INSTANCE], 'head series') },
        { refId: 'B', expr: platformRate('prometheusRuleEvaluationFailures', { by: ['rule_group'] }), legend: legend(['rule_group'], 'failures') },
      ],
    },
    {
      key: 'platform.opa',
      title: 'OPA: requests, 5xx share, p99',
      description: `OPA policy decisions per second by handler, 5xx share and p99 latency (job "${COMPONENT_JOBS.opa}").`,
      viz: 'timeseries',
      unit: 'short',
      w: 8,
      targets: [
        { refId: 'A', expr: componentRate('opaRequestDuration', { by: [HANDLER] }), legend: legend([HANDLER], 'req/s') },
        { refId: 'B', expr: opaErrorRatio(), legend: '5xx share' },
        { refId: 'C', expr: componentQuantile(0.99, 'opaRequestDuration'), legend: 'p99 (s)' },
      ],
    },
    {
      key: 'platform.keycloak',
      title: 'Keycloak: requests and server errors',
      description: `Keycloak requests per second by outcome and the SERVER_ERROR share (job "${COMPONENT_JOBS.keycloak}").`,
      viz: 'timeseries',
      unit: 'short',
      w: 8,
      targets: [
        { refId: 'A', expr: componentRate('keycloakRequests', { by: [OUTCOME] }), legend: legend([OUTCOME]) },
        { refId: 'B', expr: keycloakErrorRatio(), legend: 'server error share' },
      ],
    },
    {
      key: 'platform.saturation',
      title: 'CPU and memory by component',
      description: 'CPU seconds per second and resident memory of every component process, by scrape job.',
      viz: 'timeseries',
      unit: 'short',
      w: 8,
      targets: [
        { refId: 'A', expr: componentRate('processCpu', { by: [JOB] }), legend: legend([JOB], 'cpu') },
        { refId: 'B', expr: componentGauge('processResidentMemory', { by: [JOB] }), legend: legend([JOB], 'rss bytes') },
      ],
    },
  ];
}
