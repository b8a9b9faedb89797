/**
 * Writes mixin/generated from the generated rule files and dashboards, or with --check lists the files
 * that differ from a fresh generation and exits 1.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_DIR, mixinFiles } from './mixin';

const mixinDir = path.resolve(__dirname, '..');
const root = path.resolve(mixinDir, '..');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Files under mixin/generated that differ from a fresh generation, or that it would not write. */
export function staleFiles(): string[] {
  const files = mixinFiles(root);
  const stale = files.filter((f) => !existsSync(path.join(mixinDir, f.path)) || readFileSync(path.join(mixinDir, f.path), 'utf8') !== f.content).map((f) => f.path);
  const wanted = new Set(files.map((f) => path.join(mixinDir, f.path)));
  return [...stale, ...listFiles(path.join(mixinDir, GENERATED_DIR)).filter((p) => !wanted.has(p)).map((p) => `${path.relative(mixinDir, p)} (not generated any more)`)];
}

function main(argv: string[]): number {
  const stale = staleFiles();
  if (argv.includes('--check')) {
    if (stale.length) {
      console.error(`stale mixin files (run \`node --conditions=source --import tsx mixin/src/cli.ts\` from the repository root):\n${stale.map((s) => `  ${s}`).join('\n')}`);
      return 1;
    }
    console.log('mixin up to date');
    return 0;
  }
  const files = mixinFiles(root);
  rmSync(path.join(mixinDir, GENERATED_DIR), { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(path.dirname(path.join(mixinDir, f.path)), { recursive: true });
    writeFileSync(path.join(mixinDir, f.path), f.content);
  }
  console.log(stale.length ? `wrote ${files.length} files (changed: ${stale.join(', ')})` : `${files.length} files up to date`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
