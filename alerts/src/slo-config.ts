import YAML from 'yaml';
import { BURN_RATE_TIERS, type Sli } from '@api-observatory/telemetry-contract';

/**
 * alerts/slo.yaml: the one file that sets each API's objectives. `defaults` apply to every listed API
 * (per-field overrides) and, unless `apply_to_unlisted: false`, to every API that sends traffic and is
 * not listed. Errors name the field, e.g. `apis.orders.latency.threshold_seconds`.
 */

export interface AvailabilitySpec {
  /** Percentage of requests that must not be answered 5xx, e.g. 99.9. */
  objective: number;
}
export interface LatencySpec {
  /** Percentage of requests that must complete within `thresholdSeconds`, e.g. 99. */
  objective: number;
  /** Upper bound in seconds; must be a bucket bound (`le`) of the gateway's request-latency histogram. */
  thresholdSeconds: number;
}
export interface ApiSlo {
  availability?: AvailabilitySpec;
  latency?: LatencySpec;
  labels: Record<string, string>;
}
export interface SloConfig {
  runbookBaseUrl: string;
  defaults: ApiSlo & { applyToUnlisted: boolean };
  apis: Record<string, ApiSlo>;
}

/** Which APIs one SLO target covers: one named API, or every API not listed in `apis`. */
export type ApiScope = { kind: 'api'; api: string } | { kind: 'unlisted'; listed: readonly string[] };

/** One SLI of one API (or of the unlisted APIs): what the generator makes rules and tests for. */
export interface SloTarget {
  /** Group-name-safe id: the API name, or `unlisted`. */
  id: string;
  scope: ApiScope;
  sli: Sli;
  /** Percentage, e.g. 99.9. */
  objective: number;
  thresholdSeconds?: number;
  labels: Record<string, string>;
}

export class SloConfigError extends Error {
  override name = 'SloConfigError';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The fast tier's factor bounds the objective: below 1 − 1/14.4 its threshold exceeds 100% errors. */
const MAX_FACTOR = Math.max(...BURN_RATE_TIERS.map((t) => t.factor));
export const MIN_OBJECTIVE = 100 * (1 - 1 / MAX_FACTOR);

/** Labels the generator sets itself; slo.yaml may not override them. */
/** Alert labels carrying an SLO alert's objective (percent) and latency threshold (e.g. `1s`). */
export const SLO_OBJECTIVE_LABEL = 'slo_objective';
export const SLO_THRESHOLD_LABEL = 'slo_threshold';
const RESERVED_LABELS = new Set(['alertname', 'severity', 'persona', 'api', 'slo', SLO_OBJECTIVE_LABEL, SLO_THRESHOLD_LABEL, 'le', 'job', 'instance']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : JSON.stringify(v));

class Reader {
  readonly problems: string[] = [];
  problem(path: string, msg: string): void {
    this.problems.push(`${path}: ${msg}`);
  }
  /** Reports keys that are not in `allowed`, with a suggestion for near misses. */
  keys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const near = allowed.find((a) => a.startsWith(k) || k.startsWith(a) || a.replace(/_/g, '') === k.replace(/[-_]/g, '').toLowerCase());
      this.problem(`${path}${path ? '.' : ''}${k}`, `unknown field${near ? ` (did you mean ${near}?)` : ''}; allowed: ${allowed.join(', ')}`);
    }
  }
  objective(v: unknown, path: string): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.problem(path, `must be a percentage such as 99.9, got ${describe(v)}`);
      return undefined;
    }
    if (v > 0 && v < 1) {
      this.problem(path, `must be a percentage such as 99.9, got ${v} (a ratio? write ${Number((v * 100).toPrecision(10))})`);
      return undefined;
    }
    if (!(v > MIN_OBJECTIVE && v < 100)) {
      this.problem(path, `must be above ${MIN_OBJECTIVE.toFixed(2)} and below 100, got ${v} (at or below ${MIN_OBJECTIVE.toFixed(2)}% the ${MAX_FACTOR}× page threshold would exceed 100% errors)`);
      return undefined;
    }
    return v;
  }
  threshold(v: unknown, path: string): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      this.problem(path, `must be a positive number of seconds such as 0.5, got ${describe(v)}`);
      return undefined;
    }
    if (v > 600) {
      this.problem(path, `is in seconds and must be at most 600, got ${v} (milliseconds? write ${v / 1000})`);
      return undefined;
    }
    return v;
  }
  labels(v: unknown, path: string): Record<string, string> {
    if (v === undefined) return {};
    if (!isObj(v)) {
      this.problem(path, `must be a map of label name to string value, got ${describe(v)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (!LABEL_NAME.test(k) || k.startsWith('__')) this.problem(`${path}.${k}`, 'is not a valid Prometheus label name');
      else if (RESERVED_LABELS.has(k)) this.problem(`${path}.${k}`, `is set by the generator and cannot be overridden (reserved: ${[...RESERVED_LABELS].join(', ')})`);
      else if (typeof val !== 'string' || val === '') this.problem(`${path}.${k}`, `must be a non-empty string, got ${describe(val)}`);
      else out[k] = val;
    }
    return out;
  }
}

interface PartialSlo {
  availability?: Partial<AvailabilitySpec> | false;
  latency?: Partial<LatencySpec> | false;
  labels: Record<string, string>;
}

function readSlo(r: Reader, v: unknown, path: string, extraKeys: readonly string[] = []): PartialSlo | undefined {
  if (v === null || v === undefined) return { labels: {} };
  if (!isObj(v)) {
    r.problem(path, `must be a map with availability, latency and labels, got ${describe(v)}`);
    return undefined;
  }
  r.keys(v, path, ['availability', 'latency', 'labels', ...extraKeys]);
  const out: PartialSlo = { labels: r.labels(v.labels, `${path}.labels`) };
  const a = v.availability;
  if (a === false) out.availability = false;
  else if (a !== undefined && a !== null) {
    if (!isObj(a)) r.problem(`${path}.availability`, `must be a map with objective, or false to disable, got ${describe(a)}`);
    else {
      r.keys(a, `${path}.availability`, ['objective']);
      out.availability = a.objective === undefined ? {} : { objective: r.objective(a.objective, `${path}.availability.objective`) };
    }
  }
  const l = v.latency;
  if (l === false) out.latency = false;
  else if (l !== undefined && l !== null) {
    if (!isObj(l)) r.problem(`${path}.latency`, `must be a map with objective and threshold_seconds, or false to disable, got ${describe(l)}`);
    else {
      r.keys(l, `${path}.latency`, ['objective', 'threshold_seconds']);
      out.latency = {
        ...(l.objective !== undefined ? { objective: r.objective(l.objective, `${path}.latency.objective`) } : {}),
        ...(l.threshold_seconds !== undefined ? { thresholdSeconds: r.threshold(l.threshold_seconds, `${path}.latency.threshold_seconds`) } : {}),
      };
    }
  }
  return out;
}

/** Merges an API's partial SLO over the defaults; reports what is still missing. */
function complete(r: Reader, path: string, api: PartialSlo, defaults: PartialSlo): ApiSlo {
  const out: ApiSlo = { labels: { ...defaults.labels, ...api.labels } };
  if (api.availability !== false) {
    const merged = { ...(defaults.availability || {}), ...(api.availability || {}) };
    if (api.availability || defaults.availability) {
      if (merged.objective === undefined) r.problem(`${path}.availability.objective`, 'is required (no default set)');
      else out.availability = { objective: merged.objective };
    }
  }
  if (api.latency !== false) {
    const merged = { ...(defaults.latency || {}), ...(api.latency || {}) };
    if (api.latency || defaults.latency) {
      if (merged.objective === undefined) r.problem(`${path}.latency.objective`, 'is required (no default set)');
      if (merged.thresholdSeconds === undefined) r.problem(`${path}.latency.threshold_seconds`, 'is required (no default set)');
      if (merged.objective !== undefined && merged.thresholdSeconds !== undefined) {
        out.latency = { objective: merged.objective, thresholdSeconds: merged.thresholdSeconds };
      }
    }
  }
  return out;
}

/** Parses and validates slo.yaml text; throws SloConfigError listing every problem with its field. */
export function parseSloConfig(text: string, file = 'alerts/slo.yaml'): SloConfig {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    throw new SloConfigError(file, [`not valid YAML: ${(e as Error).message}`]);
  }
  const r = new Reader();
  if (!isObj(doc)) throw new SloConfigError(file, [`(top level): must be a map with runbook_base_url, defaults and apis, got ${describe(doc)}`]);
  r.keys(doc, '', ['runbook_base_url', 'defaults', 'apis']);

  let runbookBaseUrl = '';
  if (typeof doc.runbook_base_url !== 'string') r.problem('runbook_base_url', `is required: the URL RUNBOOK.md is served at, got ${describe(doc.runbook_base_url)}`);
  else {
    try {
      const u = new URL(doc.runbook_base_url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') r.problem('runbook_base_url', 'must be an http(s) URL');
      else if (u.hash || u.search) r.problem('runbook_base_url', 'must not carry a query or #fragment (the generator appends the section anchor)');
      else runbookBaseUrl = u.href;
    } catch {
      r.problem('runbook_base_url', `must be an absolute URL, got ${JSON.stringify(doc.runbook_base_url)}`);
    }
  }

  const rawDefaults = doc.defaults;
  const defaults = readSlo(r, rawDefaults, 'defaults', ['apply_to_unlisted']) ?? { labels: {} };
  let applyToUnlisted = true;
  if (isObj(rawDefaults) && rawDefaults.apply_to_unlisted !== undefined) {
    if (typeof rawDefaults.apply_to_unlisted !== 'boolean') r.problem('defaults.apply_to_unlisted', `must be true or false, got ${describe(rawDefaults.apply_to_unlisted)}`);
    else applyToUnlisted = rawDefaults.apply_to_unlisted;
  }
  for (const sli of ['availability', 'latency'] as const) {
    if (defaults[sli] === false) r.problem(`defaults.${sli}`, 'cannot be false: omit it to have no default');
  }
  const defaultSlo = complete(r, 'defaults', { labels: {} }, defaults);

  const apis: Record<string, ApiSlo> = {};
  if (doc.apis !== undefined && doc.apis !== null) {
    if (!isObj(doc.apis)) r.problem('apis', `must be a map of API name to its SLOs, got ${describe(doc.apis)}`);
    else {
      for (const [name, v] of Object.entries(doc.apis)) {
        const path = `apis.${name}`;
        if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
          r.problem(path, 'API names are the Backstage API entity names: lower-case letters, digits, - and _');
          continue;
        }
        const slo = readSlo(r, v, path);
        if (slo) apis[name] = complete(r, path, slo, defaults);
      }
    }
  }
  if (r.problems.length) throw new SloConfigError(file, r.problems);
  return { runbookBaseUrl, defaults: { ...defaultSlo, applyToUnlisted }, apis };
}

/** The SLO targets a config yields: per listed API and SLI, then the unlisted APIs' defaults. */
export function sloTargets(c: SloConfig): SloTarget[] {
  const out: SloTarget[] = [];
  const add = (id: string, scope: ApiScope, slo: ApiSlo) => {
    if (slo.availability) out.push({ id, scope, sli: 'availability', objective: slo.availability.objective, labels: slo.labels });
    if (slo.latency) out.push({ id, scope, sli: 'latency', objective: slo.latency.objective, thresholdSeconds: slo.latency.thresholdSeconds, labels: slo.labels });
  };
  const listed = Object.keys(c.apis).sort();
  for (const api of listed) add(api, { kind: 'api', api }, c.apis[api]!);
  if (c.defaults.applyToUnlisted) add('unlisted', { kind: 'unlisted', listed }, c.defaults);
  return out;
}
