import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Limits } from './types';

export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

export type ParseOutcome = { ok: true; doc: unknown } | { ok: false; rule: 'document-limits' | 'document-parse'; message: string };

/**
 * Deepest nesting of JSON / YAML flow collections (`[`, `{`), skipping quoted strings and YAML
 * comments. A cheap linear pre-check so that deeply nested input is refused before a recursive
 * parser sees it. Block-style YAML nesting needs an indentation character per level, so it is
 * bounded by the size limit and the post-parse depth walk.
 */
export function flowNestingDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let quote = 0; // 0, '"' or "'"
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 /* \ */ && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    switch (c) {
      case 34: // "
      case 39: // '
        // A quote only starts a string at a token boundary (`don't` in a plain scalar is not one).
        if (i === 0 || /[\s,[{:]/.test(text[i - 1]!)) quote = c;
        break;
      case 35: // # comment to end of line (YAML only; JSON has no #)
        if (i === 0 || /\s/.test(text[i - 1]!)) {
          const nl = text.indexOf('\n', i);
          i = nl < 0 ? text.length : nl - 1;
        }
        break;
      case 91: // [
      case 123: // {
        depth++;
        if (depth > max) {
          max = depth;
          if (max > stopAt) return max;
        }
        break;
      case 93:
      case 125:
        if (depth > 0) depth--;
        break;
      default:
        break;
    }
  }
  return max;
}

/**
 * Parses a definition (JSON or YAML) within the limits: size before parsing, flow nesting
 * pre-check, YAML alias expansion bounded by maxAliasCount, stack overflows turned into errors.
 */
export function parseDefinition(text: string, limits: Limits): ParseOutcome {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return { ok: false, rule: 'document-limits', message: `definition is ${formatBytes(bytes)}, over the limit of ${formatBytes(limits.maxBytes)}; it was not parsed` };
  }
  if (flowNestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, rule: 'document-limits', message: `definition nests deeper than ${limits.maxDepth} levels; it was not parsed` };
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return { ok: true, doc: JSON.parse(text) };
    } catch {
      // not strict JSON: YAML (a superset of JSON) gives the better message below
    }
  }
  try {
    // uniqueKeys compares every key of a map with every other one (quadratic on a `paths` map of
    // thousands of entries); duplicateKey below does the same check with a Set.
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, merge: true });
    if (doc.errors.length > 0) {
      const first = doc.errors.slice(0, 3).map((e) => e.message.split('\n')[0]);
      return { ok: false, rule: 'document-parse', message: `invalid YAML/JSON: ${first.join('; ')}${doc.errors.length > 3 ? ` (+${doc.errors.length - 3} more)` : ''}` };
    }
    const dup = duplicateKey(doc, text, limits.maxDepth);
    if (dup === 'too-deep') return { ok: false, rule: 'document-limits', message: `definition nests deeper than ${limits.maxDepth} levels` };
    if (dup) return { ok: false, rule: 'document-parse', message: `invalid YAML: map keys must be unique, \`${dup.key}\` appears twice${dup.line ? ` (line ${dup.line})` : ''}` };
    return { ok: true, doc: doc.toJS({ maxAliasCount: limits.maxAliasCount }) };
  } catch (e) {
    const err = e as Error;
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      return { ok: false, rule: 'document-limits', message: `YAML aliases expand beyond the limit (maxAliasCount ${limits.maxAliasCount}): ${err.message}` };
    }
    if (err instanceof RangeError) {
      return { ok: false, rule: 'document-limits', message: `definition nests too deeply to parse (${err.message})` };
    }
    return { ok: false, rule: 'document-parse', message: `invalid YAML/JSON: ${err.message}` };
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The first duplicate scalar key of any map of the document (aliases are not descended into). */
function duplicateKey(doc: Document, text: string, maxDepth: number): { key: string; line?: number } | 'too-deep' | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) return 'too-deep';
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (k !== '<<' && (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k === null)) {
          const id = `${typeof k}:${String(k)}`;
          if (seen.has(id)) {
            const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
            return { key: String(k), line: offset !== undefined ? lineOf(text, offset) : undefined };
          }
          seen.add(id);
        }
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

function lineOf(src: string, offset: number): number {
  let n = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) n++;
  return n;
}
