/**
 * The router with the OPA engine against a REAL OPA (.tools/bin/opa, via @api-observatory/local-stack)
 * serving the policies/ bundle, on a SQLite file: decisions and their ids in the audit, tiers and
 * freezes (with the built-in engine too), and fail closed: an undefined decision, a stalled OPA
 * (timeout) and OPA killed mid-flow under load change nothing, and what was acknowledged stays.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, repoRoot, startOpa, type RunningOpa } from '@api-observatory/local-stack';
import { call, fresh, serve, sqliteDb, TEST_CONFIG, type TestDb } from './__testutils__/fixtures';
import { BuiltinPolicyEngine } from './builtin-policy';
import { policyData, type GovernanceConfig } from './config';
import { OpaPolicyEngine } from './opa-policy';
import type { PolicyEngine } from './policy-engine';

const CONFIG: GovernanceConfig = {
  ...TEST_CONFIG,
  policy: {
    ...TEST_CONFIG.policy,
    requiredGates: { internal: { '*': ['definition'] } },
    freezes: [{ name: 'year-end', environments: ['production'], start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z' }],
  },
};
const DATA = policyData(CONFIG.policy, CONFIG.gates);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('governance with OPA as the policy decision point', () => {
  let dir: string;
  let dataFile: string;
  let port: number;
  let opa: RunningOpa;
  let db: TestDb;
  const servers: Server[] = [];
  let now = new Date('2026-12-07T10:00:00Z');
  const clock = () => now;
  const startPolicyServer = () => startOpa({ port, logDir: dir, paths: [path.join(repoRoot(), 'policies', 'governance'), dataFile] });
  const router = async (policy: PolicyEngine) => {
    const { url, server } = await serve(db.knex, CONFIG, undefined, { policy, clock });
    servers.push(server);
    return url;
  };
  const opaEngine = (o: { timeoutMs?: number; decisionPath?: string } = {}) => new OpaPolicyEngine({ url: opa.url, timeoutMs: 1000, ...o });
  const create = async (url: string, base = 'orders') => {
    const r = await call(url, 'POST', '/requests', 'alice', { entityRef: fresh(base), toEnvironment: 'production' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; entityRef: string };
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gov-opa-router-'));
    dataFile = path.join(dir, 'data.json');
    writeFileSync(dataFile, JSON.stringify({ api_observatory: { config: { governance: DATA } } }));
    port = await freePort();
    opa = await startPolicyServer();
    db = await sqliteDb();
  });
  after(async () => {
    for (const s of servers) s.close();
    await opa?.stop();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the engine, OPA decision id and reasons in the audit of every change', async () => {
    const url = await router(opaEngine());
    const created = await create(url);
    const approved = await call(url, 'POST', `/requests/${created.id}/approve`, 'carla', {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const audit = (await call(url, 'GET', `/requests/${created.id}/audit`, 'carla')).body.items;
    assert.deepEqual(audit.map((e: any) => [e.action, e.policy.engine, e.policy.reasons]), [
      ['create', 'opa', ['owner of the API']],
      ['approve', 'opa', ['product manager of system commerce', 'required gates passed: canary, definition, slo']],
    ]);
    for (const e of audit) assert.match(e.policy.decisionId, UUID);
    assert.notEqual(audit[0].policy.decisionId, audit[1].policy.decisionId);
  });

  for (const engine of ['builtin', 'opa'] as const) {
    it(`${engine}: an internal API needs the definition gate only; a freeze stops approvals into production, not rejections`, async () => {
      const url = await router(engine === 'opa' ? opaEngine() : new BuiltinPolicyEngine(DATA));
      const internal = await create(url, 'internal-tool');
      const ok = await call(url, 'POST', `/requests/${internal.id}/approve`, 'carla', {});
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.gates.gates.map((g: any) => [g.gate, g.status, g.required]), [['definition', 'passed', true], ['canary', 'unknown', false], ['slo', 'passed', false]]);
      // The same API without the tier needs its canary: 422 as before.
      const tierless = await create(url, 'nocanary');
      assert.equal((await call(url, 'POST', `/requests/${tierless.id}/approve`, 'carla', {})).body.error.code, 'GATES_NOT_PASSED');

      const frozen = await create(url);
      now = new Date('2026-12-24T12:00:00Z');
      try {
        const refused = await call(url, 'POST', `/requests/${frozen.id}/approve`, 'carla', {});
        assert.equal(refused.status, 403);
        assert.equal(refused.body.error.code, 'CHANGE_FREEZE');
        assert.equal(refused.body.error.message, 'change freeze in production: year-end');
        assert.equal((await call(url, 'GET', `/requests/${frozen.id}`, 'carla')).body.state, 'requested');
        const rejected = await call(url, 'POST', `/requests/${frozen.id}/reject`, 'carla', { reason: 'not this year' });
        assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
      } finally {
        now = new Date('2026-12-07T10:00:00Z');
      }
    });
  }

  it('an undefined decision (no rule at the path) is a 503 and creates nothing', async () => {
    const url = await router(opaEngine({ decisionPath: 'api_observatory/governance/no_such_rule' }));
    const entityRef = fresh();
    const r = await call(url, 'POST', '/requests', 'alice', { entityRef, toEnvironment: 'production' });
    assert.equal(r.status, 503);
    assert.equal(r.body.error.code, 'POLICY_UNAVAILABLE');
    assert.match(r.body.error.message, /undefined/);
    assert.deepEqual((await call(url, 'GET', `/requests?entityRef=${encodeURIComponent(entityRef)}`, 'alice')).body.items, []);
  });

  it('a stalled OPA times out: 503, nothing changes; once it answers the same approval goes through', async () => {
    const url = await router(opaEngine({ timeoutMs: 500 }));
    const created = await create(url);
    process.kill(opa.process.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const r = await call(url, 'POST', `/requests/${created.id}/approve`, 'carla', {}, { 'idempotency-key': 'stall-1' });
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'POLICY_UNAVAILABLE');
      assert.match(r.body.error.message, /no answer within 500 ms/);
      assert.ok(Date.now() - t0 < 3000);
      const still = (await call(url, 'GET', `/requests/${created.id}`, 'carla')).body;
      assert.deepEqual([still.state, still.version], ['requested', 1]);
    } finally {
      process.kill(opa.process.pid, 'SIGCONT');
    }
    const retried = await call(url, 'POST', `/requests/${created.id}/approve`, 'carla', {}, { 'idempotency-key': 'stall-1' });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
  });

  it('OPA killed mid-flow under load: nothing transitions while it is down, everything acknowledged stays', async () => {
    const url = await router(opaEngine());
    const requests: Array<{ id: string; entityRef: string }> = [];
    for (let i = 0; i < 60; i++) requests.push(await create(url));
    // 60 approvals spread over 600 ms; OPA is killed 200 ms in.
    const answers = requests.map((r, i) => sleep(i * 10).then(() => call(url, 'POST', `/requests/${r.id}/approve`, `pm${i % 50}`, {}, { 'idempotency-key': `load-${r.id}` })));
    await sleep(200);
    await opa.process.stop('SIGKILL');
    const results = await Promise.all(answers);
    const acknowledged = requests.filter((_, i) => results[i]!.status === 200);
    const refused = requests.filter((_, i) => results[i]!.status === 503);
    assert.equal(acknowledged.length + refused.length, requests.length, `only 200 or 503: ${results.map((r) => r.status).join(' ')}`);
    assert.ok(acknowledged.length > 0 && refused.length > 0, `${acknowledged.length} acknowledged, ${refused.length} refused`);
    for (const [i, r] of results.entries()) if (r.status === 503) assert.equal(r.body.error.code, 'POLICY_UNAVAILABLE', `answer ${i}`);

    const state = async (id: string) => (await call(url, 'GET', `/requests/${id}`, 'carla')).body;
    const auditOf = async (id: string) => (await call(url, 'GET', `/requests/${id}/audit`, 'carla')).body.items;
    // While OPA is down: retries are refused too, and nothing refused has moved.
    for (const r of refused.slice(0, 5)) {
      assert.equal((await call(url, 'POST', `/requests/${r.id}/approve`, 'carla', {}, { 'idempotency-key': `load-${r.id}` })).status, 503);
    }
    for (const r of refused) {
      const s = await state(r.id);
      assert.deepEqual([s.state, s.version], ['requested', 1]);
      assert.deepEqual((await auditOf(r.id)).map((e: any) => e.action), ['create']);
    }
    for (const r of acknowledged) {
      const s = await state(r.id);
      assert.deepEqual([s.state, s.version], ['approved', 2]);
      const audit = await auditOf(r.id);
      assert.equal(audit[1].action, 'approve');
      assert.match(audit[1].policy.decisionId, UUID);
    }

    // OPA back on the same port: the refused approvals go through with their keys, the acknowledged ones replay.
    opa = await startPolicyServer();
    for (const r of [...refused, ...acknowledged]) {
      const i = requests.indexOf(r);
      const again = await call(url, 'POST', `/requests/${r.id}/approve`, `pm${i % 50}`, {}, { 'idempotency-key': `load-${r.id}` });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.headers.get('idempotent-replayed') === 'true', acknowledged.includes(r));
    }
    for (const r of requests) assert.deepEqual([(await state(r.id)).state, (await state(r.id)).version], ['approved', 2]);
    console.log(`# OPA killed mid-flow: ${acknowledged.length} approvals acknowledged before, ${refused.length} refused with 503 and applied after its restart`);
  });
});
