/**
 * A small validator for untrusted JSON/YAML documents that collects every problem with the path of
 * the field it is about, e.g. `metrics[2].tolerance.relative must be a number >= 0`.
 */

export interface ValidationIssue {
  /** Path of the field, e.g. "metrics[2].tolerance.relative" ("" for the document itself). */
  path: string;
  /** Full sentence naming the field. */
  message: string;
}

/** Thrown when a document does not match its schema; `issues` lists every problem found. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    /** What was validated, e.g. "gate config" or "samples". */
    readonly subject: string,
    readonly issues: ValidationIssue[],
    /** Where the document came from (a file name), when known. */
    readonly source?: string,
  ) {
    super(
      `invalid ${subject}${source ? ` (${source})` : ''}: ` +
        (issues.length === 1 ? issues[0]!.message : `${issues.length} problems:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`),
    );
  }
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  if (base === '') return safe === key ? key : `[${safe}]`;
  return safe === key ? `${base}.${key}` : `${base}[${safe}]`;
}

const describe = (path: string, root: string) => (path === '' ? root : path);

export interface NumberRule {
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
  integer?: boolean;
}

function numberRuleText(r: NumberRule): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return `${r.integer ? 'an integer' : 'a number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** Collects issues while reading a document. Each reader returns undefined when the value is invalid. */
export class Checker {
  readonly issues: ValidationIssue[] = [];
  constructor(private readonly rootName: string) {}

  fail(path: string, text: string): undefined {
    this.issues.push({ path, message: `${describe(path, this.rootName)} ${text}` });
    return undefined;
  }

  /** A plain object whose keys are all in `known` (pass null to allow any key). */
  object(value: unknown, path: string, known: readonly string[] | null): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, `must be an object, got ${typeName(value)}`);
    const rec = value as Record<string, unknown>;
    if (known) {
      for (const key of Object.keys(rec)) {
        if (!known.includes(key)) this.fail(joinPath(path, key), `is not a known field (known fields: ${known.join(', ')})`);
      }
    }
    return rec;
  }

  array(value: unknown, path: string, opts: { minLength?: number } = {}): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, `must be an array, got ${typeName(value)}`);
    if (opts.minLength !== undefined && value.length < opts.minLength) {
      return this.fail(path, `must have at least ${opts.minLength} item${opts.minLength === 1 ? '' : 's'}`);
    }
    return value;
  }

  number(value: unknown, path: string, rule: NumberRule = {}): number | undefined {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!rule.integer || Number.isInteger(value)) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.above === undefined || value > rule.above) &&
      (rule.below === undefined || value < rule.below);
    if (!ok) return this.fail(path, `must be ${numberRuleText(rule)}, got ${show(value)}`);
    return value as number;
  }

  string(value: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    if (typeof value !== 'string') return this.fail(path, `must be a string, got ${typeName(value)}`);
    if (opts.nonEmpty && value.trim() === '') return this.fail(path, 'must be a non-empty string');
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== 'boolean') return this.fail(path, `must be true or false, got ${show(value)}`);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(value)}`);
    }
    return value as T;
  }

  /** Reads an optional field with `read`, or returns `fallback` when it is absent (undefined). */
  optional<T>(value: unknown, fallback: T, read: (v: unknown) => T | undefined): T | undefined {
    return value === undefined ? fallback : read(value);
  }

  throwIfAny(subject: string, source?: string): void {
    if (this.issues.length > 0) throw new ValidationError(subject, this.issues, source);
  }
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return `a ${typeof v}`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  return typeName(v);
}
