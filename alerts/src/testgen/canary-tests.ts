import { CANARY_DECISIONS, CANARY_METRIC_RESULTS, GATEWAYS, LABELS, metricSelector, statusClassOf, type CanaryDecision, type CanaryMetricResult } from '@api-observatory/telemetry-contract';
import { CANARY_ALERTS } from '../canary-alerts';
import { alertTest, counterValues, expectAlert, gaugeValues, type InputSeries, type TestGroup } from './promtool-file';
import { seconds } from './sim';

/**
 * One canary lifecycle, two rollouts, 180 minutes:
 *  - `orders` v3 vs v2: continue with canary traffic, then rollback at 30m; gate metric error_rate has no data from 40m.
 *  - `payments` v2 vs v1: continue for the whole run and its canary gets no traffic.
 * The gate exports its series with its own job/instance labels, which the alerts aggregate away.
 */

const L = LABELS;
const forMinutes = (alert: string) => seconds(CANARY_ALERTS[alert]!.for ?? '0s') / 60;
const END = 180;
const gate = { job: 'canary-gate', instance: 'canary-gate-0' };

function decisionSeries(api: string, version: string, baseline: string, decisionAt: (d: CanaryDecision) => Array<[number, number]>): InputSeries[] {
  return CANARY_DECISIONS.map((d) => ({
    series: metricSelector('canaryDecision', { ...gate, [L.api.label]: api, [L.apiVersion.label]: version, [L.baselineVersion.label]: baseline, [L.decision.label]: d }),
    values: gaugeValues(decisionAt(d)),
  }));
}

function resultSeries(api: string, version: string, baseline: string, metric: string, resultAt: (r: CanaryMetricResult) => Array<[number, number]>): InputSeries[] {
  return CANARY_METRIC_RESULTS.map((r) => ({
    series: metricSelector('canaryMetricResult', { ...gate, [L.api.label]: api, [L.apiVersion.label]: version, [L.baselineVersion.label]: baseline, [L.gateMetric.label]: metric, [L.result.label]: r }),
    values: gaugeValues(resultAt(r)),
  }));
}

export function canaryTestGroups(runbookBase: string): TestGroup[] {
  const rollbackAt = 30;
  const noDataAt = 40;
  const orders = { [L.api.label]: 'orders', [L.apiVersion.label]: 'v3', [L.baselineVersion.label]: 'v2' };
  const payments = { [L.api.label]: 'payments', [L.apiVersion.label]: 'v2', [L.baselineVersion.label]: 'v1' };
  const canaryRequests = (api: string, version: string, perMinute: number): InputSeries => ({
    series: metricSelector('requests', {
      [L.api.label]: api, [L.apiVersion.label]: version, [L.deploymentRole.label]: 'canary', [L.gateway.label]: GATEWAYS[0],
      [L.statusCode.label]: '200', [L.statusClass.label]: statusClassOf(200),
    }),
    values: counterValues([[END, perMinute]]),
  });
  const series: InputSeries[] = [
    ...decisionSeries('orders', 'v3', 'v2', (d) => (d === 'continue' ? [[rollbackAt, 1], [END - rollbackAt + 1, 0]] : d === 'rollback' ? [[rollbackAt, 0], [END - rollbackAt + 1, 1]] : [[END + 1, 0]])),
    ...decisionSeries('payments', 'v2', 'v1', (d) => (d === 'continue' ? [[END + 1, 1]] : [[END + 1, 0]])),
    ...resultSeries('orders', 'v3', 'v2', 'error_rate', (r) => (r === 'pass' ? [[noDataAt, 1], [END - noDataAt + 1, 0]] : r === 'nodata' ? [[noDataAt, 0], [END - noDataAt + 1, 1]] : [[END + 1, 0]])),
    ...resultSeries('orders', 'v3', 'v2', 'latency_p95', (r) => (r === 'pass' ? [[END + 1, 1]] : [[END + 1, 0]])),
    canaryRequests('orders', 'v3', 200),
    canaryRequests('payments', 'v2', 0),
  ];
  const exp = (alert: string, labels: Record<string, string>) => [expectAlert(CANARY_ALERTS[alert]!, labels, runbookBase)];
  // Conditions: rollback from 30m (no `for`); payments continue from 0m (stuck after `for`);
  // error_rate nodata from 40m; payments' canary has a 0 request rate from its first rate (t=1m), and
  // at t=0 (no rate yet) the unless already lets it through, so its condition holds from 0m.
  const stuck = forMinutes('CanaryGateStuck');
  const nodata = noDataAt + forMinutes('CanaryGateMetricNoData');
  const noTraffic = forMinutes('CanaryNoTraffic');
  return [{
    name: 'canary lifecycle: orders rolls back, payments continues without traffic',
    interval: '1m',
    input_series: series,
    alert_rule_test: [
      alertTest('CanaryRollbackDecided', rollbackAt - 1, []),
      alertTest('CanaryRollbackDecided', rollbackAt, exp('CanaryRollbackDecided', orders)),
      alertTest('CanaryRollbackDecided', 150, exp('CanaryRollbackDecided', orders)),
      alertTest('CanaryGateStuck', stuck - 1, []),
      alertTest('CanaryGateStuck', stuck, exp('CanaryGateStuck', payments)),
      alertTest('CanaryGateMetricNoData', nodata - 1, []),
      alertTest('CanaryGateMetricNoData', nodata, exp('CanaryGateMetricNoData', { ...orders, [L.gateMetric.label]: 'error_rate' })),
      alertTest('CanaryNoTraffic', noTraffic - 1, []),
      alertTest('CanaryNoTraffic', noTraffic, exp('CanaryNoTraffic', payments)),
      alertTest('CanaryNoTraffic', 150, exp('CanaryNoTraffic', payments)),
    ],
  }];
}
