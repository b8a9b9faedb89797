/**
 * A brand-new Backstage app outside the workspace, as a user makes one: `@backstage/create-app` from the
 * registry scaffolds it (the `default-app` template, new frontend system, or `--legacy`), and the yarn
 * release the template pins (`.yarn/releases/`, shipped inside create-app) installs it from the public
 * registry. Nothing of this workspace is linked in.
 *
 * Cache (under ${XDG_CACHE_HOME:-$HOME/.cache}/api-observatory/fresh-app/, like the Go tools' binaries):
 *   create-app-<version>/          the create-app package itself (npm install)
 *   yarn/                          yarn's global folder: its package cache (zip archives) and metadata
 *   node_modules/<key>/            an installed app's node_modules, yarn.lock and install state, keyed by the
 *                                  create-app version, the template, the variant and a hash of what the
 *                                  scaffold hands to yarn (its package.json files and lockfile); moved into a
 *                                  freshly scaffolded app before `yarn install` and moved back afterwards,
 *                                  so a warm install only adds what changed
 *   builds/<hash>/                 production builds (frontend dist, backend dist) keyed by a hash of every
 *                                  input of the build: lockfile (with our tarballs' checksums) and sources
 * Apps themselves are scaffolded afresh into runs/<name>/ on every run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, lstatSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The newest @backstage/create-app on the registry when this was written (it generates Backstage 1.55.0). */
export const CREATE_APP_VERSION = '0.9.2';
export const CACHE_ROOT = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'api-observatory', 'fresh-app');

export type Template = 'default' | 'legacy';

/**
 * This process's environment without what a parent npm or test runner injects. Under `npm run`, npm exports
 * `npm_config_nodedir` (its own Node's prefix), `npm_config_node_gyp`, `NODE`, `npm_node_execpath` and a
 * node-gyp shim on PATH: yarn and node-gyp inside the app read them and compiled native modules
 * (better-sqlite3) against npm's Node instead of the one that runs the app.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD' || k === 'NODE_TEST_CONTEXT') continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => d && !d.endsWith(path.join('run-script', 'lib', 'node-gyp-bin')))
    .join(path.delimiter);
  return env;
}

/** Runs a command, its output appended to `log`; rejects with the log's tail on a non-zero exit. */
export function run(cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; log: string }): Promise<void> {
  mkdirSync(path.dirname(o.log), { recursive: true });
  const out = createWriteStream(o.log, { flags: 'a' });
  out.write(`\n$ (${o.cwd}) ${cmd} ${args.join(' ')}\n`);
  const env = { ...childEnv(), ...o.env };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      out.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(o.log, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
        reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${o.cwd} exited ${code ?? signal}; log ${o.log}:\n${tail}`));
      });
    });
  });
}

/** The npm registry the project's npm uses (yarn is pointed at the same one). */
function npmRegistry(): string {
  const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' });
  return (r.stdout || 'https://registry.npmjs.org/').trim();
}

export interface CreateApp {
  dir: string;
  bin: string;
  /** Directory holding the `yarn` shim (put it first on PATH). */
  shimDir: string;
  env: NodeJS.ProcessEnv;
}

/** Installs @backstage/create-app (once per version) and a `yarn` shim running the yarn release its templates ship. */
export async function ensureCreateApp(log: string): Promise<CreateApp> {
  const dir = path.join(CACHE_ROOT, `create-app-${CREATE_APP_VERSION}`);
  const pkg = path.join(dir, 'node_modules', '@backstage', 'create-app');
  if (!existsSync(path.join(pkg, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `@backstage/create-app@${CREATE_APP_VERSION}`], { cwd: dir, log });
  }
  const releases = path.join(pkg, 'templates', 'default-app', '.yarn', 'releases');
  const release = readdirSync(releases).find((f) => /^yarn-.*\.cjs$/.test(f));
  if (!release) throw new Error(`no yarn release in ${releases}`);
  const shimDir = path.join(CACHE_ROOT, 'bin');
  mkdirSync(shimDir, { recursive: true });
  const shim = path.join(shimDir, 'yarn');
  writeFileSync(shim, `#!/bin/sh\n# yarn as @backstage/create-app ${CREATE_APP_VERSION} ships it; an app's own yarnPath takes over inside the app.\nexec node "${path.join(releases, release)}" "$@"\n`);
  chmodSync(shim, 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${shimDir}:${path.dirname(process.execPath)}:${childEnv().PATH}`,
    YARN_GLOBAL_FOLDER: path.join(CACHE_ROOT, 'yarn'),
    YARN_NPM_REGISTRY_SERVER: npmRegistry().replace(/\/$/, ''),
    // CI=true would make yarn refuse any lockfile change; a scaffolded app's lockfile is always new.
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_PROGRESS_BARS: 'false',
    YARN_ENABLE_GLOBAL_CACHE: 'true',
    // better-sqlite3 and other native modules compile against the headers of the Node that runs the app
    // (no downloads), never a nodedir inherited from a parent npm.
    npm_config_nodedir: path.dirname(path.dirname(process.execPath)),
  };
  return { dir: pkg, bin: path.join(dir, 'node_modules', '.bin', 'backstage-create-app'), shimDir, env };
}

/** Scaffolds a new app into `appDir` (emptied first) with create-app, without installing. */
export async function scaffold(ca: CreateApp, template: Template, appDir: string, log: string): Promise<void> {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  await run(ca.bin, ['--path', appDir, '--skip-install', ...(template === 'legacy' ? ['--legacy'] : [])], {
    cwd: path.dirname(appDir),
    env: { ...ca.env, BACKSTAGE_APP_NAME: 'fresh-app' },
    log,
  });
  if (!existsSync(path.join(appDir, 'packages', 'backend', 'package.json'))) throw new Error(`create-app wrote no app into ${appDir}; log ${log}`);
}

/** sha256 of files (relative to `dir`), in order; missing files count as empty. */
export function hashFiles(dir: string, files: string[], extra = ''): string {
  const h = createHash('sha256');
  h.update(extra);
  for (const f of files) {
    h.update(`\0${f}\0`);
    const p = path.join(dir, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 16);
}

/** Every file under `dir` (relative, sorted), skipping node_modules and dist folders. */
export function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'dist-types') return [];
      const p = path.join(dir, e.name);
      return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
    })
    .sort();
}

const INSTALL_STATE = path.join('.yarn', 'install-state.gz');
const CACHED = ['node_modules', 'yarn.lock', INSTALL_STATE];

/** The cache entry of an installed app: `key` names what the scaffold handed to yarn. */
export function nodeModulesCache(key: string): string {
  return path.join(CACHE_ROOT, 'node_modules', key);
}

/** The install inputs of a scaffolded app: its package.json files and lockfile. */
export function installKey(appDir: string, label: string): string {
  const files = ['package.json', 'yarn.lock', '.yarnrc.yml', ...['app', 'backend'].map((p) => path.join('packages', p, 'package.json'))];
  return `${label}-create-app-${CREATE_APP_VERSION}-node${process.versions.node.split('.')[0]}-${hashFiles(appDir, files)}`;
}

/** Moves a cached install into `appDir` (the app's yarn.lock is replaced by the cached one). True when there was one. */
export function restoreInstall(key: string, appDir: string): boolean {
  const c = nodeModulesCache(key);
  if (!existsSync(path.join(c, 'node_modules')) || !existsSync(path.join(c, 'yarn.lock'))) return false;
  for (const f of CACHED) {
    if (!existsSync(path.join(c, f))) continue;
    rmSync(path.join(appDir, f), { recursive: true, force: true });
    mkdirSync(path.dirname(path.join(appDir, f)), { recursive: true });
    renameSync(path.join(c, f), path.join(appDir, f));
  }
  return true;
}

/**
 * Moves the app's install back into the cache under `key`. `lockfile` is the yarn.lock to keep (the base
 * install's, before the plugins were added), so the next run resolves the same versions.
 */
export function stashInstall(key: string, appDir: string, lockfile: string): void {
  if (!existsSync(path.join(appDir, 'node_modules'))) return;
  const c = nodeModulesCache(key);
  rmSync(c, { recursive: true, force: true });
  mkdirSync(path.join(c, '.yarn'), { recursive: true });
  renameSync(path.join(appDir, 'node_modules'), path.join(c, 'node_modules'));
  if (existsSync(path.join(appDir, INSTALL_STATE))) renameSync(path.join(appDir, INSTALL_STATE), path.join(c, INSTALL_STATE));
  writeFileSync(path.join(c, 'yarn.lock'), lockfile);
}

/** Runs yarn in the app with the shim on PATH. */
export function yarn(ca: CreateApp, appDir: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return run('yarn', args, { cwd: appDir, env: { ...ca.env, ...env, PATH: ca.env.PATH }, log });
}

/** Total size in bytes of the files under `p`. */
export function diskBytes(p: string): number {
  if (!existsSync(p)) return 0;
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, e) => n + diskBytes(path.join(p, e)), 0);
}

/** Copies a build output into / out of the build cache. */
export function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}
