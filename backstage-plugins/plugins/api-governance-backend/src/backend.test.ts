/**
 * The plugin inside the REAL dev backend (packages/backend, started by the e2e harness): migrations on
 * the backend's DatabaseService, the real httpAuth / catalog / permissions (the dev app's allow-all
 * policy), and the separation of duties that holds whatever the policy says. SQLite in memory, and
 * PostgreSQL when available (POSTGRES_* or a throwaway initdb cluster).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
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

    const post = async (p: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${b.baseUrl}/api/api-governance${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await b.guestToken()}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Body };
    };

    test('health is public; the API needs credentials', async () => {
      assert.equal((await fetch(`${b.baseUrl}/api/api-governance/health`)).status, 200);
      assert.equal((await fetch(`${b.baseUrl}/api/api-governance/requests`)).status, 401);
      assert.deepEqual(await b.getJson('/api/api-governance/environments'), { environments: ['staging', 'production'] });
    });

    test('a request for the sample orders API: gates evaluated with evidence, self-approval refused, audit kept', async () => {
      const created = await post('/requests', { entityRef: 'api:default/orders', toEnvironment: 'production', comment: 'v2.3' }, { 'idempotency-key': 'smoke-1' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const gates = Object.fromEntries(created.body.gates!.gates.map((g) => [g.gate, g.status]));
      assert.deepEqual(gates, { definition: 'passed', canary: 'unknown', slo: 'unknown' });
      const replay = await post('/requests', { entityRef: 'api:default/orders', toEnvironment: 'production', comment: 'v2.3' }, { 'idempotency-key': 'smoke-1' });
      assert.equal(replay.body.id, created.body.id);
      const self = await post(`/requests/${created.body.id}/approve`, { override: { reason: 'demo' } });
      assert.equal(self.status, 403);
      assert.equal(self.body.error.code, 'SELF_APPROVAL');
      const unknown = await post('/requests', { entityRef: 'api:default/nope', toEnvironment: 'production' });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /api:default\/nope/);
      const cancelled = await post(`/requests/${created.body.id}/cancel`, { version: 1, reason: 'not today' });
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.state, 'cancelled');
      const trail = await b.getJson<{ items: Array<{ action: string }> }>(`/api/api-governance/requests/${created.body.id}/audit`);
      assert.deepEqual(trail.items.map((a) => a.action), ['create', 'cancel']);
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
