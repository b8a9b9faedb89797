/**
 * `npm run pack` (scripts/pack.ts) on the tree as built (it needs the Grafana app's dist/ and the
 * packages' dist/, which the test command builds first), and on broken copies in temp folders: the run
 * stops at the failing step, naming the package.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { BACKSTAGE_ALLOWED, COLLECTOR, GRAFANA_APP, MIXIN, NPM_PACKAGES, RULES_DASHBOARDS, backstagePackages } from './pack';

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
  const tgz = [...NPM_PACKAGES, ...backstagePackages(root)].map((d) => `npm/${npmName(d).replace(/^@/, '').replace('/', '-')}-${JSON.parse(readFileSync(path.join(root, d, 'package.json'), 'utf8')).version}.tgz`);
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

const tarball = (dir: string) => path.join(work, 'out', 'npm', `${npmName(dir).replace(/^@/, '').replace('/', '-')}-${JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')).version}.tgz`);
const tarList = (file: string) => sh('tar', ['-tzf', file]).trim().split('\n').map((f) => f.replace(/^package\//, ''));
const tarManifest = (file: string) => JSON.parse(sh('tar', ['-xzOf', file, 'package/package.json']));

test('the Backstage tarballs hold only dist/, migrations, the config schema, README, CHANGELOG and package.json, pointing at dist', () => {
  for (const dir of backstagePackages(root)) {
    const file = tarball(dir);
    const files = tarList(file);
    assert.deepEqual(files.filter((f) => !BACKSTAGE_ALLOWED.test(f)), [], `${dir}: unexpected files`);
    assert.ok(!files.some((f) => f.startsWith('src/') || /\.test\./.test(f)), `${dir}: sources or tests shipped`);
    const pkg = tarManifest(file);
    assert.equal(pkg.private, undefined, dir);
    assert.match(pkg.main, /^\.?\/?dist\//, `${dir}: main ${pkg.main}`);
    assert.match(pkg.types, /^\.?\/?dist\/.*\.d\.ts$/, `${dir}: types ${pkg.types}`);
    for (const f of [pkg.main, pkg.types]) assert.ok(files.includes(path.posix.normalize(f)), `${dir}: ${f} not in the tarball`);
    assert.doesNotMatch(JSON.stringify(pkg.exports ?? {}), /src\//, `${dir}: exports point at src`);
    assert.ok(pkg.backstage?.role && pkg.backstage.pluginId, `${dir}: backstage.role / pluginId`);
    assert.ok(pkg.backstage.role.endsWith('-module') ? pkg.backstage.pluginPackage : pkg.backstage.pluginPackages?.includes(pkg.name), `${dir}: backstage.pluginPackages / pluginPackage`);
    for (const [name, range] of Object.entries<string>({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      if (name.startsWith('@backstage/') || name.startsWith('@api-observatory/')) assert.match(range, /^\^\d/, `${dir}: ${name}@${range} pins tighter than its release line`);
    }
    if (pkg.configSchema) assert.ok(files.includes(pkg.configSchema), `${dir}: config schema ${pkg.configSchema} not shipped`);
  }
  assert.ok(tarList(tarball(backstagePackages(root).find((d) => d.endsWith('api-governance-backend'))!)).some((f) => /^migrations\/.+\.js$/.test(f)), 'the governance backend ships its migrations');
});

/**
 * The tarballs installed by npm into a folder outside the workspace (third-party dependencies from the
 * registry or npm's cache), then the main entry of each Node package required there, and canary-gate run.
 */
test('the npm tarballs install outside the workspace: Node packages load from dist, canary-gate runs', { timeout: 600_000 }, () => {
  const app = mkdtempSync(path.join(os.tmpdir(), 'pack-install-'));
  try {
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-install-check', private: true }));
    const node = [...NPM_PACKAGES, ...backstagePackages(root).filter((d) => /-(backend|common)$|backend-module-/.test(d))];
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', ...node.map(tarball)], app);
    for (const dir of node) {
      const name = npmName(dir);
      const r = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(name)}); if (!Object.keys(m).length) throw new Error('no exports'); console.log(require.resolve(${JSON.stringify(name)}))`], { cwd: app, encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.ok(r.stdout.trim().startsWith(path.join(realpathSync(app), 'node_modules', name, 'dist') + path.sep), `${name} loaded from ${r.stdout}`);
    }
    // The validator's worker thread, spawned by file name: the CLI's build must have emitted it.
    const validator = path.join(app, 'node_modules', npmName(node.find((d) => d.endsWith('api-validator'))!), 'dist', 'isolate.cjs.js');
    const script = `const { ValidatorWorker } = require(${JSON.stringify(validator)}); const w = new ValidatorWorker({ timeoutMs: 30000, maxHeapMb: 128 }, {});
      w.validate({ type: 'openapi', definition: 'openapi: 3.0.0\\ninfo: {title: x, version: "1"}\\npaths: {}\\n' }).then((r) => { console.log(r.detected); return w.close(); });`;
    const v = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), 'openapi 3.0.0');
    const judge = JSON.parse(readFileSync(path.join(app, 'node_modules', '@api-observatory', 'canary-judge', 'package.json'), 'utf8'));
    const bin = path.join(app, 'node_modules', '@api-observatory', 'canary-judge', judge.bin['canary-gate']);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const r = spawnSync(path.join(app, 'node_modules', '.bin', 'canary-gate'), ['--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /canary-gate judge --input/);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});

test('a Backstage plugin whose public API differs from its committed report stops the run, naming it', { timeout: 300_000 }, () => {
  const victim = backstagePackages(root).find((d) => d.endsWith('api-observability-common'))!;
  const dir = copyRoot('stale-report', [...NPM_PACKAGES.map((d) => path.join(d, 'package.json')), 'backstage-plugins/package.json', 'backstage-plugins/tsconfig.json', 'backstage-plugins/dist-types', ...backstagePackages(root)]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const report = path.join(dir, victim, 'report.api.md');
  const text = readFileSync(report, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('export '))!;
  writeFileSync(report, text.replace(`${line}\n`, ''));
  const r = pack('--root', dir, '--out', path.join(dir, '.pack'), '--steps', 'backstage');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /^pack: @api-observatory\/backstage-plugin-api-observability-common: its public API differs from its committed API report/m, r.stderr);
  assert.ok(!existsSync(path.join(dir, '.pack', 'npm')) || readdirSync(path.join(dir, '.pack', 'npm')).length === 0, 'nothing packed');
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
