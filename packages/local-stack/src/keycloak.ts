/**
 * Keycloak on loopback with the realms the Docker stack imports: the same files
 * (provisioning/keycloak/*-realm.json), imported with `--import-realm` from a per-run home whose
 * data/import folder links to them, and the same `${NAME}` placeholders, filled from the environment
 * or generated for this run. Installed by setup (scripts/tools/install-keycloak.sh) into .tools/keycloak,
 * pre-built for an in-memory database, so a start is `kc.sh start --optimized` without a rebuild.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { httpOk, startProcess, type ManagedProcess } from './process';
import { repoRoot } from './paths';

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

/** Values for the placeholders (see KeycloakOptions.realmEnv). */
export function keycloakRealmEnv(files: readonly RealmFile[], given: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const f of files) {
    for (const name of f.placeholders) {
      if (name in out) continue;
      const v = given[name] ?? env[name];
      if (v !== undefined && v !== '') out[name] = v;
      else if (/_(SECRET|PASSWORD)$/.test(name)) out[name] = generated();
      else if (PUBLIC_URL_DEFAULTS[name]) out[name] = PUBLIC_URL_DEFAULTS[name]!;
      else missing.push(`${name} (${path.basename(f.file)})`);
    }
  }
  if (missing.length > 0) throw new Error(`Keycloak realm files need values for ${missing.join(', ')}: set them in the environment or pass realmEnv`);
  return out;
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

/** Starts Keycloak (HTTP on 127.0.0.1, in-memory database) with the pack's realms imported. */
export async function startKeycloak(o: KeycloakOptions): Promise<RunningKeycloak> {
  const install = keycloakInstall();
  const files = keycloakRealmFiles();
  const realmEnv = keycloakRealmEnv(files, o.realmEnv);
  const admin = o.admin ?? {
    username: process.env.KEYCLOAK_ADMIN_USERNAME || 'admin',
    password: process.env.KEYCLOAK_ADMIN_PASSWORD || generated(),
  };
  const home = prepareHome(install.home, o.dir, files);
  const url = `http://127.0.0.1:${o.port}`;
  const realms = files.map((f) => f.realm);
  const discovery = realms.map((r) => httpOk(`${url}/realms/${r}/.well-known/openid-configuration`));
  const proc = await startProcess({
    name: 'keycloak',
    command: path.join(home, 'bin', 'kc.sh'),
    args: [
      'start', '--optimized', '--import-realm',
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
