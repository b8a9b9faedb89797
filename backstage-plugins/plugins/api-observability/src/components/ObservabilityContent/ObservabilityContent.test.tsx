/**
 * The Observability tab, in a Backstage test app: the current entity's summary for the chosen range, its
 * firing alerts, and the states of a summary without data or a failed one.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import type { Summary } from '@api-observatory/backstage-plugin-api-observability-common';
import { ObservabilityContent } from './ObservabilityContent';
import { legacyTraceRouteRef } from '../../routes';
import { ObservabilityApiError } from '../../api/client';
import { TRACE_ID, fakeApi, firingAlert, inEntity, summary } from '../../testUtils/fixtures';

afterEach(() => cleanup());

// The tab links each request's trace to where the app mounted the trace page.
const mountedRoutes = { '/traces/:traceId': legacyTraceRouteRef };

const firing = firingAlert();

test('the last hour first: the API and gateway, its figures and requests; another range loads that range', async () => {
  const { api, calls } = fakeApi({
    getSummary: async (e, range) => (calls.push(`summary ${e.name} ${range}`), { ...summary, range: { ...summary.range, key: range! } } as Summary),
  });
  await renderInTestApp(inEntity(api, <ObservabilityContent />), { mountedRoutes });
  await screen.findByText('API orders on kong');
  assert.equal(screen.getByTestId('obs-rps').textContent, '12.50 req/s');
  assert.equal(screen.getByTestId('obs-p99').textContent, '300 ms');
  assert.equal(screen.getByTestId('obs-trace-view').getAttribute('href'), `/traces/${TRACE_ID}`);
  assert.deepEqual(calls.filter((c) => c.startsWith('summary')), ['summary orders 1h']);

  const ranges = screen.getByRole('group', { name: 'time range' });
  await act(async () => void fireEvent.click(within(ranges).getByText('7d')));
  await waitFor(() => assert.match(screen.getByTestId('obs-window').textContent ?? '', /over the last 7d\./));
  assert.deepEqual(calls.filter((c) => c.startsWith('summary')), ['summary orders 1h', 'summary orders 7d']);
});

test('firing alerts are listed above the figures, with their count', async () => {
  const { api } = fakeApi({ getFiringAlerts: async () => ({ api: 'orders', alerts: [firing] }) });
  await renderInTestApp(inEntity(api, <ObservabilityContent />), { mountedRoutes });
  await screen.findByText('Firing alerts (1)');
  await screen.findByText('orders: availability error budget burning 14.4× too fast');
});

test('no traffic in the range: the no-data state naming it; a failed summary: its error state, no figures', async () => {
  const empty = fakeApi({ getSummary: async () => ({ ...summary, state: 'no-data' }) });
  await renderInTestApp(inEntity(empty.api, <ObservabilityContent />), { mountedRoutes });
  assert.match((await screen.findByTestId('obs-state-no-data')).textContent ?? '', /API orders in the last 1h/);
  assert.equal(screen.queryByTestId('obs-rps'), null);
  cleanup();

  const failing = fakeApi({ getSummary: async () => Promise.reject(new ObservabilityApiError('NO_ANNOTATION', 'no api-name annotation', 400)) });
  await renderInTestApp(inEntity(failing.api, <ObservabilityContent />), { mountedRoutes });
  await screen.findByTestId('obs-state-no-annotation');
  assert.equal(screen.queryByTestId('obs-rps'), null);
  assert.ok(screen.getByText('API observability'));
});
