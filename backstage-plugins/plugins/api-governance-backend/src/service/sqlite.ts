import type { Knex } from 'knex';

/**
 * Write-ahead logging for a SQLite database file. better-sqlite3 commits synchronously, so with the default
 * rollback journal every commit's journal write, fsync and delete blocks all requests in flight; with WAL
 * a commit appends to one log (bench/governance.ts: 0.6–1.1 ms in SQLite per request instead of 1.5–3 ms,
 * and 1–1.4 ms instead of ~21 ms when other jobs write to the disk). Commits stay durable
 * (restart.test.ts SIGKILLs the server in both modes). PostgreSQL and in-memory SQLite are left alone.
 */
export async function useSqliteWal(db: Knex): Promise<string | undefined> {
  const client = String(db.client.config.client);
  if (client !== 'better-sqlite3' && client !== 'sqlite3') return undefined;
  const rows: Array<{ journal_mode: string }> = await db.raw('PRAGMA journal_mode = WAL');
  return rows[0]?.journal_mode;
}
