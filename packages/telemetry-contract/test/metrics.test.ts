import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, LABELS, promName, promSeriesNames, PROM, statusClassOf, LATENCY_BUCKETS_SECONDS } from '../src';

test('Prometheus names follow the remote-write translation', () => {
  assert.equal(PROM.requests, 'apigw_requests_total');
  assert.equal(PROM.requestDuration, 'http_server_request_duration_seconds');
  assert.equal(PROM.bandwidth, 'apigw_bandwidth_bytes_total');
  assert.equal(PROM.trafficCalls, 'apigw_traffic_calls_total');
  assert.deepEqual(promSeriesNames(METRICS.upstreamDuration), [
    'apigw_upstream_duration_seconds_bucket', 'apigw_upstream_duration_seconds_sum', 'apigw_upstream_duration_seconds_count',
  ]);
  assert.equal(promName({ ...METRICS.requestDuration, otelName: 'x.duration.seconds' }), 'x_duration_seconds');
});

test('every metric label is a contract label and Prometheus-safe', () => {
  const names = new Set<string>();
  for (const [key, def] of Object.entries(METRICS)) {
    assert.match(promName(def), /^[a-z_][a-z0-9_]*$/, key);
    assert.ok(!names.has(promName(def)), `duplicate name ${promName(def)}`);
    names.add(promName(def));
    for (const l of def.labels) assert.ok(LABELS[l], `${key} uses unknown label ${l}`);
  }
  for (const l of Object.values(LABELS)) {
    assert.match(l.label, /^[a-z_][a-z0-9_]*$/);
    assert.equal(l.label, l.attribute.replace(/\./g, '_'), 'attribute and label must translate into each other');
  }
});

test('status classes and buckets', () => {
  assert.equal(statusClassOf(200), '2xx');
  assert.equal(statusClassOf(503), '5xx');
  assert.throws(() => statusClassOf(600), RangeError);
  assert.throws(() => statusClassOf(20.5), RangeError);
  const b = [...LATENCY_BUCKETS_SECONDS];
  assert.deepEqual(b, [...b].sort((x, y) => x - y), 'buckets ascend');
});
