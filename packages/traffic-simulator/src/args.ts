/** Command-line parsing (node:util parseArgs) with one-line errors that name the offending flag. */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(readonly flag: string | undefined, message: string) {
    super(flag ? `${flag}: ${message}` : message);
  }
}

/** A flag of a command: parseArgs' option config ('boolean' flags also accept `--no-flag` and `--flag=true|false`). */
export type FlagSpec = { type: 'string' } | { type: 'boolean' };

export type ParsedFlags = Map<string, string | boolean>;

/** The flag parseArgs complains about: the first `'-x'` / `'--name'` (without `<value>`) in its message. */
function flagOf(e: Error): string | undefined {
  return /'(--?[^'\s<]+)/.exec(e.message)?.[1];
}

/**
 * Parses argv with node:util parseArgs (strict, negatable booleans) into one value per flag. Before it:
 * `--bool=true|false` becomes `--bool` / `--no-bool`, and a string flag's separate value is attached
 * (`--start -6h` → `--start=-6h`), since parseArgs refuses a value that starts with a dash. Errors are
 * UsageErrors naming the flag.
 */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): { flags: ParsedFlags; positionals: string[] } {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const spec = m ? specs[m[1]!] : undefined;
    if (m && spec?.type === 'boolean' && m[2] !== undefined) {
      if (m[2] !== 'true' && m[2] !== 'false') throw new UsageError(`--${m[1]}`, `expected true or false, got ${JSON.stringify(m[2])}`);
      args.push(m[2] === 'true' ? `--${m[1]}` : `--no-${m[1]}`);
    } else if (m && spec?.type === 'string' && m[2] === undefined) {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${m[1]}`, 'needs a value');
      args.push(`--${m[1]}=${value}`);
    } else {
      args.push(arg);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: specs, strict: true, allowPositionals: true, allowNegative: true, tokens: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const flag = flagOf(e as Error);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(flag, 'unknown flag (see --help)');
    throw new UsageError(flag, (e as Error).message);
  }
  const flags: ParsedFlags = new Map();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (flags.has(t.name)) throw new UsageError(`--${t.name}`, 'given more than once');
    const value = parsed.values[t.name];
    if (value === '') throw new UsageError(`--${t.name}`, 'needs a value');
    flags.set(t.name, value as string | boolean);
  }
  return { flags, positionals: parsed.positionals };
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
