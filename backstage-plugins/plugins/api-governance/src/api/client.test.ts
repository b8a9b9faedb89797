/**
 * Unit tests of the API client against a mocked backend (msw intercepts fetch).
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { req } from '../testUtils/fixtures';
import { ApiGovernanceClient, GovernanceApiError } from './client';

const BASE = 'http://backstage.test/api/api-governance';
const server = setupServer();
const discoveryApi = { getBaseUrl: async (id: string) => `http://backstage.test/api/${id}` };
/** What Backstage's fetchApi does: adds the user's token. */
const fetchApi = {
  fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', 'Bearer user-token');
    return fetch(input, { ...init, headers });
  }) as typeof fetch,
};
const client = new ApiGovernanceClient({ discoveryApi, fetchApi, retryDelayMs: 1 });

const ID = '0b6f3c1e-8a55-4d7e-9a59-2f2b1c0e6d11';
const request: PromotionRequest = req({ id: ID, requestedAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z', gates: null });

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  key: string | null;
  body: unknown;
}
const seen: Seen[] = [];
const record = async (r: Request) => {
  const text = r.method === 'POST' ? await r.text() : '';
  seen.push({ method: r.method, url: r.url, auth: r.headers.get('authorization'), key: r.headers.get('idempotency-key'), body: text ? JSON.parse(text) : undefined });
};

before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
after(() => server.close());

describe('ApiGovernanceClient reads', () => {
  test('environments, requests with filters (query-encoded) and the audit, with the user token', async () => {
    server.use(
      http.get(`${BASE}/environments`, async ({ request: r }) => (await record(r), HttpResponse.json({ environments: ['staging', 'production'] }))),
      http.get(`${BASE}/requests`, async ({ request: r }) => (await record(r), HttpResponse.json({ items: [request] }))),
      http.get(`${BASE}/requests/:id/audit`, async ({ request: r, params }) => {
        await record(r);
        assert.equal(params.id, ID);
        return HttpResponse.json({ items: [{ id: 1, requestId: ID, actor: 'user:default/alice', at: request.requestedAt, action: 'create', fromState: null, toState: 'requested', reason: null, override: false, evidence: null }] });
      }),
    );
    assert.deepEqual(await client.getEnvironments(), ['staging', 'production']);
    assert.deepEqual(await client.listRequests({ entityRef: 'api:default/a&b=c', state: 'requested' }), [request]);
    const audit = await client.getAudit(ID);
    assert.equal(audit[0]!.action, 'create');
    assert.equal(seen[0]!.auth, 'Bearer user-token');
    const q = new URL(seen[1]!.url).searchParams;
    assert.equal(q.get('entityRef'), 'api:default/a&b=c');
    assert.equal(q.get('state'), 'requested');
    assert.deepEqual([...q.keys()].sort(), ['entityRef', 'state']);
  });

  test('a request id cannot add path segments', async () => {
    server.use(http.get(`${BASE}/requests/:id`, async ({ request: r, params }) => (await record(r), HttpResponse.json({ ...request, id: String(params.id) }))));
    const got = await client.getRequest('../environments?x=1');
    assert.equal(got.id, '../environments?x=1');
    assert.ok(seen[0]!.url.startsWith(`${BASE}/requests/..%2Fenvironments%3Fx%3D1`), seen[0]!.url);
  });

  test('events: RecordedEvents normalized (type, time, actor), paged by seq; a 404 (no events route yet) is an empty list; other errors are thrown', async () => {
    const recorded = (seq: number) => ({
      seq,
      eventId: `promotion:r:${seq}`,
      topic: 'api-governance.promotion.requested',
      entityRef: 'api:default/orders',
      occurredAt: '2026-11-01T10:00:00.000Z',
      publishedAt: null,
      payload: { type: 'api-governance.promotion.requested', actor: 'user:default/alice', reason: 'x' },
    });
    server.use(
      http.get(`${BASE}/events`, async ({ request: r }) => {
        await record(r);
        const q = new URL(r.url).searchParams;
        assert.equal(q.get('entityRef'), 'api:default/orders');
        const after = Number(q.get('after') ?? 0);
        const limit = Number(q.get('limit'));
        const total = 700;
        const items = [];
        for (let s = after + 1; s <= Math.min(total, after + limit); s++) items.push(recorded(s));
        return HttpResponse.json({ items });
      }),
    );
    const events = await client.listEvents('api:default/orders');
    assert.equal(events.length, 700);
    assert.deepEqual(seen.map((s) => new URL(s.url).searchParams.get('after')), [null, '500']);
    assert.equal(events[0]!.type, 'api-governance.promotion.requested');
    assert.equal(events[0]!.id, 'promotion:r:1');
    assert.equal(events[0]!.at, '2026-11-01T10:00:00.000Z');
    assert.equal(events[0]!.actor, 'user:default/alice');
    server.use(http.get(`${BASE}/events`, () => HttpResponse.json({ error: { code: 'NOT_FOUND', message: 'no route' } }, { status: 404 })));
    assert.deepEqual(await client.listEvents('api:default/orders'), []);
    server.use(http.get(`${BASE}/events`, () => new HttpResponse('Not Found', { status: 404 })));
    assert.deepEqual(await client.listEvents('api:default/orders'), [], 'a non-JSON 404 (route missing) too');
    server.use(http.get(`${BASE}/events`, () => new HttpResponse('<html>oops</html>', { status: 500 })));
    await assert.rejects(client.listEvents('api:default/orders'), (e: unknown) => e instanceof GovernanceApiError && e.code === 'UNEXPECTED' && e.status === 500);
    server.use(http.get(`${BASE}/events`, () => HttpResponse.json({ error: { code: 'FORBIDDEN', message: 'no' } }, { status: 403 })));
    await assert.rejects(client.listEvents('api:default/orders'), (e: unknown) => e instanceof GovernanceApiError && e.code === 'FORBIDDEN');
  });

  test('gates: the registry of GET /gates with the user token; entries without a name, title and description are left out; 404 is an empty list', async () => {
    const canary = { name: 'canary', title: 'Canary verdict', description: 'The canary judge reads promote.', requiredByDefault: false, requirableIn: { environments: null, tiers: null } };
    server.use(
      http.get(`${BASE}/gates`, async ({ request: r }) => {
        await record(r);
        return HttpResponse.json({ gates: [canary, { name: 'slo' }, { name: 42, title: 'x', description: 'y' }, null] });
      }),
    );
    assert.deepEqual(await client.listGates(), [canary]);
    assert.equal(seen[0]!.auth, 'Bearer user-token');
    server.use(http.get(`${BASE}/gates`, () => HttpResponse.json({ gates: 'none' })));
    assert.deepEqual(await client.listGates(), []);
    server.use(http.get(`${BASE}/gates`, () => new HttpResponse('Not Found', { status: 404 })));
    assert.deepEqual(await client.listGates(), [], 'a backend without the registry');
    server.use(http.get(`${BASE}/gates`, () => HttpResponse.json({ error: { code: 'FORBIDDEN', message: 'no' } }, { status: 403 })));
    await assert.rejects(client.listGates(), (e: unknown) => e instanceof GovernanceApiError && e.code === 'FORBIDDEN');
  });
});

describe('ApiGovernanceClient writes', () => {
  test('create: POST JSON with a fresh Idempotency-Key per action', async () => {
    server.use(http.post(`${BASE}/requests`, async ({ request: r }) => (await record(r), HttpResponse.json(request, { status: 201 }))));
    const input = { entityRef: 'api:default/orders', toEnvironment: 'production', comment: 'ship it' };
    assert.deepEqual(await client.createRequest(input), request);
    await client.createRequest(input);
    assert.deepEqual(seen[0]!.body, input);
    assert.ok(seen[0]!.key && seen[0]!.key.length >= 16, 'a key is sent');
    assert.notEqual(seen[0]!.key, seen[1]!.key, 'two user actions, two keys');
    assert.equal(seen[0]!.auth, 'Bearer user-token');
  });

  test('transition: POST /requests/:id/:action with the given key and body', async () => {
    server.use(http.post(`${BASE}/requests/:id/:action`, async ({ request: r, params }) => (await record(r), HttpResponse.json({ ...request, state: params.action === 'approve' ? 'approved' : 'rejected', version: 2 }))));
    const out = await client.transition(ID, 'approve', { version: 1, override: { reason: 'hotfix' } }, { idempotencyKey: 'key-1' });
    assert.equal(out.state, 'approved');
    assert.equal(seen[0]!.key, 'key-1');
    assert.equal(new URL(seen[0]!.url).pathname, `/api/api-governance/requests/${ID}/approve`);
    assert.deepEqual(seen[0]!.body, { version: 1, override: { reason: 'hotfix' } });
  });

  test('an unknown outcome (network error, 503) is retried once with the same key', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/requests/:id/:action`, async ({ request: r }) => {
        await record(r);
        calls++;
        return calls === 1 ? HttpResponse.error() : HttpResponse.json({ ...request, state: 'cancelled' });
      }),
    );
    assert.equal((await client.transition(ID, 'cancel', {})).state, 'cancelled');
    assert.equal(seen.length, 2);
    assert.ok(seen[0]!.key);
    assert.equal(seen[0]!.key, seen[1]!.key, 'the retry reuses the key');

    seen.length = 0;
    calls = 0;
    server.use(
      http.post(`${BASE}/requests`, async ({ request: r }) => {
        await record(r);
        calls++;
        return calls === 1 ? HttpResponse.json({ error: { code: 'UNAVAILABLE', message: 'restarting' } }, { status: 503 }) : HttpResponse.json(request, { status: 201 });
      }),
    );
    await client.createRequest({ entityRef: 'api:default/orders', toEnvironment: 'production' }, { idempotencyKey: 'user-action-7' });
    assert.deepEqual(seen.map((s) => s.key), ['user-action-7', 'user-action-7']);
  });

  for (const [status, code, details] of [
    [409, 'VERSION_CONFLICT', { current: { id: ID, state: 'approved', version: 2 } }],
    [409, 'REQUEST_ALREADY_OPEN', undefined],
    [403, 'SELF_APPROVAL', undefined],
    [422, 'GATES_NOT_PASSED', { gates: { passed: false, gates: [] } }],
    [400, 'OVERRIDE_REASON_REQUIRED', undefined],
  ] as const) {
    test(`${status} ${code} becomes a GovernanceApiError with code, message and details, not retried`, async () => {
      server.use(http.post(`${BASE}/requests/:id/:action`, async ({ request: r }) => (await record(r), HttpResponse.json({ error: { code, message: `msg ${code}`, details } }, { status }))));
      await assert.rejects(client.transition(ID, 'approve', { version: 1 }), (e: unknown) => {
        assert.ok(e instanceof GovernanceApiError);
        assert.equal(e.code, code);
        assert.equal(e.status, status);
        assert.equal(e.message, `msg ${code}`);
        assert.deepEqual(e.details, details);
        return true;
      });
      assert.equal(seen.length, 1, 'a definite answer is not retried');
    });
  }

  test('a non-JSON answer is UNEXPECTED; a persistent network error is NETWORK after one retry', async () => {
    server.use(http.post(`${BASE}/requests`, () => new HttpResponse('<html>bad gateway</html>', { status: 400 })));
    await assert.rejects(client.createRequest({ entityRef: 'api:default/orders', toEnvironment: 'production' }), (e: unknown) => e instanceof GovernanceApiError && e.code === 'UNEXPECTED' && e.status === 400);
    server.use(http.post(`${BASE}/requests`, async ({ request: r }) => (await record(r), HttpResponse.error())));
    await assert.rejects(client.createRequest({ entityRef: 'api:default/orders', toEnvironment: 'production' }), (e: unknown) => e instanceof GovernanceApiError && e.code === 'NETWORK');
    assert.equal(seen.length, 2);
  });
});
