import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, and, avgOverTime, cmp, div, maxOverTime, minus, num, offsetSelector, or, plus, times, unless } from '../src';

test('numbers print as PromQL reads them, without float noise', () => {
  assert.equal(num(14.4 * 0.001), '0.0144');
  assert.equal(num(1), '1');
  assert.throws(() => num(Number.NaN), /finite/);
  assert.throws(() => num(Infinity), /finite/);
});

test('binary operators parenthesize both sides and check `on` labels', () => {
  assert.equal(and('a', 'b', ['api', 'slo']), '(a) and on (api, slo) (b)');
  assert.equal(or('a', 'b'), '(a) or (b)');
  assert.equal(unless('a', 'b', []), '(a) unless on () (b)');
  assert.equal(div('a', 'b'), '(a) / (b)');
  assert.equal(minus('a', 'b'), '(a) - (b)');
  assert.equal(plus('a', 'b'), '(a) + (b)');
  assert.equal(times(14.4, 'a'), '14.4 * (a)');
  assert.equal(cmp('a', '>=', 0.1 + 0.2), 'a >= 0.3');
  assert.throws(() => and('a', 'b', ['not_a_label']), /not in the telemetry contract/);
});

test('range functions validate the window', () => {
  assert.equal(avgOverTime('x', '1h'), 'avg_over_time(x[1h])');
  assert.equal(maxOverTime('x', '$__range'), 'max_over_time(x[$__range])');
  assert.throws(() => avgOverTime('x', '1 hour'), /duration/);
});

test('aggregate renders like sum() and accepts contract, platform and recorded-series labels only', () => {
  assert.equal(aggregate('max', 'x', ['api']), 'max by (api) (x)');
  assert.equal(aggregate('min', 'up', ['job', 'instance']), 'min by (job, instance) (up)');
  assert.equal(aggregate('group', 'x'), 'group (x)');
  assert.equal(aggregate('sum', 'x', ['slo']), 'sum by (slo) (x)');
  assert.throws(() => aggregate('max', 'x', ['pod']), /"pod" is not in the telemetry contract/);
});

test('offset only follows a plain selector', () => {
  assert.equal(offsetSelector('api:apigw_requests:rate1h{api="a\\"b"}', '1h'), 'api:apigw_requests:rate1h{api="a\\"b"} offset 1h');
  assert.throws(() => offsetSelector('sum(x)', '1h'), /plain selector/);
});
