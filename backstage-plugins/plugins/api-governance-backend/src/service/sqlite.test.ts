import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { useSqliteWal } from './sqlite';

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
