/**
 * jsdom tests of the trace view (waterfall and states). The view takes plain props; TracePage.tsx binds
 * it to Backstage.
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import { ObservabilityApiError } from '../../api/client';
import { TracePageView, type TraceLoadState } from './TraceView';
import { TRACE_ID } from '../../testUtils/fixtures';

afterEach(() => cleanup());

const HOSTILE = '<img src=x onerror="globalThis.pwned=1">';

const trace: TraceView = {
  traceId: TRACE_ID,
  store: 'jaeger',
  startTime: '2026-12-07T05:00:00.000Z',
  durationMicros: 200_000,
  services: ['kong', 'ledger-v3'],
  errorCount: 1,
  links: {},
  spans: [
    {
      spanId: 'aaaaaaaaaaaaaaaa', parentSpanId: null, name: 'kong', service: 'kong', kind: 'server', startOffsetMicros: 0, durationMicros: 200_000,
      status: 'unset', depth: 0,
      attributes: [{ key: 'http.route', value: 'orders-list' }, { key: 'url.query', value: 'apikey=[REDACTED]' }],
      resource: [{ key: 'service.version', value: '3.9.1' }],
      api: { api: 'orders', version: 'v2', role: 'canary', entityRef: 'api:default/orders' },
    },
    {
      spanId: 'bbbbbbbbbbbbbbbb', parentSpanId: 'aaaaaaaaaaaaaaaa', name: 'kong.balancer', service: 'kong', kind: 'client', startOffsetMicros: 20_000, durationMicros: 100_000,
      status: 'error', statusMessage: `upstream 502 ${HOSTILE}`, depth: 1,
      attributes: [{ key: 'http.response.status_code', value: '502' }, { key: 'note', value: HOSTILE }],
      resource: [],
      api: { api: 'orders', version: 'v2', role: 'canary', entityRef: 'api:default/orders' },
    },
    {
      spanId: 'cccccccccccccccc', parentSpanId: 'bbbbbbbbbbbbbbbb', name: 'POST /ledger', service: 'ledger-v3', kind: 'server', startOffsetMicros: 50_000, durationMicros: 400,
      status: 'ok', depth: 2, attributes: [], resource: [],
      api: { api: 'ledger', version: 'v3', role: 'stable' },
    },
  ],
};

const entityHref = (ref: string) => `/catalog/${ref.replace(/^api:([^/]+)\//, '$1/api/')}`;
const renderPage = (state: TraceLoadState, traceId = TRACE_ID) => render(<TracePageView traceId={traceId} state={state} entityHref={entityHref} />);
const rows = () => screen.getAllByTestId('trace-span');

describe('trace waterfall', () => {
  test('one row per span, depth-first, bars on the trace time axis, durations', () => {
    renderPage({ status: 'loaded', trace });
    assert.equal(screen.getByTestId('trace-view').getAttribute('data-trace-id'), TRACE_ID);
    assert.deepEqual(rows().map((r) => [r.getAttribute('data-span-id'), r.getAttribute('data-depth')]), [
      ['aaaaaaaaaaaaaaaa', '0'],
      ['bbbbbbbbbbbbbbbb', '1'],
      ['cccccccccccccccc', '2'],
    ]);
    const bars = screen.getAllByTestId('trace-span-bar').map((b) => [b.style.left, b.style.width]);
    assert.deepEqual(bars, [
      ['0%', '100%'],
      ['10%', '50%'],
      ['25%', '0.3%'],
    ]);
    assert.deepEqual(screen.getAllByTestId('trace-span-duration').map((d) => d.textContent), ['200.0 ms', '100.0 ms', '400 µs']);
    assert.match(screen.getByTestId('trace-summary').textContent ?? '', /200\.0 ms · 3 spans · kong, ledger-v3 · 1 error · from Jaeger/);
  });

  test('errors are highlighted: the row, the bar, the name and the error count', () => {
    renderPage({ status: 'loaded', trace });
    const [ok, failed] = rows();
    assert.equal(failed!.getAttribute('data-status'), 'error');
    assert.match(within(failed!).getByTestId('trace-span-name').textContent ?? '', /kong\.balancer \(error\)/);
    assert.notEqual(failed!.style.background, '');
    assert.equal(ok!.style.background, '');
    const [okBar, errorBar] = screen.getAllByTestId('trace-span-bar');
    assert.notEqual(okBar!.style.background, errorBar!.style.background);
    assert.notEqual(screen.getByTestId('trace-error-count').style.color, '');
  });

  test('spans of a catalog API link to its entity page; a name without a catalog API is text only', () => {
    renderPage({ status: 'loaded', trace });
    const links = screen.getAllByTestId('trace-span-api-link');
    assert.deepEqual(links.map((a) => [a.getAttribute('href'), a.textContent]), [
      ['/catalog/default/api/orders', 'orders'],
      ['/catalog/default/api/orders', 'orders'],
    ]);
    const ledger = rows()[2]!;
    assert.equal(within(ledger).queryByTestId('trace-span-api-link'), null);
    assert.equal(within(ledger).getByTestId('trace-span-api').textContent, 'ledger');
    assert.match(rows()[0]!.textContent ?? '', /v2 \(canary\)/);
  });

  test('a span opens to its attributes and resource as stored, rendered as text', () => {
    renderPage({ status: 'loaded', trace });
    assert.equal(screen.queryByTestId('trace-span-attributes'), null);
    const failed = rows()[1]!;
    act(() => void fireEvent.click(within(failed).getByTestId('trace-span-toggle')));
    const table = within(failed).getByTestId('trace-span-attributes');
    assert.deepEqual(
      [...table.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      [['http.response.status_code', '502'], ['note', HOSTILE]],
    );
    assert.equal(within(failed).getByTestId('trace-span-status-message').textContent, `upstream 502 ${HOSTILE}`);
    assert.equal(document.querySelector('img'), null, 'no element from attribute text');
    assert.equal((globalThis as { pwned?: number }).pwned, undefined);
    act(() => void fireEvent.click(within(rows()[0]!).getByTestId('trace-span-toggle')));
    assert.deepEqual(
      [...within(rows()[0]!).getByTestId('trace-span-resource').querySelectorAll('td')].map((td) => td.textContent),
      ['service.version', '3.9.1'],
    );
    assert.ok(within(rows()[0]!).getByText('apikey=[REDACTED]'));
  });

  test('Jaeger and Grafana links only when the backend gives them, and only http(s)', () => {
    renderPage({ status: 'loaded', trace });
    assert.equal(screen.queryByTestId('trace-link-jaeger'), null);
    assert.equal(screen.queryByTestId('trace-link-grafana'), null);
    cleanup();
    renderPage({ status: 'loaded', trace: { ...trace, links: { jaegerUi: `https://jaeger.example/trace/${TRACE_ID}`, grafana: 'javascript:alert(1)' } } });
    assert.equal(screen.getByTestId('trace-link-jaeger').getAttribute('href'), `https://jaeger.example/trace/${TRACE_ID}`);
    assert.equal(screen.queryByTestId('trace-link-grafana'), null);
  });
});

describe('trace view states', () => {
  const cases: Array<[ObservabilityApiError, string, RegExp]> = [
    [new ObservabilityApiError('BAD_REQUEST', 'a trace id is 16 or 32 hexadecimal digits', 400), 'trace-state-bad-id', /Not a trace id/],
    [new ObservabilityApiError('TRACE_NOT_FOUND', 'no such trace', 404), 'trace-state-not-found', /Trace not found/],
    [new ObservabilityApiError('TRACE_STORE_UNREACHABLE', 'the trace store (jaeger) is unreachable', 503), 'trace-state-unreachable', /Trace store unreachable/],
    [new ObservabilityApiError('NOT_CONFIGURED', 'no trace store is configured', 404), 'trace-state-not-configured', /No trace store configured/],
    [new ObservabilityApiError('NETWORK', 'the observability backend is unreachable'), 'trace-state-error', /Trace unavailable/],
  ];
  for (const [error, testId, title] of cases) {
    test(`${error.code} is its own state, never a blank page`, () => {
      renderPage({ status: 'error', error }, 'not-a-trace');
      assert.ok(screen.getByTestId(testId));
      assert.ok(screen.getByText(title));
      assert.equal(screen.queryByTestId('trace-view'), null);
    });
  }

  test('the not-found state names the id; loading shows progress', () => {
    renderPage({ status: 'error', error: new ObservabilityApiError('TRACE_NOT_FOUND', 'x', 404) });
    assert.match(screen.getByTestId('trace-state-not-found').textContent ?? '', new RegExp(TRACE_ID));
    cleanup();
    renderPage({ status: 'loading' });
    assert.equal(screen.queryByTestId('trace-view'), null);
    assert.ok(screen.getByTestId('trace-loading'));
  });
});
