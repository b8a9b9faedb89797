/**
 * Inputs the builders must refuse with a clear error rather than render: durations Prometheus itself
 * refuses, label values that cannot be sent as UTF-8, forged matcher operators, and values of the wrong
 * type (from JSON, config or a caller without types).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROM, escapeLabelValue, escapeRegex, grafanaVar, oneOf, rate, recordedSelector, RECORDED_SERIES, selector, window, componentSelector } from '../src';
import { assertLabelValue } from '../src/labels';
import { ACCEPTED_DURATIONS, REFUSED_DURATIONS } from './durations';

test('window() accepts what Prometheus accepts and refuses what it refuses', () => {
  for (const ok of ACCEPTED_DURATIONS) assert.equal(window(ok), ok, ok);
  for (const bad of REFUSED_DURATIONS) assert.throws(() => window(bad), RangeError, bad);
  assert.throws(() => window('1m1m'), /units must appear once each, largest first/);
  assert.throws(() => window('0s'), /must be greater than 0/);
  assert.throws(() => window('293y'), /out of range/);
});

test('window() refuses values that are not strings instead of coercing them', () => {
  for (const bad of [['5m'], 5, null, undefined, { toString: () => '5m' }]) {
    assert.throws(() => window(bad as never), /window must be a string/, String(bad));
  }
  assert.throws(() => rate('x', ['5m'] as never), /window must be a string/);
});

test('a lone UTF-16 surrogate in a label value is refused, a well-formed pair is kept', () => {
  for (const bad of ['\uD800', 'orders\uDC00', 'a\uDBFFb', '\uDC00\uD800']) {
    assert.throws(() => selector(PROM.requests, { api: bad }), /api.*lone UTF-16 surrogate/, JSON.stringify(bad));
    assert.throws(() => escapeLabelValue(bad), /lone UTF-16 surrogate/);
    assert.throws(() => oneOf(['orders', bad]), /lone UTF-16 surrogate/);
  }
  // A value that would become U+FFFD on the wire must not silently match the series of that character.
  assert.throws(() => selector(PROM.requests, { api: '\uD83D' }), /lone UTF-16 surrogate at index 0/);
  assert.equal(selector(PROM.requests, { api: '\uD83D\uDE00' }), `${PROM.requests}{api="\uD83D\uDE00"}`);
  assert.equal(selector(PROM.requests, { api: '\uFFFD' }), `${PROM.requests}{api="\uFFFD"}`);
});

test('a matcher operator is checked at run time in every selector builder', () => {
  const forged = [{ op: '="x"} or vector(1) or {api=', value: 'y' }, { op: '==', value: 'y' }, { op: undefined, value: 'y' }];
  const recorded = [...RECORDED_SERIES][0]!;
  for (const m of forged) {
    for (const build of [
      () => selector(PROM.requests, { api: m as never }),
      () => selector(PROM.requests, { api: [m as never] }),
      () => recordedSelector(recorded, { api: m as never }),
      () => componentSelector('keycloakRequests', { job: m as never }, 'count'),
    ]) {
      assert.throws(build, /matcher operator .* is not one of =, !=, =~, !~/, JSON.stringify(m));
    }
  }
});

test('values of the wrong type get a clear error naming the label', () => {
  for (const bad of [5, null, true, { op: '=', value: 5 }, { op: '=' }, ['orders', 7]]) {
    assert.throws(() => selector(PROM.requests, { api: bad as never }), /label api: .*must be a string/, JSON.stringify(bad));
  }
  assert.throws(() => escapeLabelValue(5 as never), /label value must be a string, got number/);
  assert.throws(() => escapeRegex(undefined as never), /must be a string, got undefined/);
  assert.throws(() => oneOf(['a', 1 as never]), /must be a string, got number/);
  assert.throws(() => oneOf('abc' as never), /oneOf needs an array of strings/);
  assert.throws(() => grafanaVar(7 as never), /not a Grafana variable reference: 7/);
  assert.throws(() => assertLabelValue('api', Symbol('x')), /label api: value must be a string, got symbol/);
});
