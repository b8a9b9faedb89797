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
import type { ApiDeprecation, AuditEntry, ErrorBody, GateInfo, PromotionEventPayload, PromotionRequest, RecordedEvent } from '@api-observatory/backstage-plugin-api-governance-common';
import { dropDatabases, pgQuery, postgresFromEnv, postgresSkipReason, startLocalPostgres, type LocalPostgres, type PostgresConnection } from '../../../../e2e-tests/harness';
import {
  call, fakePermissions, fresh, logger, migrate, ORDERS_CONSUMER_OWNERS, ORDERS_CONSUMERS, RecordingEvents, RecordingNotifications, serve, sqliteDb, TEST_CONFIG, type TestDb,
} from './__testutils__/fixtures';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ApiGovernancePolicy } from '../policy';
import { DEFAULT_CONFIG } from './config';
import { EventOutbox } from './outbox';
import { GovernanceStore } from './store';

/** A request, or an ErrorBody on failure. */
type Body = PromotionRequest & { error: { code: string; message: string } };

interface Ctx { db: TestDb; url: string; events: RecordingEvents; notifications: RecordingNotifications; close(): Promise<void> }

async function withServer(db: TestDb): Promise<Ctx> {
  const events = new RecordingEvents();
  const notifications = new RecordingNotifications();
  const { url, server } = await serve(db.knex, TEST_CONFIG, undefined, { events, notifications });
  return { db, url, events, notifications, close: async () => { server.close(); await db.close(); } };
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

/** Creates a request; by default for a fresh copy of the orders API (one open request per API and environment). */
const create = (c: Ctx, token: string, entityRef = fresh('orders'), extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
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
        // On an approved request (promote) and a promoted one (rollback): product managers of the system
        // (own permissions, decided like approve) and service principals (e.g. a deployer).
        promote: { alice: 403, bob: 403, carla: 200, peter: 403, eve: 403, olga: 200, service: 200 },
        rollback: { alice: 403, bob: 403, carla: 200, peter: 403, eve: 403, olga: 200, service: 200 },
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
        for (const action of ['promote', 'rollback'] as const) {
          test(`${role}: ${action}`, async () => {
            const req = (await create(c, 'alice')).body;
            assert.equal((await act(c, 'deepak', req.id, 'approve')).status, 200);
            if (action === 'rollback') assert.equal((await act(c, 'service', req.id, 'promote')).status, 200);
            const before = (await call<PromotionRequest>(c.url, 'GET', `/requests/${req.id}`, 'alice')).body;
            const r = await act(c, role, req.id, action, { reason: 'checked', version: before.version });
            const expected = EXPECT[action]![role];
            assert.equal(r.status, expected, JSON.stringify(r.body));
            const after = (await call<PromotionRequest>(c.url, 'GET', `/requests/${req.id}`, 'alice')).body;
            const trail = await audit(c, req.id);
            if (expected === 200) {
              assert.equal(after.state, action === 'promote' ? 'promoted' : 'rolled_back');
              assert.equal(after.version, before.version + 1);
              assert.deepEqual(trail.at(-1)!.actor, role === 'service' ? 'service:plugin:deployer' : `user:default/${role}`);
            } else {
              assert.equal(after.state, before.state, 'no unauthorized transition');
              assert.equal(after.version, before.version);
              assert.match(r.body.error.message, new RegExp(`may not ${action}`));
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

    describe('gate registry and error bodies', () => {
      test('GET /gates: the registry in result order, with titles and descriptions; credentials required', async () => {
        const r = await call<{ gates: GateInfo[] }>(c.url, 'GET', '/gates', 'eve');
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.gates.map((g) => g.name), ['definition', 'canary', 'slo']);
        for (const g of r.body.gates) {
          assert.ok(g.title && g.title !== g.name && g.description.length > 20, JSON.stringify(g));
          assert.equal(g.requiredByDefault, true);
          assert.deepEqual(g.requirableIn, { environments: null, tiers: null });
        }
        const created = (await create(c, 'alice')).body;
        assert.deepEqual(created.gates!.gates.map((g) => g.gate), r.body.gates.map((g) => g.name));
        assert.equal((await call(c.url, 'GET', '/gates', null)).status, 401);
      });
      test("errors are Backstage's error bodies (name, message, request, response) carrying the code", async () => {
        const r = await create(c, 'alice', 'api:default/no-such-api');
        assert.equal(r.status, 404);
        const body = r.body as unknown as ErrorBody;
        assert.deepEqual([body.error.name, body.error.code, body.response.statusCode, body.request?.method, body.request?.url], ['NotFoundError', 'ENTITY_NOT_FOUND', 404, 'POST', '/requests']);
        assert.equal((body.error as { stack?: unknown }).stack, undefined);
        const big = (await create(c, 'alice', 'api:default/orders', { comment: 'x'.repeat(501) })).body as unknown as ErrorBody;
        assert.deepEqual([big.error.name, big.error.code, big.response.statusCode], ['PayloadTooLargeError', 'PAYLOAD_TOO_LARGE', 413]);
        const id = (await create(c, 'alice')).body.id;
        const self = (await act(c, 'alice', id, 'approve')).body as unknown as ErrorBody;
        assert.deepEqual([self.error.name, self.error.code, self.response.statusCode], ['NotAllowedError', 'SELF_APPROVAL', 403]);
        const gated = await act(c, 'carla', (await create(c, 'alice', fresh('burning'))).body.id, 'approve');
        const g = gated.body as unknown as ErrorBody;
        assert.deepEqual([g.error.name, g.error.code, g.response.statusCode], ['UnprocessableError', 'GATES_NOT_PASSED', 422]);
        assert.equal((g.error.details as { gates: { passed: boolean } }).gates.passed, false);
      });
      test('schema checks name the field', async () => {
        const msg = async (p: Promise<{ body: Body }>) => (await p).body.error.message;
        assert.equal(await msg(create(c, 'alice', 'api:default/orders', { toEnvironment: 7 })), 'toEnvironment must be a string');
        assert.equal(await msg(create(c, 'alice', 'api:default/orders', { comment: ['x'] })), 'comment must be a string');
        assert.equal(await msg(create(c, 'alice', 'api:default/orders', { fromEnvironment: false })), 'fromEnvironment must be a string');
        const id = (await create(c, 'alice')).body.id;
        assert.equal(await msg(act(c, 'carla', id, 'approve', { version: 1.5 })), 'version must be a positive integer');
        assert.equal(await msg(act(c, 'carla', id, 'approve', { version: 0 })), 'version must be a positive integer');
        assert.equal(await msg(act(c, 'olga', id, 'approve', { override: 'because' })), 'override must be an object { reason }');
        assert.equal(await msg(act(c, 'olga', id, 'approve', { override: { reason: 3 } })), 'override.reason must be a string');
        assert.match(await msg(act(c, 'olga', id, 'approve', { override: { reason: 'y'.repeat(501) } })), /^override\.reason is 501 characters; the maximum is 500$/);
        assert.equal((await call(c.url, 'GET', '/events?limit=0', 'alice')).body.error.message, 'limit must be an integer from 1 to 500');
        assert.equal((await call(c.url, 'GET', '/events?after=-1', 'alice')).body.error.message, 'after must be an integer from 0 to 9007199254740991');
        assert.equal((await call(c.url, 'GET', '/requests?entityRef=a&entityRef=b', 'alice')).body.error.message, 'entityRef must be one string');
        assert.match((await call(c.url, 'GET', '/apis/deprecations?entityRef=api:a:b:/', 'alice')).body.error.message, /^entityRef is not a valid entity reference/);
      });
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

    describe('one open request per API and target environment', () => {
      test('a second open request is a 409 REQUEST_ALREADY_OPEN naming the open one, until it is closed', async () => {
        const ref = fresh('orders');
        const first = (await create(c, 'alice', ref)).body;
        const second = await create(c, 'bob', ref);
        assert.equal(second.status, 409, JSON.stringify(second.body));
        assert.equal(second.body.error.code, 'REQUEST_ALREADY_OPEN');
        assert.match(second.body.error.message, new RegExp(first.id));
        assert.equal((second.body.error as unknown as { details: { openRequestId: string } }).details.openRequestId, first.id);
        // Another target environment is another slot.
        assert.equal((await create(c, 'alice', ref, { toEnvironment: 'staging' })).status, 201);
        // Still open once approved; free again once promoted (or rejected / cancelled).
        assert.equal((await act(c, 'carla', first.id, 'approve')).status, 200);
        assert.equal((await create(c, 'alice', ref)).body.error.code, 'REQUEST_ALREADY_OPEN');
        assert.equal((await act(c, 'service', first.id, 'promote')).status, 200);
        const third = await create(c, 'alice', ref);
        assert.equal(third.status, 201);
        assert.equal((await act(c, 'alice', third.body.id, 'cancel')).status, 200);
        assert.equal((await create(c, 'bob', ref)).status, 201);
      });

      test('20 concurrent creates for one API and environment: exactly one request, 19 × 409 naming it', async () => {
        const ref = fresh('payments');
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(c, i % 2 ? 'alice' : 'bob', ref, { comment: `race ${i}` })));
        const ok = results.filter((r) => r.status === 201);
        assert.equal(ok.length, 1, JSON.stringify(results.map((r) => [r.status, r.body?.error?.code])));
        for (const r of results.filter((x) => x.status !== 201)) {
          assert.equal(r.status, 409, JSON.stringify(r.body));
          assert.equal(r.body.error.code, 'REQUEST_ALREADY_OPEN');
          assert.match(r.body.error.message, new RegExp(ok[0]!.body.id));
        }
        const rows = await c.db.knex('governance_requests').where({ entity_ref: ref });
        assert.equal(rows.length, 1);
        assert.equal((await c.db.knex('governance_events').where({ entity_ref: ref })).length, 1, 'one requested event');
      });

      test('the database refuses a second open row (partial unique index), not a closed one', async () => {
        const ref = fresh('orders');
        const open = (await create(c, 'alice', ref)).body;
        const row = { entity_ref: ref, from_env: 'staging', to_env: 'production', version: 1, requested_by: 'user:default/x', requested_at: 'now', updated_at: 'now', overridden: false };
        await assert.rejects(c.db.knex('governance_requests').insert({ ...row, id: randomBytes(18).toString('hex').slice(0, 36), state: 'approved' }), /unique|UNIQUE|duplicate/);
        await c.db.knex('governance_requests').insert({ ...row, id: randomBytes(18).toString('hex').slice(0, 36), state: 'rejected' });
        assert.equal(open.state, 'requested');
      });
    });

    describe('events', () => {
      const recorded = async (entityRef: string, after?: number) =>
        (await call<{ items: RecordedEvent[] }>(c.url, 'GET', `/events?entityRef=${encodeURIComponent(entityRef)}${after === undefined ? '' : `&after=${after}`}`, 'eve')).body.items;

      test('every transition publishes its versioned event after the commit, and GET /events lists it', async () => {
        const ref = fresh('orders');
        const start = c.events.published.length;
        const req = (await create(c, 'alice', ref, { comment: 'v2.4' })).body;
        await act(c, 'carla', req.id, 'approve', { reason: 'looks good' });
        await act(c, 'service', req.id, 'promote');
        await act(c, 'olga', req.id, 'rollback', { reason: 'p99 regression' });
        const published = c.events.published.slice(start).filter((e) => (e.eventPayload as PromotionEventPayload).entityRef === ref);
        assert.deepEqual(published.map((e) => e.topic), [
          'api-governance.promotion.requested', 'api-governance.promotion.approved', 'api-governance.promotion.promoted', 'api-governance.promotion.rolled_back',
        ]);
        const p = published.map((e) => e.eventPayload as PromotionEventPayload);
        assert.deepEqual(p.map((e) => [e.state, e.previousState, e.action, e.requestVersion, e.actor]), [
          ['requested', null, 'create', 1, 'user:default/alice'],
          ['approved', 'requested', 'approve', 2, 'user:default/carla'],
          ['promoted', 'approved', 'promote', 3, 'service:plugin:deployer'],
          ['rolled_back', 'promoted', 'rollback', 4, 'user:default/olga'],
        ]);
        for (const e of p) {
          assert.equal(e.version, 1);
          assert.equal(e.requestId, req.id);
          assert.equal(e.entityRef, ref);
          assert.deepEqual([e.fromEnvironment, e.toEnvironment], ['staging', 'production']);
          assert.equal(e.eventId, `promotion:${req.id}:${e.requestVersion}`);
          assert.ok(!Number.isNaN(Date.parse(e.occurredAt)));
        }
        assert.deepEqual(p.map((e) => e.reason), ['v2.4', 'looks good', null, 'p99 regression']);
        assert.deepEqual(p[0]!.gates!.gates.map((g) => [g.gate, g.status]), [['definition', 'passed'], ['canary', 'passed'], ['slo', 'passed']]);
        assert.equal(p[1]!.gates!.passed, true);
        assert.ok(!('evidence' in p[1]!.gates!.gates[0]!), 'no evidence in events');
        assert.equal(p[2]!.gates, null);
        assert.deepEqual(published.map((e) => e.metadata?.eventId), p.map((e) => e.eventId));
        // The recorded events: same payloads, published, in order; `after` pages.
        const items = await recorded(ref);
        assert.deepEqual(items.map((i) => i.payload), p);
        assert.ok(items.every((i) => i.publishedAt !== null));
        assert.deepEqual((await recorded(ref, items[1]!.seq)).map((i) => i.topic), ['api-governance.promotion.promoted', 'api-governance.promotion.rolled_back']);
        assert.equal((await call(c.url, 'GET', '/events?after=-1', 'eve')).status, 400);
        assert.equal((await call(c.url, 'GET', '/events', null)).status, 401);
      });

      test('reject, cancel and an overridden approval carry their state, reason and override flag', async () => {
        const a = (await create(c, 'alice', fresh('orders'))).body;
        await act(c, 'carla', a.id, 'reject', { reason: 'missing changelog' });
        const b = (await create(c, 'alice', fresh('orders'))).body;
        await act(c, 'alice', b.id, 'cancel', { reason: 'wrong version' });
        const r = (await create(c, 'alice', fresh('burning'))).body;
        await act(c, 'olga', r.id, 'approve', { override: { reason: 'INC-7 hotfix' } });
        const last = (id: string) => c.events.published.filter((e) => (e.eventPayload as PromotionEventPayload).requestId === id).at(-1)!.eventPayload as PromotionEventPayload;
        assert.deepEqual([last(a.id).type, last(a.id).reason], ['api-governance.promotion.rejected', 'missing changelog']);
        assert.deepEqual([last(b.id).type, last(b.id).actor], ['api-governance.promotion.cancelled', 'user:default/alice']);
        assert.equal(last(r.id).type, 'api-governance.promotion.approved');
        assert.equal(last(r.id).overridden, true);
        assert.match(last(r.id).reason!, /INC-7 hotfix/);
        assert.equal(last(r.id).gates!.gates.find((g) => g.gate === 'slo')!.status, 'failed');
      });

      test('a failed publish loses nothing: the event stays recorded and the start-up flush publishes it once, same eventId', async () => {
        const ref = fresh('orders');
        c.events.failing = true;
        let req: PromotionRequest;
        try {
          const r = await create(c, 'alice', ref);
          assert.equal(r.status, 201, 'the committed change is acknowledged although publishing failed');
          req = r.body;
        } finally {
          c.events.failing = false;
        }
        const pending = await recorded(ref);
        assert.equal(pending.length, 1);
        assert.equal(pending[0]!.publishedAt, null);
        assert.ok(!c.events.published.some((e) => (e.eventPayload as PromotionEventPayload).entityRef === ref));
        // What the plugin does at start-up (the process restarted after a crash between commit and publish).
        const restarted = new RecordingEvents();
        const outbox = new EventOutbox({ store: new GovernanceStore(c.db.knex), logger, events: restarted });
        await outbox.flush();
        const mine = restarted.published.filter((e) => (e.eventPayload as PromotionEventPayload).entityRef === ref);
        assert.equal(mine.length, 1);
        assert.equal(mine[0]!.metadata?.eventId, `promotion:${req.id}:1`);
        assert.equal((await recorded(ref))[0]!.publishedAt !== null, true);
        await outbox.flush();
        assert.equal(restarted.published.filter((e) => (e.eventPayload as PromotionEventPayload).entityRef === ref).length, 1, 'published once');
      });

      test('an idempotent replay publishes nothing again', async () => {
        const ref = fresh('orders');
        const h = { 'idempotency-key': `ev-${randomBytes(4).toString('hex')}` };
        await create(c, 'alice', ref, {}, h);
        await create(c, 'alice', ref, {}, h);
        assert.equal(c.events.published.filter((e) => (e.eventPayload as PromotionEventPayload).entityRef === ref).length, 1);
      });

      test('the event tables are append-only in the database', async () => {
        const ref = fresh('orders');
        await create(c, 'alice', ref);
        await assert.rejects(c.db.knex('governance_events').where({ entity_ref: ref }).update({ topic: 'x' }), /append-only/);
        await assert.rejects(c.db.knex('governance_events').where({ entity_ref: ref }).delete(), /append-only/);
        await assert.rejects(c.db.knex('governance_event_deliveries').delete(), /append-only/);
      });
    });

    describe('deprecation', () => {
      type Dep = ApiDeprecation & { alreadyDeprecated: boolean; error: { code: string; message: string } };
      const deprecate = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => call<Dep>(c.url, 'POST', '/apis/deprecate', token, body, headers);

      test('an owner deprecates: recorded, audited, api.deprecated published, consumers\' owners notified; again: 200, nothing new', async () => {
        const ref = fresh('orders');
        const ev = c.events.published.length;
        const nt = c.notifications.sent.length;
        const r = await deprecate('alice', { entityRef: ref, reason: 'replaced by orders v3', sunsetDate: '2027-06-30' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual([r.body.entityRef, r.body.reason, r.body.sunsetDate, r.body.deprecatedBy, r.body.alreadyDeprecated], [ref, 'replaced by orders v3', '2027-06-30', 'user:default/alice', false]);
        assert.deepEqual(r.body.consumers, ORDERS_CONSUMERS);
        assert.deepEqual(r.body.notifiedOwners, ORDERS_CONSUMER_OWNERS);
        const events = c.events.published.slice(ev);
        assert.deepEqual(events.map((e) => e.topic), ['api.deprecated']);
        assert.deepEqual(events[0]!.eventPayload, {
          eventId: `deprecation:${r.body.id}`, version: 1, type: 'api.deprecated', occurredAt: r.body.deprecatedAt, actor: 'user:default/alice',
          entityRef: ref, deprecationId: r.body.id, reason: 'replaced by orders v3', sunsetDate: '2027-06-30',
          consumers: ORDERS_CONSUMERS, notifiedOwners: ORDERS_CONSUMER_OWNERS,
        });
        const sent = c.notifications.sent.slice(nt);
        assert.equal(sent.length, 1);
        assert.deepEqual(sent[0]!.recipients, { type: 'entity', entityRef: ORDERS_CONSUMER_OWNERS, excludeEntityRef: 'user:default/alice' });
        assert.equal(sent[0]!.payload.topic, 'api.deprecated');
        assert.equal(sent[0]!.payload.scope, `deprecation:${r.body.id}`);
        assert.match(sent[0]!.payload.title, new RegExp(`${ref} is deprecated`));
        assert.match(sent[0]!.payload.description, /replaced by orders v3.*2027-06-30/);
        assert.match(sent[0]!.payload.link, /^\/catalog\/default\/api\/orders--t\d+$/);
        const trail = (await call<{ items: AuditEntry[] }>(c.url, 'GET', `/apis/deprecations/${r.body.id}/audit`, 'eve')).body.items;
        assert.deepEqual(trail.map((a) => [a.action, a.toState, a.actor, a.reason]), [['deprecate', 'deprecated', 'user:default/alice', 'replaced by orders v3']]);
        assert.equal((await call(c.url, 'GET', '/apis/deprecations/00000000-0000-4000-8000-000000000000/audit', 'eve')).status, 404);
        const listed = (await call<{ items: ApiDeprecation[] }>(c.url, 'GET', `/apis/deprecations?entityRef=${ref}`, 'eve')).body.items;
        assert.deepEqual(listed.map((d) => d.id), [r.body.id]);
        const again = await deprecate('bob', { entityRef: ref, reason: 'again' });
        assert.equal(again.status, 200);
        assert.equal(again.body.id, r.body.id);
        assert.equal(again.body.alreadyDeprecated, true);
        assert.equal(c.events.published.length, ev + 1, 'no second event');
        assert.equal(c.notifications.sent.length, nt + 1, 'no second notification');
      });

      test('Idempotency-Key replays; concurrent deprecations record one', async () => {
        const ref = fresh('orders');
        const h = { 'idempotency-key': `dep-${randomBytes(4).toString('hex')}` };
        const first = await deprecate('alice', { entityRef: ref, reason: 'sunset' }, h);
        const replay = await deprecate('alice', { entityRef: ref, reason: 'sunset' }, h);
        assert.equal(replay.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(replay.body, first.body);
        assert.equal((await deprecate('alice', { entityRef: ref, reason: 'other' }, h)).body.error.code, 'IDEMPOTENCY_KEY_REUSED');
        const ref2 = fresh('orders');
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => deprecate(i % 2 ? 'alice' : 'bob', { entityRef: ref2, reason: `r${i}` })));
        assert.equal(results.filter((r) => r.status === 201).length, 1, JSON.stringify(results.map((r) => [r.status, r.body?.error])));
        assert.ok(results.every((r) => r.status === 201 || r.status === 200));
        assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
        assert.equal((await c.db.knex('governance_events').where({ entity_ref: ref2 })).length, 1);
      });

      test('only owners may deprecate; bad input is a 4xx; an API without consumers notifies nobody', async () => {
        const ref = fresh('orders');
        for (const who of ['eve', 'carla', 'olga']) {
          const r = await deprecate(who, { entityRef: ref, reason: 'x' });
          assert.equal(r.status, 403, who);
          assert.match(r.body.error.message, /may not deprecate/);
        }
        assert.equal((await deprecate('service', { entityRef: ref, reason: 'x' })).status, 403);
        assert.match((await deprecate('alice', { entityRef: ref })).body.error.message, /needs a reason/);
        assert.match((await deprecate('alice', { entityRef: ref, reason: 'x', sunsetDate: '2027-02-30' })).body.error.message, /sunsetDate/);
        assert.match((await deprecate('alice', { entityRef: ref, reason: 'x', sunsetDate: 'soon' })).body.error.message, /sunsetDate/);
        assert.equal((await deprecate('alice', { entityRef: 'component:default/orders-service', reason: 'x' })).body.error.code, 'NOT_AN_API');
        assert.equal((await deprecate('alice', { entityRef: 'api:default/nope', reason: 'x' })).body.error.code, 'ENTITY_NOT_FOUND');
        assert.equal((await call(c.url, 'GET', `/apis/deprecations?entityRef=${ref}`, 'eve')).body.items.length, 0, 'nothing recorded');
        const nt = c.notifications.sent.length;
        const lone = await deprecate('alice', { entityRef: fresh('payments'), reason: 'no consumers' });
        assert.equal(lone.status, 201);
        assert.deepEqual([lone.body.consumers, lone.body.notifiedOwners], [[], []]);
        assert.equal(c.notifications.sent.length, nt);
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

describe('promote and rollback are separate permissions', () => {
  test('a policy that grants promote but not rollback (and the reverse) is honoured per action', async () => {
    const db = await sqliteDb();
    const asked: string[] = [];
    const base = fakePermissions(new ApiGovernancePolicy(TEST_CONFIG.policy));
    let denied = 'api-governance.promotion.rollback';
    const permissions: Pick<PermissionsService, 'authorize'> = {
      async authorize(requests, options) {
        asked.push(...requests.map((r) => r.permission.name));
        if (requests.some((r) => r.permission.name === denied)) return requests.map(() => ({ result: AuthorizeResult.DENY })) as never;
        return base.authorize(requests, options);
      },
    };
    const { url, server } = await serve(db.knex, TEST_CONFIG, undefined, { permissions });
    const c = { url } as Ctx;
    try {
      const req = (await create(c, 'alice')).body;
      assert.equal((await act(c, 'carla', req.id, 'approve')).status, 200);
      assert.equal((await act(c, 'carla', req.id, 'promote')).status, 200);
      const rb = await act(c, 'carla', req.id, 'rollback', { reason: 'x' });
      assert.equal(rb.status, 403);
      assert.match(rb.body.error.message, /may not rollback/);
      denied = 'api-governance.promotion.promote';
      const req2 = (await create(c, 'alice')).body;
      assert.equal((await act(c, 'carla', req2.id, 'approve')).status, 200);
      assert.equal((await act(c, 'carla', req2.id, 'promote')).status, 403);
      assert.equal((await act(c, 'carla', req.id, 'rollback', { reason: 'x' })).status, 200);
      assert.ok(asked.includes('api-governance.promotion.promote') && asked.includes('api-governance.promotion.rollback'));
      assert.equal(asked.filter((n) => n === 'api-governance.promotion.approve').length, 2, 'approve is asked for approvals only');
    } finally {
      server.close();
      await db.close();
    }
  });
});

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
