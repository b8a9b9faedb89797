/**
 * The browser entry's module graph has no Node built-in: esbuild bundles it as a browser build (the
 * workspace packages from their sources, as the Grafana app's webpack config resolves them) and every
 * import of a built-in, `node:` or bare, is recorded instead of resolved.
 */
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';

const SRC = join(__dirname, '..', 'src');
const BUILTIN = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Built-in imports reachable from an entry, as `importer → module`. */
async function builtinImports(entry: string): Promise<string[]> {
  const found: string[] = [];
  const record: Plugin = {
    name: 'record-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        // `node:x`, `x` or `x/sub` of a built-in x (webpack 5 resolves none of them for the browser).
        if (!args.path.startsWith('node:') && !BUILTIN.has(args.path.split('/')[0]!)) return undefined;
        found.push(`${args.importer.replace(/.*node_modules[\\/]/, '').replace(SRC, 'src')} → ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [join(SRC, entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    logLevel: 'silent',
    metafile: true,
    plugins: [record],
  });
  assert.ok(Object.keys(result.metafile.inputs).length > 20, 'the whole graph was walked');
  return found;
}

describe('browser entry', () => {
  it('imports no Node built-in, directly or through a dependency', async () => {
    assert.deepEqual(await builtinImports('browser.ts'), []);
  });

  it('the check sees built-ins where they are (the package entry reads files and serves HTTP)', async () => {
    const found = await builtinImports('index.ts');
    assert.ok(found.some((f) => f === 'src/files.ts → node:fs'), found.join('\n'));
    assert.ok(found.some((f) => f.endsWith('→ node:http')), found.join('\n'));
  });
});
