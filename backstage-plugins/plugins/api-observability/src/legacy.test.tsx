/**
 * The legacy frontend system's extensions (`./legacy`) in a legacy app (core-app-api's, through
 * @backstage/test-utils): the tab links a trace to the trace page by the route the app mounted, the page
 * renders that trace, and the card shows its state. The API is a fake implementation of the plugin's
 * API ref (the client itself is tested against HTTP in api/client.test.ts).
 *
 *   npm test -w @api-observatory/backstage-plugin-api-observability
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { Route, Routes } from 'react-router-dom';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  ApiObservabilityTracePage,
  EntityApiObservabilityCard,
  EntityApiObservabilityContent,
  apiObservabilityApiRef,
  apiObservabilityPlugin,
  isApiObservabilityAvailable,
} from './legacy';
import { legacyTraceRouteRef } from './routes';
import { TRACE_ID, entity, fakeApi, inEntity as inEntityWith } from './testUtils/fixtures';

afterEach(() => cleanup());

const { api, calls } = fakeApi();
const inEntity = (el: JSX.Element) => inEntityWith(api, el);

describe('legacy frontend system', () => {
  test('a legacy plugin with the id, API factory and trace route of the new system\'s', () => {
    assert.equal(apiObservabilityPlugin.getId(), 'api-observability');
    assert.deepEqual([...apiObservabilityPlugin.getApis()].map((f) => f.api.id), [apiObservabilityApiRef.id]);
    assert.equal(apiObservabilityPlugin.routes.trace, legacyTraceRouteRef);
    assert.equal(isApiObservabilityAvailable(entity), true);
    assert.equal(isApiObservabilityAvailable({ ...entity, metadata: { name: 'x' } }), false);
  });

  test('EntityApiObservabilityContent links a request\'s trace to where the app mounted the trace page', async () => {
    await renderInTestApp(inEntity(<EntityApiObservabilityContent />), {
      mountedRoutes: { '/observability-traces/:traceId': legacyTraceRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const link = await screen.findByTestId('obs-trace-view');
    assert.equal(link.getAttribute('href'), `/observability-traces/${TRACE_ID}`);
    assert.ok(calls.some((c) => c.startsWith('summary orders')), calls.join(', '));
  });

  test('ApiObservabilityTracePage renders the trace of its route', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[apiObservabilityApiRef, api]]}>
        <Routes>
          <Route path="/traces/:traceId" element={<ApiObservabilityTracePage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: [`/traces/${TRACE_ID}`], mountedRoutes: { '/traces/:traceId': legacyTraceRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    await waitFor(() => assert.equal(screen.getByTestId('trace-view').getAttribute('data-trace-id'), TRACE_ID));
    assert.ok(calls.includes(`trace ${TRACE_ID}`), calls.join(', '));
  });

  test('EntityApiObservabilityCard shows the last hour', async () => {
    await renderInTestApp(inEntity(<EntityApiObservabilityCard />));
    await screen.findByTestId('obs-card');
    assert.ok(screen.getByText('Observability (last hour)'));
  });
});
