import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { keepSqliteStatements, keptStatements, STATEMENT_CACHE_SIZE, useSqliteWal } from './sqlite';
import { MIGRATIONS_DIR } from '../plugin';
import { GovernanceStore } from './store';

const journalMode = async (db: ReturnType<typeof knexFactory>) =>
  ((await db.raw('PRAGMA journal_mode')) as Array<{ journal_mode: string }>)[0]!.journal_mode;

test('a SQLite file switches to write-ahead logging, and keeps it after reopening', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-wal-'));
  const file = path.join(dir, 'governance.sqlite');
  try {
    const db = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    assert.equal(await journalMode(db), 'delete');
    assert.equal(await useSqliteWal(db), 'wal');
    await db.destroy();
    const again = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    assert.equal(await journalMode(again), 'wal');
    await again.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in-memory SQLite keeps its memory journal; other clients are not touched', async () => {
  const mem = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  assert.equal(await useSqliteWal(mem), 'memory');
  await mem.destroy();
  // A PostgreSQL client is recognised by its config alone: no connection is attempted.
  const pg = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: 1 } });
  assert.equal(await useSqliteWal(pg), undefined);
  await pg.destroy();
});

test('better-sqlite3 statements are prepared once per connection, for plain queries and transactions, and the kept ones are bounded', async () => {
  // Count what reaches the driver: the kept statements answer the rest.
  const Database = createRequire(require.resolve('knex'))('better-sqlite3') as { prototype: { prepare(sql: string): unknown } };
  const driverPrepare = Database.prototype.prepare;
  let prepared = 0;
  Database.prototype.prepare = function counted(this: unknown, sql: string) { prepared++; return driverPrepare.call(this, sql); };
  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  try {
    assert.equal(keepSqliteStatements(db), true);
    await db.schema.createTable('t', (t) => { t.integer('id').primary(); t.string('v'); });
    prepared = 0;
    for (let i = 0; i < 5; i++) {
      await db('t').insert({ id: i, v: `v${i}` });
      await db.transaction(async (trx) => { await trx('t').where({ id: i }).update({ v: `w${i}` }); });
    }
    // insert, begin, update, commit: each prepared once, then reused with new bindings.
    assert.equal(prepared, 4);
    assert.deepEqual(await db('t').orderBy('id').pluck('v'), ['w0', 'w1', 'w2', 'w3', 'w4']);
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 20; i++) await db.raw(`select ${i} as n`);
    const conn = await db.client.acquireConnection();
    assert.equal(keptStatements(conn)?.size, STATEMENT_CACHE_SIZE);
    await db.client.releaseConnection(conn);
  } finally {
    Database.prototype.prepare = driverPrepare;
    await db.destroy();
  }
  const pg = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: 1 } });
  assert.equal(keepSqliteStatements(pg), false);
  await pg.destroy();
});

test('a transition given a stale read of the request changes nothing and names the state it found', async () => {
  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  try {
    keepSqliteStatements(db);
    await db.migrate.latest({ directory: MIGRATIONS_DIR });
    const store = new GovernanceStore(db);
    const gates = { passed: true, gates: [] };
    const { body } = await store.create({ entityRef: 'api:default/orders', fromEnvironment: 'staging', toEnvironment: 'production', actor: 'user:default/alice', comment: null, gates });
    const read = body as Awaited<ReturnType<GovernanceStore['getRequest']>> & object;
    await store.transition({ id: read.id, action: 'cancel', actor: 'user:default/alice', reason: null, override: false, gates: null, current: read });
    // The caller still holds the `requested` read: the update matches no row.
    await assert.rejects(
      store.transition({ id: read.id, action: 'approve', actor: 'user:default/carla', reason: 'ok', override: false, gates, current: read }),
      (e: Error & { code?: string; current?: { state: string; version: number } }) =>
        e.code === 'INVALID_TRANSITION' && e.current?.state === 'cancelled' && e.current.version === 2,
    );
    await assert.rejects(
      store.transition({ id: read.id, action: 'approve', actor: 'user:default/carla', reason: 'ok', override: false, gates, current: read, expectedVersion: 1 }),
      (e: Error & { code?: string }) => e.code === 'VERSION_CONFLICT',
    );
    const now = (await store.getRequest(read.id))!;
    assert.equal(now.state, 'cancelled');
    assert.equal(now.version, 2);
    assert.deepEqual((await store.audit(read.id)).map((a) => a.action), ['create', 'cancel']);
  } finally {
    await db.destroy();
  }
});
