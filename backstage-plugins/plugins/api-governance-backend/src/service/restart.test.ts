/**
 * Restart safety on a SQLite file (default rollback journal, and WAL) and on PostgreSQL: the router runs in a child process
 * (__testutils__/server-main.ts) that is SIGKILLed in the middle of a load of creates and approvals
 * (each with an Idempotency-Key). After a restart on the same database:
 *   - every acknowledged decision is there, as it was acknowledged;
 *   - retrying every call with its key replays acknowledged answers and applies the rest exactly once;
 *   - nothing was applied twice: one request per create key, one audit entry per request version
 *     (versions 1..n without gaps), one idempotency record per key, one outbox event per change (when
 *     the governance_events table exists).
 * Every request is for a distinct API entity (`api:default/load-<i>`, added to the fake catalog by the
 * child), so the load never has two open requests for one API.
 *
 * PostgreSQL: POSTGRES_* from the environment or a throwaway initdb cluster; skipped with the reason
 * when neither exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { dropDatabases, pgQuery, postgresFromEnv, postgresSkipReason, startLocalPostgres, type LocalPostgres, type PostgresConnection } from '../../../../e2e-tests/harness';
import { call, type Res } from './__testutils__/fixtures';
import { startServerProcess } from './__testutils__/server-process';


/** How to start the child on one database, and how to look into that database afterwards. */
interface Target {
  args: string[];
  env: Record<string, string>;
  open(): Knex;
}

const start = (target: Target) => startServerProcess(target.args, { env: target.env });

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const N = 40;
const entity = (i: number) => `api:default/load-${i}`;
const approver = (i: number) => `pm${i % 7}`;
const ok = (r: Res) => r.status === 200 || r.status === 201;

async function scenario(t: { diagnostic(msg: string): void }, target: Target) {
  let server = await start(target);
  try {
    // Phase 1 (acknowledged before the load): N requests, on APIs load-0 … load-(N-1).
    const created: PromotionRequest[] = [];
    for (let i = 0; i < N; i++) {
      const r = await call<PromotionRequest>(server.url, 'POST', '/requests', 'alice', { entityRef: entity(i), toEnvironment: 'production', comment: `base-${i}` }, { 'idempotency-key': `create-base-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      created.push(r.body);
    }

    // Phase 2: the load. N approvals (by several product managers) and N more creates (on APIs
    // load-N … load-(2N-1)), all with keys, in flight together; SIGKILL after the 25th answer.
    type Op = { kind: 'approve' | 'create'; i: number; key: string; send: (url: string) => Promise<Res> };
    const ops: Op[] = [
      ...created.map((req, i): Op => ({ kind: 'approve', i, key: `approve-${i}`, send: (url) => call(url, 'POST', `/requests/${req.id}/approve`, approver(i), { reason: `ok-${i}` }, { 'idempotency-key': `approve-${i}` }) })),
      ...Array.from({ length: N }, (_, i): Op => ({ kind: 'create', i, key: `create-load-${i}`, send: (url) => call(url, 'POST', '/requests', 'bob', { entityRef: entity(N + i), toEnvironment: 'production', comment: `load-${i}` }, { 'idempotency-key': `create-load-${i}` }) })),
    ].sort((a, b) => (a.i - b.i) || a.kind.localeCompare(b.kind));
    const acked = new Map<Op, Res>();
    let answers = 0;
    const dead = server.child;
    let killing: Promise<void> | undefined;
    await Promise.all(ops.map(async (op, k) => {
      await new Promise((r) => setTimeout(r, k * 3));
      try {
        const r = await op.send(server.url);
        acked.set(op, r);
        if (++answers === 25) killing = kill(dead);
      } catch {
        // connection reset by the kill: not acknowledged
      }
    }));
    await (killing ?? kill(dead));
    const ackedOk = [...acked].filter(([, r]) => ok(r));
    for (const [op, r] of acked) assert.ok(ok(r), `${op.kind} ${op.i} answered ${r.status} ${JSON.stringify(r.body)}`);
    assert.ok(ackedOk.length >= 25, `at least 25 acknowledged (${ackedOk.length})`);
    assert.ok(acked.size < ops.length, `the kill interrupted the load (${acked.size} of ${ops.length} answered)`);

    // Phase 3: restart on the same database; every acknowledged decision is there as acknowledged.
    server = await start(target);
    for (const [op, r] of ackedOk) {
      const answer = r.body as PromotionRequest;
      const id = op.kind === 'approve' ? created[op.i]!.id : answer.id;
      const now = await call<PromotionRequest>(server.url, 'GET', `/requests/${id}`, 'alice');
      assert.equal(now.status, 200, `acknowledged ${op.kind} ${op.i} survived`);
      if (op.kind === 'approve') {
        assert.equal(answer.state, 'approved');
        assert.equal(now.body.state, 'approved');
        assert.equal(now.body.decidedBy, `user:default/${approver(op.i)}`);
        assert.equal(now.body.version, 2);
      } else {
        assert.equal(now.body.entityRef, entity(N + op.i));
        assert.equal(now.body.comment, `load-${op.i}`);
      }
      assert.deepEqual(now.body, answer, `${op.kind} ${op.i}: the stored request is the acknowledged one`);
    }

    // Phase 4: retry every call with its key. Acknowledged ones replay the same answer; the rest apply
    // once (or replay, when they committed but the answer was lost to the kill).
    let committedUnacked = 0;
    const retried = new Map<Op, Res>();
    for (const op of ops) {
      const r = await op.send(server.url);
      retried.set(op, r);
      assert.ok(ok(r), `${op.kind} ${op.i}: ${r.status} ${JSON.stringify(r.body)}`);
      const first = acked.get(op);
      if (first) {
        assert.equal(r.headers.get('idempotent-replayed'), 'true', `${op.kind} ${op.i} replays`);
        assert.deepEqual(r.body, first.body, `${op.kind} ${op.i} replays the acknowledged answer`);
      } else if (r.headers.get('idempotent-replayed') === 'true') {
        committedUnacked++;
      }
      // A second retry always replays the same answer.
      const again = await op.send(server.url);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, r.body);
    }
    t.diagnostic(`${ackedOk.length} of ${ops.length} calls acknowledged before SIGKILL; ${committedUnacked} committed without an answer`);
    const other = await call(server.url, 'POST', `/requests/${created[0]!.id}/approve`, 'pm6', { reason: 'late' }, { 'idempotency-key': 'another-key' });
    assert.equal(other.status, 409, JSON.stringify(other.body));

    // The database: one request per create key, one approval per request, one audit entry per version.
    await kill(server.child);
    const db = target.open();
    try {
      const rows: Array<{ id: string; entity_ref: string; comment: string; state: string; version: number; decided_by: string | null }> =
        await db('governance_requests').select('id', 'entity_ref', 'comment', 'state', 'version', 'decided_by');
      assert.equal(rows.length, 2 * N, 'no create applied twice');
      assert.equal(new Set(rows.map((r) => r.comment)).size, 2 * N);
      assert.equal(new Set(rows.map((r) => r.entity_ref)).size, 2 * N, 'one request per API');
      const audit: Array<{ request_id: string; action: string; request_version: number; actor: string }> =
        await db('governance_audit').select('request_id', 'action', 'request_version', 'actor').orderBy('id');
      const versions = new Set(audit.map((a) => `${a.request_id}#${Number(a.request_version)}`));
      assert.equal(versions.size, audit.length, 'audit entries unique per request version');
      const byComment = new Map(rows.map((r) => [r.comment, r]));
      for (const row of rows) {
        const trail = audit.filter((a) => a.request_id === row.id);
        assert.deepEqual(trail.map((a) => Number(a.request_version)), Array.from({ length: Number(row.version) }, (_, k) => k + 1), `audit versions of ${row.comment}`);
        if (row.comment.startsWith('base-')) {
          const i = Number(row.comment.slice(5));
          assert.equal(row.state, 'approved');
          assert.equal(Number(row.version), 2);
          assert.equal(row.decided_by, `user:default/${approver(i)}`);
          assert.deepEqual(trail.map((a) => a.action), ['create', 'approve'], `audit of ${row.comment}`);
          assert.equal(trail[1]!.actor, `user:default/${approver(i)}`);
        } else {
          assert.equal(row.state, 'requested');
          assert.equal(Number(row.version), 1);
          assert.deepEqual(trail.map((a) => a.action), ['create'], `audit of ${row.comment}`);
        }
      }
      // Every create's answer (acknowledged or retried) is the request that is stored.
      for (const op of ops.filter((o) => o.kind === 'create')) {
        const answer = retried.get(op)!.body as PromotionRequest;
        assert.equal(byComment.get(`load-${op.i}`)!.id, answer.id, `create ${op.i} answers the stored request`);
      }
      // With the event outbox (events written in the change's transaction): one event per change.
      if (await db.schema.hasTable('governance_events')) {
        const events: Array<{ entity_ref: string }> = await db('governance_events').select('entity_ref');
        for (const row of rows) {
          assert.equal(events.filter((e) => e.entity_ref === row.entity_ref).length, Number(row.version), `events of ${row.comment}`);
        }
      }
      const keys: Array<{ key: string }> = await db('governance_idempotency').select('key');
      const expected = [...Array.from({ length: N }, (_, i) => `create-base-${i}`), ...ops.map((o) => o.key)];
      assert.deepEqual(keys.map((k) => k.key).filter((k) => expected.includes(k)).sort(), expected.sort(), 'one idempotency record per key');
    } finally {
      await db.destroy();
    }
  } finally {
    await kill(server.child);
  }
}

for (const wal of [false, true]) {
  // WAL: what the benchmark recommends for file-backed SQLite (bench/governance.ts); it must be as safe.
  test(`SIGKILL mid-load on a SQLite file${wal ? ' in WAL mode' : ''}: no acknowledged decision lost, none applied twice`, { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-restart-'));
    const file = path.join(dir, 'governance.sqlite');
    try {
      await scenario(t, {
        args: ['sqlite', file, `--entities=${2 * N}`, ...(wal ? ['--sqlite-pragma=journal_mode=WAL'] : [])],
        env: {},
        open: () => knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true }),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('SIGKILL mid-load on PostgreSQL: no acknowledged decision lost, none applied twice', { timeout: 90_000, skip: postgresSkipReason() }, async (t) => {
  const fromEnv = postgresFromEnv();
  const local: LocalPostgres | undefined = fromEnv ? undefined : await startLocalPostgres();
  const conn: PostgresConnection = fromEnv ?? local!;
  const prefix = `gov_restart_${randomBytes(4).toString('hex')}_`;
  const database = `${prefix}governance`;
  try {
    await pgQuery(conn, `CREATE DATABASE "${database}"`);
    t.diagnostic(fromEnv ? 'PostgreSQL from POSTGRES_*' : 'PostgreSQL (throwaway cluster)');
    await scenario(t, {
      args: ['pg', database, `--entities=${2 * N}`],
      env: { GOV_PG_HOST: conn.host, GOV_PG_PORT: String(conn.port), GOV_PG_USER: conn.user, GOV_PG_PASSWORD: conn.password },
      open: () => knexFactory({ client: 'pg', connection: { host: conn.host, port: conn.port, user: conn.user, password: conn.password, database }, pool: { min: 0, max: 2 } }),
    });
  } finally {
    await dropDatabases(conn, prefix).catch(() => undefined);
    await local?.stop();
  }
});
