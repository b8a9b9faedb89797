import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestRate, errorRatio, latencyQuantile, topConsumers, bandwidthRate, PROM } from '../src';

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
