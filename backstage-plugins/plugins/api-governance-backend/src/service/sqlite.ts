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

/** Prepared statements kept per better-sqlite3 connection (least recently used out first). */
export const STATEMENT_CACHE_SIZE = 200;

const KEEPS_STATEMENTS = Symbol.for('api-governance.keepsStatements');

interface SqliteConnection {
  prepare(sql: string): unknown;
  [KEEPS_STATEMENTS]?: Map<string, unknown>;
}

/** Makes `conn.prepare` answer a kept statement for SQL it prepared before. */
function keepStatements(conn: SqliteConnection): SqliteConnection {
  if (conn[KEEPS_STATEMENTS]) return conn;
  const kept = new Map<string, unknown>();
  const prepare = conn.prepare.bind(conn);
  conn.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement !== undefined) {
      kept.delete(sql);
    } else {
      statement = prepare(sql);
      if (kept.size >= STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, statement);
    return statement;
  };
  conn[KEEPS_STATEMENTS] = kept;
  return conn;
}

/**
 * Keeps better-sqlite3's prepared statements per connection. knex prepares every statement anew
 * (about 10 per change, a quarter of the plugin's time in SQLite); the plugin's statements are a few
 * dozen distinct SQL strings (values are bound, never inlined), so each is prepared once per
 * connection. A kept statement is reused only through knex's `all` / `run`, which finish before
 * returning, so two queries never share a running statement; SQLite re-prepares a statement itself
 * after a schema change (migrations). The one setting knex changes on a statement, per-query
 * `safeIntegers`, is used by nothing on this database. Other clients are left alone. Returns whether it
 * applies.
 */
export function keepSqliteStatements(db: Knex): boolean {
  if (String(db.client.config.client) !== 'better-sqlite3') return false;
  // Every connection of the pool, for plain queries and transactions alike, comes from here.
  const client = db.client as { acquireConnection(): Promise<SqliteConnection> };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => keepStatements(await acquire());
  return true;
}

/** The statements kept on a connection (tests). */
export const keptStatements = (conn: object): ReadonlyMap<string, unknown> | undefined => (conn as SqliteConnection)[KEEPS_STATEMENTS];
