/** Command-line parsing with one-line errors that name the offending flag. */

export class UsageError extends Error {
  constructor(readonly flag: string | undefined, message: string) {
    super(flag ? `${flag}: ${message}` : message);
  }
}

export interface FlagSpec {
  /** 'value' flags take the next argument (or `--flag=value`); 'bool' flags also accept `--no-flag`. */
  kind: 'value' | 'bool';
}

export type ParsedFlags = Map<string, string | boolean>;

export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): { flags: ParsedFlags; positionals: string[] } {
  const flags: ParsedFlags = new Map();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const negated = rawName.startsWith('no-') && specs[rawName.slice(3)]?.kind === 'bool';
    const name = negated ? rawName.slice(3) : rawName;
    const spec = specs[name];
    if (!spec) throw new UsageError(`--${rawName}`, 'unknown flag (see --help)');
    if (flags.has(name)) throw new UsageError(`--${name}`, 'given more than once');
    if (spec.kind === 'bool') {
      if (eq >= 0) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new UsageError(`--${name}`, `expected true or false, got ${JSON.stringify(v)}`);
        flags.set(name, (v === 'true') !== negated);
      } else {
        flags.set(name, !negated);
      }
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new UsageError(`--${name}`, 'needs a value');
    flags.set(name, value);
  }
  return { flags, positionals };
}

export function str(flags: ParsedFlags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function bool(flags: ParsedFlags, name: string, dflt: boolean): boolean {
  const v = flags.get(name);
  return typeof v === 'boolean' ? v : dflt;
}

export function number(flags: ParsedFlags, name: string, o: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): number | undefined {
  const raw = str(flags, name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const what = o.integer ? 'an integer' : 'a number';
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim()) || !Number.isFinite(v)) throw new UsageError(`--${name}`, `expected ${what}, got ${JSON.stringify(raw)}`);
  if (o.integer && !Number.isInteger(v)) throw new UsageError(`--${name}`, `expected an integer, got ${JSON.stringify(raw)}`);
  if (o.positive && !(v > 0)) throw new UsageError(`--${name}`, `must be greater than 0, got ${raw}`);
  if (o.min !== undefined && v < o.min) throw new UsageError(`--${name}`, `must be at least ${o.min}, got ${raw}`);
  if (o.max !== undefined && v > o.max) throw new UsageError(`--${name}`, `must be at most ${o.max}, got ${raw}`);
  return v;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `15s`, `5m`, `6h`, `1d`, or a bare number of seconds. */
export function parseDurationMs(raw: string, flag: string, o: { allowZero?: boolean } = {}): number {
  const s = raw.trim();
  if (s.startsWith('-')) throw new UsageError(flag, `must not be negative, got ${JSON.stringify(raw)}`);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s);
  if (!m) throw new UsageError(flag, `expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(raw)}`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  if (ms === 0 && !o.allowZero) throw new UsageError(flag, 'must be greater than 0');
  return ms;
}

/** RFC 3339 time, `now`, or a time relative to now: `-6h`, `now-30m`. */
export function parseTimeMs(raw: string, flag: string, nowMs: number): number {
  const s = raw.trim();
  if (s === 'now') return nowMs;
  const rel = /^(?:now)?-(\d+(?:\.\d+)?(?:ms|s|m|h|d)?)$/.exec(s);
  if (rel) return nowMs - parseDurationMs(rel[1]!, flag, { allowZero: true });
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(s)) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw new UsageError(flag, `expected an RFC 3339 time, "now" or a relative time such as -6h, got ${JSON.stringify(raw)}`);
}
