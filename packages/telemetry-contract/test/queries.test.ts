import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestRate, errorRatio, latencyQuantile, topConsumers, bandwidthRate, PROM, latencyHistogram, gatewayLatencyBucketRate, commonBucketsOnly, latencySource } from '../src';

test('named queries use contract series and default to $__rate_interval', () => {
  assert.equal(requestRate({ filter: { api: 'orders' }, by: ['http_route'] }), `sum by (http_route) (rate(${PROM.requests}{api="orders"}[$__rate_interval]))`);
  const e = errorRatio({ filter: { api: 'orders' }, window: '5m' });
  assert.equal(e, `sum (rate(${PROM.requests}{api="orders",status_class="5xx"}[5m])) / sum (rate(${PROM.requests}{api="orders"}[5m]))`);
  assert.match(latencyQuantile(0.95, 'upstream', { window: '1m' }), /apigw_upstream_duration_seconds_bucket\[1m\]/);
  assert.match(topConsumers(5, { by: ['plan', 'consumer'] }), /^topk\(5, sum by \(consumer, plan\)/);
  assert.match(bandwidthRate(), /by \(direction\)/);
});

test('a filter cannot override the error class', () => {
  const e = errorRatio({ filter: { status_class: '2xx' } });
  assert.match(e, /status_class="5xx"/);
  assert.doesNotMatch(e.split(' / ')[0]!, /2xx/);
});

test('latency across gateways never adds different bucket sets: span histogram for total latency, shared bounds otherwise', () => {
  // Total latency: the span histogram (one set of bounds), per gateway too, so the figures compare.
  assert.equal(latencyHistogram('request'), 'trafficDuration');
  assert.equal(latencyHistogram('upstream'), 'upstreamDuration');
  assert.equal(latencyHistogram('gateway'), 'gatewayDuration');
  assert.equal(
    latencyQuantile(0.95, 'request', { filter: { api: 'orders' }, by: ['gateway'], window: '5m' }),
    `histogram_quantile(0.95, sum by (le, gateway) (rate(${PROM.trafficDuration}_bucket{api="orders"}[5m])))`,
  );
  // The gateways' own histograms: per gateway as they are; across gateways only the bounds every gateway of the group has.
  assert.equal(
    latencyQuantile(0.99, 'upstream', { filter: { api: 'orders' }, by: ['gateway'], window: '5m' }),
    `histogram_quantile(0.99, sum by (le, gateway) (rate(${PROM.upstreamDuration}_bucket{api="orders"}[5m])))`,
  );
  const sel = `${PROM.upstreamDuration}_bucket{api="orders"}`;
  assert.equal(
    latencyQuantile(0.99, 'upstream', { filter: { api: 'orders' }, by: ['api'], window: '5m' }),
    `histogram_quantile(0.99, sum by (le, api) ((rate(${sel}[5m]) and on (le, api) (count by (le, api) (group by (le, gateway, api) (${sel})) == on (api) group_left () count by (api) (group by (gateway, api) (${sel}))))))`,
  );
  assert.match(gatewayLatencyBucketRate('request', { by: ['api'], window: '5m' }), new RegExp(`${PROM.requestDuration}_bucket.* and on \\(le, api\\)`));
  assert.throws(() => commonBucketsOnly('x', 'x', 'not_a_label'), /not in the telemetry contract/);
  assert.match(latencySource('request'), /span metrics/);
  assert.match(latencySource('gateway'), /shares/);
  assert.match(latencySource('gateway', ['gateway']), /own buckets/);
});
