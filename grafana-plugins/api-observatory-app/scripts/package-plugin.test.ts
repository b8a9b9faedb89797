/**
 * The plugin archive: built from dist/ (run the production build first), unzipped with Info-ZIP's unzip
 * as Grafana's installer would see it, its plugin.json filled in, and its module.js loaded as Grafana
 * loads it by running src/bundle.test.ts on the unzipped copy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkPluginDir, packagePlugin, type PluginPackage } from './package-plugin';

const appDir = path.resolve(__dirname, '..');
const dist = path.join(appDir, 'dist');
const work = mkdtempSync(path.join(os.tmpdir(), 'plugin-archive-'));
let pkg: PluginPackage;

const unzip = (...args: string[]) => {
  const r = spawnSync('unzip', args, { encoding: 'utf8' });
  assert.ok(!r.error, `unzip could not run (install Info-ZIP unzip): ${r.error?.message}`);
  assert.equal(r.status, 0, `unzip ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
};
const files = (dir: string, base = dir): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))])).sort();

before(() => {
  assert.ok(existsSync(path.join(dist, 'module.js')), 'dist/module.js is missing: run `npm run build -w grafana-plugins/api-observatory-app` first');
  pkg = packagePlugin(dist, path.join(work, 'out'));
  unzip('-q', pkg.zip, '-d', path.join(work, 'unzipped'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the archive is <id>-<version>.zip, passes unzip -t, and holds one top folder named for the plugin id', () => {
  assert.equal(path.basename(pkg.zip), `api-observatory-app-${pkg.version}.zip`);
  assert.match(unzip('-tq', pkg.zip), /No errors detected/);
  const names = unzip('-Z1', pkg.zip).trim().split('\n');
  assert.deepEqual([...new Set(names.map((n) => n.split('/')[0]))], ['api-observatory-app']);
  assert.deepEqual(readdirSync(path.join(work, 'unzipped')), ['api-observatory-app']);
});

test('the unzipped folder is dist/ file for file, and equals the folder written beside the archive', () => {
  const top = path.join(work, 'unzipped', 'api-observatory-app');
  assert.deepEqual(files(top), files(dist));
  assert.deepEqual(files(pkg.folder), files(dist));
  for (const f of files(dist)) {
    assert.ok(readFileSync(path.join(top, f)).equals(readFileSync(path.join(dist, f))), `${f} differs from dist/`);
    assert.ok(readFileSync(path.join(pkg.folder, f)).equals(readFileSync(path.join(dist, f))), `${f} differs beside the archive`);
  }
});

test('it ships plugin.json, module.js, README, LICENSE, CHANGELOG, the logos and the screenshots plugin.json names', () => {
  const top = path.join(work, 'unzipped', 'api-observatory-app');
  for (const f of ['plugin.json', 'module.js', 'README.md', 'LICENSE', 'CHANGELOG.md']) assert.ok(existsSync(path.join(top, f)), f);
  const text = readFileSync(path.join(top, 'plugin.json'), 'utf8');
  const json = JSON.parse(text);
  assert.equal(json.id, 'api-observatory-app');
  assert.equal(json.type, 'app');
  assert.equal(json.info.version, JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')).version);
  assert.match(json.info.updated, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(json.dependencies.grafanaDependency, /^>=\d+\.\d+\.\d+$/);
  assert.doesNotMatch(text, /%[A-Z_]+%/);
  const images = [json.info.logos.small, json.info.logos.large, ...json.info.screenshots.map((s: { path: string }) => s.path)];
  assert.ok(json.info.screenshots.length > 0);
  for (const img of images) assert.ok(existsSync(path.join(top, img)), img);
  assert.match(readFileSync(path.join(top, 'LICENSE'), 'utf8'), /Apache License/);
});

test('the same build gives the same archive bytes', () => {
  const again = packagePlugin(dist, path.join(work, 'again'));
  assert.ok(readFileSync(again.zip).equals(readFileSync(pkg.zip)));
});

test('a build Grafana would reject is refused, every problem named', () => {
  const broken = path.join(work, 'broken');
  cpSync(dist, broken, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(broken, 'plugin.json'), 'utf8'));
  pj.info.version = '%VERSION%';
  pj.info.screenshots = [{ name: 'gone', path: 'img/gone.png' }];
  delete pj.dependencies.grafanaDependency;
  writeFileSync(path.join(broken, 'plugin.json'), JSON.stringify(pj));
  rmSync(path.join(broken, 'CHANGELOG.md'));
  mkdirSync(path.join(broken, 'test'));
  writeFileSync(path.join(broken, 'test', 'fixture.json'), '{}');
  const problems = checkPluginDir(broken);
  for (const p of [/CHANGELOG\.md is missing/, /placeholder %VERSION%/, /info\.version "%VERSION%" is not a semver/, /grafanaDependency undefined/, /image "img\/gone\.png"/, /test files in the build: test\/, test\/fixture\.json/]) {
    assert.ok(problems.some((x) => p.test(x)), `${p} not in ${problems.join(' | ')}`);
  }
  assert.throws(() => packagePlugin(broken, path.join(work, 'broken-out')), /cannot be packaged:\n {2}- /);
  assert.equal(existsSync(path.join(work, 'broken-out')), false, 'nothing written for a refused build');
});

test("src/bundle.test.ts passes on the archive's copy: module.js loads as Grafana loads it", { timeout: 300_000 }, () => {
  const check = path.join(work, 'bundle-check');
  mkdirSync(path.join(check, 'src'), { recursive: true });
  cpSync(path.join(appDir, 'src', 'bundle.test.ts'), path.join(check, 'src', 'bundle.test.ts'));
  unzip('-q', pkg.zip, '-d', check);
  cpSync(path.join(check, 'api-observatory-app'), path.join(check, 'dist'), { recursive: true });
  rmSync(path.join(check, 'api-observatory-app'), { recursive: true });
  const jest = require.resolve('jest/bin/jest');
  const r = spawnSync(process.execPath, [jest, '--config', path.join(__dirname, 'jest.archive.config.js'), '--ci', '--runInBand'], {
    cwd: appDir,
    env: { ...process.env, ARCHIVE_CHECK_DIR: check },
    encoding: 'utf8',
    timeout: 280_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, new RegExp(`PASS .*${path.basename(check)}/src/bundle\\.test\\.ts`), out);
  assert.match(out, /Tests: +6 passed, 6 total/, out);
});
