/**
 * The governance router in its own process, on a SQLite file or a PostgreSQL database, with the test
 * fakes of httpAuth / permissions / catalog (fixtures.ts). Used by the restart test (which SIGKILLs
 * it) and by the benchmark (bench/governance.ts).
 *
 *   node --conditions=source --import tsx server-main.ts <sqlite file>                  (same as `sqlite <file>`)
 *   node --conditions=source --import tsx server-main.ts sqlite <file> [--entities=N]
 *   node --conditions=source --import tsx server-main.ts pg <database> [--entities=N]
 *   --sqlite-pragma=name=value (repeatable): set on every SQLite connection (benchmark what-if runs)
 *   --opa=<url>: OPA at <url> decides (OpaPolicyEngine, 2 s timeout) instead of the built-in engine
 *
 * PostgreSQL connection: GOV_PG_HOST, GOV_PG_PORT, GOV_PG_USER, GOV_PG_PASSWORD (kept off the
 * command line). `--entities=N` adds N API entities `api:default/load-0` … `load-<N-1>` (owned by
 * orders-team, system commerce, a valid OpenAPI definition) to the fake catalog, so a load can use a
 * distinct API per request (one open request per API). Migrates, listens on a free loopback port and
 * prints `LISTENING <url>`. SIGTERM / SIGINT end it normally (so `--cpu-prof` profiles are written).
 *
 * Started with an IPC channel (the benchmark), it answers the message `'stats'` with cumulative
 * counters: event-loop utilization, process CPU time, and the wall time spent inside synchronous
 * better-sqlite3 calls (prepare / run / all / get / exec), during which the event loop is blocked.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import { OpaPolicyEngine } from '../opa-policy';
import { keepSqliteStatements } from '../sqlite';
import { ENTITIES, migrate, serve, sqliteDb, TEST_CONFIG, VALID_OPENAPI } from './fixtures';

const LOAD_ENTITY = (i: number) => `api:default/load-${i}`;

function loadEntity(i: number): Entity {
  const name = `load-${i}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name, namespace: 'default', annotations: { 'api-observatory.io/api-name': name } },
    spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', system: 'commerce', definition: VALID_OPENAPI },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/orders-team' }],
  };
}

const sqlite = { ms: 0, calls: 0 };

/** Times every synchronous better-sqlite3 call (the driver knex uses) into `sqlite`. */
function timeSqliteCalls() {
  type Fn = (this: unknown, ...a: unknown[]) => unknown;
  const wrap = (proto: Record<string, unknown>, names: string[]) => {
    for (const name of names) {
      const orig = proto[name] as Fn | undefined;
      if (typeof orig !== 'function') continue;
      proto[name] = function timed(this: unknown, ...a: unknown[]) {
        const t = performance.now();
        try {
          return orig.apply(this, a);
        } finally {
          sqlite.ms += performance.now() - t;
          sqlite.calls++;
        }
      };
    }
  };
  const Database = createRequire(require.resolve('knex'))('better-sqlite3') as new (f: string) => { prepare(s: string): object; close(): void };
  const probe = new Database(':memory:');
  wrap(Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>, ['run', 'all', 'get', 'iterate']);
  probe.close();
  wrap(Database.prototype as unknown as Record<string, unknown>, ['prepare', 'exec', 'pragma']);
}

function answerStats() {
  if (!process.send) return;
  process.on('message', (m) => {
    if (m !== 'stats') return;
    const cpu = process.cpuUsage();
    process.send!({ type: 'stats', elu: performance.eventLoopUtilization(), cpuMs: (cpu.user + cpu.system) / 1000, sqliteMs: sqlite.ms, sqliteCalls: sqlite.calls });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const flags = args.filter((a) => a.startsWith('--'));
  const pos = args.filter((a) => !a.startsWith('--'));
  let entities = 0;
  const pragmas: string[] = [];
  let opaUrl: string | undefined;
  for (const f of flags) {
    const m = /^--entities=(\d+)$/.exec(f);
    const p = /^--sqlite-pragma=([a-z_]+=[A-Za-z0-9_-]+)$/.exec(f);
    const o = /^--opa=(https?:\/\/\S+)$/.exec(f);
    if (m) entities = Number(m[1]);
    else if (p) pragmas.push(p[1]!);
    else if (o) opaUrl = o[1]!;
    else throw new Error(`unknown flag ${f}`);
  }
  for (let i = 0; i < entities; i++) ENTITIES.set(LOAD_ENTITY(i), loadEntity(i));

  const [kind, target] = pos.length === 1 ? ['sqlite', pos[0]] : pos;
  if (process.send && kind === 'sqlite') timeSqliteCalls();
  answerStats();
  let knex;
  if (kind === 'sqlite' && target && pragmas.length === 0) {
    knex = (await sqliteDb(target)).knex;
  } else if (kind === 'sqlite' && target) {
    // What-if runs of the benchmark: the same database with pragmas set on every connection.
    knex = knexFactory({
      client: 'better-sqlite3', connection: { filename: target }, useNullAsDefault: true,
      pool: { afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => { for (const p of pragmas) conn.pragma(p); done(null, conn); } },
    });
    keepSqliteStatements(knex);
    await migrate(knex);
  } else if (kind === 'pg' && target) {
    const e = process.env;
    knex = knexFactory({
      client: 'pg',
      connection: { host: e.GOV_PG_HOST ?? '127.0.0.1', port: Number(e.GOV_PG_PORT ?? 5432), user: e.GOV_PG_USER ?? 'postgres', password: e.GOV_PG_PASSWORD ?? '', database: target },
      pool: { min: 0, max: 10 },
    });
    await migrate(knex);
  } else {
    throw new Error('usage: server-main.ts <sqlite file> | sqlite <file> | pg <database>  [--entities=N]');
  }
  const policy = opaUrl ? new OpaPolicyEngine({ url: opaUrl, timeoutMs: 2000 }) : undefined;
  const { url, server } = await serve(knex, TEST_CONFIG, undefined, { policy });
  const stop = () => {
    server.close();
    knex.destroy().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`LISTENING ${url}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
