/**
 * The project's one YAML reader: js-yaml 4 (less than half the size of `yaml` 2, and 5× faster or more on
 * large documents) with the YAML 1.2 core schema, made to read documents to the same values as `yaml` 2's
 * `parse(text, { uniqueKeys: true })` does:
 * - booleans are only `true` / `false` (YAML 1.1's `yes`, `no`, `on`, `off`, `y`, `n` stay strings);
 * - integers are 1.2 core integers (`0o17`, `0x1F`, decimal): YAML 1.1's `0b101` and `+0x10` stay strings;
 * - no timestamps (`2024-01-01` stays a string), no `<<` merge keys (a `<<` key is a plain key);
 * - duplicate keys, tabs as indentation and multiple documents are errors, which name line and column.
 *
 * js-yaml has no alias-count limit of its own. Aliases are not copied (an alias is the same object as its
 * anchor), so parsing an alias bomb is cheap, but anything that walks the result as a tree (validation,
 * rendering, JSON.stringify, searching) would expand it: documents whose alias-expanded tree is out of
 * proportion to the parsed one (billion laughs) are refused, in time linear in the parsed document.
 *
 * `readYaml` returns the value or the error; `parseYaml` returns the value or throws a `YamlSyntaxError`.
 */
import { FAILSAFE_SCHEMA, Type, YAMLException, load, types } from './js-yaml';

/** YAML 1.2 core-schema integers (decimal, `0o` octal, `0x` hex), as `yaml` 2 reads them. */
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => data !== null && CORE_INT.test(data),
  construct: (data) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : Number(data)),
  predicate: (v) => typeof v === 'number' && Number.isInteger(v),
  represent: (v) => String(v),
});

/** The YAML 1.2 core schema: null, bool (true / false only), int, float; no timestamps, no merge keys. */
export const YAML_12_CORE = FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, coreInt, types.float] });

/**
 * With its aliases expanded, a document may have up to this many nodes (a tree walk of that size takes
 * well under a second)...
 */
export const MAX_EXPANDED_NODES = 1_000_000;
/** ...or this many times its parsed node count, whichever is larger (large documents that reuse anchors). */
export const MAX_ALIAS_EXPANSION_RATIO = 10;
/** Counting stops here (the error then says "more than"). */
const COUNT_LIMIT = 50_000_000;

export interface ReadYamlOptions {
  /** Alias-expanded node count always allowed; default MAX_EXPANDED_NODES. */
  maxExpandedNodes?: number;
  /** Alias-expanded node count allowed per parsed node, when that is larger; default MAX_ALIAS_EXPANSION_RATIO. */
  maxAliasExpansionRatio?: number;
}

export interface YamlError {
  message: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

export type YamlResult = { ok: true; value: unknown } | { ok: false; error: YamlError };

/** What `parseYaml` throws: `message` is `<reason> at line L, column C` (1-based) when the position is known. */
export class YamlSyntaxError extends SyntaxError {
  readonly reason: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  constructor(error: YamlError) {
    super(error.line === undefined ? error.message : `${error.message} at line ${error.line}, column ${error.column ?? 1}`);
    this.name = 'YamlSyntaxError';
    this.reason = error.message;
    if (error.line !== undefined) {
      this.line = error.line;
      this.column = error.column ?? 1;
    }
  }
}

/** Reads one YAML (1.2 core schema) document: its value (`null` for an empty document), or the error with its 1-based line and column. */
export function readYaml(text: string, options: ReadYamlOptions = {}): YamlResult {
  let value: unknown;
  try {
    value = load(text, { schema: YAML_12_CORE });
  } catch (e) {
    if (e instanceof YAMLException) {
      const mark = e.mark;
      const message = capitalize(e.reason || (e.message.split('\n')[0] ?? ''));
      if (typeof mark?.line === 'number') return { ok: false, error: { message, line: mark.line + 1, column: (mark.column ?? 0) + 1 } };
      // "expected a single document in the stream" comes without a mark: point at the second document
      return { ok: false, error: { message, line: secondDocumentLine(text), column: 1 } };
    }
    return { ok: false, error: { message: (e as Error).message } };
  }
  // aliases need an anchor (`&`) and an alias (`*`): most documents have neither and skip the walk
  if (text.includes('&') && text.includes('*')) {
    const error = checkAliasExpansion(value, options);
    if (error) return { ok: false, error };
  }
  return { ok: true, value: value === undefined ? null : value };
}

/** Like `readYaml`, but returns the value and throws a `YamlSyntaxError`. */
export function parseYaml(text: string, options?: ReadYamlOptions): unknown {
  const r = readYaml(text, options);
  if (!r.ok) throw new YamlSyntaxError(r.error);
  return r.value;
}

/**
 * Node counts of `root` as parsed (each object once) and as a tree with every alias copied out (each
 * object as often as it is referenced). Shared objects are measured once (memoized), so this is linear
 * in the parsed document; a reference back to an object being measured (a cyclic anchor) counts as one
 * node. Stops counting past `limit`.
 */
export function aliasExpansion(root: unknown, limit: number): { parsed: number; expanded: number } {
  const memo = new Map<object, number>();
  const open = new Set<object>();
  let parsed = 0;
  const size = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) return 1;
    const known = memo.get(v);
    if (known !== undefined) return known;
    if (open.has(v)) return 1;
    open.add(v);
    let n = 1;
    parsed++;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      const c = size(child);
      if (typeof child !== 'object' || child === null) parsed++;
      n = Math.min(n + c, limit + 1);
    }
    open.delete(v);
    memo.set(v, n);
    return n;
  };
  const expanded = size(root);
  return { parsed: Math.max(parsed, 1), expanded };
}

/** An error when the alias-expanded document is out of proportion to the parsed one, else undefined. */
export function checkAliasExpansion(value: unknown, options: ReadYamlOptions = {}): YamlError | undefined {
  const { maxExpandedNodes = MAX_EXPANDED_NODES, maxAliasExpansionRatio = MAX_ALIAS_EXPANSION_RATIO } = options;
  let r: { parsed: number; expanded: number };
  try {
    r = aliasExpansion(value, COUNT_LIMIT);
  } catch {
    // a chain of aliases deeper than the call stack
    return { message: 'The YAML aliases nest too deeply (refused as a possible resource exhaustion attack).' };
  }
  const allowed = Math.max(maxExpandedNodes, r.parsed * maxAliasExpansionRatio);
  if (r.expanded > allowed) {
    const size = r.expanded > COUNT_LIMIT ? `more than ${COUNT_LIMIT.toLocaleString('en')}` : r.expanded.toLocaleString('en');
    return {
      message: `Excessive YAML alias expansion: its aliases expand ${r.parsed.toLocaleString('en')} nodes into ${size} (refused as a possible resource exhaustion attack).`,
    };
  }
  return undefined;
}

/** 1-based line of the `---` / `...` marker that ends the first document, if any. */
function secondDocumentLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let content = false;
  for (const [i, l] of lines.entries()) {
    if (/^(?:---|\.\.\.)(?:\s|$)/.test(l)) {
      if (content) return i + 1;
      if (/^---\s+[^\s#]/.test(l)) content = true;
    } else if (!/^\s*(?:#.*)?$/.test(l) && !l.startsWith('%')) {
      content = true;
    }
  }
  return undefined;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
