import { RULES } from './rules';
import { LimitError, limitName } from './parse';
import type { Finding, Limits, RuleSetting, Severity } from './types';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: unknown };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** Escapes one JSON pointer segment. */
export const esc = (s: string | number) => {
  const str = String(s);
  return str.includes('~') || str.includes('/') ? str.replace(/~/g, '~0').replace(/\//g, '~1') : str;
};
export const ptr = (...segments: Array<string | number>) => segments.map((s) => `/${esc(s)}`).join('');

export type RefKind = 'local' | 'external';

/** What one `$ref` string points at, once classified. */
export function refKind(ref: string): RefKind {
  return ref.startsWith('#') ? 'local' : 'external';
}

/** Resolves a local JSON pointer (`#/components/schemas/Order`) without following `$ref`s on the way. */
export function resolvePointer(doc: unknown, ref: string): { found: boolean; value?: unknown } {
  if (ref === '#' || ref === '#/') return { found: true, value: doc };
  if (!ref.startsWith('#/')) return { found: false };
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return { found: false };
    }
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg) || Number(seg) >= cur.length) return { found: false };
      cur = cur[Number(seg)];
    } else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = cur[seg];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** Checks whether an external `$ref` is allowed by the configured prefixes. */
export function externalRefAllowed(ref: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  let candidate = ref;
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    let url: URL;
    try {
      url = new URL(ref);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    candidate = url.href; // normalized: `..` segments and default ports resolved before matching
  } else if (/(^|[\\/])\.\.([\\/]|$)/.test(ref.split('#')[0]!)) {
    return false; // relative refs climbing out are never allowed
  }
  return allowed.some((prefix) => candidate.startsWith(prefix));
}

/**
 * Per-validation state: findings (with configured severities), the deadline, and a memoized
 * bounded `$ref` resolver with cycle detection. Nothing here reads files or the network.
 */
export class Context {
  readonly findings: Finding[] = [];
  private readonly refMemo = new Map<string, { value?: unknown; error?: string }>();
  private ticks = 0;

  constructor(
    readonly doc: Obj,
    readonly limits: Limits,
    private readonly settings: Readonly<Record<string, RuleSetting>>,
    readonly allowedRefs: readonly string[],
    private readonly deadline: number,
  ) {}

  severityOf(rule: string): RuleSetting {
    const def = RULES[rule];
    if (!def) return 'error';
    if (def.fixed) return def.severity;
    return this.settings[rule] ?? def.severity;
  }

  report(rule: string, message: string, path = ''): void {
    const severity = this.severityOf(rule);
    if (severity === 'off') return;
    this.findings.push({ rule, severity: severity as Severity, message, path });
  }

  /** Throws LimitError once the time budget is spent; cheap enough to call per node. */
  tick(): void {
    if ((++this.ticks & 1023) === 0) this.checkDeadline();
  }

  checkDeadline(): void {
    if (Date.now() > this.deadline) {
      throw new LimitError(`validation exceeded its time budget of ${this.limits.timeBudgetMs} ms (${limitName('timeBudgetMs')})`, true);
    }
  }

  /**
   * Follows a local `$ref` chain from `ref` (bounded by maxRefHops, cycles detected). Returns the
   * target or an error message. External refs are never followed: they resolve to undefined.
   */
  resolveRef(ref: string): { value?: unknown; error?: string; external?: boolean } {
    if (refKind(ref) === 'external') return { external: true };
    const memo = this.refMemo.get(ref);
    if (memo) return memo;
    const seen = new Set<string>();
    let cur = ref;
    let result: { value?: unknown; error?: string };
    for (;;) {
      if (seen.has(cur)) {
        result = { error: `circular $ref chain: ${[...seen, cur].join(' → ')}` };
        break;
      }
      if (seen.size >= this.limits.maxRefHops) {
        result = { error: `$ref chain longer than ${this.limits.maxRefHops} hops starting at ${ref}` };
        break;
      }
      seen.add(cur);
      const r = resolvePointer(this.doc, cur);
      if (!r.found) {
        result = { error: cur === ref ? `$ref ${ref} does not resolve` : `$ref ${ref} leads to ${cur}, which does not resolve` };
        break;
      }
      if (isObj(r.value) && typeof r.value.$ref === 'string') {
        if (refKind(r.value.$ref) === 'external') {
          result = { value: undefined };
          break;
        }
        cur = r.value.$ref;
        continue;
      }
      result = { value: r.value };
      break;
    }
    this.refMemo.set(ref, result);
    return result;
  }

  /** The object itself, or the target of its local `$ref` (undefined when it does not resolve or is external). */
  deref(v: unknown): unknown {
    if (isObj(v) && typeof v.$ref === 'string') return this.resolveRef(v.$ref).value;
    return v;
  }
}
