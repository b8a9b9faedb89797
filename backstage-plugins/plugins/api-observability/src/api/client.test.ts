/**
 * Unit tests of the API client against a mocked backend (msw intercepts fetch).
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/plugins/api-observability/src/**\/*.test.ts'
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ApiObservabilityClient, ObservabilityApiError } from './client';
import type { Summary } from '@api-observatory/backstage-plugin-api-observability-common';

const BASE = 'http://backstage.test/api/api-observability';
const server = setupServer();
const discoveryApi = { getBaseUrl: async (id: string) => `http://backstage.test/api/${id}` };
const seen: Array<{ url: string; auth: string | null }> = [];
/** What Backstage's fetchApi does: adds the user's token. */
const fetchApi = {
  fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', 'Bearer user-token');
    return fetch(input, { ...init, headers });
  }) as typeof fetch,
};
const client = new ApiObservabilityClient({ discoveryApi, fetchApi });

const summary = { state: 'ok', api: 'orders', current: { requestsPerSecond: 3.2 } } as unknown as Summary;

before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
after(() => server.close());

describe('ApiObservabilityClient', () => {
  test('GETs the entity summary from the discovered base URL with the token and the range', async () => {
    server.use(
      http.get(`${BASE}/entity/:kind/:namespace/:name/summary`, ({ request, params }) => {
        seen.push({ url: request.url, auth: request.headers.get('authorization') });
        assert.deepEqual({ ...params }, { kind: 'api', namespace: 'default', name: 'orders' });
        return HttpResponse.json(summary);
      }),
    );
    const got = await client.getSummary({ kind: 'API', name: 'orders' }, '6h');
    assert.deepEqual(got, summary);
    assert.equal(seen[0]!.auth, 'Bearer user-token');
    assert.equal(new URL(seen[0]!.url).searchParams.get('range'), '6h');
  });

  test('encodes entity ref parts, so a name cannot add path segments or query parameters', async () => {
    server.use(
      http.get(`${BASE}/entity/:kind/:namespace/:name/summary`, ({ request, params }) => {
        seen.push({ url: request.url, auth: null });
        assert.equal(params.name, 'a/../b?range=7d&x="');
        assert.equal(params.namespace, 'team #1');
        return HttpResponse.json(summary);
      }),
    );
    await client.getSummary({ kind: 'API', namespace: 'team #1', name: 'a/../b?range=7d&x="' });
    assert.equal(new URL(seen[0]!.url).searchParams.get('range'), '1h');
    assert.deepEqual([...new URL(seen[0]!.url).searchParams.keys()], ['range']);
  });

  for (const [status, code] of [
    [404, 'NO_ANNOTATION'],
    [404, 'ENTITY_NOT_FOUND'],
    [503, 'PROMETHEUS_UNREACHABLE'],
    [502, 'PROMETHEUS_QUERY_FAILED'],
  ] as const) {
    test(`${status} ${code} becomes an ObservabilityApiError with that code`, async () => {
      server.use(http.get(`${BASE}/entity/:kind/:namespace/:name/summary`, () => HttpResponse.json({ error: { code, message: `msg ${code}` } }, { status })));
      await assert.rejects(client.getSummary({ kind: 'API', name: 'orders' }), (e: unknown) => {
        assert.ok(e instanceof ObservabilityApiError);
        assert.equal(e.code, code);
        assert.equal(e.status, status);
        assert.equal(e.message, `msg ${code}`);
        return true;
      });
    });
  }

  test('getTrace GETs /traces/:id with the token; the id is one encoded path segment; errors keep their code', async () => {
    server.use(
      http.get(`${BASE}/traces/:id`, ({ request, params }) => {
        seen.push({ url: request.url, auth: request.headers.get('authorization') });
        if (params.id !== 'abc') return HttpResponse.json({ error: { code: 'BAD_REQUEST', message: 'not a trace id' } }, { status: 400 });
        return HttpResponse.json({ traceId: 'abc', spans: [] });
      }),
    );
    assert.deepEqual(await client.getTrace('abc'), { traceId: 'abc', spans: [] });
    assert.equal(seen[0]!.auth, 'Bearer user-token');
    await assert.rejects(client.getTrace('../summary?x=1'), (e: unknown) => e instanceof ObservabilityApiError && e.code === 'BAD_REQUEST' && e.status === 400);
    assert.equal(new URL(seen[1]!.url).pathname, '/api/api-observability/traces/..%2Fsummary%3Fx%3D1');
  });

  test('getFiringAlerts GETs /entity/:kind/:namespace/:name/alerts with the token; NOT_CONFIGURED keeps its code', async () => {
    const alert = { fingerprint: 'ab12', alertname: 'ApiAvailabilityFastBurn', severity: 'page', summary: 's', description: 'd', startsAt: '2026-01-01T00:00:00Z', labels: { api: 'orders' } };
    server.use(
      http.get(`${BASE}/entity/:kind/:namespace/:name/alerts`, ({ request, params }) => {
        seen.push({ url: request.url, auth: request.headers.get('authorization') });
        if (params.name !== 'orders') return HttpResponse.json({ error: { code: 'NOT_CONFIGURED', message: 'off' } }, { status: 404 });
        return HttpResponse.json({ api: 'orders', alerts: [alert] });
      }),
    );
    assert.deepEqual(await client.getFiringAlerts({ kind: 'API', name: 'orders' }), { api: 'orders', alerts: [alert] });
    assert.equal(new URL(seen[0]!.url).pathname, '/api/api-observability/entity/api/default/orders/alerts');
    assert.equal(seen[0]!.auth, 'Bearer user-token');
    await assert.rejects(client.getFiringAlerts({ kind: 'API', name: 'x/../y' }), (e: unknown) => e instanceof ObservabilityApiError && e.code === 'NOT_CONFIGURED' && e.status === 404);
    assert.equal(new URL(seen[1]!.url).pathname, '/api/api-observability/entity/api/default/x%2F..%2Fy/alerts');
  });

  test('a non-JSON answer (e.g. a proxy error page) is UNEXPECTED; a network error is NETWORK', async () => {
    server.use(http.get(`${BASE}/entity/:kind/:namespace/:name/summary`, () => new HttpResponse('<html>bad gateway</html>', { status: 502 })));
    await assert.rejects(client.getSummary({ kind: 'API', name: 'orders' }), (e: unknown) => e instanceof ObservabilityApiError && e.code === 'UNEXPECTED' && e.status === 502);
    server.use(http.get(`${BASE}/entity/:kind/:namespace/:name/summary`, () => HttpResponse.error()));
    await assert.rejects(client.getSummary({ kind: 'API', name: 'orders' }), (e: unknown) => e instanceof ObservabilityApiError && e.code === 'NETWORK');
  });
});
