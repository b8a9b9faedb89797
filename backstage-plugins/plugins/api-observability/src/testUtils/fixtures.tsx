/**
 * Shared test data of the plugin's tests: an annotated API entity, its summaries, a trace, and an
 * in-memory ApiObservabilityApi that records its calls.
 */
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider } from '@backstage/test-utils';
import type { FiringAlert, FiringAlerts, Summary, TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import type { ApiObservabilityApi } from '../api/client';
import { apiObservabilityApiRef } from '../api/ref';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'orders', namespace: 'default', annotations: { 'api-observatory.io/api-name': 'orders', 'api-observatory.io/gateway': 'kong' } },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', definition: '{}' },
};

const now = Math.floor(Date.parse('2026-12-07T05:00:00Z') / 1000);

/** The last hour of `orders` on kong, with one failed request. */
export const summary: Summary = {
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

/** Seven days of young data (the window is its age) with a failed and a slow request, the slow one with a Jaeger link. */
export const youngSummary = {
  state: 'ok',
  api: 'orders',
  range: { key: '7d', start: 0, end: 604800, stepSeconds: 3600, window: '187s', windowSeconds: 187, dataSince: 604613 },
  recentRequests: [
    { traceId: TRACE_ID, time: '2026-12-07T05:00:00Z', durationSeconds: 0.2, route: 'orders-list', status: '502', statusClass: '5xx', reason: 'failed' },
    { traceId: '0af7651916cd43dd8448eb211c80319c', time: '2026-12-07T05:00:01Z', durationSeconds: 1.2, route: 'orders-get', status: '200', statusClass: '2xx', reason: 'slow', jaegerUrl: 'https://jaeger.example/trace/0af7651916cd43dd8448eb211c80319c' },
  ],
} as unknown as Summary;

export const trace: TraceView = {
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

/**
 * An ApiObservabilityApi answering `summary`, `trace` and no firing alerts (override any method), and the
 * calls it got ("summary <name> <range>", "trace <id>", "alerts <name>").
 */
export function fakeApi(over: Partial<ApiObservabilityApi> = {}) {
  const calls: string[] = [];
  const api: ApiObservabilityApi = {
    getSummary: async (e, range) => (calls.push(`summary ${e.name} ${range ?? ''}`), summary),
    getTrace: async (id) => (calls.push(`trace ${id}`), trace),
    getFiringAlerts: async (e): Promise<FiringAlerts> => (calls.push(`alerts ${e.name}`), { api: 'orders', alerts: [] }),
    ...over,
  } as ApiObservabilityApi;
  return { api, calls };
}

/** `el` with the API and the current entity (default: `entity`) a Backstage app gives it. */
export const inEntity = (api: ApiObservabilityApi, el: JSX.Element, current: Entity = entity) => (
  <TestApiProvider apis={[[apiObservabilityApiRef, api]]}>
    <EntityProvider entity={current}>{el}</EntityProvider>
  </TestApiProvider>
);

/** A firing alert of the orders API as the backend's alert inbox answers it; `over` changes fields. */
export const firingAlert = (over: Partial<FiringAlert> = {}): FiringAlert => ({
  fingerprint: 'ab12',
  alertname: 'ApiAvailabilityFastBurn',
  severity: 'page',
  summary: 'orders: availability error budget burning 14.4× too fast',
  description: 'More than 0.72% of orders requests were answered 5xx',
  runbookUrl: 'https://example.org/RUNBOOK.md#apiavailabilityfastburn',
  startsAt: '2026-12-07T05:00:00.000Z',
  labels: { api: 'orders' },
  ...over,
});
