import { GATEWAYS, LABELS, PLATFORM_METRICS, metricSelector, selector, statusClassOf, type Matchers } from '@api-observatory/telemetry-contract';
import { PLATFORM_ALERTS, PLATFORM_SETTINGS } from '../platform-alerts';
import { alertTest, counterValues, expectAlert, gaugeValues, type AlertRuleTest, type TestGroup } from './promtool-file';
import { seconds } from './sim';

/**
 * Platform alert tests. Each group has a subject that must fire and a control that must not, and checks
 * the minute before and the minute of firing. Firing minutes follow from the data:
 *   condition true from minute c (first evaluation where the expression returns the series),
 *   fires at c + `for` (Prometheus fires once the condition has held for `for`).
 */

const P = PLATFORM_METRICS;
const A = LABELS.api.label;
const forMinutes = (alert: string) => seconds(PLATFORM_ALERTS[alert]!.for ?? '0s') / 60;

function expectFiring(alert: string, labels: Record<string, string>, base: string) {
  return expectAlert(PLATFORM_ALERTS[alert]!, labels, base);
}

/** Not firing the minute before `fireAt`, firing at `fireAt` and at `later`. */
function around(alert: string, fireAt: number, later: number, subject: Record<string, string>[], base: string): AlertRuleTest[] {
  const exp = subject.map((l) => expectFiring(alert, l, base));
  return [alertTest(alert, fireAt - 1, []), alertTest(alert, fireAt, exp), alertTest(alert, later, exp)];
}

export function platformTestGroups(runbookBase: string): TestGroup[] {
  const groups: TestGroup[] = [];
  const collector = { job: 'otelcol', instance: 'otelcol-0' };
  const collector2 = { job: 'otelcol', instance: 'otelcol-1' };
  const s = (name: string, m: Matchers) => selector(name, m);

  // ScrapeTargetDown: the collector's target goes down at 10m; Prometheus' own stays up.
  {
    const down = { job: 'otelcol', instance: 'otelcol-0' };
    const up = { job: 'prometheus', instance: 'prometheus-0' };
    const c = 10;
    groups.push({
      name: 'ScrapeTargetDown: a target down for 5m fires, an up target does not',
      interval: '1m',
      input_series: [
        { series: s(P.up.name, down), values: gaugeValues([[c, 1], [110, 0]]) },
        { series: s(P.up.name, up), values: gaugeValues([[120, 1]]) },
      ],
      alert_rule_test: around('ScrapeTargetDown', c + forMinutes('ScrapeTargetDown'), 60, [down], runbookBase),
    });
  }

  // GatewayDown: kong's series end after 60m, apisix keeps reporting.
  {
    const [kong, apisix] = GATEWAYS;
    const req = (gw: string) =>
      metricSelector('requests', { [A]: `api-on-${gw}`, [LABELS.gateway.label]: gw, [LABELS.statusCode.label]: '200', [LABELS.statusClass.label]: statusClassOf(200) });
    const last = 60;
    // The 5m rate needs two samples in (t−5m, t]: the last sample is at 60m, so it exists through 63m
    // and is gone at 64m (the recording rule then writes a stale marker); fires `for` later.
    const c = last + 4;
    groups.push({
      name: 'GatewayDown: a gateway whose series stop fires, one that keeps reporting does not',
      interval: '1m',
      input_series: [
        { series: req(kong), values: counterValues([[last, 600]]) },
        { series: req(apisix), values: counterValues([[180, 600]]) },
      ],
      alert_rule_test: around('GatewayDown', c + forMinutes('GatewayDown'), 170, [{ [LABELS.gateway.label]: kong }], runbookBase),
    });
  }

  // ApiNoTraffic: `busy` stops at 180m; `steady` continues; `trickle` is below the minimum rate and stops.
  {
    const req = (api: string) =>
      metricSelector('requests', { [A]: api, [LABELS.gateway.label]: GATEWAYS[0], [LABELS.statusCode.label]: '200', [LABELS.statusClass.label]: statusClassOf(200) });
    const stop = 180;
    const trickle = PLATFORM_SETTINGS.noTrafficMinRate * 60 * 0.5; // half the minimum, per minute
    // rate5m is 0 once every sample in (t−5m, t] is the same: from stop+4m; fires `for` later.
    const c = stop + 4;
    groups.push({
      name: 'ApiNoTraffic: an API that stops fires; a steady API and one below the minimum rate do not',
      interval: '1m',
      input_series: [
        { series: req('busy'), values: counterValues([[stop, 1000], [120, 0]]) },
        { series: req('steady'), values: counterValues([[300, 1000]]) },
        { series: req('trickle'), values: counterValues([[stop, trickle], [120, 0]]) },
      ],
      alert_rule_test: around('ApiNoTraffic', c + forMinutes('ApiNoTraffic'), 250, [{ [A]: 'busy' }], runbookBase),
    });
  }

  // Collector receivers refusing (spans on one collector from 30m, metric points on another from 60m).
  {
    const spans = { ...collector, receiver: 'otlp', transport: 'grpc' };
    const points = { ...collector2, receiver: 'prometheus', transport: 'http' };
    const quiet = { ...collector, receiver: 'prometheus', transport: 'http' };
    const f = forMinutes('OtelCollectorRefusingData');
    const lbl = (x: typeof spans) => ({ job: x.job, instance: x.instance, receiver: x.receiver });
    groups.push({
      name: 'OtelCollectorRefusingData: refused spans and refused metric points fire, a receiver refusing nothing does not',
      interval: '1m',
      input_series: [
        { series: s(P.collectorRefusedSpans.name, spans), values: counterValues([[30, 0], [90, 10]]) },
        { series: s(P.collectorRefusedMetricPoints.name, points), values: counterValues([[60, 0], [60, 10]]) },
        { series: s(P.collectorRefusedMetricPoints.name, quiet), values: counterValues([[120, 0]]) },
      ],
      // The first refused sample is at 31m (60m+1 for points): the 5m rate is > 0 from then.
      alert_rule_test: [
        ...around('OtelCollectorRefusingData', 31 + f, 50, [lbl(spans)], runbookBase),
        alertTest('OtelCollectorRefusingData', 61 + f, [expectFiring('OtelCollectorRefusingData', lbl(spans), runbookBase), expectFiring('OtelCollectorRefusingData', lbl(points), runbookBase)]),
      ],
    });
  }

  // GatewayMetricsUnmapped: from 20m every kong scrape has unmapped samples of one metric; an apisix
  // metric is unmapped for 3 minutes only (a node scraped in the middle of an upgrade).
  {
    const g = LABELS.gateway.label;
    const kong = { [g]: GATEWAYS[0], gateway_metric: 'kong_http_requests_v2_total' };
    const apisix = { [g]: GATEWAYS[1], gateway_metric: 'gw_http_status' };
    const f = forMinutes('GatewayMetricsUnmapped');
    const c = 20;
    groups.push({
      name: 'GatewayMetricsUnmapped: a metric unmapped on every scrape fires, one unmapped for 3 minutes does not',
      interval: '1m',
      input_series: [
        { series: s(P.collectorUnmappedGatewaySamples.name, kong), values: `_x${c} 12+0x99` },
        { series: s(P.collectorUnmappedGatewaySamples.name, apisix), values: `_x${c} 3+0x2` },
      ],
      alert_rule_test: [...around('GatewayMetricsUnmapped', c + f, 60, [kong], runbookBase), alertTest('GatewayMetricsUnmapped', c + 4, [])],
    });
  }

  // Collector dropping (enqueue failures), spans from 30m on one exporter, metric points from 60m on another.
  {
    const jaeger = { ...collector, exporter: 'otlp/jaeger' };
    const prw = { ...collector, exporter: 'prometheusremotewrite' };
    const f = forMinutes('OtelCollectorDroppingData');
    groups.push({
      name: 'OtelCollectorDroppingData: enqueue failures fire, an exporter without them does not',
      interval: '1m',
      input_series: [
        { series: s(P.collectorExporterEnqueueFailedSpans.name, jaeger), values: counterValues([[30, 0], [90, 5]]) },
        { series: s(P.collectorExporterEnqueueFailedMetricPoints.name, prw), values: counterValues([[60, 0], [60, 5]]) },
        { series: s(P.collectorExporterEnqueueFailedMetricPoints.name, jaeger), values: counterValues([[120, 0]]) },
      ],
      alert_rule_test: [
        ...around('OtelCollectorDroppingData', 31 + f, 50, [jaeger], runbookBase),
        alertTest('OtelCollectorDroppingData', 61 + f, [expectFiring('OtelCollectorDroppingData', jaeger, runbookBase), expectFiring('OtelCollectorDroppingData', prw, runbookBase)]),
      ],
    });
  }

  // Export failures: 9% of metric points fail from 30m (fires); spans fail at 0.5% throughout (below 1%).
  {
    const prw = { ...collector, exporter: 'prometheusremotewrite' };
    const jaeger = { ...collector, exporter: 'otlp/jaeger' };
    const f = forMinutes('OtelCollectorExportFailing');
    groups.push({
      name: 'OtelCollectorExportFailing: 9% failed sends fire, 0.5% do not',
      interval: '1m',
      input_series: [
        { series: s(P.collectorExporterSentMetricPoints.name, prw), values: counterValues([[120, 1000]]) },
        { series: s(P.collectorExporterSendFailedMetricPoints.name, prw), values: counterValues([[30, 0], [90, 100]]) },
        { series: s(P.collectorExporterSentSpans.name, jaeger), values: counterValues([[120, 1000]]) },
        { series: s(P.collectorExporterSendFailedSpans.name, jaeger), values: counterValues([[120, 5]]) },
      ],
      alert_rule_test: around('OtelCollectorExportFailing', 31 + f, 100, [prw], runbookBase),
    });
  }

  // Queue filling: one queue at 90% from 20m, another at 50%.
  {
    const full = { ...collector, exporter: 'prometheusremotewrite', data_type: 'metrics' };
    const half = { ...collector, exporter: 'otlp/jaeger', data_type: 'traces' };
    groups.push({
      name: 'OtelCollectorQueueFilling: a queue over 80% for 10m fires, one at 50% does not',
      interval: '1m',
      input_series: [
        { series: s(P.collectorExporterQueueSize.name, full), values: gaugeValues([[20, 100], [100, 900]]) },
        { series: s(P.collectorExporterQueueCapacity.name, full), values: gaugeValues([[120, 1000]]) },
        { series: s(P.collectorExporterQueueSize.name, half), values: gaugeValues([[120, 500]]) },
        { series: s(P.collectorExporterQueueCapacity.name, half), values: gaugeValues([[120, 1000]]) },
      ],
      alert_rule_test: around('OtelCollectorQueueFilling', 20 + forMinutes('OtelCollectorQueueFilling'), 100, [full], runbookBase),
    });
  }

  // Prometheus rule evaluation failures and missed iterations from 30m in one group, none in another.
  for (const alert of ['PrometheusRuleEvaluationFailures', 'PrometheusRuleGroupIterationsMissed'] as const) {
    const metric = alert === 'PrometheusRuleEvaluationFailures' ? P.prometheusRuleEvaluationFailures : P.prometheusRuleGroupIterationsMissed;
    const failing = { job: 'prometheus', instance: 'prometheus-0', rule_group: 'rules/api-slo.yaml;slo-availability:broken' };
    const healthy = { job: 'prometheus', instance: 'prometheus-0', rule_group: 'rules/recording.yaml;api-availability' };
    groups.push({
      name: `${alert}: a group with failures fires, a healthy group does not`,
      interval: '1m',
      input_series: [
        { series: s(metric.name, failing), values: counterValues([[30, 0], [90, 1]]) },
        { series: s(metric.name, healthy), values: counterValues([[120, 0]]) },
      ],
      alert_rule_test: around(alert, 31 + forMinutes(alert), 100, [failing], runbookBase),
    });
  }
  return groups;
}
