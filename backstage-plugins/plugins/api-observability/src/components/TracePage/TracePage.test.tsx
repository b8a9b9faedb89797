/**
 * The trace page, in a Backstage test app: the trace of its route from the API, its spans linked to their
 * catalog entity pages, and a failed load shown as its state.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import type { ApiObservabilityApi } from '../../api/client';
import { apiObservabilityApiRef } from '../../api/ref';
import { ObservabilityApiError } from '../../api/client';
import { TracePage } from './TracePage';
import { TRACE_ID, fakeApi, trace } from '../../testUtils/fixtures';

afterEach(() => cleanup());

async function renderAt(api: ApiObservabilityApi, traceId: string) {
  await renderInTestApp(
    <TestApiProvider apis={[[apiObservabilityApiRef, api]]}>
      <Routes>
        <Route path="/traces/:traceId" element={<TracePage />} />
      </Routes>
    </TestApiProvider>,
    { routeEntries: [`/traces/${traceId}`], mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

test("the route's trace, with a span of a catalog API linked to its entity page", async () => {
  const { api, calls } = fakeApi({
    getTrace: async (id) => (calls.push(`trace ${id}`), { ...trace, spans: [{ ...trace.spans[0]!, api: { api: 'orders', version: 'v2', role: 'stable', entityRef: 'api:default/orders' } }] }),
  });
  await renderAt(api, TRACE_ID);
  await waitFor(() => assert.equal(screen.getByTestId('trace-view').getAttribute('data-trace-id'), TRACE_ID));
  assert.deepEqual(calls, [`trace ${TRACE_ID}`]);
  assert.equal(screen.getByTestId('trace-span-api-link').getAttribute('href'), '/catalog/default/api/orders');
});

test('a trace the store does not have: the not-found state naming the id; any other failure: the error state', async () => {
  const missing = fakeApi({ getTrace: async () => Promise.reject(new ObservabilityApiError('TRACE_NOT_FOUND', 'no such trace', 404)) });
  await renderAt(missing.api, TRACE_ID);
  assert.match((await screen.findByTestId('trace-state-not-found')).textContent ?? '', new RegExp(TRACE_ID));
  assert.equal(screen.queryByTestId('trace-view'), null);
  cleanup();

  const broken = fakeApi({ getTrace: async () => Promise.reject(new TypeError('Failed to fetch')) });
  await renderAt(broken.api, TRACE_ID);
  await screen.findByTestId('trace-state-error');
  assert.equal(screen.queryByTestId('trace-view'), null);
});
