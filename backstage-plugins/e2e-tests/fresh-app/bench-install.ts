/**
 * `npm run bench:install`: what the pack adds to a fresh Backstage app, measured side by side in one run.
 * Two apps are scaffolded with create-app (default template, bumped to this workspace's release) and installed from yarn's
 * package cache into empty node_modules: one as it comes, one with the pack added by INSTALL.md's
 * Backstage steps from the packed tarballs. For each: install, production build (app and backend) and
 * start to the first served page, wall time and CPU time (user + system of the commands), node_modules and
 * bundle size on disk. Then the size of each tarball and of the Grafana archive.
 *
 * Goals (issue 11): the pack adds at most 25 % to the app's production bundle and at most 60 s to its
 * build. Not a test: CI never runs it; exit 1 when a goal is missed.
 *
 *   npm run bench:install [-- --tarballs .pack/npm]   (default: npm run pack first)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, alignToWorkspace, type FreshApp } from './app';
import { ensureCreateApp, scaffold, diskBytes, CACHE_ROOT, yarn, installKey, CREATE_APP_VERSION } from './scaffold';
import { readSteps } from './install-guide';
import { startLocalRegistry } from './registry';
import { applyGroup, pointScopeAt, startFreshBackend, testConfig, unpackBundle } from './run';
import { freePort } from '../harness';

interface Figures {
  installS: number;
  installCpuS: number;
  buildS: number;
  buildCpuS: number;
  firstPageS: number;
  nodeModules: number;
  bundle: number;
}

/**
 * User + system CPU seconds of this process's waited-for children so far (/proc/self/stat cutime and
 * cstime, in clock ticks of 1/100 s on Linux): the commands the bench ran, their children included.
 */
function childCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function timed<T>(f: () => Promise<T>): Promise<{ s: number; cpu: number; value: T }> {
  const c0 = childCpu();
  const t0 = Date.now();
  const value = await f();
  return { s: (Date.now() - t0) / 1000, cpu: childCpu() - c0, value };
}

async function measure(label: string, withPack: boolean, tarballs: string): Promise<Figures> {
  const logDir = path.join(REPO_ROOT, '.run', 'bench-install');
  const log = path.join(logDir, `${label}.log`);
  const ca = await ensureCreateApp(log);
  const appDir = path.join(CACHE_ROOT, 'runs', `bench-${label}`);
  await scaffold(ca, 'default', appDir, log);
  // This workspace's release: the generated 1.55 app's caret ranges resolve today to a backend that does not
  // start (plugin-signals-backend 0.3.21 with backend-defaults 0.18), so both apps are bumped alike.
  const release = await alignToWorkspace(ca, appDir, log);
  const app: FreshApp = { ca, template: 'default', variant: 'aligned', appDir, key: installKey(appDir, 'bench'), baseLock: '', warm: false, release, log, stash: () => undefined };
  const registry = withPack ? await startLocalRegistry(tarballs) : undefined;
  try {
    const install = await timed(async () => {
      await yarn(ca, appDir, ['install'], log);
      if (registry) {
        pointScopeAt(app, registry.url);
        const steps = readSteps();
        await applyGroup(app, steps, 'backend');
        await applyGroup(app, steps, 'frontend');
      }
    });
    const env = { PROMETHEUS_URL: 'http://127.0.0.1:9', JAEGER_URL: 'http://127.0.0.1:9' };
    const build = await timed(async () => {
      await yarn(ca, appDir, ['build:backend'], log, env);
      // The backend runs from packages/*/dist as the template's Dockerfile unpacks them from the bundle.
      await unpackBundle(app);
    });
    const port = await freePort();
    const config = testConfig(port, {});
    // The bench signs nobody in: the guest provider, allowed on loopback.
    (config.auth as Record<string, unknown>).providers = { guest: { dangerouslyAllowOutsideDevelopment: true } };
    const first = await timed(async () => {
      const backend = await startFreshBackend(app, { name: `bench-${label}`, logDir, port, config, env });
      if (backend.child.exitCode !== null) throw new Error(`${label}: the backend exited (${backend.child.exitCode}); log ${backend.logFile}:\n${backend.tail()}`);
      const res = await fetch(`${backend.baseUrl}/catalog`);
      const html = await res.text();
      if (!res.ok || !html.includes('<div id="root">')) throw new Error(`first page: ${res.status}`);
      await backend.stop();
    });
    return {
      installS: install.s,
      installCpuS: install.cpu,
      buildS: build.s,
      buildCpuS: build.cpu,
      firstPageS: first.s,
      nodeModules: diskBytes(path.join(appDir, 'node_modules')),
      bundle: diskBytes(path.join(appDir, 'packages', 'app', 'dist')),
    };
  } finally {
    await registry?.close();
  }
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

async function main() {
  const i = process.argv.indexOf('--tarballs');
  let tarballs = i > 0 ? path.resolve(process.argv[i + 1]!) : '';
  if (!tarballs) {
    const r = spawnSync('npm', ['run', '--silent', 'pack'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    tarballs = path.join(REPO_ROOT, '.pack', 'npm');
  }
  console.log(`create-app ${CREATE_APP_VERSION}, default template bumped to this workspace's release, yarn cache warm, empty node_modules; tarballs from ${path.relative(REPO_ROOT, tarballs)}`);
  const plain = await measure('plain', false, tarballs);
  const pack = await measure('with-pack', true, tarballs);
  const rows: Array<[string, (f: Figures) => string]> = [
    ['install (wall)', (f) => `${f.installS.toFixed(0)} s`],
    ['install (CPU)', (f) => `${f.installCpuS.toFixed(0)} s`],
    ['build app + backend (wall)', (f) => `${f.buildS.toFixed(0)} s`],
    ['build (CPU)', (f) => `${f.buildCpuS.toFixed(0)} s`],
    ['start to first page', (f) => `${f.firstPageS.toFixed(1)} s`],
    ['node_modules', (f) => mb(f.nodeModules)],
    ['production bundle (packages/app/dist)', (f) => mb(f.bundle)],
  ];
  console.log(`\n${'figure'.padEnd(40)}${'create-app'.padStart(14)}${'+ the pack'.padStart(14)}`);
  for (const [name, f] of rows) console.log(`${name.padEnd(40)}${f(plain).padStart(14)}${f(pack).padStart(14)}`);
  const bundleRatio = pack.bundle / plain.bundle;
  const buildDelta = pack.buildS - plain.buildS;
  console.log(`\nbundle ratio ${bundleRatio.toFixed(3)} (goal ≤ 1.25); build +${buildDelta.toFixed(0)} s wall, +${(pack.buildCpuS - plain.buildCpuS).toFixed(0)} s CPU (goal ≤ 60 s); node_modules ×${(pack.nodeModules / plain.nodeModules).toFixed(3)}`);
  console.log('\ntarballs:');
  for (const f of readdirSync(tarballs).filter((x) => x.endsWith('.tgz')).sort()) console.log(`  ${f.padEnd(70)}${kib(statSync(path.join(tarballs, f)).size).padStart(12)}`);
  const grafana = path.join(path.dirname(tarballs), 'grafana');
  if (existsSync(grafana)) for (const f of readdirSync(grafana).filter((x) => x.endsWith('.zip'))) console.log(`  ${f.padEnd(70)}${kib(statSync(path.join(grafana, f)).size).padStart(12)}`);
  if (bundleRatio > 1.25 || buildDelta > 60) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
