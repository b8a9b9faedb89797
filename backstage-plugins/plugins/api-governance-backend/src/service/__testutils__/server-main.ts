/**
 * The governance router on a SQLite file in its own process, for the restart test (which SIGKILLs it).
 * Usage: node --conditions=source --import tsx server-main.ts <sqlite file>; prints `LISTENING <url>`.
 */
import { serve, sqliteDb } from './fixtures';

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: server-main.ts <sqlite file>');
  const db = await sqliteDb(file);
  const { url } = await serve(db.knex);
  process.stdout.write(`LISTENING ${url}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
