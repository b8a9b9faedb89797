/**
 * Reusable start/stop helpers for the Backstage end-to-end tests: the real backend (new backend system)
 * as a child process on a free loopback port, serving the built frontend; guest and sample-user tokens
 * (the dev-only devUsers provider) for API calls and sign-in of a browser page as a sample user;
 * headless Chromium through playwright-core; and PostgreSQL, either from POSTGRES_* or a throwaway
 * local cluster. Nothing here builds anything: run `npm run build` in backstage-plugins/ first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Locator, type Page, type Response as PageResponse } from 'playwright-core';
import { Client } from 'pg';

export const BACKSTAGE_ROOT = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(BACKSTAGE_ROOT, '..');
export const BACKEND_DIR = path.join(BACKSTAGE_ROOT, 'packages', 'backend');
export const APP_DIST = path.join(BACKSTAGE_ROOT, 'packages', 'app', 'dist');
/** Logs of the processes the tests start; `.run/` is git-ignored. */
export const LOG_DIR = path.join(REPO_ROOT, '.run', 'backstage-e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The sample catalog's gateway-fronted APIs, named as in the traffic simulator and the metrics. */
export const SAMPLE_HTTP_APIS = ['orders', 'payments', 'inventory', 'customers', 'shipping', 'notifications'] as const;
/** The sample catalog's event APIs (AsyncAPI over Kafka). */
export const SAMPLE_EVENT_APIS = ['notification-events', 'inventory-events', 'governance-events', 'canary-gate-events'] as const;
export const SAMPLE_APIS = [...SAMPLE_HTTP_APIS, ...SAMPLE_EVENT_APIS];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(path.join(APP_DIST, 'index.html'))) {
    return `frontend bundle missing (${path.relative(REPO_ROOT, APP_DIST)}/index.html): run \`npm run build\` in backstage-plugins/ first`;
  }
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Child {
  child: ChildProcess;
  logFile: string;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<void>;
  tail(lines?: number): string;
  stop(timeoutMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

function startChild(name: string, command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Child {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  // The test runner marks its children with NODE_TEST_CONTEXT; a server must not inherit it.
  const env = { ...process.env, ...opts.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const c: Child = {
    child,
    logFile,
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        c.exit = { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        c.exit = { code: null, signal: null };
        log.write(`spawn error: ${err.message}\n`);
        resolve();
      });
    }),
    tail(lines = 40) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(timeoutMs = 15_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (!c.exit) {
        child.kill(signal);
        const done = await Promise.race([c.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
        if (!done) {
          child.kill('SIGKILL');
          await c.exited;
        }
      }
      log.end();
    },
  };
  return c;
}

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface StartBackstageOptions {
  /** Name of the log file under .run/backstage-e2e/. */
  name?: string;
  /** 'sqlite' (default: better-sqlite3 in memory) or a PostgreSQL server. */
  database?: { client: 'sqlite' } | { client: 'pg'; connection: PostgresConnection; prefix?: string };
  /** Config files loaded after the app's own (e.g. app-config.keycloak.yaml), before `config`. */
  configFiles?: string[];
  /** Extra config, merged last (written to a temporary config file). */
  config?: Record<string, unknown>;
  /** The port (default: a free one), for callers that must name the URL before the start (OIDC redirect URIs). */
  port?: number;
  /** Extra environment of the backend process. */
  env?: NodeJS.ProcessEnv;
  /** Until the readiness endpoint answers 200 (default 180 s: the machine may be busy). */
  readyTimeoutMs?: number;
}

export interface RunningBackstage {
  port: number;
  baseUrl: string;
  logFile: string;
  tail(lines?: number): string;
  /** A guest user's Backstage token (the guest provider is enabled in the dev app). */
  guestToken(): Promise<string>;
  /** GET a backend path with the guest token; throws on a non-2xx answer. */
  getJson<T = unknown>(pathAndQuery: string): Promise<T>;
  /**
   * Signs `user` (a sample catalog user's name, e.g. `emma.orders`, or entity ref) in through the dev-only
   * `devUsers` auth provider (header `x-dev-user`): a real Backstage token issued by the auth backend, with
   * the user's entity ref and ownership refs. Throws on a non-2xx answer. Not cached.
   */
  signInAs(user: string): Promise<DevUserSession>;
  /** A real Backstage token of `user` (cached per user). */
  userToken(user: string): Promise<string>;
  /** fetch() of a backend path with `user`'s token (JSON body when `json` is given); returns the Response. */
  fetchAs(user: string, pathAndQuery: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Waits until the catalog serves at least these API entities (initial processing is asynchronous). */
  waitForApis(names?: readonly string[], timeoutMs?: number): Promise<CatalogEntity[]>;
  stop(): Promise<void>;
}

/** The answer of `/api/auth/devUsers/refresh` (and `/api/auth/guest/refresh`). */
export interface DevUserSession {
  profile: { displayName?: string; email?: string; picture?: string };
  backstageIdentity: {
    token: string;
    expiresInSeconds?: number;
    identity: { type: 'user'; userEntityRef: string; ownershipEntityRefs: string[] };
  };
}

/** The dev-only auth provider of the dev backend (packages/backend/src/devUsersAuth.ts) and its header. */
export const DEV_USERS_PROVIDER = 'devUsers';
export const DEV_USER_HEADER = 'x-dev-user';
/** localStorage key of the dev app sign-in page's remembered choice (packages/app/src/signIn.tsx). */
export const DEV_SIGN_IN_STORAGE_KEY = 'api-observatory:dev-sign-in';

/** Signs `user` in at the dev backend `baseUrl` through the devUsers provider; throws on a non-2xx answer. */
export async function devUserSignIn(baseUrl: string, user: string): Promise<DevUserSession> {
  const res = await fetch(`${baseUrl}/api/auth/${DEV_USERS_PROVIDER}/refresh`, { headers: { [DEV_USER_HEADER]: user } });
  const text = await res.text();
  if (!res.ok) throw new Error(`sign-in as ${user} failed: ${res.status} ${text}`);
  return JSON.parse(text) as DevUserSession;
}

export interface CatalogEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; title?: string; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

/**
 * Starts the real backend (`packages/backend/src/index.ts`, run by tsx) production-style: app-config.yaml
 * + app-config.production.yaml (+ app-config.postgres.yaml for PostgreSQL), so the backend's app plugin
 * serves the built frontend on the same port. Resolves once `/.backstage/health/v1/readiness` is 200.
 */
export async function startBackstage(opts: StartBackstageOptions = {}): Promise<RunningBackstage> {
  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const name = opts.name ?? `backend-${port}`;
  const configs = [...['app-config.yaml', 'app-config.production.yaml'].map((f) => path.join(BACKSTAGE_ROOT, f)), ...(opts.configFiles ?? [])];
  const env: NodeJS.ProcessEnv = { BACKSTAGE_BACKEND_PORT: String(port), ...opts.env };
  const extra: Record<string, unknown> = { ...(opts.config ?? {}) };
  const db = opts.database ?? { client: 'sqlite' };
  if (db.client === 'pg') {
    configs.push(path.join(BACKSTAGE_ROOT, 'app-config.postgres.yaml'));
    Object.assign(env, {
      POSTGRES_HOST: db.connection.host,
      POSTGRES_PORT: String(db.connection.port),
      POSTGRES_USER: db.connection.user,
      POSTGRES_PASSWORD: db.connection.password,
    });
    if (db.prefix) mergeInto(extra, { backend: { database: { prefix: db.prefix } } });
  }
  let extraFile: string | undefined;
  if (Object.keys(extra).length > 0) {
    mkdirSync(LOG_DIR, { recursive: true });
    extraFile = path.join(LOG_DIR, `${name}.config.json`); // JSON is YAML
    writeFileSync(extraFile, JSON.stringify(extra, null, 2));
    configs.push(extraFile);
  }
  // As scripts/serve.sh: the instrumentation file first (traces exported when OTEL_EXPORTER_OTLP_ENDPOINT is in opts.env).
  const args = ['--import', 'tsx', '--import', './src/instrumentation.ts', 'src/index.ts', ...configs.flatMap((c) => ['--config', c])];
  const proc = startChild(name, process.execPath, args, { cwd: BACKEND_DIR, env });

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  for (;;) {
    if (proc.exit) {
      throw new Error(`backend exited (code ${proc.exit.code}, signal ${proc.exit.signal}) before it was ready; log ${proc.logFile}:\n${proc.tail()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop(5_000, 'SIGKILL');
      throw new Error(`backend not ready within ${opts.readyTimeoutMs ?? 180_000} ms; log ${proc.logFile}:\n${proc.tail()}`);
    }
    await sleep(500);
  }

  let token: string | undefined;
  const guestToken = async () => {
    if (token) return token;
    const res = await fetch(`${baseUrl}/api/auth/guest/refresh`);
    const body = (await res.json()) as { backstageIdentity?: { token?: string } };
    if (!res.ok || !body.backstageIdentity?.token) throw new Error(`guest sign-in failed: ${res.status} ${JSON.stringify(body)}`);
    token = body.backstageIdentity.token;
    return token;
  };
  const getJson = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${await guestToken()}` } });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const userTokens = new Map<string, string>();
  const userToken = async (user: string) => {
    const cached = userTokens.get(user);
    if (cached) return cached;
    const t = (await devUserSignIn(baseUrl, user)).backstageIdentity.token;
    userTokens.set(user, t);
    return t;
  };
  const fetchAs = async (user: string, pathAndQuery: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${await userToken(user)}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${pathAndQuery}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };
  return {
    port,
    baseUrl,
    logFile: proc.logFile,
    tail: proc.tail,
    guestToken,
    getJson,
    signInAs: (user: string) => devUserSignIn(baseUrl, user),
    userToken,
    fetchAs,
    async waitForApis(names: readonly string[] = SAMPLE_APIS, timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      let seen: string[] = [];
      for (;;) {
        const apis = await getJson<CatalogEntity[]>('/api/catalog/entities?filter=kind=api');
        seen = apis.map((e) => e.metadata.name);
        if (names.every((n) => seen.includes(n))) return apis;
        if (Date.now() > until) {
          throw new Error(`catalog serves APIs [${seen.join(', ')}], missing [${names.filter((n) => !seen.includes(n)).join(', ')}]; log ${proc.logFile}:\n${proc.tail()}`);
        }
        await sleep(1_000);
      }
    },
    async stop() {
      await proc.stop();
      if (extraFile) rmSync(extraFile, { force: true });
    },
  };
}

function mergeInto(target: Record<string, unknown>, src: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(src)) {
    const cur = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      mergeInto(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
}

/** Headless Chromium (the distribution's, not a downloaded build). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Opens `url` and, when the app shows its sign-in page, enters as the guest user.
 * Resolves when the sign-in page is gone.
 */
export async function openSignedIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  const signedIn = page.locator('nav, [data-testid="sidebar-root"]').first();
  await Promise.race([handled(enter.waitFor({ timeout: 60_000 })), handled(signedIn.waitFor({ timeout: 60_000 }))]);
  if (await enter.isVisible()) {
    await enter.click();
    await enter.waitFor({ state: 'detached', timeout: 60_000 });
  }
}

/**
 * `p` with a no-op rejection handler attached, returned unchanged (the caller still sees the rejection when
 * it awaits `p`). For promises a step starts but may not await (a response it waits for, the loser of a
 * race): without the handler they reject unhandled when the step fails first or the page closes, and
 * node:test then reports "Target page, context or browser has been closed" instead of the real failure.
 */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Opens `url` signed in as the sample user `user` (name, e.g. `carla.pm`) through the dev app's sign-in page
 * ("Sign in as a sample user", which calls the devUsers provider with the `x-dev-user` header). Resolves
 * with the identity the auth backend issued once the sign-in page is gone. A page already signed in as
 * someone else (the choice is kept in localStorage per origin) is switched to `user` first.
 */
export async function openSignedInAs(page: Page, url: string, user: string): Promise<DevUserSession> {
  const wanted = user.includes(':') || user.includes('/') ? user : `user:default/${user}`;
  const name = wanted.replace(/^.*[:/]/, '');
  const isRefresh = (r: PageResponse) =>
    r.url().includes(`/api/auth/${DEV_USERS_PROVIDER}/refresh`) && r.request().headers()[DEV_USER_HEADER]?.toLowerCase() === wanted.toLowerCase();
  let refresh = handled(page.waitForResponse(isRefresh, { timeout: 90_000 }));
  await page.goto(url);
  const button = page.getByTestId(`dev-user-${name}`);
  // The app's sidebar: present once signed in (Playwright deems it hidden: its boxes have no height).
  const signedIn = page.locator('[data-testid="sidebar-root"]').first();
  await Promise.race([handled(button.waitFor({ timeout: 60_000 })), handled(signedIn.waitFor({ state: 'attached', timeout: 60_000 }))]);
  if (await button.isVisible()) {
    await button.click();
    await button.waitFor({ state: 'detached', timeout: 60_000 });
  } else {
    const stored = await page.evaluate((k) => localStorage.getItem(k), DEV_SIGN_IN_STORAGE_KEY);
    if (!stored || (JSON.parse(stored) as { user?: string }).user?.toLowerCase() !== wanted.toLowerCase()) {
      await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [DEV_SIGN_IN_STORAGE_KEY, JSON.stringify({ provider: DEV_USERS_PROVIDER, user: wanted })]);
      refresh = handled(page.waitForResponse(isRefresh, { timeout: 90_000 }));
      await page.reload();
    }
  }
  const res = await refresh;
  const body = (await res.json()) as DevUserSession;
  if (!res.ok()) throw new Error(`sign-in as ${user} failed: ${res.status()} ${JSON.stringify(body)}`);
  await signedIn.waitFor({ state: 'attached', timeout: 60_000 });
  return body;
}

/**
 * Clicks `target` and resolves with the JSON body of the page's `method` request to a URL whose path ends
 * with `pathEnd` (the backend call the click makes); throws, with the body, when its status is not `status`.
 */
export async function clickForJson<T = unknown>(page: Page, target: Locator, call: { method: string; pathEnd: string; status: number }): Promise<T> {
  const answer = handled(page.waitForResponse((r) => r.request().method() === call.method && new URL(r.url()).pathname.endsWith(call.pathEnd)));
  await target.click();
  const res = await answer;
  const text = await res.text();
  if (res.status() !== call.status) throw new Error(`${call.method} ${res.url()}: expected ${call.status}, got ${res.status()} ${text}`);
  return JSON.parse(text) as T;
}

export interface LocalPostgres extends PostgresConnection {
  stop(): Promise<void>;
  logFile: string;
}

/** The PostgreSQL server binaries of the Debian `postgresql` package, newest first. */
function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

/** PostgreSQL connection from POSTGRES_HOST/PORT/USER/PASSWORD, when POSTGRES_HOST is set. */
export function postgresFromEnv(): PostgresConnection | undefined {
  const e = process.env;
  if (!e.POSTGRES_HOST) return undefined;
  return { host: e.POSTGRES_HOST, port: Number(e.POSTGRES_PORT ?? 5432), user: e.POSTGRES_USER ?? 'postgres', password: e.POSTGRES_PASSWORD ?? '' };
}

/** Why no PostgreSQL is available, or undefined when one is (from the environment or a local install). */
export function postgresSkipReason(): string | undefined {
  if (postgresFromEnv() || postgresBinDir()) return undefined;
  return 'no PostgreSQL: set POSTGRES_HOST/PORT/USER/PASSWORD, or install the `postgresql` package (apt-get install postgresql) for a throwaway local cluster';
}

/**
 * Starts a throwaway PostgreSQL cluster (initdb into a temp folder) on a free loopback port, with a
 * superuser `backstage` and a random password (scram-sha-256 over TCP). initdb and postgres refuse to
 * run as root, so as root they run as the `postgres` system user (created by the Debian package) via
 * setpriv. The folder is removed on stop().
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresSkipReason());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backstage-e2e-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  let asUser: string[] = [];
  if (process.getuid?.() === 0) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as');
    const uid = Number(id.stdout.trim());
    chownSync(dir, uid, Number(gid.stdout.trim()));
    chownSync(pwfile, uid, Number(gid.stdout.trim()));
    asUser = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--'];
  }
  const run = (cmd: string, args: string[]) => (asUser.length ? [asUser[0]!, [...asUser.slice(1), cmd, ...args]] : [cmd, args]) as [string, string[]];
  const [initCmd, initArgs] = run(path.join(bin, 'initdb'), [
    '-D', data, '-U', 'backstage', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  rmSync(pwfile);
  const port = await freePort();
  const [pgCmd, pgArgs] = run(path.join(bin, 'postgres'), [
    '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
  ]);
  const proc = startChild(`postgres-${port}`, pgCmd, pgArgs, { cwd: dir });
  const conn: PostgresConnection = { host: '127.0.0.1', port, user: 'backstage', password };
  const stop = async () => {
    await proc.stop(15_000, 'SIGINT'); // fast shutdown
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exit) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited (code ${proc.exit.code}); log ${proc.logFile}:\n${proc.tail()}`);
    }
    if (await canQuery(conn)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`postgres not ready within 60 s; log ${proc.logFile}:\n${proc.tail()}`);
    }
    await sleep(300);
  }
  return { ...conn, logFile: proc.logFile, stop };
}

/** Runs one query on `database` (default `postgres`) and returns its rows. */
export async function pgQuery<R = Record<string, unknown>>(conn: PostgresConnection, sql: string, params: unknown[] = [], database = 'postgres'): Promise<R[]> {
  const client = new Client({ ...conn, database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

async function canQuery(conn: PostgresConnection): Promise<boolean> {
  try {
    await pgQuery(conn, 'select 1');
    return true;
  } catch {
    return false;
  }
}

/** Drops the databases whose names start with `prefix` (the plugin databases of one test run). */
export async function dropDatabases(conn: PostgresConnection, prefix: string): Promise<void> {
  const rows = await pgQuery<{ datname: string }>(conn, 'select datname from pg_database where starts_with(datname, $1)', [prefix]);
  for (const { datname } of rows) {
    await pgQuery(conn, `drop database if exists "${datname.replaceAll('"', '""')}" with (force)`);
  }
}
