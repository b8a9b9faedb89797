import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMicros, formatPercent, formatRate, formatSeconds, formatWindow, safeHref } from './format';

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

test('span durations and rate windows', () => {
  assert.equal(formatMicros(850), '850 µs');
  assert.equal(formatMicros(1234), '1.23 ms');
  assert.equal(formatMicros(250_000), '250.0 ms');
  assert.equal(formatMicros(2_500_000), '2.50 s');
  assert.equal(formatWindow(120), '2m');
  assert.equal(formatWindow(7200), '2h');
  assert.equal(formatWindow(187), '3m7s');
  assert.equal(formatWindow(45), '45s');
  assert.equal(formatMicros(null), '–');
  assert.equal(formatWindow(undefined), '–');
});
