import vm from 'node:vm';
import { readYaml } from '@api-observatory/safe-yaml';
import type { Limits } from './types';

export class LimitError extends Error {
  constructor(
    message: string,
    /** The time budget ran out (rather than a size limit). */
    readonly outOfTime = false,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

export type ParseOutcome =
  | { ok: true; doc: unknown }
  | { ok: false; rule: 'document-limits' | 'document-parse'; message: string; outOfTime?: true };

export interface TextShape {
  /** Deepest nesting of flow collections (`[`, `{`). */
  flowDepth: number;
  /** Estimated node count: content lines, `- ` entries, flow collections and separators. */
  nodes: number;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
/** `sig` values of scanText: the start of a line (after its `- ` indicators), or just after an indicator. */
const LINE_START = 0;
const AFTER_INDICATOR = -1;
const BLOCK_SCALAR_HEADER = /^[|>][0-9+-]*[ \t]*(?:#[^\n]*)?\r?(?:\n|$)/;

/**
 * One linear pass over a JSON / YAML text, before any parser sees it: the deepest flow nesting and an
 * estimate of the node count, skipping quoted strings, comments and block scalars (`|`, `>`) as YAML
 * does. A quote, a block scalar header, an anchor or a tag only counts where a node starts (line start,
 * after `- `, `: `, `? `, `[`, `{`, `,`), as in YAML: a quote inside a plain scalar (`say "hi`) is text
 * and hides nothing. It stops early once either passes its stop value. Cheap (no allocation), so that
 * input that would take a parser too deep or too much memory is refused before parsing.
 */
export function scanText(text: string, stopDepth: number, stopNodes: number): TextShape {
  let depth = 0;
  let flowDepth = 0;
  let nodes = 0;
  let quote = 0; // 0, '"' or "'"
  let lineStart = true;
  let sig = LINE_START; // the last significant character of the line, or LINE_START / AFTER_INDICATOR
  let indent = 0; // of the current line, plus 2 per leading `- `
  let blockParent = -1; // >= 0 while skipping the content lines of a block scalar more indented than this
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 /* \ */ && quote === 34) i++;
      else if (c === quote) {
        quote = 0;
        sig = c;
      }
      continue;
    }
    if (lineStart) {
      let j = i;
      while (j < text.length && text.charCodeAt(j) === 32) j++;
      const eol = text.indexOf('\n', j);
      const end = eol < 0 ? text.length : eol;
      const blank = j === end || text.charCodeAt(j) === 13 || text.charCodeAt(j) === 35;
      if (blockParent >= 0 && (blank || j - i > blockParent)) {
        i = end; // a content line (or blank line) of the block scalar
        continue;
      }
      blockParent = -1;
      if (blank) {
        i = end;
        continue;
      }
      indent = j - i;
      // `- a: b`, `- - x`: each leading entry indicator may open one more node on this line
      let dashes = 0;
      while (j + 1 < end && text.charCodeAt(j) === 45 /* - */ && text.charCodeAt(j + 1) === 32) {
        dashes++;
        j += 2;
        while (j < end && text.charCodeAt(j) === 32) j++;
      }
      indent += 2 * dashes;
      nodes += 1 + dashes;
      if (nodes > stopNodes) break;
      lineStart = false;
      sig = LINE_START;
      i = j - 1;
      continue;
    }
    const nodeStart = sig <= LINE_START;
    switch (c) {
      case 32: // space
      case 9: // tab
      case 13: // \r
        break;
      case 10: // \n
        lineStart = true;
        break;
      case 34: // "
      case 39: // '
        if (nodeStart) quote = c;
        else sig = c;
        break;
      case 35: // # comment to end of line (YAML only; JSON has no #)
        if (isSpace(text.charCodeAt(i - 1))) {
          const nl = text.indexOf('\n', i);
          i = nl < 0 ? text.length : nl - 1;
        } else sig = c;
        break;
      case 38: // & anchor
      case 33: // ! tag: skipped, the node starts after it
        if (nodeStart) {
          while (i + 1 < text.length && !isSpace(text.charCodeAt(i + 1)) && !',[]{}'.includes(text[i + 1]!)) i++;
        } else sig = c;
        break;
      case 124: // |
      case 62: // > block scalar header: `key: |`, `- >-`, `|2+ # comment`, then the end of the line
        if (nodeStart && depth === 0 && BLOCK_SCALAR_HEADER.test(text.slice(i, i + 40))) {
          blockParent = indent;
          const nl = text.indexOf('\n', i);
          i = nl < 0 ? text.length : nl - 1;
        } else sig = c;
        break;
      case 58: // : an indicator before a space (YAML) or right after a quoted key (JSON, flow YAML)
      case 63: // ? complex key indicator before a space
        sig = isSpace(text.charCodeAt(i + 1)) || i + 1 === text.length || (c === 58 && (sig === 34 || sig === 39)) ? AFTER_INDICATOR : c;
        break;
      case 91: // [
      case 123: // {
        depth++;
        nodes++;
        sig = AFTER_INDICATOR;
        if (depth > flowDepth) flowDepth = depth;
        if (flowDepth > stopDepth || nodes > stopNodes) return { flowDepth, nodes };
        break;
      case 44: // ,
        if (depth > 0) {
          sig = AFTER_INDICATOR;
          if (++nodes > stopNodes) return { flowDepth, nodes };
        } else sig = c;
        break;
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        sig = c;
        break;
      default:
        sig = c;
    }
  }
  return { flowDepth, nodes };
}

/** Deepest nesting of JSON / YAML flow collections (`[`, `{`); see scanText. */
export const flowNestingDepth = (text: string, stopAt: number): number => scanText(text, stopAt, Infinity).flowDepth;

const TIMED_OUT = Symbol('timed out');
const sandbox = vm.createContext({}) as { run?: () => unknown };
const RUN = new vm.Script('run()');

/**
 * Runs `fn` for at most `ms` milliseconds. A parser cannot be interrupted from inside, so it runs under
 * the vm module's watchdog, which terminates whatever JavaScript runs on this thread when the time is up
 * (try / catch inside `fn` cannot intercept that); the objects `fn` builds are ordinary ones of this realm.
 */
function withTimeout<T>(fn: () => T, ms: number): T | typeof TIMED_OUT {
  sandbox.run = fn;
  try {
    return RUN.runInContext(sandbox, { timeout: Math.max(1, Math.floor(ms)) }) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return TIMED_OUT;
    throw e;
  } finally {
    sandbox.run = undefined;
  }
}

/** Where a limit is configured, for messages. */
export const limitName = (key: keyof Limits) => `apiValidator.limits.${key}`;

/**
 * Parses a definition (JSON or YAML) within the limits: size, flow nesting and estimated node count
 * before parsing; parsing itself within the time left of the budget; YAML alias expansion bounded;
 * a parser that runs out of stack reported as the nesting limit. `deadline` is a Date.now() value.
 */
export function parseDefinition(text: string, limits: Limits, deadline: number): ParseOutcome {
  const limit = (message: string) => ({ ok: false, rule: 'document-limits', message }) as const;
  const tooDeep = (detail: string) => limit(`definition nests deeper than ${limits.maxDepth} levels${detail} (${limitName('maxDepth')})`);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return limit(`definition is ${formatBytes(bytes)}, over the limit of ${formatBytes(limits.maxBytes)}; it was not parsed (${limitName('maxBytes')})`);
  }
  const shape = scanText(text, limits.maxDepth, limits.maxNodes);
  if (shape.flowDepth > limits.maxDepth) return tooDeep('; it was not parsed');
  if (shape.nodes > limits.maxNodes) return limit(`definition has more than ${limits.maxNodes} nodes; it was not parsed (${limitName('maxNodes')})`);
  const outOfTime = (): ParseOutcome => ({
    ...limit(`validation exceeded its time budget of ${limits.timeBudgetMs} ms while parsing (${limitName('timeBudgetMs')})`),
    outOfTime: true,
  });
  if (Date.now() >= deadline) return outOfTime();

  if (text.trimStart().startsWith('{')) {
    try {
      const json = withTimeout(() => JSON.parse(text) as unknown, deadline - Date.now());
      if (json === TIMED_OUT) return outOfTime();
      return { ok: true, doc: json };
    } catch {
      // not strict JSON: YAML (a superset of JSON) gives the better message below
    }
  }
  const read = withTimeout(() => readYaml(text, { maxExpandedNodes: limits.maxNodes, maxAliasExpansionRatio: limits.maxAliasExpansion }), deadline - Date.now());
  if (read === TIMED_OUT) return outOfTime();
  if (!read.ok) {
    const { message, line, column } = read.error;
    const at = line === undefined ? '' : ` at line ${line}, column ${column ?? 1}`;
    // readYaml reports the reader's own nesting limit, or a parser out of stack, as a message
    const readerDepth = /nesting exceeded maxDepth \((\d+)\)/i.exec(message);
    if (readerDepth && Number(readerDepth[1]) < limits.maxDepth) return limit(`definition nests deeper than ${readerDepth[1]} levels, the most the YAML reader reads`);
    if (readerDepth || /maximum call stack size exceeded/i.test(message)) return tooDeep('');
    if (/aliases nest too deeply/i.test(message)) return tooDeep(' through YAML aliases');
    if (/alias expansion/i.test(message)) return limit(`YAML aliases expand beyond the limit: ${message} (${limitName('maxNodes')}, ${limitName('maxAliasExpansion')})`);
    if (/duplicated mapping key/i.test(message)) return { ok: false, rule: 'document-parse', message: `invalid YAML: map keys must be unique (duplicated key${at})` };
    return { ok: false, rule: 'document-parse', message: `invalid YAML/JSON: ${message}${at}` };
  }
  if (text.includes('<<')) {
    const error = applyMergeKeys(read.value);
    if (error) return { ok: false, rule: 'document-parse', message: error };
  }
  return { ok: true, doc: read.value };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * YAML merge keys (`<<: *base`, `<<: [*a, *b]`), which the YAML 1.2 core schema reads as a plain `<<`
 * key: the keys of the merged maps are added where the map does not set them (earlier maps first).
 * Applied children first, so that a merged map's own merges are in place; each object once.
 */
function applyMergeKeys(root: unknown): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  const seen = new Set<object>();
  const stack: Array<{ node: object; exit: boolean }> = [{ node: root, exit: false }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      if (!isMap(node) || !own(node, '<<')) continue;
      const sources = node['<<'];
      delete node['<<'];
      for (const src of Array.isArray(sources) ? sources : [sources]) {
        if (!isMap(src)) return 'invalid YAML: a `<<` merge key needs a map or a list of maps';
        for (const k of Object.keys(src)) {
          if (!own(node, k)) Object.defineProperty(node, k, { value: src[k], enumerable: true, writable: true, configurable: true });
        }
      }
      continue;
    }
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push({ node, exit: true });
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null && !seen.has(child)) stack.push({ node: child, exit: false });
    }
  }
  return undefined;
}
