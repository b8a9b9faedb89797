/**
 * The plugin inside the REAL dev backend (packages/backend, started by the e2e harness): migrations on
 * the backend's DatabaseService, the real httpAuth / catalog / permissions (the dev backend's
 * governance policy module, sample users signed in through its dev-only devUsers provider), the
 * EventsService (events recorded and published) and the REAL notifications backend (a deprecation
 * notifies the owners of the API's consumers). SQLite in memory, and PostgreSQL when available
 * (POSTGRES_* or a throwaway initdb cluster).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ApiDeprecation, PromotionRequest, RecordedEvent } from '@api-observatory/backstage-plugin-api-governance-common';
import {
  dropDatabases, pgQuery, postgresFromEnv, postgresSkipReason, startBackstage, startLocalPostgres,
  type LocalPostgres, type PostgresConnection, type RunningBackstage,
} from '../../../e2e-tests/harness';

type Body = PromotionRequest & { error: { code: string; message: string } };

function smoke(name: string, start: () => Promise<{ backstage: RunningBackstage; stop(): Promise<void> }>, skip?: string) {
  describe(name, { skip }, () => {
    let b: RunningBackstage;
    let stop: () => Promise<void>;
    before(async () => {
      ({ backstage: b, stop } = await start());
      await b.waitForApis(['orders']);
    });
    after(async () => { await stop?.(); });

    const as = async (user: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await b.fetchAs(user, `/api/api-governance${p}`, { method, headers, ...(body === undefined ? {} : { json: body }) });
      return { status: res.status, body: (await res.json()) as Body };
    };

    test('health is public; the API needs credentials', async () => {
      assert.equal((await fetch(`${b.baseUrl}/api/api-governance/health`)).status, 200);
      assert.equal((await fetch(`${b.baseUrl}/api/api-governance/requests`)).status, 401);
      assert.deepEqual(await b.getJson('/api/api-governance/environments'), { environments: ['staging', 'production'] });
    });

    test('a request for the sample orders API under the governance policy: owner creates, one open request, no self-approval, PM approves, events recorded', async () => {
      const guest = await fetch(`${b.baseUrl}/api/api-governance/requests`, {
        method: 'POST', headers: { authorization: `Bearer ${await b.guestToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ entityRef: 'api:default/orders', toEnvironment: 'production' }),
      });
      assert.equal(guest.status, 403, 'the guest owns nothing');
      const created = await as('emma.orders', 'POST', '/requests', { entityRef: 'api:default/orders', toEnvironment: 'production', comment: 'v2.3' }, { 'idempotency-key': 'smoke-1' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const gates = Object.fromEntries(created.body.gates!.gates.map((g) => [g.gate, g.status]));
      assert.deepEqual(gates, { definition: 'passed', canary: 'unknown', slo: 'unknown' });
      const replay = await as('emma.orders', 'POST', '/requests', { entityRef: 'api:default/orders', toEnvironment: 'production', comment: 'v2.3' }, { 'idempotency-key': 'smoke-1' });
      assert.equal(replay.body.id, created.body.id);
      const second = await as('emma.orders', 'POST', '/requests', { entityRef: 'api:default/orders', toEnvironment: 'production' });
      assert.equal(second.status, 409);
      assert.equal(second.body.error.code, 'REQUEST_ALREADY_OPEN');
      assert.match(second.body.error.message, new RegExp(created.body.id));
      const self = await as('emma.orders', 'POST', `/requests/${created.body.id}/approve`, { override: { reason: 'demo' } });
      assert.equal(self.status, 403);
      assert.equal(self.body.error.code, 'SELF_APPROVAL');
      const stranger = await as('alice.platform', 'POST', `/requests/${created.body.id}/approve`, {});
      assert.equal(stranger.status, 403, 'the platform team does not approve');
      const unknown = await as('emma.orders', 'POST', '/requests', { entityRef: 'api:default/nope', toEnvironment: 'production' });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /api:default\/nope/);
      // The dev config shows the canary gate without requiring it (no canary-gate server in the sandbox), so
      // the product manager's plain approval passes the required gates.
      const approved = await as('carla.pm', 'POST', `/requests/${created.body.id}/approve`, { version: 1, reason: 'ship it' });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.state, 'approved');
      const trail = await b.getJson<{ items: Array<{ action: string; actor: string }> }>(`/api/api-governance/requests/${created.body.id}/audit`);
      assert.deepEqual(trail.items.map((a) => [a.action, a.actor]), [['create', 'user:default/emma.orders'], ['approve', 'user:default/carla.pm']]);
      // The events, recorded and published through the backend's EventsService.
      const events = await b.getJson<{ items: RecordedEvent[] }>(`/api/api-governance/events?entityRef=api:default/orders`);
      assert.deepEqual(events.items.map((e) => e.topic), ['api-governance.promotion.requested', 'api-governance.promotion.approved']);
      assert.ok(events.items.every((e) => e.publishedAt !== null), JSON.stringify(events.items));
      assert.deepEqual(events.items.map((e) => e.eventId), [`promotion:${created.body.id}:1`, `promotion:${created.body.id}:2`]);
    });

    test('deprecating the payments API notifies its consumers\' owners through the REAL notifications backend', async () => {
      const forbidden = await as('emma.orders', 'POST', '/apis/deprecate', { entityRef: 'api:default/payments', reason: 'x' });
      assert.equal(forbidden.status, 403, 'only owners of payments deprecate it');
      const dep = await as('farid.payments', 'POST', '/apis/deprecate', { entityRef: 'api:default/payments', reason: 'payments v2 replaces it', sunsetDate: '2027-03-31' });
      assert.equal(dep.status, 201, JSON.stringify(dep.body));
      const d = dep.body as unknown as ApiDeprecation;
      // orders-service (orders-team), storefront-web and mobile-app (customer-team) consume payments.
      assert.deepEqual(d.consumers, ['component:default/mobile-app', 'component:default/orders-service', 'component:default/storefront-web']);
      assert.deepEqual(d.notifiedOwners, ['group:default/customer-team', 'group:default/orders-team']);
      // emma.orders is in orders-team: the notifications backend resolved the group to her.
      let found: Array<{ payload: { title: string; topic?: string; scope?: string; link?: string } }> = [];
      for (let i = 0; i < 40 && found.length === 0; i++) {
        const res = await b.fetchAs('emma.orders', '/api/notifications/notifications');
        assert.equal(res.status, 200, await res.clone().text());
        const body = (await res.json()) as { notifications: typeof found };
        found = body.notifications.filter((n) => n.payload.topic === 'api.deprecated');
        if (!found.length) await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(found.length, 1, 'one notification for emma.orders');
      assert.match(found[0]!.payload.title, /api:default\/payments is deprecated/);
      assert.equal(found[0]!.payload.scope, `deprecation:${d.id}`);
      // Not to the actor, nor to someone outside the consumers' owners.
      for (const user of ['farid.payments', 'carla.pm']) {
        const res = await b.fetchAs(user, '/api/notifications/notifications');
        const body = (await res.json()) as { notifications: typeof found };
        assert.equal(body.notifications.filter((n) => n.payload.topic === 'api.deprecated').length, 0, user);
      }
      const again = await as('farid.payments', 'POST', '/apis/deprecate', { entityRef: 'api:default/payments', reason: 'again' });
      assert.equal(again.status, 200);
      const events = await b.getJson<{ items: RecordedEvent[] }>(`/api/api-governance/events?entityRef=api:default/payments`);
      assert.deepEqual(events.items.map((e) => [e.topic, e.eventId, e.publishedAt !== null]), [['api.deprecated', `deprecation:${d.id}`, true]]);
    });
  });
}

smoke('api-governance in the real backend (SQLite)', async () => {
  const backstage = await startBackstage({ name: 'api-governance-sqlite' });
  return { backstage, stop: () => backstage.stop() };
});

smoke('api-governance in the real backend (PostgreSQL)', async () => {
  const env = postgresFromEnv();
  const local: LocalPostgres | undefined = env ? undefined : await startLocalPostgres();
  const conn: PostgresConnection = env ?? local!;
  const prefix = `gov_e2e_${randomBytes(3).toString('hex')}_`;
  const backstage = await startBackstage({ name: 'api-governance-pg', database: { client: 'pg', connection: conn, prefix } });
  const rows = await pgQuery<{ datname: string }>(conn, `SELECT datname FROM pg_database WHERE datname = $1`, [`${prefix}api-governance`]);
  assert.equal(rows.length, 1, 'the plugin has its own database');
  return { backstage, stop: async () => { await backstage.stop(); await dropDatabases(conn, prefix); await local?.stop(); } };
}, postgresSkipReason());
