/**
 * The Observability tab's table of recent failed or slow requests: each opens its trace in the trace
 * view; the Grafana and Jaeger links only when the backend gives them.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { RequestsTable } from './RequestsTable';
import { TRACE_ID, youngSummary as summary } from '../../testUtils/fixtures';

afterEach(() => cleanup());

describe('the Observability tab', () => {
  test('every recent request opens its trace in the trace view; external links only when configured', () => {
    render(<RequestsTable s={summary} traceLink={(id, text) => <a href={`/api-observability/traces/${id}`} data-testid="obs-trace-view">{text}</a>} />);
    const links = screen.getAllByTestId('obs-trace-view');
    assert.deepEqual(links.map((a) => a.getAttribute('href')), [`/api-observability/traces/${TRACE_ID}`, '/api-observability/traces/0af7651916cd43dd8448eb211c80319c']);
    assert.equal(screen.queryAllByTestId('obs-trace-grafana').length, 0);
    assert.deepEqual(screen.getAllByTestId('obs-trace-jaeger').map((a) => a.getAttribute('href')), ['https://jaeger.example/trace/0af7651916cd43dd8448eb211c80319c']);
  });
});

test('without a trace route the id is text; no requests: a sentence, no table', () => {
  render(<RequestsTable s={summary} traceLink={undefined} />);
  const rows = screen.getAllByTestId('obs-request-row');
  assert.deepEqual(rows.map((r) => r.getAttribute('data-trace-id')), [TRACE_ID, '0af7651916cd43dd8448eb211c80319c']);
  assert.equal(rows[0]!.querySelector('code')?.textContent, `${TRACE_ID.slice(0, 12)}…`);
  assert.equal(rows[0]!.querySelector('a'), null);
  assert.deepEqual([...rows[1]!.querySelectorAll('td')].slice(1, 5).map((c) => c.textContent), ['orders-get', '200', '1.20 s', 'slow']);
  cleanup();
  render(<RequestsTable s={{ ...summary, recentRequests: [] }} traceLink={undefined} />);
  assert.equal(screen.queryByTestId('obs-requests'), null);
  assert.ok(screen.getByText('No failed or slow requests with a trace in this range.'));
});
