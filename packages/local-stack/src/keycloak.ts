/**
 * Keycloak on loopback with the realms the Docker stack imports: the same files
 * (provisioning/keycloak/*-realm.json), imported from a per-run home whose data/import folder links to
 * them, and the same `${NAME}` placeholders, filled from the environment or generated. Installed by setup
 * (scripts/tools/install-keycloak.sh) into .tools/keycloak, pre-built for H2 files (dev-file), so a start
 * is `kc.sh start --optimized` without a rebuild.
 *
 * Start time (measured on a busy two-core machine): a fresh database costs about 80 % of a start
 * (Liquibase creating the schema, the master realm, the realm import), so with `realmCache` the import
 * runs once (`kc.sh import`) into a database kept per realm-file content and placeholder values, and every
 * start copies it. Each start is then a JVM start on its own data: single-node caches (`--cache=local`, no
 * JGroups cluster discovery), the C1 compiler only (start-up work, not peak throughput) and, on Java 25+,
 * an AOT cache of loaded and linked classes recorded by that import run.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync,
  statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { httpOk, startProcess, type ManagedProcess } from './process';
import { repoRoot } from './paths';
import { freePorts } from './ports';

/** The realm files of the pack (the Docker stack mounts this folder as Keycloak's import folder). */
export function keycloakRealmDir(): string {
  return path.join(repoRoot(), 'provisioning', 'keycloak');
}

export interface RealmFile {
  file: string;
  realm: string;
  /** `${NAME}` placeholders the file uses (Keycloak fills them from its environment at import). */
  placeholders: string[];
}

/** Every realm file with its realm name and placeholders. */
export function keycloakRealmFiles(dir: string = keycloakRealmDir()): RealmFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const text = readFileSync(file, 'utf8');
      const realm = (JSON.parse(text) as { realm?: unknown }).realm;
      if (typeof realm !== 'string' || realm === '') throw new Error(`${file}: no "realm" name`);
      return { file, realm, placeholders: [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/g)].map((m) => m[1]!))].sort() };
    });
}

export interface KeycloakOptions {
  port: number;
  /** Management port (health endpoints). */
  managementPort: number;
  /** Folder for this run's Keycloak home (emptied). */
  dir: string;
  logDir: string;
  /**
   * Bootstrap admin of the master realm. Default: KEYCLOAK_ADMIN_USERNAME / KEYCLOAK_ADMIN_PASSWORD from
   * the environment, else `admin` with a password generated for this run.
   */
  admin?: { username: string; password: string };
  /**
   * Values for the realm files' placeholders. Each one not given here is read from the environment; a
   * missing secret or password (`*_SECRET`, `*_PASSWORD`) is generated for this run, a missing public URL
   * (`*_PUBLIC_URL`) gets the Docker stack's default; any other missing placeholder is an error.
   */
  realmEnv?: Record<string, string>;
  /**
   * Folder that keeps imported realm databases between runs (one per realm-file content, placeholder
   * values given or read from the environment, admin and installation; generated secrets are kept with
   * it). Unset: every start imports the realm files into a new database.
   */
  realmCache?: string;
  readyTimeoutMs?: number;
}

export interface RunningKeycloak {
  /** Base URL (issuer of a realm: `${url}/realms/<realm>`). */
  url: string;
  /** The realms imported (from the realm files). */
  realms: string[];
  admin: { username: string; password: string };
  /** Every placeholder value the realm files were imported with (client secrets, demo password, URLs). */
  realmEnv: Record<string, string>;
  issuer(realm: string): string;
  tokenUrl(realm: string): string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Docker stack defaults (docker-compose.yml) for URLs the realm files name, when nothing else is given. */
const PUBLIC_URL_DEFAULTS: Record<string, string> = {
  GRAFANA_PUBLIC_URL: 'http://localhost:3000',
  BACKSTAGE_PUBLIC_URL: 'http://localhost:7007',
};

const generated = () => randomBytes(18).toString('base64url');

/** The placeholders' values fixed by the caller, the environment or the defaults, and the names to generate. */
export function keycloakRealmInputs(files: readonly RealmFile[], given: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): { fixed: Record<string, string>; toGenerate: string[] } {
  const fixed: Record<string, string> = {};
  const toGenerate: string[] = [];
  const missing: string[] = [];
  for (const f of files) {
    for (const name of f.placeholders) {
      if (name in fixed || toGenerate.includes(name)) continue;
      const v = given[name] ?? env[name];
      if (v !== undefined && v !== '') fixed[name] = v;
      else if (/_(SECRET|PASSWORD)$/.test(name)) toGenerate.push(name);
      else if (PUBLIC_URL_DEFAULTS[name]) fixed[name] = PUBLIC_URL_DEFAULTS[name]!;
      else missing.push(`${name} (${path.basename(f.file)})`);
    }
  }
  if (missing.length > 0) throw new Error(`Keycloak realm files need values for ${missing.join(', ')}: set them in the environment or pass realmEnv`);
  return { fixed, toGenerate };
}

/** Values for the placeholders (see KeycloakOptions.realmEnv). */
export function keycloakRealmEnv(files: readonly RealmFile[], given: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const { fixed, toGenerate } = keycloakRealmInputs(files, given, env);
  return { ...fixed, ...Object.fromEntries(toGenerate.map((n) => [n, generated()])) };
}

export interface SampleUser {
  username: string;
  /** Realm groups (paths without the leading slash). */
  groups: string[];
  password: string;
}

/** The users of `realm` that sign in with a password, with the password `kc` imported them with (service accounts left out). */
export function keycloakSampleUsers(kc: Pick<RunningKeycloak, 'realmEnv'>, realm: string): SampleUser[] {
  const file = keycloakRealmFiles().find((f) => f.realm === realm);
  if (!file) throw new Error(`no realm file for realm ${realm}`);
  const doc = JSON.parse(readFileSync(file.file, 'utf8')) as {
    users?: Array<{ username: string; groups?: string[]; credentials?: Array<{ type?: string; value?: string }> }>;
  };
  return (doc.users ?? []).flatMap((u) => {
    const cred = u.credentials?.find((c) => c.type === 'password');
    if (!cred?.value) return [];
    const v = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(cred.value)?.[1];
    const password = v ? kc.realmEnv[v] : cred.value;
    if (!password) throw new Error(`${path.basename(file.file)}: user ${u.username}: no value for ${cred.value}`);
    return [{ username: u.username, groups: (u.groups ?? []).map((g) => g.replace(/^\//, '')), password }];
  });
}

/** The installed Keycloak (.tools/keycloak) and the Java 21+ home setup located (.tools/jdk). */
export function keycloakInstall(): { home: string; javaHome: string } {
  const tools = path.join(repoRoot(), '.tools');
  const home = path.join(tools, 'keycloak');
  const javaHome = path.join(tools, 'jdk');
  if (!existsSync(path.join(home, 'bin', 'kc.sh')) || !existsSync(path.join(javaHome, 'bin', 'java'))) {
    throw new Error('Keycloak is not installed: run `npm run setup` (it installs Keycloak with Maven and locates a Java 21+ runtime)');
  }
  return { home: realpathSync(home), javaHome: realpathSync(javaHome) };
}

/** Major version of the Java runtime at `javaHome` (its `release` file), or 0 if unknown. */
function javaMajor(javaHome: string): number {
  try {
    const m = /^JAVA_VERSION="(\d+)/m.exec(readFileSync(path.join(javaHome, 'release'), 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** JVM options of every Keycloak run: start-up work dominates a sandbox or test run, so C1 only. */
const KEYCLOAK_JVM_OPTS = '-XX:TieredStopAtLevel=1';
/** Options of every server start (single node, no cluster discovery or its ports). */
const KEYCLOAK_RUN_ARGS = ['--cache=local'] as const;
/** Imported realm databases kept in a realmCache folder (the newest). */
const REALM_CACHE_KEEP = 4;

interface RealmSnapshot {
  dir: string;
  realmEnv: Record<string, string>;
  admin: { username: string; password: string };
  /** AOT cache recorded by the import run (Java 25+). */
  aotCache?: string;
}

/**
 * A Keycloak home for one run: kc.sh copied (it derives the home from its own path), the installed
 * distribution's read-only parts linked, and data/import linking to the realm files. Keycloak writes
 * only below this folder, so runs never share state and the cached installation stays as built.
 */
function prepareHome(install: string, dir: string, files: readonly RealmFile[]): string {
  rmSync(dir, { recursive: true, force: true });
  const home = path.join(dir, 'home');
  mkdirSync(path.join(home, 'bin'), { recursive: true });
  copyFileSync(path.join(install, 'bin', 'kc.sh'), path.join(home, 'bin', 'kc.sh'));
  for (const entry of readdirSync(install)) {
    if (entry === 'bin' || entry === 'data') continue;
    symlinkSync(path.join(install, entry), path.join(home, entry));
  }
  const importDir = path.join(home, 'data', 'import');
  mkdirSync(importDir, { recursive: true });
  for (const f of files) symlinkSync(f.file, path.join(importDir, path.basename(f.file)));
  return home;
}

/**
 * The imported database for these realm files and values: from `cacheDir` when an earlier run made it,
 * else made now by `kc.sh import` in a staging folder and published by a rename (concurrent runs never
 * see half of one).
 */
async function realmSnapshot(
  install: { home: string; javaHome: string },
  files: readonly RealmFile[],
  cacheDir: string,
  inputs: { fixed: Record<string, string>; toGenerate: string[] },
  adminGiven: { username: string; password: string } | undefined,
  logDir: string,
): Promise<RealmSnapshot> {
  const aot = javaMajor(install.javaHome) >= 25;
  const key = createHash('sha256')
    .update(JSON.stringify({
      install: install.home,
      java: install.javaHome,
      jvm: KEYCLOAK_JVM_OPTS,
      realms: files.map((f) => [path.basename(f.file), readFileSync(f.file, 'utf8')]),
      fixed: Object.entries(inputs.fixed).sort(),
      toGenerate: [...inputs.toGenerate].sort(),
      admin: adminGiven ?? process.env.KEYCLOAK_ADMIN_USERNAME ?? null,
    }))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(cacheDir, key);
  const read = (): RealmSnapshot => {
    const v = JSON.parse(readFileSync(path.join(dir, 'values.json'), 'utf8')) as Pick<RealmSnapshot, 'realmEnv' | 'admin'>;
    const now = new Date();
    utimesSync(dir, now, now);
    const aotCache = path.join(dir, 'keycloak.aot');
    return { dir, realmEnv: v.realmEnv, admin: v.admin, ...(aot && existsSync(aotCache) ? { aotCache } : {}) };
  };
  if (existsSync(path.join(dir, 'values.json'))) return read();

  mkdirSync(cacheDir, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const home = prepareHome(install.home, staging, files);
    const realmEnv = { ...inputs.fixed, ...Object.fromEntries(inputs.toGenerate.map((n) => [n, generated()])) };
    const admin = adminGiven ?? { username: process.env.KEYCLOAK_ADMIN_USERNAME || 'admin', password: generated() };
    const [managementPort] = await freePorts(1);
    mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, 'keycloak-import.log');
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(path.join(home, 'bin', 'kc.sh'), [
      'import', '--optimized', '--dir', path.join(home, 'data', 'import'),
      // The import boots the server's runtime, management interface included: loopback, a free port.
      '--http-host=127.0.0.1', `--http-management-port=${managementPort}`, ...KEYCLOAK_RUN_ARGS,
    ], {
      cwd: home,
      env: {
        ...process.env,
        ...realmEnv,
        JAVA_HOME: install.javaHome,
        // The bootstrap admin is created with the master realm, so with the import.
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
        JAVA_OPTS_APPEND: [KEYCLOAK_JVM_OPTS, ...(aot ? [`-XX:AOTCacheOutput=${path.join(staging, 'keycloak.aot')}`] : [])].join(' '),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.once('error', (e) => { clearTimeout(timer); reject(new Error(`keycloak import: cannot start kc.sh: ${e.message}`)); });
      child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    log.end();
    const h2 = path.join(home, 'data', 'h2');
    if (code !== 0 || !existsSync(h2)) {
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
      throw new Error(`keycloak import of ${files.map((f) => path.basename(f.file)).join(', ')} failed (exit code ${code}). Log ${logFile}:\n${tail}`);
    }
    renameSync(h2, path.join(staging, 'h2'));
    rmSync(home, { recursive: true, force: true });
    writeFileSync(path.join(staging, 'values.json'), `${JSON.stringify({ realmEnv, admin }, null, 2)}\n`, { mode: 0o600 });
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another run published the same snapshot first: use that one.
      if (!existsSync(path.join(dir, 'values.json'))) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  pruneRealmCache(cacheDir);
  return read();
}

/** Keeps the newest REALM_CACHE_KEEP snapshots (each realm-file edit or new port for Backstage makes one). */
function pruneRealmCache(cacheDir: string): void {
  const entries = readdirSync(cacheDir)
    .filter((e) => /^[0-9a-f]{16}$/.test(e))
    .map((e) => ({ dir: path.join(cacheDir, e), mtime: statSync(path.join(cacheDir, e)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const e of entries.slice(REALM_CACHE_KEEP)) rmSync(e.dir, { recursive: true, force: true });
}

/** Starts Keycloak (HTTP on 127.0.0.1, H2 database files in its run folder) with the pack's realms imported. */
export async function startKeycloak(o: KeycloakOptions): Promise<RunningKeycloak> {
  const install = keycloakInstall();
  const files = keycloakRealmFiles();
  const adminGiven = o.admin ?? (process.env.KEYCLOAK_ADMIN_PASSWORD
    ? { username: process.env.KEYCLOAK_ADMIN_USERNAME || 'admin', password: process.env.KEYCLOAK_ADMIN_PASSWORD }
    : undefined);
  const snapshot = o.realmCache
    ? await realmSnapshot(install, files, o.realmCache, keycloakRealmInputs(files, o.realmEnv), adminGiven, o.logDir)
    : undefined;
  const realmEnv = snapshot?.realmEnv ?? keycloakRealmEnv(files, o.realmEnv);
  const admin = snapshot?.admin ?? adminGiven ?? { username: process.env.KEYCLOAK_ADMIN_USERNAME || 'admin', password: generated() };
  const home = prepareHome(install.home, o.dir, files);
  // A copy: the run's sign-ins and changed passwords never reach the snapshot.
  if (snapshot) cpSync(path.join(snapshot.dir, 'h2'), path.join(home, 'data', 'h2'), { recursive: true });
  const url = `http://127.0.0.1:${o.port}`;
  const realms = files.map((f) => f.realm);
  const discovery = realms.map((r) => httpOk(`${url}/realms/${r}/.well-known/openid-configuration`));
  const proc = await startProcess({
    name: 'keycloak',
    command: path.join(home, 'bin', 'kc.sh'),
    args: [
      'start', '--optimized', ...(snapshot ? [] : ['--import-realm']), ...KEYCLOAK_RUN_ARGS,
      '--http-enabled=true', '--http-host=127.0.0.1', `--http-port=${o.port}`,
      `--http-management-port=${o.managementPort}`,
      // Tokens carry the URL they were requested on (loopback here); no TLS on loopback.
      '--hostname-strict=false',
    ],
    env: {
      ...realmEnv,
      JAVA_HOME: install.javaHome,
      KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      JAVA_OPTS_APPEND: [KEYCLOAK_JVM_OPTS, ...(snapshot?.aotCache ? [`-XX:AOTCache=${snapshot.aotCache}`] : [])].join(' '),
    },
    cwd: home,
    logDir: o.logDir,
    // Ready when the server answers and every realm file was imported.
    ready: async () => (await httpOk(`http://127.0.0.1:${o.managementPort}/health/ready`)()) && (await Promise.all(discovery.map((d) => d()))).every(Boolean),
    // A JVM start on a busy two-core machine.
    readyTimeoutMs: o.readyTimeoutMs ?? 180_000,
  });
  return {
    url,
    realms,
    admin,
    realmEnv,
    issuer: (realm) => `${url}/realms/${realm}`,
    tokenUrl: (realm) => `${url}/realms/${realm}/protocol/openid-connect/token`,
    process: proc,
    stop: () => proc.stop(),
  };
}

/**
 * The sample consumer applications of realm partners (its client-credentials clients) with the secret
 * this Keycloak imported them with: what the simulator needs to obtain real tokens.
 */
export function partnerApplications(kc: RunningKeycloak): Array<{ tokenUrl: string; clientId: string; clientSecret: string }> {
  const file = keycloakRealmFiles().find((f) => f.realm === 'partners');
  if (!file) throw new Error('no partners realm among the realm files');
  const realm = JSON.parse(readFileSync(file.file, 'utf8')) as { clients?: Array<{ clientId: string; secret?: string; serviceAccountsEnabled?: boolean }> };
  return (realm.clients ?? [])
    .filter((c) => c.serviceAccountsEnabled)
    .map((c) => {
      const v = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(c.secret ?? '')?.[1];
      const clientSecret = v ? kc.realmEnv[v] : c.secret;
      if (!clientSecret) throw new Error(`${path.basename(file.file)}: client ${c.clientId} has no secret`);
      return { tokenUrl: kc.tokenUrl('partners'), clientId: c.clientId, clientSecret };
    });
}
