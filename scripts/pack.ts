/**
 * `npm run pack`: writes the installable artifacts into one git-ignored folder (.pack/):
 *   grafana/<id>-<version>.zip and grafana/<id>/   the Grafana app archive and its unzipped folder
 *   api-observatory-mixin.tar.gz                   PrometheusRules + dashboard ConfigMaps (mixin/)
 *   api-observatory-rules-dashboards.tar.gz        the plain rule files and dashboard JSON
 *   api-observatory-collector.tar.gz               the collector bundle (collector/bundle.ts): manifest, Dockerfile,
 *                                                  config, Operator resource, Helm values
 *   npm/<package>-<version>.tgz                    `npm pack` of the publishable packages; the Backstage plugins
 *                                                  built by the Backstage CLI, their API reports checked first
 * Prints each file with its size; the first failing step stops the run, naming the package.
 *
 *   node --conditions=source --import tsx scripts/pack.ts [--root DIR] [--out DIR] [--no-build] [--steps a,b]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packagePlugin } from '../grafana-plugins/api-observatory-app/scripts/package-plugin';
import { DASHBOARDS_DIR, RULES_DIR, mixinFiles } from '../mixin/src/mixin';
import { writeCollectorBundle } from '../collector/bundle';

export const GRAFANA_APP = 'grafana-plugins/api-observatory-app';
/** Packages published to npm as they are: their package.json `files` select dist/ (built by `tsc -b`). */
export const NPM_PACKAGES = ['packages/telemetry-contract', 'packages/safe-yaml', 'packages/canary-judge'];
/** The Backstage workspace: every package under its plugins/ is published, built and packed by the Backstage CLI. */
export const BACKSTAGE = 'backstage-plugins';
/** What a Backstage plugin's tarball may hold (the CLI's prepack turns config.d.ts into config.schema.json). */
export const BACKSTAGE_ALLOWED = /^(?:dist\/.+|migrations\/.+\.js|config\.schema\.json|config\.d\.ts|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/;
export const MIXIN = 'api-observatory-mixin';
export const RULES_DASHBOARDS = 'api-observatory-rules-dashboards';
export const COLLECTOR = 'api-observatory-collector';
export const STEPS = ['grafana-app', 'mixin', 'rules-dashboards', 'npm', 'backstage', 'collector'] as const;
export type Step = (typeof STEPS)[number];

export interface PackOptions {
  root: string;
  out: string;
  build: boolean;
  steps: readonly Step[];
  log?: (line: string) => void;
}

export interface Written {
  file: string;
  bytes: number;
}

/** A failed step, naming the package (or part) it was packing. */
export class PackError extends Error {
  constructor(
    readonly what: string,
    message: string
  ) {
    super(`pack: ${what}: ${message}`);
  }
}

function run(what: string, cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new PackError(what, `could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new PackError(what, `\`${cmd} ${args.join(' ')}\` exited ${r.status}:\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  return r.stdout;
}

const readJson = (what: string, file: string) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PackError(what, `${file}: ${(e as Error).message}`);
  }
};

/** A reproducible `<top>.tar.gz` of `stage/<top>/` (sorted names, fixed times and owners, gzip without a timestamp). */
function tarGz(what: string, stage: string, top: string, out: string): string {
  const file = path.join(out, `${top}.tar.gz`);
  run(what, 'tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', path.join(stage, `${top}.tar`), '-C', stage, top], stage);
  run(what, 'gzip', ['-n', '-9', '-f', path.join(stage, `${top}.tar`)], stage);
  cpSync(path.join(stage, `${top}.tar.gz`), file);
  return file;
}

function grafanaApp(o: PackOptions): Written[] {
  const what = readJson(GRAFANA_APP, path.join(o.root, GRAFANA_APP, 'package.json')).name as string;
  if (o.build) run(what, 'npm', ['run', '--silent', 'build', '-w', GRAFANA_APP], o.root);
  try {
    const p = packagePlugin(path.join(o.root, GRAFANA_APP, 'dist'), path.join(o.out, 'grafana'));
    return [{ file: p.zip, bytes: statSync(p.zip).size }];
  } catch (e) {
    throw new PackError(what, (e as Error).message);
  }
}

function mixin(o: PackOptions): Written[] {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'pack-mixin-'));
  try {
    let files;
    try {
      files = mixinFiles(o.root);
    } catch (e) {
      throw new PackError('mixin', (e as Error).message);
    }
    for (const f of files) {
      const target = path.join(stage, MIXIN, path.relative('generated', f.path));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    cpSync(path.join(o.root, 'mixin', 'README.md'), path.join(stage, MIXIN, 'README.md'));
    const file = tarGz('mixin', stage, MIXIN, o.out);
    return [{ file, bytes: statSync(file).size }];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function rulesDashboards(o: PackOptions): Written[] {
  const what = 'rules and dashboards';
  const stage = mkdtempSync(path.join(os.tmpdir(), 'pack-plain-'));
  try {
    for (const [from, to] of [[RULES_DIR, 'rules'], [DASHBOARDS_DIR, 'dashboards'], ['alerts/RUNBOOK.md', 'RUNBOOK.md']] as const) {
      if (!existsSync(path.join(o.root, from))) throw new PackError(what, `${from} does not exist`);
      cpSync(path.join(o.root, from), path.join(stage, RULES_DASHBOARDS, to), { recursive: true });
    }
    const file = tarGz(what, stage, RULES_DASHBOARDS, o.out);
    return [{ file, bytes: statSync(file).size }];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function collectorBundle(o: PackOptions): Written[] {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'pack-collector-'));
  try {
    try {
      writeCollectorBundle(o.root, path.join(stage, COLLECTOR));
    } catch (e) {
      throw new PackError('collector', (e as Error).message);
    }
    const file = tarGz('collector', stage, COLLECTOR, o.out);
    return [{ file, bytes: statSync(file).size }];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

interface NpmPackResult {
  filename: string;
  size: number;
  files: { path: string }[];
}

function npmPackages(o: PackOptions): Written[] {
  const dest = path.join(o.out, 'npm');
  mkdirSync(dest, { recursive: true });
  if (o.build) run('tsc -b', 'npx', ['tsc', '-b', ...NPM_PACKAGES], o.root);
  return NPM_PACKAGES.map((dir) => {
    const cwd = path.join(o.root, dir);
    const pkg = readJson(dir, path.join(cwd, 'package.json'));
    const what: string = pkg.name ?? dir;
    if (pkg.private) throw new PackError(what, 'is private: it is not published');
    const [result] = JSON.parse(run(what, 'npm', ['pack', '--json', '--pack-destination', dest], cwd)) as NpmPackResult[];
    if (!result) throw new PackError(what, 'npm pack wrote nothing');
    const shipped = new Set(result.files.map((f) => f.path));
    const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values<string>(pkg.bin ?? {});
    const entries = [pkg.main, ...bins].filter(Boolean).map((f: string) => path.posix.normalize(f));
    const missing = entries.filter((f) => !shipped.has(f));
    if (missing.length) throw new PackError(what, `the tarball lacks ${missing.join(', ')} (build it: npx tsc -b ${dir})`);
    return { file: path.join(dest, result.filename), bytes: statSync(path.join(dest, result.filename)).size };
  });
}

/** backstage-plugins/plugins/<dir> of every Backstage plugin package, sorted. */
export function backstagePackages(root: string): string[] {
  const plugins = path.join(root, BACKSTAGE, 'plugins');
  return readdirSync(plugins)
    .filter((d) => existsSync(path.join(plugins, d, 'package.json')))
    .sort()
    .map((d) => path.posix.join(BACKSTAGE, 'plugins', d));
}

/**
 * The Backstage workspace's `api-reports:check` (`backstage-repo-tools api-reports --ci`): fails when a
 * package's public API differs from its committed report.api.md (report-<entry>.api.md for other entry
 * points). It stops at the first such package, the last one it names as processing.
 */
function checkApiReports(o: PackOptions, pkgs: { dir: string; name: string }[]): void {
  const r = spawnSync('npm', ['run', '--silent', 'api-reports:check'], { cwd: path.join(o.root, BACKSTAGE), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 0) return;
  const out = `${r.stdout}${r.stderr}`;
  const last = [...out.matchAll(/^## Processing (\S+)/gm)].pop()?.[1];
  const failed = pkgs.find((p) => path.posix.relative(BACKSTAGE, p.dir) === last);
  const changed = /changed the API signature|uncommitted changes to the public API/.test(out);
  throw new PackError(
    failed?.name ?? BACKSTAGE,
    `${changed ? 'its public API differs from its committed API report' : 'API Extractor failed'} (update the reports: npm run api-reports --prefix ${BACKSTAGE}):\n${out.trim().split('\n').filter((l) => !l.startsWith('//')).slice(-12).join('\n')}`
  );
}

/** The Backstage plugins: dist-types (tsc), `backstage-cli package build`, API reports, then `npm pack` (whose prepack is the CLI's). */
function backstage(o: PackOptions): Written[] {
  const dest = path.join(o.out, 'npm');
  mkdirSync(dest, { recursive: true });
  const pkgs = backstagePackages(o.root).map((dir) => {
    const pkg = readJson(dir, path.join(o.root, dir, 'package.json'));
    return { dir, pkg, name: (pkg.name ?? dir) as string };
  });
  const published = new Set([...pkgs.map((p) => p.name), ...NPM_PACKAGES.map((d) => readJson(d, path.join(o.root, d, 'package.json')).name as string)]);
  for (const { pkg, name } of pkgs) {
    if (pkg.private) throw new PackError(name, 'is private: it is not published');
    const local = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@api-observatory/') && !published.has(d));
    if (local.length) throw new PackError(name, `depends on ${local.join(', ')}, which is not published`);
  }
  if (o.build) {
    // Declarations into dist-types/ for the CLI's type build. tsc writes them even with type errors, so only
    // errors in a published package stop the run (naming it); those of the dev app and e2e tests do not.
    // From an empty dist-types, as `npm run tsc` does: an incremental build orders a union type differently
    // in the API reports than the clean build CI makes, and the report check would fail on a warm tree.
    rmSync(path.join(o.root, BACKSTAGE, 'dist-types'), { recursive: true, force: true });
    const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: path.join(o.root, BACKSTAGE), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (tsc.error) throw new PackError(BACKSTAGE, `could not run tsc: ${tsc.error.message}`);
    const broken = pkgs.filter((p) => new RegExp(`^${path.posix.relative(BACKSTAGE, p.dir)}/\\S+\\(\\d+,\\d+\\): error`, 'm').test(tsc.stdout));
    if (broken.length) throw new PackError(broken.map((p) => p.name).join(', '), `does not type-check:\n${tsc.stdout.split('\n').filter((l) => broken.some((p) => l.startsWith(path.posix.relative(BACKSTAGE, p.dir)))).slice(0, 20).join('\n')}`);
    for (const { dir, name } of pkgs) run(name, 'npx', ['backstage-cli', 'package', 'build'], path.join(o.root, dir));
  }
  checkApiReports(o, pkgs);
  return pkgs.map(({ dir, pkg, name }) => {
    const cwd = path.join(o.root, dir);
    // The CLI's prepack rewrites package.json and its postpack restores it (from package.json-prepack); if npm
    // stopped in between, restore it here. One pack of a package at a time, across concurrent runs.
    const lock = path.join(os.tmpdir(), `api-observatory-pack-${createHash('sha256').update(cwd).digest('hex').slice(0, 16)}.lock`);
    const script = 'npm pack --json --pack-destination "$1"; rc=$?; if [ -f package.json-prepack ]; then mv -f package.json-prepack package.json; fi; exit $rc';
    const stdout = run(name, 'flock', ['-w', '900', lock, 'sh', '-c', script, 'npm-pack', dest], cwd);
    const result = (JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1 || stdout.indexOf('['))) as NpmPackResult[])[0];
    if (!result) throw new PackError(name, 'npm pack wrote nothing');
    const shipped = result.files.map((f) => f.path);
    const extra = shipped.filter((f) => !BACKSTAGE_ALLOWED.test(f));
    if (extra.length) throw new PackError(name, `the tarball holds ${extra.join(', ')}: only dist/, migrations, the config schema, README, CHANGELOG and package.json belong in it`);
    const main = String(pkg.publishConfig?.main ?? '');
    if (!shipped.includes(main)) throw new PackError(name, `the tarball lacks ${main || 'a main entry (publishConfig.main)'} (build it: npx backstage-cli package build in ${dir})`);
    return { file: path.join(dest, result.filename), bytes: statSync(path.join(dest, result.filename)).size };
  });
}

const STEP_RUNNERS: Record<Step, (o: PackOptions) => Written[]> = {
  'grafana-app': grafanaApp,
  mixin,
  'rules-dashboards': rulesDashboards,
  npm: npmPackages,
  collector: collectorBundle,
  backstage,
};

/** Marks a folder pack wrote, so a later run may empty it (and never a folder it did not write). */
const MARKER = '.written-by-npm-run-pack';

function prepareOut(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!existsSync(path.join(out, MARKER))) throw new PackError('output', `${out} holds files pack did not write: choose another --out`);
    rmSync(out, { recursive: true });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, MARKER), '');
}

export function pack(o: PackOptions): Written[] {
  const log = o.log ?? console.log;
  prepareOut(o.out);
  const written: Written[] = [];
  for (const step of o.steps) {
    for (const w of STEP_RUNNERS[step](o)) {
      written.push(w);
      log(`${path.relative(o.out, w.file).padEnd(56)} ${formatBytes(w.bytes).padStart(10)}`);
    }
  }
  return written;
}

export function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function parseArgs(argv: string[], cwd: string): PackOptions {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const known = new Set(['--root', '--out', '--steps', '--no-build']);
  const unknown = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && !known.has(argv[i - 1] ?? ''));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')} (options: ${[...known].join(', ')})`);
  const root = path.resolve(cwd, value('--root') ?? path.resolve(__dirname, '..'));
  const steps = (value('--steps')?.split(',') ?? [...STEPS]) as Step[];
  const bad = steps.filter((s) => !STEPS.includes(s));
  if (bad.length) throw new Error(`unknown step ${bad.join(', ')} (steps: ${STEPS.join(', ')})`);
  return { root, out: path.resolve(cwd, value('--out') ?? path.join(root, '.pack')), build: !argv.includes('--no-build'), steps };
}

function main(argv: string[]): number {
  try {
    const o = parseArgs(argv, process.cwd());
    console.log(`pack: writing into ${path.relative(process.cwd(), o.out) || '.'}/`);
    const written = pack(o);
    console.log(`pack: ${written.length} files, ${formatBytes(written.reduce((s, w) => s + w.bytes, 0))}`);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
