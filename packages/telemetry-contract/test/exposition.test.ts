import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeExpositionValue, escapeLabelValue } from '../src';

test('exposition label values escape backslash, quote and line feed only', () => {
  assert.equal(escapeExpositionValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(escapeExpositionValue('tab\there\rcr é ✓'), 'tab\there\rcr é ✓');
  assert.equal(escapeExpositionValue('\\n'), '\\\\n', 'a literal backslash-n stays two characters');
  // PromQL string literals escape more (\r, \t): the two are not interchangeable.
  assert.notEqual(escapeExpositionValue('a\tb'), escapeLabelValue('a\tb'));
});
