/**
 * jsdom tests of the canary verdict on the Observability tab.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { CanaryStatus } from '@api-observatory/backstage-plugin-api-observability-common';
import { CanaryVerdict } from './CanaryVerdict';

afterEach(() => cleanup());

const LOW = 'baseline: 10 of 10 interval(s) served fewer than 50 requests (minRequestsPerInterval) and count as missing';
const young: CanaryStatus = {
  running: true,
  canaryVersion: 'v2.1',
  baselineVersion: 'v2',
  canaryRequestsPerSecond: 0.03,
  decision: 'continue',
  classification: 'nodata',
  score: 0,
  outcome: 'not-enough-traffic',
  summary: 'not enough traffic to judge canary v2.1 vs baseline v2',
  reasons: ['not enough traffic to judge canary v2.1 vs baseline v2', LOW, 'no metric has enough data', LOW],
  notes: [LOW],
};

test('the judge reading leads; every reason is listed once, and not the lead again', () => {
  render(<CanaryVerdict c={young} />);
  const card = screen.getByTestId('obs-canary');
  assert.equal(within(card).getByTestId('obs-canary-summary').textContent, 'not enough traffic to judge canary v2.1 vs baseline v2');
  assert.match(within(card).getByTestId('obs-canary-decision').textContent ?? '', /continue · nodata · score 0/);
  const items = within(card).getAllByRole('listitem').map((li) => li.textContent);
  assert.deepEqual(items, [LOW, 'no metric has enough data']);
});

test('an error replaces the verdict; hostile text stays text', () => {
  const hostile = '<img src=x onerror="globalThis.pwned=1">';
  render(<CanaryVerdict c={{ running: true, canaryVersion: hostile, baselineVersion: null, canaryRequestsPerSecond: 1, error: `no baseline ${hostile}` }} />);
  const card = screen.getByTestId('obs-canary');
  assert.match(card.textContent ?? '', /no baseline <img/);
  assert.equal(card.querySelector('img'), null);
  assert.equal(screen.queryByTestId('obs-canary-decision'), null);
});
