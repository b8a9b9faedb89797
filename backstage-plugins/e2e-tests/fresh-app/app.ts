/**
 * Prepares a fresh app: scaffold with create-app, optionally align it to this workspace's Backstage
 * release, install (warm from the node_modules cache when the install inputs are unchanged).
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CACHE_ROOT, ensureCreateApp, installKey, restoreInstall, run, scaffold, stashInstall, yarn, type CreateApp, type Template } from './scaffold';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BACKSTAGE_ROOT = path.join(REPO_ROOT, 'backstage-plugins');

/**
 * `pinned`: the app create-app writes (Backstage 1.55.0) with every `@backstage/*` package held at its
 * version in that release, as the lockfile of a user who made the app while 1.55 was current holds them
 * (its caret ranges resolved today do not start, with or without the pack);
 * `aligned`: the same app after `backstage-cli versions:bump` to this workspace's release (backstage.json),
 * with the release manifest made of the @backstage/* versions this workspace's lockfile holds.
 */
export type Variant = 'pinned' | 'aligned';

/**
 * Backstage's release manifest of 1.55.0 (the release create-app 0.9.2 generates), as its release-manifest
 * service publishes it: every package of the release at its version.
 */
export const RELEASE_1_55_MANIFEST = path.join(__dirname, 'release-manifest-1.55.0.json');

/**
 * Holds every `@backstage/*` package of a release at its version, transitive ones included: yarn
 * `resolutions` in the app's root package.json. The generated app's caret ranges alone resolve today's
 * newest versions, which no longer start together (a 1.57-line plugin-signals-backend needs a newer
 * backend-defaults than the template names). Returns the release.
 */
export function pinToRelease(appDir: string, manifestFile = RELEASE_1_55_MANIFEST): string {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { releaseVersion: string; packages: Array<{ name: string; version: string }> };
  const backstageJson = JSON.parse(readFileSync(path.join(appDir, 'backstage.json'), 'utf8')) as { version: string };
  if (backstageJson.version !== manifest.releaseVersion) throw new Error(`${appDir} is Backstage ${backstageJson.version}, the manifest ${manifestFile} is ${manifest.releaseVersion}`);
  const file = path.join(appDir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { resolutions?: Record<string, string> };
  pkg.resolutions = { ...pkg.resolutions };
  for (const p of manifest.packages) if (p.name.startsWith('@backstage/')) pkg.resolutions[p.name] = p.version;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  return manifest.releaseVersion;
}

export interface FreshApp {
  ca: CreateApp;
  template: Template;
  variant: Variant;
  appDir: string;
  key: string;
  /** yarn.lock after the base install (before our plugins), kept in the cache with node_modules. */
  baseLock: string;
  /** Whether node_modules came from the cache. */
  warm: boolean;
  /** backstage.json's release. */
  release: string;
  log: string;
  /** Moves node_modules back into the cache (call once, when done with the app). */
  stash(): void;
}

/** The workspace's Backstage release as a release manifest (`BACKSTAGE_MANIFEST_FILE` of versions:bump). */
export function workspaceReleaseManifest(): { releaseVersion: string; packages: Array<{ name: string; version: string }> } {
  const releaseVersion = (JSON.parse(readFileSync(path.join(BACKSTAGE_ROOT, 'backstage.json'), 'utf8')) as { version: string }).version;
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const packages = new Map<string, string>();
  for (const [p, v] of Object.entries(lock.packages)) {
    const m = /(?:^|\/)node_modules\/(@backstage\/[^/]+)$/.exec(p);
    if (m && v.version && !packages.has(m[1]!)) packages.set(m[1]!, v.version);
  }
  return { releaseVersion, packages: [...packages].sort().map(([name, version]) => ({ name, version })) };
}

/**
 * `backstage-cli versions:bump` of a scaffolded, not yet installed app to this workspace's release (the
 * workspace's own CLI runs it; the app's package.json files then name the workspace's versions). Returns
 * the release.
 */
export async function alignToWorkspace(ca: CreateApp, appDir: string, log: string): Promise<string> {
  const manifest = workspaceReleaseManifest();
  const file = `${appDir}.release-manifest.json`;
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@backstage', 'cli', 'bin', 'backstage-cli'), 'versions:bump', '--skip-install', '--skip-migrate'], {
    cwd: appDir,
    env: { ...ca.env, BACKSTAGE_MANIFEST_FILE: file },
    log,
  });
  return manifest.releaseVersion;
}

export async function prepareFreshApp(o: { template: Template; variant: Variant; name: string; logDir: string }): Promise<FreshApp> {
  const log = path.join(o.logDir, `${o.name}.log`);
  const ca = await ensureCreateApp(log);
  const appDir = path.join(CACHE_ROOT, 'runs', o.name);
  await scaffold(ca, o.template, appDir, log);
  let label = `${o.template}-${o.variant}`;
  if (o.variant === 'aligned') label += `-${await alignToWorkspace(ca, appDir, log)}`;
  if (o.variant === 'pinned') label += `-${pinToRelease(appDir)}`;
  const key = installKey(appDir, label);
  const warm = restoreInstall(key, appDir);
  await yarn(ca, appDir, ['install'], log);
  const baseLock = readFileSync(path.join(appDir, 'yarn.lock'), 'utf8');
  const release = (JSON.parse(readFileSync(path.join(appDir, 'backstage.json'), 'utf8')) as { version: string }).version;
  let stashed = false;
  return {
    ca,
    template: o.template,
    variant: o.variant,
    appDir,
    key,
    baseLock,
    warm,
    release,
    log,
    stash() {
      if (stashed) return;
      stashed = true;
      stashInstall(key, appDir, baseLock);
    },
  };
}

/**
 * The installed copy (real path of its package.json) that `dep` resolves to from package `from`, as Node
 * resolves it for that package's code.
 */
export function resolvedCopy(appDir: string, from: string, dep: string): string {
  const fromPkg = createRequire(path.join(appDir, 'packages', 'app', 'package.json')).resolve(`${from}/package.json`, { paths: [path.join(appDir, 'packages', 'app'), path.join(appDir, 'packages', 'backend')] });
  return realpathSync(createRequire(fromPkg).resolve(`${dep}/package.json`));
}
