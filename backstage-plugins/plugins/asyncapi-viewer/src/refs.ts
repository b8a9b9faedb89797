/**
 * Local JSON-pointer `$ref` resolution with cycle protection. Remote references (anything that does not
 * start with `#`) are never fetched: they are reported as external.
 */

export type Json = unknown;
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Reads a JSON pointer (`#/a/b~1c`) inside `root`. Only own properties are followed (no `__proto__` games). */
export function resolvePointer(root: unknown, ref: string): { found: true; value: unknown } | { found: false } {
  if (!ref.startsWith('#')) return { found: false };
  let pointer = ref.slice(1);
  try {
    pointer = decodeURIComponent(pointer);
  } catch {
    return { found: false };
  }
  if (pointer === '' || pointer === '/') return { found: true, value: root };
  if (!pointer.startsWith('/')) return { found: false };
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false };
      cur = cur[i];
    } else if (isObject(cur) && hasOwn(cur, key)) {
      cur = cur[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

export function refOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.$ref === 'string' ? v.$ref : undefined;
}

export interface Deref {
  /** The resolved value (undefined when the reference is external, missing or circular). */
  value: unknown;
  /** The last `$ref` followed, if any. */
  ref?: string;
  /** All refs followed to get here. */
  chain: string[];
  status: 'ok' | 'external' | 'missing' | 'circular';
}

/**
 * Follows `$ref` chains from `node` (a ref to a ref to ...). `ancestors` are refs already being expanded
 * further up the tree: meeting one of them again is a cycle.
 */
export function deref(root: unknown, node: unknown, ancestors: readonly string[] = []): Deref {
  const chain: string[] = [];
  let cur = node;
  for (let hops = 0; hops < 64; hops++) {
    const ref = refOf(cur);
    if (ref === undefined) return { value: cur, ref: chain[chain.length - 1], chain, status: 'ok' };
    if (!ref.startsWith('#')) return { value: undefined, ref, chain: [...chain, ref], status: 'external' };
    if (chain.includes(ref) || ancestors.includes(ref)) return { value: undefined, ref, chain: [...chain, ref], status: 'circular' };
    chain.push(ref);
    const r = resolvePointer(root, ref);
    if (!r.found) return { value: undefined, ref, chain, status: 'missing' };
    cur = r.value;
  }
  return { value: undefined, ref: chain[chain.length - 1], chain, status: 'circular' };
}

/** Convenience: the resolved object or undefined. */
export function derefObject(root: unknown, node: unknown): JsonObject | undefined {
  const d = deref(root, node);
  return d.status === 'ok' && isObject(d.value) ? d.value : undefined;
}

/** Last segment of a `#/components/x/Name` ref, decoded. */
export function refName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const seg = ref.split('/').pop();
  if (!seg) return undefined;
  try {
    return decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return seg;
  }
}

/**
 * JSON.stringify that survives cycles (YAML anchors can build cyclic objects) and resolves nothing.
 */
export function safeStringify(value: unknown, space = 2, maxLength = 20_000): string {
  const seen = new WeakSet<object>();
  let out: string;
  try {
    out =
      JSON.stringify(
        value,
        (_k, v) => {
          if (typeof v === 'object' && v !== null) {
            if (seen.has(v)) return '[circular]';
            seen.add(v);
          }
          if (typeof v === 'bigint') return v.toString();
          return v;
        },
        space,
      ) ?? String(value);
  } catch (e) {
    out = `[unprintable: ${(e as Error).message}]`;
  }
  return out.length > maxLength ? `${out.slice(0, maxLength)}\n… (${out.length - maxLength} more characters)` : out;
}
