import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPercent, formatRate, formatSeconds, safeHref } from './format';

test('numbers are formatted with units; missing values show a dash', () => {
  assert.equal(formatRate(2.345), '2.35 req/s');
  assert.equal(formatRate(0.0123), '0.012 req/s');
  assert.equal(formatPercent(0.01234), '1.23%');
  assert.equal(formatSeconds(0.2394), '239 ms');
  assert.equal(formatSeconds(1.5), '1.50 s');
  for (const f of [formatRate, formatPercent, formatSeconds]) {
    assert.equal(f(null), '–');
    assert.equal(f(Number.NaN), '–');
  }
});

test('only http(s) URLs become links', () => {
  assert.equal(safeHref('http://127.0.0.1:16686/trace/abc'), 'http://127.0.0.1:16686/trace/abc');
  assert.equal(safeHref('javascript:alert(1)'), undefined);
  assert.equal(safeHref('data:text/html,<b>x</b>'), undefined);
  assert.equal(safeHref('/relative'), undefined);
  assert.equal(safeHref(undefined), undefined);
});
