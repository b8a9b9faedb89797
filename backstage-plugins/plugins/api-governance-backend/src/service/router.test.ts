/**
 * The governance router on REAL databases (a better-sqlite3 file, and PostgreSQL: POSTGRES_* from the
 * environment or a throwaway initdb cluster), with small fakes of httpAuth / catalog / permissions
 * (the fake permissions service applies the shipped ApiGovernancePolicy).
 *
 *   node --conditions=source --import tsx --test --test-concurrency=1 'backstage-plugins/plugins/api-governance-backend/src/**\/*.test.ts'
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { AuditEntry, PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { dropDatabases, pgQuery, postgresFromEnv, postgresSkipReason, startLocalPostgres, type LocalPostgres, type PostgresConnection } from '../../../../e2e-tests/harness';
import { call, migrate, serve, sqliteDb, TEST_CONFIG, type TestDb } from './__testutils__/fixtures';
import { DEFAULT_CONFIG } from './config';

/** A request, or an ErrorBody on failure. */
type Body = PromotionRequest & { error: { code: string; message: string } };

interface Ctx { db: TestDb; url: string; close(): Promise<void> }

async function withServer(db: TestDb): Promise<Ctx> {
  const { url, server } = await serve(db.knex);
  return { db, url, close: async () => { server.close(); await db.close(); } };
}

async function pgDb(): Promise<{ db: TestDb; stop(): Promise<void> }> {
  const env = postgresFromEnv();
  const local: LocalPostgres | undefined = env ? undefined : await startLocalPostgres();
  const conn: PostgresConnection = env ?? local!;
  const prefix = `gov_test_${randomBytes(4).toString('hex')}_`;
  const database = `${prefix}governance`;
  await pgQuery(conn, `CREATE DATABASE "${database}"`);
  const knex = knexFactory({ client: 'pg', connection: { host: conn.host, port: conn.port, user: conn.user, password: conn.password, database }, pool: { min: 0, max: 10 } });
  await migrate(knex);
  return {
    db: { knex, label: env ? 'PostgreSQL from POSTGRES_*' : 'PostgreSQL (throwaway cluster)', close: async () => knex.destroy() },
    stop: async () => { await knex.destroy().catch(() => undefined); await dropDatabases(conn, prefix).catch(() => undefined); await local?.stop(); },
  };
}

const create = (c: Ctx, token: string, entityRef = 'api:default/orders', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call<Body>(c.url, 'POST', '/requests', token, { entityRef, toEnvironment: 'production', comment: 'ship it', ...extra }, headers);
const act = (c: Ctx, token: string, id: string, action: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call<Body>(c.url, 'POST', `/requests/${id}/${action}`, token, body, headers);
const audit = async (c: Ctx, id: string) => (await call<{ items: AuditEntry[] }>(c.url, 'GET', `/requests/${id}/audit`, 'alice')).body.items;

function suite(name: string, open: () => Promise<Ctx>, skip?: string) {
  describe(name, { skip }, () => {
    let c: Ctx;
    before(async () => { c = await open(); });
    after(async () => { await c?.close(); });

    describe('role × action matrix', () => {
      // Expected status per role for each action on a fresh `requested` orders request made by alice.
      const ROLES = ['alice', 'bob', 'carla', 'peter', 'eve', 'olga', 'service'] as const;
      const EXPECT: Record<string, Record<(typeof ROLES)[number], number>> = {
        create: { alice: 201, bob: 201, carla: 403, peter: 403, eve: 403, olga: 403, service: 403 },
        approve: { alice: 403, bob: 403, carla: 200, peter: 403, eve: 403, olga: 200, service: 403 },
        reject: { alice: 403, bob: 403, carla: 200, peter: 403, eve: 403, olga: 200, service: 403 },
        cancel: { alice: 200, bob: 200, carla: 403, peter: 403, eve: 403, olga: 403, service: 403 },
      };
      for (const role of ROLES) {
        test(`${role}: create`, async () => {
          const r = await create(c, role);
          assert.equal(r.status, EXPECT.create![role], JSON.stringify(r.body));
          if (r.status === 201) {
            assert.equal(r.body.state, 'requested');
            assert.equal(r.body.requestedBy, `user:default/${role}`);
            assert.deepEqual((await audit(c, r.body.id)).map((a) => a.action), ['create']);
          } else assert.match(JSON.stringify(r.body), /may not request|does not allow/);
        });
        for (const action of ['approve', 'reject', 'cancel'] as const) {
          test(`${role}: ${action}`, async () => {
            const req = (await create(c, 'alice')).body;
            const r = await act(c, role, req.id, action, { reason: 'checked', version: req.version });
            const expected = EXPECT[action]![role];
            assert.equal(r.status, expected, JSON.stringify(r.body));
            const after = (await call<PromotionRequest>(c.url, 'GET', `/requests/${req.id}`, 'alice')).body;
            const trail = await audit(c, req.id);
            if (expected === 200) {
              assert.equal(after.state, { approve: 'approved', reject: 'rejected', cancel: 'cancelled' }[action]);
              assert.equal(after.version, 2);
              assert.deepEqual(trail.map((a) => [a.action, a.actor]), [['create', 'user:default/alice'], [action, role === 'service' ? 'service:plugin:deployer' : `user:default/${role}`]]);
            } else {
              assert.equal(after.state, 'requested', 'no unauthorized transition');
              assert.equal(after.version, 1);
              assert.deepEqual(trail.map((a) => a.action), ['create']);
              if (role === 'alice' && action !== 'cancel') assert.equal(r.body.error.code, 'SELF_APPROVAL');
            }
          });
        }
      }

      test('self-approval is refused even for a product manager with every permission', async () => {
        const req = (await create(c, 'carla', 'api:default/pm-owned')).body;
        assert.ok(req.id, 'carla owns pm-owned through product-managers');
        const self = await act(c, 'carla', req.id, 'approve', { reason: 'mine' });
        assert.equal(self.status, 403);
        assert.equal(self.body.error.code, 'SELF_APPROVAL');
        assert.match(self.body.error.message, /separation of duties/);
        const other = await act(c, 'deepak', req.id, 'approve', { reason: 'ok' });
        assert.equal(other.status, 200);
        assert.equal(other.body.decidedBy, 'user:default/deepak');
      });

      test('a product manager of another system may not approve (conditional on the system)', async () => {
        const req = (await create(c, 'alice', 'api:default/gateway-admin')).body;
        assert.equal((await act(c, 'carla', req.id, 'approve')).status, 403);
        assert.equal((await act(c, 'peter', req.id, 'approve')).status, 200);
      });

      test('promote and rollback: approvers and service principals, only in order', async () => {
        const req = (await create(c, 'alice')).body;
        assert.equal((await act(c, 'carla', req.id, 'promote')).body.error.code, 'INVALID_TRANSITION');
        assert.equal((await act(c, 'carla', req.id, 'approve')).status, 200);
        assert.equal((await act(c, 'eve', req.id, 'promote')).status, 403);
        assert.equal((await act(c, 'service', req.id, 'promote')).status, 200);
        assert.equal((await act(c, 'alice', req.id, 'cancel')).status, 409);
        const rb = await act(c, 'olga', req.id, 'rollback', { reason: 'p99 regression' });
        assert.equal(rb.status, 200);
        assert.equal(rb.body.state, 'rolled_back');
        assert.deepEqual((await audit(c, req.id)).map((a) => a.toState), ['requested', 'approved', 'promoted', 'rolled_back']);
      });
    });

    describe('gates', () => {
      test('all gates pass for a healthy API; evidence is stored at request and at approval', async () => {
        const req = (await create(c, 'alice')).body;
        assert.equal(req.gates?.passed, true, JSON.stringify(req.gates));
        assert.deepEqual(req.gates!.gates.map((g) => [g.gate, g.status]), [['definition', 'passed'], ['canary', 'passed'], ['slo', 'passed']]);
        await act(c, 'carla', req.id, 'approve');
        const trail = await audit(c, req.id);
        assert.equal(trail[0]!.evidence!.gates.find((g) => g.gate === 'canary')!.status, 'passed');
        assert.equal((trail[1]!.evidence!.gates.find((g) => g.gate === 'canary')!.evidence as { decision: string }).decision, 'promote');
      });

      for (const [api, gate, status] of [['broken', 'definition', 'failed'], ['regressed', 'canary', 'failed'], ['nocanary', 'canary', 'unknown'], ['burning', 'slo', 'failed']] as const) {
        test(`${api}: ${gate} ${status} blocks approval; only an authorized override with a reason passes`, async () => {
          const req = (await create(c, 'alice', `api:default/${api}`)).body;
          assert.equal(req.gates?.passed, false);
          assert.equal(req.gates!.gates.find((g) => g.gate === gate)!.status, status);
          const blocked = await act(c, 'carla', req.id, 'approve');
          assert.equal(blocked.status, 422);
          assert.equal(blocked.body.error.code, 'GATES_NOT_PASSED');
          assert.match(blocked.body.error.message, new RegExp(`${gate}: ${status}`));
          const noReason = await act(c, 'olga', req.id, 'approve', { override: { reason: '  ' } });
          assert.equal(noReason.body.error.code, 'OVERRIDE_REASON_REQUIRED');
          const unauthorized = await act(c, 'carla', req.id, 'approve', { override: { reason: 'hotfix' } });
          assert.equal(unauthorized.status, 403);
          assert.match(unauthorized.body.error.message, /override/);
          const ok = await act(c, 'olga', req.id, 'approve', { override: { reason: 'security hotfix, INC-42' } });
          assert.equal(ok.status, 200, JSON.stringify(ok.body));
          assert.equal(ok.body.overridden, true);
          const last = (await audit(c, req.id)).at(-1)!;
          assert.equal(last.override, true);
          assert.match(last.reason!, /security hotfix, INC-42/);
          assert.equal(last.evidence!.gates.find((g) => g.gate === gate)!.status, status);
        });
      }
    });

    describe('bad input: 4xx naming the problem', () => {
      test('unknown entity', async () => {
        const r = await create(c, 'alice', 'api:default/no-such-api');
        assert.equal(r.status, 404);
        assert.equal(r.body.error.code, 'ENTITY_NOT_FOUND');
        assert.match(r.body.error.message, /api:default\/no-such-api/);
      });
      test('not an API', async () => {
        const r = await create(c, 'alice', 'component:default/orders-service');
        assert.equal(r.body.error.code, 'NOT_AN_API');
      });
      test('malformed JSON body', async () => {
        const r = await call(c.url, 'POST', '/requests', 'alice', '{"entityRef": ', {});
        assert.equal(r.status, 400);
        assert.match(r.body.error.message, /not valid JSON/);
      });
      test('body that is not an object, missing fields, bad entity ref', async () => {
        assert.match((await call(c.url, 'POST', '/requests', 'alice', [1, 2])).body.error.message, /JSON object/);
        assert.match((await call(c.url, 'POST', '/requests', 'alice', { entityRef: 'api:default/orders' })).body.error.message, /toEnvironment/);
        assert.match((await call(c.url, 'POST', '/requests', 'alice', { entityRef: 42, toEnvironment: 'production' })).body.error.message, /entityRef/);
        assert.match((await call(c.url, 'POST', '/requests', 'alice', { entityRef: 'api:a:b:/', toEnvironment: 'production' })).body.error.message, /entityRef/);
      });
      test('oversized comment and oversized body', async () => {
        const r = await create(c, 'alice', 'api:default/orders', { comment: 'x'.repeat(501) });
        assert.equal(r.status, 413);
        assert.match(r.body.error.message, /comment is 501 characters; the maximum is 500/);
        const big = await create(c, 'alice', 'api:default/orders', { comment: 'x'.repeat(70_000) });
        assert.equal(big.status, 413);
        const reason = await act(c, 'carla', (await create(c, 'alice')).body.id, 'reject', { reason: 'y'.repeat(501) });
        assert.match(reason.body.error.message, /reason is 501 characters/);
      });
      test('unknown environment, wrong order, first environment', async () => {
        const r = await create(c, 'alice', 'api:default/orders', { toEnvironment: 'moon' });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'UNKNOWN_ENVIRONMENT');
        assert.match(r.body.error.message, /"moon".*dev → staging → production/);
        assert.match((await create(c, 'alice', 'api:default/orders', { fromEnvironment: 'dev' })).body.error.message, /fromEnvironment must be staging/);
        assert.match((await create(c, 'alice', 'api:default/orders', { toEnvironment: 'dev' })).body.error.message, /first environment/);
        assert.equal((await create(c, 'alice', 'api:default/orders', { toEnvironment: 'staging' })).body.fromEnvironment, 'dev');
      });
      test('unknown request, bad id, unknown action, bad version, bad state filter, no credentials', async () => {
        assert.equal((await act(c, 'carla', '00000000-0000-4000-8000-000000000000', 'approve')).body.error.code, 'REQUEST_NOT_FOUND');
        assert.match((await act(c, 'carla', 'nope', 'approve')).body.error.message, /UUID/);
        const id = (await create(c, 'alice')).body.id;
        const unknownAction = await act(c, 'carla', id, 'explode');
        assert.equal(unknownAction.status, 404);
        assert.match(unknownAction.body.error.message, /unknown action "explode"/);
        assert.match((await act(c, 'carla', id, 'approve', { version: 'one' })).body.error.message, /version must be a positive integer/);
        assert.match((await act(c, 'carla', id, 'reject', {})).body.error.message, /rejection needs a reason/);
        assert.match((await call(c.url, 'GET', '/requests?state=done', 'alice')).body.error.message, /state must be one of/);
        assert.equal((await call(c.url, 'GET', '/requests', null)).status, 401);
        const stale = await act(c, 'carla', id, 'approve', { version: 7 });
        assert.equal(stale.status, 409);
        assert.equal(stale.body.error.code, 'VERSION_CONFLICT');
      });
      test('Idempotency-Key reused with a different body', async () => {
        const h = { 'idempotency-key': `k-${randomBytes(4).toString('hex')}` };
        assert.equal((await create(c, 'alice', 'api:default/orders', {}, h)).status, 201);
        const again = await create(c, 'alice', 'api:default/payments', {}, h);
        assert.equal(again.status, 422);
        assert.equal(again.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
      });
    });

    describe('idempotency and concurrency', () => {
      test('a repeated create with the same Idempotency-Key replays the first response', async () => {
        const h = { 'idempotency-key': `create-${randomBytes(4).toString('hex')}` };
        const results = await Promise.all(Array.from({ length: 10 }, () => create(c, 'bob', 'api:default/payments', {}, h)));
        assert.ok(results.every((r) => r.status === 201), JSON.stringify(results.map((r) => r.body)));
        assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
        assert.equal(results.filter((r) => r.headers.get('idempotent-replayed') !== 'true').length <= 1, true);
      });

      test('50 concurrent approvals of one request: exactly one transition, the others 409, one audit entry', async () => {
        const req = (await create(c, 'alice')).body;
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
          act(c, `pm${i}`, req.id, 'approve', i % 2 ? { version: req.version, reason: `pm${i}` } : { reason: `pm${i}` })));
        const ok = results.filter((r) => r.status === 200);
        const conflicts = results.filter((r) => r.status === 409);
        assert.equal(ok.length, 1, JSON.stringify(results.map((r) => [r.status, r.body?.error?.code])));
        assert.equal(conflicts.length, 49);
        for (const r of conflicts) {
          assert.ok(['VERSION_CONFLICT', 'INVALID_TRANSITION'].includes(r.body.error.code), JSON.stringify(r.body));
          assert.match(r.body.error.message, /approved|changed/);
        }
        const after = (await call<PromotionRequest>(c.url, 'GET', `/requests/${req.id}`, 'alice')).body;
        assert.equal(after.state, 'approved');
        assert.equal(after.version, 2);
        assert.equal(after.decidedBy, ok[0]!.body.decidedBy);
        const trail = await audit(c, req.id);
        assert.deepEqual(trail.map((a) => a.action), ['create', 'approve']);
        assert.equal(trail[1]!.actor, after.decidedBy);
      });

      test('50 concurrent retries of one approval with the same Idempotency-Key: one transition, 50 identical answers', async () => {
        const req = (await create(c, 'alice')).body;
        const h = { 'idempotency-key': `approve-${req.id}` };
        const results = await Promise.all(Array.from({ length: 50 }, () => act(c, 'deepak', req.id, 'approve', { reason: 'ok' }, h)));
        assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => [r.status, r.body?.error])));
        assert.equal(new Set(results.map((r) => JSON.stringify(r.body))).size, 1);
        assert.deepEqual((await audit(c, req.id)).map((a) => a.action), ['create', 'approve']);
      });
    });

    test('the audit table is append-only in the database', async () => {
      const id = (await create(c, 'alice')).body.id;
      await assert.rejects(c.db.knex('governance_audit').where({ request_id: id }).update({ reason: 'rewritten' }), /append-only/);
      await assert.rejects(c.db.knex('governance_audit').where({ request_id: id }).delete(), /append-only/);
      assert.equal((await audit(c, id)).length, 1);
    });
  });
}

suite('governance router on a SQLite file', async () => withServer(await sqliteDb()));

let pg: Awaited<ReturnType<typeof pgDb>> | undefined;
suite('governance router on PostgreSQL', async () => {
  pg = await pgDb();
  const ctx = await withServer(pg.db);
  return { ...ctx, close: async () => { await ctx.close(); await pg!.stop(); } };
}, postgresSkipReason());

describe('defaults', () => {
  test('with the default config the SLO gate is "unknown" (no Prometheus) and the canary gate has no data', async () => {
    const db = await sqliteDb();
    const { url, server } = await serve(db.knex, { ...DEFAULT_CONFIG, policy: TEST_CONFIG.policy }, {});
    try {
      const r = await call<PromotionRequest>(url, 'POST', '/requests', 'alice', { entityRef: 'orders', toEnvironment: 'production' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.fromEnvironment, 'staging');
      assert.deepEqual(r.body.gates!.gates.map((g) => [g.gate, g.status]), [['definition', 'passed'], ['canary', 'unknown'], ['slo', 'unknown']]);
      assert.match(r.body.gates!.gates[2]!.summary, /no Prometheus configured/);
      assert.equal(r.body.gates!.passed, false);
    } finally {
      server.close();
      await db.close();
    }
  });
});
