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
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { Route, Routes } from 'react-router-dom';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { FiringAlerts, Summary, TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import type { ApiObservabilityApi } from './api/client';
import {
  ApiObservabilityTracePage,
  EntityApiObservabilityCard,
  EntityApiObservabilityContent,
  apiObservabilityApiRef,
  apiObservabilityPlugin,
  isApiObservabilityAvailable,
} from './legacy';
import { legacyTraceRouteRef } from './routes';

afterEach(() => cleanup());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'orders', namespace: 'default', annotations: { 'api-observatory.io/api-name': 'orders', 'api-observatory.io/gateway': 'kong' } },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', definition: '{}' },
};
const now = Math.floor(Date.parse('2026-12-07T05:00:00Z') / 1000);
const summary: Summary = {
  state: 'ok',
  entity: { kind: 'api', namespace: 'default', name: 'orders' },
  api: 'orders',
  gateway: 'kong',
  gateways: ['kong'],
  range: { key: '1h', start: now - 3600, end: now, stepSeconds: 60, window: '5m' },
  current: { requestsPerSecond: 12.5, errorRatio: 0.01, latencyP50Seconds: 0.02, latencyP95Seconds: 0.12, latencyP99Seconds: 0.3 },
  series: { requestsPerSecond: [], errorRatio: [], latencyP50Seconds: [], latencyP95Seconds: [], latencyP99Seconds: [] },
  byGateway: [],
  slo: [],
  topConsumers: [],
  recentRequests: [{ traceId: TRACE_ID, time: '2026-12-07T04:59:00.000Z', durationSeconds: 1.2, route: 'orders-list', status: '502', statusClass: '5xx', reason: 'failed' }],
  canary: null,
  links: { dashboards: [] },
  generatedAt: '2026-12-07T05:00:00.000Z',
};
const trace: TraceView = {
  traceId: TRACE_ID,
  store: 'jaeger',
  startTime: '2026-12-07T04:59:00.000Z',
  durationMicros: 1_200_000,
  services: ['kong'],
  errorCount: 1,
  links: {},
  spans: [
    { spanId: 'aaaaaaaaaaaaaaaa', parentSpanId: null, name: 'kong', service: 'kong', kind: 'server', startOffsetMicros: 0, durationMicros: 1_200_000, status: 'error', depth: 0, attributes: [], resource: [] },
  ],
};
const calls: string[] = [];
const api: ApiObservabilityApi = {
  getSummary: async (e, range) => (calls.push(`summary ${e.name} ${range ?? ''}`), summary),
  getTrace: async (id) => (calls.push(`trace ${id}`), trace),
  getFiringAlerts: async (): Promise<FiringAlerts> => ({ api: 'orders', alerts: [] }),
} as ApiObservabilityApi;

const inEntity = (el: JSX.Element) => (
  <TestApiProvider apis={[[apiObservabilityApiRef, api]]}>
    <EntityProvider entity={entity}>{el}</EntityProvider>
  </TestApiProvider>
);

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
