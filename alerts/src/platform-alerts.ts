import {
  GATEWAY_REQUEST_RATE, LABELS, PLATFORM_METRICS, apiRequestRate, increase, rate, recordedSelector, selector, sum,
  requestRate, eq, aggregate, cmp, div, maxOverTime, offsetSelector, or, plus, unless,
} from '@api-observatory/telemetry-contract';
import { label, type AlertRule, type RuleFile, type Runbook } from './model';

const P = PLATFORM_METRICS;
const JOB = 'job';
const INSTANCE = 'instance';
const API = LABELS.api.label;
const GATEWAY = LABELS.gateway.label;

/** Tunables of the platform alerts (documented in README and RUNBOOK). */
export const PLATFORM_SETTINGS = {
  /** How long a gateway is remembered after its last metrics: GatewayDown resolves itself after this. */
  gatewayMemory: '1d',
  /** An API "had traffic an hour ago" when its 1h average an hour ago was at least this many requests per second. */
  noTrafficMinRate: 0.05,
  /** Export failure share above which OtelCollectorExportFailing fires. */
  exportFailureRatio: 0.01,
  /** Queue fill level above which OtelCollectorQueueFilling fires. */
  queueFillRatio: 0.8,
} as const;

const perReceiver = [JOB, INSTANCE, 'receiver'];
const perExporter = [JOB, INSTANCE, 'exporter'];
const perRuleGroup = [JOB, INSTANCE, 'rule_group'];
const GATEWAY_METRIC = 'gateway_metric';
const unmappedSamples = sum(selector(P.collectorUnmappedGatewaySamples.name), [GATEWAY, GATEWAY_METRIC]);

const rate5m = (name: string, by: readonly string[]) => sum(rate(selector(name), '5m'), by);

function failureRatio(failed: string, sent: string): string {
  return div(rate5m(failed, perExporter), plus(rate5m(sent, perExporter), rate5m(failed, perExporter)));
}

export const PLATFORM_ALERTS: Record<string, AlertRule> = {
  ScrapeTargetDown: {
    alert: 'ScrapeTargetDown',
    expr: cmp(selector(P.up.name), '==', 0),
    for: '5m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Scrape target ${label(JOB)} at ${label(INSTANCE)} is down`,
    description: `Scrapes of ${label(INSTANCE)} (job ${label(JOB)}) have failed for 5 minutes; its series are stale and alerts that read them cannot fire.`,
  },
  GatewayDown: {
    alert: 'GatewayDown',
    expr: unless(maxOverTime(recordedSelector(GATEWAY_REQUEST_RATE), PLATFORM_SETTINGS.gatewayMemory), recordedSelector(GATEWAY_REQUEST_RATE)),
    for: '5m',
    severity: 'page',
    persona: 'platform',
    summary: `No metrics from gateway ${label(GATEWAY)}`,
    description:
      `Gateway ${label(GATEWAY)} reported request metrics within the last ${PLATFORM_SETTINGS.gatewayMemory} but none for at least 10 minutes: ` +
      'the gateway, its metrics endpoint or the collector pipeline that scrapes it is down. Every API behind it is unobserved.',
  },
  ApiNoTraffic: {
    alert: 'ApiNoTraffic',
    expr: unless(
      cmp(offsetSelector(recordedSelector(apiRequestRate('1h')), '1h'), '>=', PLATFORM_SETTINGS.noTrafficMinRate),
      cmp(recordedSelector(apiRequestRate('5m')), '>', 0),
    ),
    for: '15m',
    severity: 'ticket',
    persona: 'product',
    summary: `${label(API)} has no traffic`,
    description:
      `${label(API)} served at least ${PLATFORM_SETTINGS.noTrafficMinRate} requests/s on average an hour ago and none in the last 20 minutes ` +
      '(or its series vanished): consumers may be unable to reach it, or a route or DNS change sends them elsewhere.',
  },
  GatewayMetricsUnmapped: {
    alert: 'GatewayMetricsUnmapped',
    expr: cmp(unmappedSamples, '>', 0),
    for: '10m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Gateway ${label(GATEWAY)} exposes ${label(GATEWAY_METRIC)}, which the collector cannot map`,
    description:
      `For 10 minutes every scrape of gateway ${label(GATEWAY)} has returned samples of ${label(GATEWAY_METRIC)}, a metric the collector neither maps onto ` +
      'the contract nor knowingly ignores: a gateway version or plugin configuration (e.g. another metric prefix) the pack does not know. ' +
      'Whatever it measures is missing from dashboards and alerts.',
  },
  OtelCollectorRefusingData: {
    alert: 'OtelCollectorRefusingData',
    expr: or(
      cmp(rate5m(P.collectorRefusedSpans.name, perReceiver), '>', 0),
      cmp(rate5m(P.collectorRefusedMetricPoints.name, perReceiver), '>', 0),
    ),
    for: '5m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Collector ${label(INSTANCE)} refuses data on receiver ${label('receiver')}`,
    description: `Receiver ${label('receiver')} of collector ${label(INSTANCE)} (job ${label(JOB)}) has refused spans or metric points for 5 minutes, usually because the memory limiter is engaged. Refused telemetry is lost unless the sender retries.`,
  },
  OtelCollectorDroppingData: {
    alert: 'OtelCollectorDroppingData',
    expr: or(
      cmp(rate5m(P.collectorExporterEnqueueFailedSpans.name, perExporter), '>', 0),
      cmp(rate5m(P.collectorExporterEnqueueFailedMetricPoints.name, perExporter), '>', 0),
    ),
    for: '5m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Collector ${label(INSTANCE)} drops data: exporter ${label('exporter')} queue is full`,
    description: `Exporter ${label('exporter')} of collector ${label(INSTANCE)} (job ${label(JOB)}) could not enqueue spans or metric points for 5 minutes: its sending queue is full and new data is dropped.`,
  },
  OtelCollectorExportFailing: {
    alert: 'OtelCollectorExportFailing',
    expr: or(
      cmp(failureRatio(P.collectorExporterSendFailedSpans.name, P.collectorExporterSentSpans.name), '>', PLATFORM_SETTINGS.exportFailureRatio),
      cmp(failureRatio(P.collectorExporterSendFailedMetricPoints.name, P.collectorExporterSentMetricPoints.name), '>', PLATFORM_SETTINGS.exportFailureRatio),
    ),
    for: '10m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Collector ${label(INSTANCE)}: exporter ${label('exporter')} fails to send`,
    description: `More than ${PLATFORM_SETTINGS.exportFailureRatio * 100}% of the spans or metric points exporter ${label('exporter')} of collector ${label(INSTANCE)} (job ${label(JOB)}) sent in the last 10 minutes failed: the backend rejects or cannot be reached.`,
  },
  OtelCollectorQueueFilling: {
    alert: 'OtelCollectorQueueFilling',
    expr: cmp(
      div(
        aggregate('max', selector(P.collectorExporterQueueSize.name), [...perExporter, 'data_type']),
        aggregate('max', selector(P.collectorExporterQueueCapacity.name), [...perExporter, 'data_type']),
      ),
      '>',
      PLATFORM_SETTINGS.queueFillRatio,
    ),
    for: '10m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Collector ${label(INSTANCE)}: exporter ${label('exporter')} queue above ${PLATFORM_SETTINGS.queueFillRatio * 100}%`,
    description: `The ${label('data_type')} sending queue of exporter ${label('exporter')} on collector ${label(INSTANCE)} (job ${label(JOB)}) has been over ${PLATFORM_SETTINGS.queueFillRatio * 100}% full for 10 minutes; once full, data is dropped.`,
  },
  PrometheusRuleEvaluationFailures: {
    alert: 'PrometheusRuleEvaluationFailures',
    expr: cmp(sum(increase(selector(P.prometheusRuleEvaluationFailures.name), '5m'), perRuleGroup), '>', 0),
    for: '10m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Prometheus ${label(INSTANCE)} fails to evaluate rule group ${label('rule_group')}`,
    description: `Rules of group ${label('rule_group')} on ${label(INSTANCE)} (job ${label(JOB)}) have failed to evaluate for 10 minutes: their recorded series have gaps and their alerts cannot fire.`,
  },
  PrometheusRuleGroupIterationsMissed: {
    alert: 'PrometheusRuleGroupIterationsMissed',
    expr: cmp(sum(increase(selector(P.prometheusRuleGroupIterationsMissed.name), '5m'), perRuleGroup), '>', 0),
    for: '15m',
    severity: 'ticket',
    persona: 'platform',
    summary: `Prometheus ${label(INSTANCE)} skips evaluations of rule group ${label('rule_group')}`,
    description: `Group ${label('rule_group')} on ${label(INSTANCE)} (job ${label(JOB)}) takes longer than its interval and has skipped evaluations for 15 minutes: its recorded series and alerts lag.`,
  },
};

export function platformRuleFile(): RuleFile {
  const a = PLATFORM_ALERTS;
  return {
    file: 'platform.yaml',
    title: 'Platform alerts: scrape targets, gateways, API traffic, the collector pipeline and Prometheus rule evaluation.',
    groups: [
      { name: 'platform-scrape', rules: [a.ScrapeTargetDown!, a.GatewayDown!, a.ApiNoTraffic!] },
      { name: 'platform-collector', rules: [a.GatewayMetricsUnmapped!, a.OtelCollectorRefusingData!, a.OtelCollectorDroppingData!, a.OtelCollectorExportFailing!, a.OtelCollectorQueueFilling!] },
      { name: 'platform-prometheus', rules: [a.PrometheusRuleEvaluationFailures!, a.PrometheusRuleGroupIterationsMissed!] },
    ],
  };
}

const q = (s: string) => `\`${s}\``;

export function platformRunbooks(): Record<string, Runbook> {
  return {
    ScrapeTargetDown: {
      meaning: 'Prometheus has failed to scrape a target for 5 minutes (`up` is 0).',
      impact: 'Every series of that target is stale: dashboards show gaps and alerts reading them cannot fire.',
      diagnosis: [
        'Open Prometheus → Status → Targets and read the scrape error of the target.',
        `List all failing targets: ${q(cmp(selector(P.up.name), '==', 0))}.`,
        'Check that the process runs and listens on the scraped port, and that nothing (firewall, TLS, auth) blocks the scrape.',
      ],
      mitigation: ['Restart or fix the target; if it was removed on purpose, remove it from the scrape configuration.'],
    },
    GatewayDown: {
      meaning: `No request metrics of a gateway have arrived for about 10 minutes, although it reported within the last ${PLATFORM_SETTINGS.gatewayMemory}.`,
      impact: 'All APIs behind that gateway are unobserved: SLO alerts for them cannot fire. The gateway itself may be down.',
      diagnosis: [
        `See which gateways still report: ${q(recordedSelector(GATEWAY_REQUEST_RATE))}.`,
        'Check the gateway process and its Prometheus plugin endpoint; then the collector\'s scrape of it (collector logs, ScrapeTargetDown, OtelCollector* alerts).',
        'If every gateway vanished at once, suspect the collector or remote write into Prometheus rather than the gateways.',
      ],
      mitigation: [
        'Restore the gateway or the pipeline. A gateway decommissioned on purpose keeps this alert firing until it ages out of the memory window: silence it for that long.',
      ],
    },
    ApiNoTraffic: {
      meaning: `An API that averaged at least ${PLATFORM_SETTINGS.noTrafficMinRate} requests/s an hour ago has served none for about 20 minutes.`,
      impact: 'Consumers may not reach the API (routing, DNS, auth) or a client integration broke; revenue-relevant for paid plans.',
      diagnosis: [
        `Compare now and an hour ago: ${q(recordedSelector(apiRequestRate('5m'), { [API]: eq('<api>') }))} and ${q(offsetSelector(recordedSelector(apiRequestRate('1h'), { [API]: eq('<api>') }), '1h'))}.`,
        'Check gateway route and service configuration changes for the API, and whether GatewayDown fires too (then the metrics, not the traffic, are missing).',
        `See which consumers stopped: ${q(requestRate({ filter: { [API]: eq('<api>') }, by: [LABELS.consumer.label], window: '1h' }))}.`,
      ],
      mitigation: ['Revert the route or DNS change; contact the consumers that stopped. For an API retired on purpose, silence for two hours.'],
    },
    GatewayMetricsUnmapped: {
      meaning: 'A gateway exposes a metric that the collector neither maps onto the contract nor knowingly ignores (collector/GATEWAY-FORMATS.md lists what each supported version emits).',
      impact: 'What the metric measures never reaches Prometheus: if it is the gateway\'s request, latency or bandwidth metric, that gateway\'s dashboards, SLO alerts and canary gates have no data.',
      diagnosis: [
        `See which metrics of which gateway: ${q(unmappedSamples)}.`,
        'Compare the gateway\'s version and Prometheus plugin configuration (metric prefix, prefer_name, per_consumer) with the supported versions in collector/GATEWAY-FORMATS.md.',
      ],
      mitigation: [
        'Run a supported gateway version or plugin configuration, or extend the collector\'s mapping (transform/gateway_metrics) for the new format. A per-node metric the contract does not need belongs in the known-families rule of the scrape relabeling.',
      ],
    },
    OtelCollectorRefusingData: {
      meaning: 'A collector receiver refuses spans or metric points, usually because the memory limiter is engaged.',
      impact: 'Telemetry is lost unless senders retry: traces and span-derived metrics (plan, tenant, country panels) have gaps.',
      diagnosis: [
        'Check collector memory use against the memory_limiter settings and the collector logs.',
        `See which receivers refuse: ${q(rate5m(P.collectorRefusedSpans.name, perReceiver))}.`,
      ],
      mitigation: ['Scale the collector out or up, or lower the incoming volume (sampling); raise limits only with memory to back them.'],
    },
    OtelCollectorDroppingData: {
      meaning: 'An exporter\'s sending queue is full, so new spans or metric points are dropped.',
      impact: 'Telemetry is lost: dashboards and SLO alerts may read incomplete data.',
      diagnosis: [
        'Check whether the backend is slow or down (OtelCollectorExportFailing usually fires too).',
        `Queue level: ${q(div(aggregate('max', selector(P.collectorExporterQueueSize.name), perExporter), aggregate('max', selector(P.collectorExporterQueueCapacity.name), perExporter)))}.`,
      ],
      mitigation: ['Fix the backend; if it is healthy but slower than the input, raise num_consumers or queue_size, or scale the collector.'],
    },
    OtelCollectorExportFailing: {
      meaning: `More than ${PLATFORM_SETTINGS.exportFailureRatio * 100}% of an exporter\'s sends fail for 10 minutes.`,
      impact: 'Data that exhausts its retries is lost; for the Prometheus remote-write exporter all gateway metrics stop (GatewayDown follows).',
      diagnosis: [
        'Read the collector logs for the exporter\'s error (HTTP status, TLS, auth, DNS).',
        `Failure share per exporter: ${q(failureRatio(P.collectorExporterSendFailedMetricPoints.name, P.collectorExporterSentMetricPoints.name))}.`,
      ],
      mitigation: ['Fix the backend or the exporter\'s endpoint and credentials configuration.'],
    },
    OtelCollectorQueueFilling: {
      meaning: `An exporter queue has been over ${PLATFORM_SETTINGS.queueFillRatio * 100}% full for 10 minutes.`,
      impact: 'Nothing is lost yet; once the queue is full OtelCollectorDroppingData fires and data is dropped.',
      diagnosis: ['Check backend latency and errors (OtelCollectorExportFailing), and whether the input volume grew.'],
      mitigation: ['Fix the slow backend, scale the collector, or raise num_consumers.'],
    },
    PrometheusRuleEvaluationFailures: {
      meaning: 'Rules of a rule group have failed to evaluate for 10 minutes.',
      impact: 'Recorded series of the group have gaps and its alerts cannot fire: SLO alerting may be blind.',
      diagnosis: [
        'Open Prometheus → Status → Rule health (or /rules) and read the last error of the group.',
        'Common causes: many-to-many matching after a label change, query timeouts, out-of-order samples from duplicate rules.',
      ],
      mitigation: ['Fix the rule in alerts/src (never in alerts/rules, which is generated), regenerate and reload Prometheus.'],
    },
    PrometheusRuleGroupIterationsMissed: {
      meaning: 'A rule group takes longer than its evaluation interval and skips evaluations.',
      impact: 'Recorded series and alerts of the group lag or have gaps; burn-rate alerts fire late.',
      diagnosis: [
        'Check the group\'s evaluation duration on Prometheus → Rule health; the 3d windows are the heaviest rules.',
        'Check Prometheus CPU and query concurrency.',
      ],
      mitigation: ['Give Prometheus more CPU, or split the group; the 3d windows can move to their own group with a longer interval.'],
    },
  };
}
