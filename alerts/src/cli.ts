import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALERTS_DIR, generateAll } from './generate';

/** `npm run generate -w @api-observatory/alerts` writes the generated files; `--check` only reports stale ones. */
function main(argv: string[]): number {
  const check = argv.includes('--check');
  const files = generateAll();
  const stale: string[] = [];
  for (const [rel, content] of files) {
    const file = path.join(ALERTS_DIR, rel);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(rel);
    if (!check) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  if (check) {
    if (stale.length) {
      process.stderr.write(`stale generated files (run npm run generate -w @api-observatory/alerts):\n${stale.map((s) => `  alerts/${s}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`${files.size} generated files are current\n`);
    return 0;
  }
  process.stdout.write(stale.length ? `wrote ${stale.map((s) => `alerts/${s}`).join(', ')}\n` : `${files.size} generated files already current\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
