/**
 * src/js-yaml.ts requires js-yaml's loader files from `vendor/js-yaml/lib/` (js-yaml's `exports` map hides
 * `js-yaml/lib/...` from named requires): the vendored files must be js-yaml 4.3.2's, byte for byte, and
 * the package must work installed from its tarball, wherever npm puts its dependencies.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const PACKAGE = path.resolve(__dirname, '..');
const VENDOR = path.join(PACKAGE, 'vendor', 'js-yaml');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? filesUnder(path.join(dir, f)).map((g) => path.join(f, g)) : [f]));

test('the vendored loader files are those of the js-yaml version the package names, unchanged', () => {
  const npmCopy = path.dirname(require.resolve('js-yaml/package.json', { paths: [PACKAGE] }));
  const wanted = (JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['js-yaml'];
  assert.equal((JSON.parse(readFileSync(path.join(npmCopy, 'package.json'), 'utf8')) as { version: string }).version, wanted, 'js-yaml as installed for the comparison');
  const vendored = filesUnder(VENDOR).sort();
  assert.ok(vendored.includes(path.join('lib', 'loader.js')) && vendored.includes('LICENSE'), vendored.join(', '));
  assert.ok(!vendored.includes(path.join('lib', 'dumper.js')), 'the dumper is not shipped');
  for (const f of vendored) assert.equal(readFileSync(path.join(VENDOR, f), 'utf8'), readFileSync(path.join(npmCopy, f), 'utf8'), `${f} differs from js-yaml ${wanted}: copy it again from node_modules/js-yaml`);
});

test('the loader pieces behave as js-yaml\'s package entry', () => {
  const entry = require(require.resolve('js-yaml', { paths: [PACKAGE] })) as { load: (s: string, o?: object) => unknown; FAILSAFE_SCHEMA: unknown };
  const ours = require('../src/js-yaml') as { load: (s: string, o?: object) => unknown; FAILSAFE_SCHEMA: { extend: (t: object) => unknown }; types: Record<string, { tag: string }> };
  const doc = 'a: 1\nb: [true, null, 1.5e3]\nc: !!str 2\n';
  assert.deepEqual(ours.load(doc), entry.load(doc));
  assert.deepEqual(Object.values(ours.types).map((t) => t.tag), ['tag:yaml.org,2002:null', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:float']);
});

test('the packed tarball loads outside the workspace, with no js-yaml installed next to it', { timeout: 120_000 }, () => {
  const dist = path.join(PACKAGE, 'dist', 'index.js');
  assert.ok(statSync(dist, { throwIfNoEntry: false }), `${dist} missing: build it (npx tsc -b packages/safe-yaml)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'safe-yaml-install-'));
  try {
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE, encoding: 'utf8' });
    assert.equal(packed.status, 0, packed.stderr);
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    const app = path.join(dir, 'app');
    const tar = spawnSync('sh', ['-c', `mkdir -p "${app}/node_modules/@api-observatory/safe-yaml" && tar -xzf "${path.join(dir, filename)}" -C "${app}/node_modules/@api-observatory/safe-yaml" --strip-components=1`], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    const r = spawnSync(process.execPath, ['-e', "const y = require('@api-observatory/safe-yaml'); console.log(JSON.stringify(y.parseYaml('a: [1, x]')))"], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '{"a":[1,"x"]}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
