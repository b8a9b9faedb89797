/**
 * Writes the dashboards' JSON under dashboards/generated/<folder>/<uid>.json, or with --check lists
 * the files that differ from a fresh generation and exits 1.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_DIR, generatedFiles } from './generate';

const packageDir = path.resolve(__dirname, '..');

function listJson(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listJson(p) : e.name.endsWith('.json') ? [p] : [];
  });
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const files = generatedFiles();
  const wanted = new Set(files.map((f) => path.join(packageDir, f.path)));
  const stale: string[] = [];
  for (const f of files) {
    const target = path.join(packageDir, f.path);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === f.content) continue;
    stale.push(f.path);
    if (!check) {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
  }
  for (const extra of listJson(path.join(packageDir, GENERATED_DIR)).filter((p) => !wanted.has(p))) {
    stale.push(path.relative(packageDir, extra));
    if (!check) rmSync(extra);
  }
  if (check) {
    if (stale.length) {
      console.error(`stale generated dashboards (run \`npm run generate -w @api-observatory/dashboards\`):\n${stale.map((s) => `  ${s}`).join('\n')}`);
      return 1;
    }
    console.log(`${files.length} dashboards up to date`);
    return 0;
  }
  console.log(stale.length ? `wrote ${stale.join(', ')}` : `${files.length} dashboards up to date`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
