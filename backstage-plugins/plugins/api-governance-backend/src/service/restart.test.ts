/**
 * Restart safety on a SQLite file: the router runs in a child process that is SIGKILLed in the middle
 * of a load of creates and approvals (each with an Idempotency-Key). After a restart on the same file,
 * every acknowledged decision is there, and retrying every call with its key applies nothing twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { AuditEntry, PromotionRequest } from '@api-observatory/backstage-plugin-api-governance-common';
import { call, type Res } from './__testutils__/fixtures';

const MAIN = path.join(__dirname, '__testutils__', 'server-main.ts');

async function start(file: string): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`server not listening in 60 s: ${err}`)), 60_000).unref();
  });
  return { url, child };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('SIGKILL mid-load on a SQLite file: no acknowledged decision lost, none applied twice', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-restart-'));
  const file = path.join(dir, 'governance.sqlite');
  let server = await start(file);
  try {
    // Phase 1 (acknowledged before the load): 40 requests.
    const N = 40;
    const created: PromotionRequest[] = [];
    for (let i = 0; i < N; i++) {
      const r = await call<PromotionRequest>(server.url, 'POST', '/requests', 'alice', { entityRef: 'api:default/orders', toEnvironment: 'production', comment: `base-${i}` }, { 'idempotency-key': `create-base-${i}` });
      assert.equal(r.status, 201);
      created.push(r.body);
    }

    // Phase 2: the load. 40 approvals (by several product managers) and 40 more creates, all with keys,
    // in flight together; the server is SIGKILLed after the 25th answer.
    const approver = (i: number) => `pm${i % 7}`;
    type Op = { kind: 'approve' | 'create'; i: number; send: (url: string) => Promise<Res> };
    const ops: Op[] = [
      ...created.map((req, i): Op => ({ kind: 'approve', i, send: (url) => call(url, 'POST', `/requests/${req.id}/approve`, approver(i), { reason: `ok-${i}` }, { 'idempotency-key': `approve-${i}` }) })),
      ...Array.from({ length: N }, (_, i): Op => ({ kind: 'create', i, send: (url) => call(url, 'POST', '/requests', 'bob', { entityRef: 'api:default/payments', toEnvironment: 'production', comment: `load-${i}` }, { 'idempotency-key': `create-load-${i}` }) })),
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
    const ackedOk = [...acked].filter(([, r]) => r.status === 200 || r.status === 201);
    assert.ok(ackedOk.length >= 25, `at least 25 acknowledged (${ackedOk.length})`);
    t.diagnostic(`${ackedOk.length} of ${ops.length} calls acknowledged before SIGKILL`);
    assert.ok(acked.size < ops.length, `the kill interrupted the load (${acked.size} of ${ops.length} answered)`);

    // Phase 3: restart on the same file; every acknowledged decision is there.
    server = await start(file);
    for (const [op, r] of ackedOk) {
      if (op.kind === 'approve') {
        const now = (await call<PromotionRequest>(server.url, 'GET', `/requests/${created[op.i]!.id}`, 'alice')).body;
        assert.equal(now.state, 'approved');
        assert.equal(now.decidedBy, `user:default/${approver(op.i)}`);
        assert.equal(now.version, 2);
      } else {
        const now = await call<PromotionRequest>(server.url, 'GET', `/requests/${(r.body as PromotionRequest).id}`, 'bob');
        assert.equal(now.status, 200, `acknowledged create load-${op.i} survived`);
      }
    }

    // Phase 4: retry every call with its key. Acknowledged ones replay the same answer; the rest apply once.
    for (const op of ops) {
      const r = await op.send(server.url);
      assert.ok(r.status === 200 || r.status === 201, `${op.kind} ${op.i}: ${r.status} ${JSON.stringify(r.body)}`);
      const first = acked.get(op);
      if (first && (first.status === 200 || first.status === 201)) {
        assert.equal(r.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(r.body, first.body, `${op.kind} ${op.i} replays the acknowledged answer`);
      }
    }
    const again = await call(server.url, 'POST', `/requests/${created[0]!.id}/approve`, 'pm6', { reason: 'late' }, { 'idempotency-key': 'another-key' });
    assert.equal(again.status, 409);

    // The database: exactly one request per create key, exactly one approval per request, consistent audit.
    await kill(server.child);
    const db = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    try {
      const rows = await db('governance_requests').select('id', 'comment', 'state', 'version');
      const comments = rows.map((r) => r.comment as string);
      assert.equal(rows.length, 2 * N, 'no create applied twice');
      assert.equal(new Set(comments).size, 2 * N);
      const auditRows: Array<{ request_id: string; action: AuditEntry['action'] }> = await db('governance_audit').select('request_id', 'action');
      for (const row of rows) {
        const actions = auditRows.filter((a) => a.request_id === row.id).map((a) => a.action);
        if (String(row.comment).startsWith('base-')) {
          assert.equal(row.state, 'approved');
          assert.equal(Number(row.version), 2);
          assert.deepEqual(actions, ['create', 'approve'], `audit of ${row.comment}`);
        } else {
          assert.equal(row.state, 'requested');
          assert.deepEqual(actions, ['create'], `audit of ${row.comment}`);
        }
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await kill(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
