/**
 * The queries the dashboards read: platform components (platform-components.ts), recorded series
 * (recorded-queries.ts), the platform's own series (platform-queries.ts) and the span-derived and
 * canary queries of queries.ts. dashboards/test/prometheus.test.ts runs every panel query built from them
 * against a real Prometheus.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CANARY_DECISION_CODES,
  PLATFORM_METRICS,
  activeConsumers,
  canaryDecisionCode,
  canaryMetricResultCode,
  componentGauge,
  componentLabel,
  componentQuantile,
  componentRate,
  componentSelector,
  grafanaVar,
  newConsumers,
  offsetSelector,
  opaDecisionErrors,
  opaDecisionLatency,
  opaErrorRatio,
  platformGauge,
  platformRate,
  recordedSum,
  requestRateOffset,
  slaAttainment,
  trafficIncrease,
  GATEWAY_REQUEST_RATE,
} from '../src';

describe('platform components', () => {
  test('selectors default to the component job and escape values', () => {
    assert.equal(componentSelector('opaRequestDuration', {}, 'count'), 'http_request_duration_seconds_count{job="opa"}');
    assert.equal(componentSelector('keycloakRequests', { uri: 'a"b\\c' }, 'count'), 'http_server_requests_seconds_count{job="keycloak",uri="a\\"b\\\\c"}');
    assert.equal(componentSelector('processCpu', { job: grafanaVar('job') }), 'process_cpu_seconds_total{job=~"$job"}');
  });
  test('labels and parts are checked', () => {
    assert.throws(() => componentSelector('opaRequestDuration', { api: 'x' }, 'count'), /not a label/);
    assert.throws(() => componentSelector('opaRequestDuration'), /histogram/);
    assert.throws(() => componentSelector('processCpu', {}, 'bucket'), /no bucket/);
    assert.throws(() => componentRate('opaRequestDuration', { by: ['nope'] }), /not a label/);
    assert.throws(() => componentGauge('processCpu'), /not a gauge/);
    assert.equal(componentLabel('opaRequestDuration', 'handler'), 'handler');
  });
  test('queries', () => {
    assert.equal(componentRate('opaRequestDuration', { by: ['handler'] }), 'sum by (handler) (rate(http_request_duration_seconds_count{job="opa"}[$__rate_interval]))');
    assert.equal(componentQuantile(0.99, 'keycloakRequests', { window: '5m' }), 'histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{job="keycloak"}[5m])))');
    assert.match(opaErrorRatio(), /code=~"5\.\."/);
    assert.equal(componentGauge('scrapeDuration', { by: ['job'], agg: 'max' }), 'max by (job) (scrape_duration_seconds)');
  });
  test('policy decisions are OPA v1/data requests; a non-2xx answer is a failed decision', () => {
    assert.equal(opaDecisionLatency(0.5), 'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="opa",handler="v1/data"}[$__rate_interval])))');
    assert.equal(opaDecisionErrors(), 'sum by (code) (rate(http_request_duration_seconds_count{job="opa",handler="v1/data",code!~"2.."}[$__rate_interval]))');
    assert.equal(opaDecisionErrors({ by: [], window: '1m' }), 'sum (rate(http_request_duration_seconds_count{job="opa",handler="v1/data",code!~"2.."}[1m]))');
  });
  test('Alertmanager notifications select the alertmanager job', () => {
    assert.equal(
      componentRate('alertmanagerNotificationsFailed', { by: ['integration', 'reason'] }),
      'sum by (integration, reason) (rate(alertmanager_notifications_failed_total{job="alertmanager"}[$__rate_interval]))',
    );
    assert.throws(() => componentRate('alertmanagerNotifications', { by: ['reason'] }), /not a label/);
  });
});

describe('dashboard queries', () => {
  test('offsets and recorded sums', () => {
    assert.equal(offsetSelector('x', '1w'), 'x offset 1w');
    assert.equal(offsetSelector('x{a="b"}'), 'x{a="b"}');
    assert.throws(() => offsetSelector('x', '1 week'), /duration/);
    assert.throws(() => offsetSelector('rate(x[5m])', '1w'), /plain selector/);
    assert.equal(recordedSum(GATEWAY_REQUEST_RATE, { by: ['gateway'], offset: '1w' }), 'sum by (gateway) (gateway:apigw_requests:rate5m offset 1w)');
    assert.throws(() => recordedSum('not:a:rule'), /not a recorded series/);
    assert.equal(requestRateOffset('1w', { window: '5m' }), 'sum (rate(apigw_requests_total[5m] offset 1w))');
  });
  test('consumers', () => {
    assert.equal(activeConsumers(), 'count(sum by (consumer) (consumer_plan:apigw_traffic_calls:rate5m) > 0)');
    assert.match(newConsumers({ range: '$__range', lookback: '1w' }), /\[1w\] offset \$__range.*or vector\(0\)$/);
    assert.equal(trafficIncrease({ window: '$__range', by: ['consumer'] }), 'sum by (consumer) (increase(apigw_traffic_calls_total[$__range]))');
  });
  test('SLA attainment', () => {
    const q = slaAttainment(0.995, { filter: { plan: 'pro' }, by: ['plan'], range: '$__range', resolution: '5m' });
    assert.equal(q, 'avg_over_time(((sum by (plan) (rate(apigw_traffic_calls_total{plan="pro",status_class!="5xx"}[5m])) / sum by (plan) (rate(apigw_traffic_calls_total{plan="pro"}[5m]))) >= bool 0.995)[$__range:5m])');
    assert.throws(() => slaAttainment(99.5, { range: '1h', resolution: '5m' }), /ratio/);
  });
  test('state-set codes', () => {
    const q = canaryDecisionCode({ filter: { api: 'orders' } });
    CANARY_DECISION_CODES.forEach((d, i) => assert.ok(q.includes(`(${i + 1} * sum by (api, api_version, baseline_version) (canary_gate_decision{api="orders",decision="${d}"}))`), q));
    assert.match(canaryMetricResultCode(), /4 \* sum by \(api, api_version, gate_metric\) \(canary_gate_metric_result\{result="low"\}\)/);
  });
  test('platform series', () => {
    assert.equal(platformRate('collectorRefusedSpans', { by: ['receiver'] }), `sum by (receiver) (rate(${PLATFORM_METRICS.collectorRefusedSpans.name}[$__rate_interval]))`);
    assert.equal(platformGauge('up', { by: ['job', 'instance'], agg: 'min' }), 'min by (job, instance) (up)');
    assert.throws(() => platformRate('up'), /not a counter/);
    // The collector's Kafka tier writes the lag by remote write: no scrape job to select.
    assert.equal(platformGauge('kafkaConsumerGroupLagSum', { by: ['group', 'topic'], agg: 'max' }), 'max by (group, topic) (kafka_consumer_group_lag_sum)');
  });
});
