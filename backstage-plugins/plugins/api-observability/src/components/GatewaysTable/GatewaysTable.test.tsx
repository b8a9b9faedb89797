/**
 * jsdom tests of the per-gateway breakdown of the Observability tab.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { GatewayBreakdown } from '@api-observatory/backstage-plugin-api-observability-common';
import { GatewaysTable } from './GatewaysTable';
import { formatPercent, formatRate, formatSeconds } from '../../format';

afterEach(() => cleanup());

const KONG: GatewayBreakdown = { gateway: 'kong', requestsPerSecond: 4.25, errorRatio: 0.0123, latencyP95Seconds: 0.182 };
const APISIX: GatewayBreakdown = { gateway: 'apisix', requestsPerSecond: 3.5, errorRatio: 0, latencyP95Seconds: 0.09 };

function rows(): HTMLElement[] {
  return within(screen.getByTestId('obs-gateways')).getAllByRole('row').slice(1);
}

test('two gateways: one row each, in the order given, with rate, error ratio and p95', () => {
  render(<GatewaysTable rows={[KONG, APISIX]} />);
  const [kong, apisix] = rows();
  assert.equal(rows().length, 2);
  assert.deepEqual(
    within(kong!).getAllByRole('cell').map((c) => c.textContent),
    ['kong', formatRate(4.25), formatPercent(0.0123), formatSeconds(0.182)],
  );
  assert.deepEqual(
    within(apisix!).getAllByRole('cell').map((c) => c.textContent),
    ['apisix', formatRate(3.5), formatPercent(0), formatSeconds(0.09)],
  );
});

test('one gateway shows that one; a named gateway without data shows dashes; names stay text', () => {
  const hostile = '<img src=x onerror="globalThis.pwned=1">';
  render(<GatewaysTable rows={[{ gateway: hostile, requestsPerSecond: null, errorRatio: null, latencyP95Seconds: null }]} />);
  const [row] = rows();
  assert.equal(rows().length, 1);
  const cells = within(row!).getAllByRole('cell').map((c) => c.textContent);
  assert.equal(cells[0], hostile);
  assert.deepEqual(cells.slice(1), [formatRate(null), formatPercent(null), formatSeconds(null)]);
  assert.equal((globalThis as { pwned?: number }).pwned, undefined);
});

test('no rows: nothing is rendered', () => {
  const { container } = render(<GatewaysTable rows={[]} />);
  assert.equal(container.innerHTML, '');
});
