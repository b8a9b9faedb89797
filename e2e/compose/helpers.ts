/**
 * Static readers for docker-compose.yml, provisioning/ and docker/: compose variable interpolation, the
 * services' mounts, environments and listening ports, and the ways each component reads environment
 * variables in its own files. Nothing here needs Docker; e2e/compose/*.test.ts use it to check that the
 * files agree with each other.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const ENV_EXAMPLE = path.join(ROOT, 'docker', '.env.example');

export const rel = (p: string): string => path.relative(ROOT, p) || '.';
export const readText = (p: string): string => readFileSync(path.isAbsolute(p) ? p : path.join(ROOT, p), 'utf8');

/** YAML with merge keys (`<<: *anchor`) as docker-compose reads them. */
export function readYaml<T = any>(p: string): T {
  return parseYaml(readText(p), { merge: true, maxAliasCount: -1 }) as T;
}

export function readJson<T = any>(p: string): T {
  return JSON.parse(readText(p)) as T;
}

/** Files under a folder, recursively, as absolute paths (sorted). */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out.sort();
}

export const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

// ── compose interpolation ───────────────────────────────────────────────────────────────────────────

export type Env = Readonly<Record<string, string | undefined>>;

export class MissingVariableError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
  }
}

/**
 * Compose's variable substitution: `$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`, `${NAME:+alt}`, `${NAME+alt}` (no nesting, as in docker-compose 1.x).
 */
export function interpolate(s: string, env: Env): string {
  return s.replace(/\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, braced, op, arg, bare) => {
    if (m === '$$') return '$';
    const name: string = braced ?? bare;
    const v = env[name];
    const unsetOrEmpty = v === undefined || v === '';
    if (!op) return v ?? '';
    const missing = op.startsWith(':') ? unsetOrEmpty : v === undefined;
    switch (op.slice(-1)) {
      case '-':
        return missing ? arg : (v as string);
      case '+':
        return missing ? '' : arg;
      default:
        if (missing) throw new MissingVariableError(name, arg || `${name} is required`);
        return v as string;
    }
  });
}

export function interpolateDeep<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)])) as T;
  }
  return value;
}

/** Variables that docker-compose.yml requires (`${NAME:?...}`), with their error messages. */
export function requiredComposeVariables(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { value } of leafStrings(readYaml(COMPOSE_FILE))) {
    for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?([^}]*)\}/g)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Keys of docker/.env.example: `required` are the uncommented `KEY=` lines, `optional` the commented ones. */
export function envExample(): { required: string[]; optional: string[]; entries: Map<string, string> } {
  const required: string[] = [];
  const optional: string[] = [];
  const entries = new Map<string, string>();
  for (const line of readText(ENV_EXAMPLE).split('\n')) {
    const on = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (on) {
      required.push(on[1]!);
      entries.set(on[1]!, on[2]!);
      continue;
    }
    const off = /^#\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (off) optional.push(off[1]!);
  }
  return { required, optional, entries };
}

/** A sample environment with every required variable set (values are derived, not secrets). */
export function sampleEnv(): Record<string, string> {
  return Object.fromEntries(envExample().required.map((k) => [k, `sample-${k.toLowerCase().replace(/_/g, '-')}`]));
}

// ── the compose model ───────────────────────────────────────────────────────────────────────────────

export interface Mount {
  type: 'bind' | 'volume';
  /** Absolute host path for binds, volume name for volumes. */
  source: string;
  target: string;
  readOnly: boolean;
  raw: string;
}

export interface Service {
  name: string;
  /** The service as written (before interpolation). */
  raw: any;
  /** The service with the sample environment interpolated. */
  def: any;
}

export interface Compose {
  raw: any;
  resolved: any;
  services: Map<string, Service>;
}

export function loadCompose(env: Env = sampleEnv()): Compose {
  const raw = readYaml(COMPOSE_FILE);
  const resolved = interpolateDeep(raw, env);
  const services = new Map<string, Service>();
  for (const [name, def] of Object.entries<any>(resolved.services)) services.set(name, { name, raw: raw.services[name], def });
  return { raw, resolved, services };
}

export function service(c: Compose, name: string): Service {
  const s = c.services.get(name);
  if (!s) throw new Error(`docker-compose.yml has no service ${JSON.stringify(name)}`);
  return s;
}

export function mounts(s: Service): Mount[] {
  return (s.def.volumes ?? []).map((v: unknown): Mount => {
    if (typeof v !== 'string') throw new Error(`${s.name}: only the short volume syntax is used in this stack, got ${JSON.stringify(v)}`);
    const parts = v.split(':');
    const [source, target, mode] = [parts[0]!, parts[1]!, parts[2]];
    const bind = source.startsWith('.') || source.startsWith('/');
    return {
      type: bind ? 'bind' : 'volume',
      source: bind ? path.resolve(ROOT, source) : source,
      target,
      readOnly: mode === 'ro',
      raw: v,
    };
  });
}

/** Host path that a container path of the service comes from (longest bind-mount prefix), if any. */
export function hostPathFor(s: Service, containerPath: string): string | undefined {
  let best: Mount | undefined;
  for (const m of mounts(s)) {
    if (m.type !== 'bind') continue;
    if (containerPath === m.target || containerPath.startsWith(`${m.target.replace(/\/$/, '')}/`)) {
      if (!best || m.target.length > best.target.length) best = m;
    }
  }
  if (!best) return undefined;
  return path.join(best.source, path.relative(best.target, containerPath));
}

/** The service's environment as a map (resolved, or as written with `raw: true`). */
export function environment(s: Service, o: { raw?: boolean } = {}): Record<string, string> {
  const e = (o.raw ? s.raw : s.def).environment ?? {};
  if (Array.isArray(e)) {
    return Object.fromEntries(e.map((kv: string) => {
      const i = kv.indexOf('=');
      return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** Container ports of `ports:` (and the host port and interface they are published on). */
export function publishedPorts(s: Service): { hostIp?: string; host: number; container: number }[] {
  return (s.def.ports ?? []).map((p: unknown) => {
    const parts = String(p).split(':');
    if (parts.length === 3) return { hostIp: parts[0], host: Number(parts[1]), container: Number(parts[2]) };
    if (parts.length === 2) return { host: Number(parts[0]), container: Number(parts[1]) };
    throw new Error(`${s.name}: publish ports as [ip:]host:container, got ${JSON.stringify(p)}`);
  });
}

/** Ports the service declares it listens on: `expose` plus the container side of `ports`. */
export function declaredPorts(s: Service): Set<number> {
  const out = new Set<number>((s.def.expose ?? []).map((p: unknown) => Number(String(p).split('/')[0])));
  for (const p of publishedPorts(s)) out.add(p.container);
  return out;
}

/** A command or entrypoint as a list of arguments. */
export function argv(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(/\s+/).filter(Boolean);
}

/** Value of `--flag=value` or `--flag value` in an argument list. */
export function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === name) return args[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

// ── addresses ───────────────────────────────────────────────────────────────────────────────────────

export interface Address {
  host: string;
  port: number;
}

/** host and port of `scheme://host:port/...`, `jdbc:postgresql://host:port/db` or `host:port`. */
export function address(s: string): Address {
  const text = s.replace(/^jdbc:/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const u = new URL(text);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : NaN;
    return { host: u.hostname, port };
  }
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (!m) throw new Error(`not an address: ${JSON.stringify(s)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

export const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);
export const ANY_HOSTS = new Set(['0.0.0.0', '::', '']);

// ── how each component reads its environment ────────────────────────────────────────────────────────

export interface EnvRef {
  name: string;
  /** true when the reference has a default (used only when the variable is unset). */
  hasDefault: boolean;
  where: string;
}

/** Leaf strings of a parsed YAML/JSON document, with their paths. */
export function leafStrings(value: unknown, at = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leafStrings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafStrings(v, at ? `${at}.${k}` : k));
  return [];
}

/**
 * Grafana provisioning files (data sources, dashboard providers, plugins, alerting): Grafana expands
 * `$NAME` and `${NAME}` in values from its environment; `$$` is a literal dollar. Any other `$` would be
 * expanded to an empty string, so it is reported in `invalid`.
 */
export function grafanaProvisioningRefs(doc: unknown, file: string): { refs: EnvRef[]; invalid: string[] } {
  const refs: EnvRef[] = [];
  const invalid: string[] = [];
  for (const { path: at, value } of leafStrings(doc)) {
    const re = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))?/g;
    for (const m of value.matchAll(re)) {
      if (m[1] === '$') continue;
      const name = m[2] ?? m[3];
      if (name) refs.push({ name, hasDefault: false, where: `${file}: ${at}` });
      else invalid.push(`${file}: ${at}: ${JSON.stringify(value)} (write a literal dollar as $$)`);
    }
  }
  return { refs, invalid };
}

/** grafana.ini: `$__env{NAME}` (and `$__file{...}`); other dollars are reported. Comment lines are skipped. */
export function grafanaIniRefs(text: string, file: string): { refs: EnvRef[]; invalid: string[] } {
  const refs: EnvRef[] = [];
  const invalid: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*[#;]/.test(line)) return;
    for (const m of line.matchAll(/\$(__env|__file|__vault)?(\{[^}]*\})?/g)) {
      if (m[1] === '__env' && m[2]) refs.push({ name: m[2].slice(1, -1), hasDefault: false, where: `${file}:${i + 1}` });
      else if (m[1] === '__file' && m[2]) continue;
      else invalid.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  });
  return { refs, invalid };
}

/** Keycloak realm import: `${NAME}` or `${NAME:default}` placeholders in any string value. */
export function keycloakRefs(doc: unknown, file: string): EnvRef[] {
  return leafStrings(doc).flatMap(({ path: at, value }) =>
    [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\}/g)].map((m) => ({ name: m[1]!, hasDefault: Boolean(m[2]), where: `${file}: ${at}` })),
  );
}

/** Backstage app-config: `${NAME}` / `${NAME:-default}` in string values (`$${` is a literal). */
export function backstageRefs(doc: unknown, file: string): EnvRef[] {
  return leafStrings(doc).flatMap(({ path: at, value }) =>
    [...value.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)].map((m) => ({ name: m[1]!, hasDefault: Boolean(m[2]), where: `${file}: ${at}` })),
  );
}

/** Shell scripts: upper-case `${NAME...}` expansions (lower-case names are the script's own variables). */
export function shellRefs(text: string, file: string): EnvRef[] {
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(:?[-=+?][^}]*)?\}/g)].map((m) => ({
    name: m[1]!,
    hasDefault: Boolean(m[2] && /^:?[-=]/.test(m[2])),
    where: file,
  }));
}

/** Node scripts: `process.env.NAME` with or without a `??` default. */
export function nodeRefs(text: string, file: string): EnvRef[] {
  return [...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)(\s*\?\?)?/g)].map((m) => ({ name: m[1]!, hasDefault: Boolean(m[2]), where: file }));
}

/** OpenTelemetry Collector config: `${env:NAME}` / `${env:NAME:-default}`; `$$` is a literal dollar. */
export function collectorRefs(text: string, file: string): EnvRef[] {
  return [...text.matchAll(/(?<!\$)\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g)].map((m) => ({ name: m[1]!, hasDefault: m[2] !== undefined, where: file }));
}

/** Default value of `${env:NAME:-default}` in a collector config. */
export function collectorDefaults(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/(?<!\$)\$\{env:([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}/g)) out.set(m[1]!, m[2]!);
  return out;
}

// ── ini ─────────────────────────────────────────────────────────────────────────────────────────────

/** A small ini reader (Grafana's format: `[section]`, `key = value`, `#`/`;` comment lines). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>([['', new Map()]]);
  let section = out.get('')!;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = out.get(sec[1]!) ?? new Map();
      out.set(sec[1]!, section);
      continue;
    }
    const i = line.indexOf('=');
    if (i < 0) throw new Error(`ini: not a key = value line: ${JSON.stringify(line)}`);
    section.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** Replaces `$__env{NAME}` by the service's environment value. */
export function expandGrafanaIni(value: string, env: Env): string {
  return value.replace(/\$__env\{([^}]+)\}/g, (_m, name: string) => env[name] ?? '');
}

// ── Dockerfiles ─────────────────────────────────────────────────────────────────────────────────────

export interface DockerfileInfo {
  /** `ARG NAME=default` lines (first occurrence; args without a default map to undefined). */
  args: Map<string, string | undefined>;
  /** FROM references as written (variables not expanded). */
  from: string[];
}

export function readDockerfile(file: string): DockerfileInfo {
  const args = new Map<string, string | undefined>();
  const from: string[] = [];
  const text = readText(file).replace(/\\\n/g, ' ');
  for (const line of text.split('\n')) {
    const a = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S+))?/.exec(line);
    if (a && !args.has(a[1]!)) args.set(a[1]!, a[2]);
    const f = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (f) from.push(f[1]!);
  }
  return { args, from };
}

/** An image reference pinned to an explicit version tag (not `latest`, not untagged). */
export function isPinnedImage(ref: string): boolean {
  const m = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9._/-]+:([A-Za-z0-9._-]+)(@sha256:[a-f0-9]{64})?$/.exec(ref);
  return Boolean(m && m[1] !== 'latest' && /\d/.test(m[1]!));
}

/** scripts/tools/versions.env as a map. */
export function versionsEnv(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readText('scripts/tools/versions.env').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
