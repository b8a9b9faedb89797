/**
 * Installs the pack into a prepared fresh app with INSTALL.md's steps, builds the app for production
 * (cached by a hash of every build input) and starts its backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import type { FreshApp } from './app';
import { applyFileStep, commands, type Step } from './install-guide';
import { CACHE_ROOT, childEnv, copyDir, diskBytes, hashFiles, listFiles, run, yarn } from './scaffold';

const BACKSTAGE_ROOT = path.resolve(__dirname, '..', '..');

/** The header an authenticating proxy (oauth2-proxy) sets; Backstage's oauth2Proxy provider signs that user in. */
export const FORWARDED_USER_HEADER = 'x-forwarded-user';

/**
 * The package manager finds the `@api-observatory` scope on the loopback registry serving the tarballs:
 * what publishing does for a real user. Nothing else of the app's configuration changes.
 */
export function pointScopeAt(app: FreshApp, registryUrl: string): void {
  const rc = path.join(app.appDir, '.yarnrc.yml');
  const host = new URL(registryUrl).host;
  writeFileSync(
    rc,
    `${readFileSync(rc, 'utf8').trimEnd()}\n# test only: the packed tarballs, served as a registry\nnpmScopes:\n  api-observatory:\n    npmRegistryServer: "${registryUrl}"\nunsafeHttpWhitelist:\n  - "${host.split(':')[0]}"\n`,
  );
}

/** Runs a group of INSTALL.md's steps (shell lines and file edits) in the app, in the guide's order. */
export async function applyGroup(app: FreshApp, steps: Step[], group: string): Promise<string[]> {
  const done: string[] = [];
  const mine = steps.filter((s) => s.group === group);
  if (mine.length === 0) throw new Error(`INSTALL.md has no fresh-app steps of group ${group}`);
  for (const step of mine) {
    if (step.action === 'run') {
      for (const cmd of commands([step], group)) {
        await run('bash', ['-c', cmd], { cwd: app.appDir, env: app.ca.env, log: app.log });
        done.push(cmd);
      }
    } else {
      applyFileStep(app.appDir, step);
      done.push(`${step.action} ${step.file}`);
    }
  }
  return done;
}

/** The oauth2Proxy provider module the fresh app signs people in with (see addProxySignIn). */
export const PROXY_PROVIDER = '@backstage/plugin-auth-backend-module-oauth2-proxy-provider';

/**
 * Not part of the pack: the app's sign-in. Governance needs real, distinct users, so the fresh app signs
 * people in as a deployment behind oauth2-proxy does: Backstage's own oauth2Proxy provider, resolving the
 * `x-forwarded-user` header to a catalog User entity. The browser contexts of the test set that header.
 */
export async function addProxySignIn(app: FreshApp): Promise<void> {
  await yarn(app.ca, app.appDir, ['--cwd', 'packages/backend', 'add', PROXY_PROVIDER], app.log);
  const { appDir, template } = app;
  const index = path.join(appDir, 'packages', 'backend', 'src', 'index.ts');
  const src = readFileSync(index, 'utf8');
  writeFileSync(index, src.replace('backend.start();', `backend.add(import('${PROXY_PROVIDER}'));\nbackend.start();`));
  const appTsx = path.join(appDir, 'packages', 'app', 'src', 'App.tsx');
  const text = readFileSync(appTsx, 'utf8');
  if (template === 'default') {
    writeFileSync(
      path.join(appDir, 'packages', 'app', 'src', 'modules', 'proxySignIn.tsx'),
      [
        "import { createFrontendModule } from '@backstage/frontend-plugin-api';",
        "import { SignInPageBlueprint } from '@backstage/plugin-app-react';",
        "import { ProxiedSignInPage } from '@backstage/core-components';",
        '',
        'export const proxySignInModule = createFrontendModule({',
        "  pluginId: 'app',",
        '  extensions: [',
        '    SignInPageBlueprint.make({',
        '      params: { loader: async () => props => <ProxiedSignInPage {...props} provider="oauth2Proxy" /> },',
        '    }),',
        '  ],',
        '});',
        '',
      ].join('\n'),
    );
    if (!text.includes('homeModule],')) throw new Error(`App.tsx of the default template changed: ${text}`);
    writeFileSync(appTsx, `import { proxySignInModule } from './modules/proxySignIn';\n${text.replace('homeModule],', 'homeModule, proxySignInModule],')}`);
  } else {
    const old = "SignInPage: props => <SignInPage {...props} auto providers={['guest']} />,";
    if (!text.includes(old)) throw new Error(`App.tsx of the legacy template changed: ${text}`);
    writeFileSync(appTsx, text.replace(old, 'SignInPage: props => <ProxiedSignInPage {...props} provider="oauth2Proxy" />,').replace('  SignInPage,\n', '  SignInPage,\n  ProxiedSignInPage,\n'));
  }
}

export interface BuildResult {
  cached: boolean;
  seconds: number;
  /** Bytes of packages/app/dist. */
  appBytes: number;
  key: string;
}

/** A hash of every input of the production build: the app's sources, package files, config and lockfile. */
export function buildKey(appDir: string, label: string): string {
  const inputs = ['package.json', 'app-config.yaml', 'backstage.json', ...['app', 'backend'].flatMap((p) => listFiles(path.join(appDir, 'packages', p)).map((f) => path.join('packages', p, f)))];
  // The lockfile names the loopback registry's port in our packages' archive URLs; their checksums stay.
  const lock = readFileSync(path.join(appDir, 'yarn.lock'), 'utf8').replace(/127\.0\.0\.1%3A\d+/g, '127.0.0.1%3APORT');
  return hashFiles(appDir, inputs, `${label}\0${lock}`);
}

const DISTS = ['app', 'backend'].map((p) => path.join('packages', p, 'dist'));

/**
 * The template's production build, `yarn build:backend` (the app, a bundled package, then the backend
 * bundle), unpacked as its Dockerfile does (`packages/*\/dist` of bundle.tar.gz over the installed tree);
 * or the cached result of a build with the same inputs.
 */
export async function buildForProduction(app: FreshApp, env: NodeJS.ProcessEnv): Promise<BuildResult> {
  const key = buildKey(app.appDir, `${app.template}\0${app.variant}`);
  const cache = path.join(CACHE_ROOT, 'builds', key);
  const t0 = Date.now();
  if (DISTS.every((d) => existsSync(path.join(cache, d)))) {
    for (const d of DISTS) copyDir(path.join(cache, d), path.join(app.appDir, d));
    return { cached: true, seconds: (Date.now() - t0) / 1000, appBytes: diskBytes(path.join(app.appDir, DISTS[0]!)), key };
  }
  await yarn(app.ca, app.appDir, ['build:backend'], app.log, env);
  await unpackBundle(app);
  const seconds = (Date.now() - t0) / 1000;
  for (const d of DISTS) copyDir(path.join(app.appDir, d), path.join(cache, d));
  return { cached: false, seconds, appBytes: diskBytes(path.join(app.appDir, DISTS[0]!)), key };
}

/** `packages/app/dist` and `packages/backend/dist` of the backend bundle, over the app. */
export async function unpackBundle(app: FreshApp): Promise<void> {
  const bundle = path.join(app.appDir, 'packages', 'backend', 'dist', 'bundle.tar.gz');
  await run('tar', ['xzf', bundle, '-C', app.appDir, 'packages/app/dist', 'packages/backend/dist'], { cwd: app.appDir, log: app.log });
  if (!existsSync(path.join(app.appDir, 'packages', 'backend', 'dist', 'index.cjs.js'))) throw new Error(`${bundle} holds no packages/backend/dist/index.cjs.js`);
}

export interface FreshBackend {
  baseUrl: string;
  logFile: string;
  child: ChildProcess;
  tail(lines?: number): string;
  /** A Backstage token of `user`, signed in through the oauth2Proxy provider as the proxy would. */
  token(user: string): Promise<string>;
  fetchAs(user: string, p: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** The test's own configuration: loopback port, SQLite, the sample catalog, sign-in behind the proxy. */
export function testConfig(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl },
    backend: {
      baseUrl,
      // The template's production config writes listen as a '<host>:<port>' string: the same form here.
      listen: `127.0.0.1:${port}`,
      cors: { origin: baseUrl },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    auth: {
      providers: {
        guest: null,
        oauth2Proxy: { signIn: { resolvers: [{ resolver: 'forwardedUserMatchingUserEntityName' }] } },
      },
    },
    catalog: {
      // The sample catalog (APIs, their owners, the org with emma.orders and carla.pm) instead of the examples.
      rules: [{ allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Domain', 'Group', 'User'] }],
      locations: ['catalog-info.yaml', 'org.yaml'].map((f) => ({ type: 'file', target: path.join(BACKSTAGE_ROOT, 'catalog', f) })),
    },
    ...extra,
  };
}

/** Starts `node packages/backend` with the app's production config plus `config`; resolves when ready or when it exits. */
export async function startFreshBackend(app: FreshApp, o: { name: string; logDir: string; port: number; config: Record<string, unknown>; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<FreshBackend> {
  mkdirSync(o.logDir, { recursive: true });
  const logFile = path.join(o.logDir, `${o.name}.backend.log`);
  const configFile = path.join(app.appDir, `app-config.${o.name}.yaml`);
  writeFileSync(configFile, stringifyYaml(o.config));
  const out = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = { ...childEnv(), ...app.ca.env, ...o.env, NODE_ENV: 'production' };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['packages/backend', '--config', 'app-config.yaml', '--config', 'app-config.production.yaml', '--config', configFile], { cwd: app.appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exitCode = code;
    resolve(code);
  }));
  const tail = (lines = 40) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '');
  const baseUrl = `http://127.0.0.1:${o.port}`;
  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    out.end();
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 180_000);
  for (;;) {
    if (exitCode !== undefined) break;
    try {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`fresh app backend not ready within ${o.readyTimeoutMs ?? 180_000} ms; log ${logFile}:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const tokens = new Map<string, string>();
  const token = async (user: string) => {
    const cached = tokens.get(user);
    if (cached) return cached;
    const res = await fetch(`${baseUrl}/api/auth/oauth2Proxy/refresh`, { headers: { [FORWARDED_USER_HEADER]: user } });
    const body = (await res.json()) as { backstageIdentity?: { token?: string } };
    if (!res.ok || !body.backstageIdentity?.token) throw new Error(`sign-in as ${user}: ${res.status} ${JSON.stringify(body)}`);
    tokens.set(user, body.backstageIdentity.token);
    return body.backstageIdentity.token;
  };
  return {
    baseUrl,
    logFile,
    child,
    tail,
    token,
    async fetchAs(user, p, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${await token(user)}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${baseUrl}${p}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    stop,
    exited,
  };
}
