import { lintAsyncApi } from './asyncapi';
import { Context, esc, externalRefAllowed, isObj, refKind, type Obj } from './context';
import { lintOpenApi } from './openapi';
import { LimitError, limitName, parseDefinition } from './parse';
import { DEFAULT_LIMITS, type Finding, type Limits, type ValidationResult, type ValidatorOptions } from './types';

export interface ValidateInput {
  /** The API entity's `spec.type`; only `openapi` and `asyncapi` are validated. */
  type: string;
  /** The API entity's `spec.definition`. */
  definition: string;
  /** `api-observatory.io/api-name` of an entity served by a gateway (enables operation-gateway-route). */
  gatewayApiName?: string;
}

/** Whether the validator handles this `spec.type`. */
export const isValidatedType = (type: unknown): type is 'openapi' | 'asyncapi' => type === 'openapi' || type === 'asyncapi';

/**
 * Validates and lints one API definition. Synchronous, reads nothing but the given string (no
 * files, no network), bounded by the limits: every outcome, including hostile input, is a list
 * of findings.
 */
export function validateDefinition(input: ValidateInput, options: ValidatorOptions = {}): ValidationResult {
  const started = performance.now();
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const settings = options.rules ?? {};
  const result = (findings: Finding[], detected?: string, outOfTime?: boolean): ValidationResult => ({
    detected,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    ...(outOfTime ? { outOfTime: true as const } : {}),
  });
  if (typeof input.definition !== 'string') {
    return result([{ rule: 'structure', severity: 'error', message: 'spec.definition must be a string', path: '' }]);
  }
  const deadline = Date.now() + limits.timeBudgetMs;
  const parsed = parseDefinition(input.definition, limits, deadline);
  if (!parsed.ok) return result([{ rule: parsed.rule, severity: 'error', message: parsed.message, path: '' }], undefined, parsed.outOfTime);
  if (!isObj(parsed.doc)) {
    return result([{ rule: 'structure', severity: 'error', message: 'the definition must be a YAML/JSON object', path: '' }]);
  }
  const ctx = new Context(parsed.doc, limits, settings, options.allowedRefs ?? [], deadline);
  let detected: string | undefined;
  let outOfTime = false;
  try {
    const refs = walk(ctx);
    detected = detectVersion(ctx, input.type);
    if (detected === undefined) return result(ctx.findings);
    checkRefs(ctx, refs);
    ctx.checkDeadline();
    const d = ctx.doc;
    if (input.type === 'openapi') {
      const v2 = d.swagger !== undefined;
      lintOpenApi(ctx, v2, !v2 && String(d.openapi).startsWith('3.1'), { gatewayApiName: input.gatewayApiName });
    } else {
      lintAsyncApi(ctx, String(d.asyncapi).startsWith('3.'));
    }
  } catch (e) {
    if (!(e instanceof LimitError)) throw e;
    ctx.findings.push({ rule: 'document-limits', severity: 'error', message: e.message, path: '' });
    outOfTime = e.outOfTime;
  }
  return result(ctx.findings, detected, outOfTime);
}

interface RefSite {
  ref: string;
  path: string;
}

/**
 * One iterative pass over the parsed document: node count and depth limits, circular YAML aliases
 * (an object containing itself), and every `$ref` string with its location. Objects shared through
 * YAML aliases are visited once.
 */
function walk(ctx: Context): RefSite[] {
  const { maxDepth, maxNodes } = ctx.limits;
  const tooMany = () => new LimitError(`definition has more than ${maxNodes} nodes (${limitName('maxNodes')})`);
  const refs: RefSite[] = [];
  const done = new Set<object>();
  const onPath = new Set<object>();
  // Stack entries: a node to enter, or an exit marker for a container. Paths are built lazily from
  // the parent chain, only for the few nodes that need one.
  type Frame = { node: unknown; parent?: Frame; key?: string | number; depth: number; exit?: boolean };
  const pathOf = (f: Frame): string => {
    const segs: string[] = [];
    for (let cur: Frame | undefined = f; cur && cur.key !== undefined; cur = cur.parent) segs.push(`/${esc(cur.key)}`);
    return segs.reverse().join('');
  };
  const stack: Frame[] = [{ node: ctx.doc, depth: 0 }];
  let nodes = 0;
  let cycleReported = false;
  while (stack.length > 0) {
    const f = stack.pop()!;
    const node = f.node;
    if (f.exit) {
      onPath.delete(node as object);
      done.add(node as object);
      continue;
    }
    if (++nodes > maxNodes) throw tooMany();
    ctx.tick();
    if (typeof node !== 'object' || node === null) continue;
    if (onPath.has(node)) {
      if (!cycleReported) ctx.report('ref-resolves', 'circular YAML alias: a node contains itself', pathOf(f));
      cycleReported = true;
      continue;
    }
    if (done.has(node)) continue;
    if (f.depth >= maxDepth) throw new LimitError(`definition nests deeper than ${maxDepth} levels (at ${pathOf(f)}; ${limitName('maxDepth')})`);
    onPath.add(node);
    stack.push({ node, depth: f.depth, exit: true });
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child = node[i];
        if (typeof child === 'object' && child !== null) stack.push({ node: child, parent: f, key: i, depth: f.depth + 1 });
        else if (++nodes > maxNodes) throw tooMany();
      }
    } else {
      const o = node as Obj;
      if (typeof o.$ref === 'string') refs.push({ ref: o.$ref, path: pathOf(f) });
      for (const k in o) {
        const child = o[k];
        if (typeof child === 'object' && child !== null) stack.push({ node: child, parent: f, key: k, depth: f.depth + 1 });
        else if (++nodes > maxNodes) throw tooMany();
      }
    }
  }
  return refs;
}

function detectVersion(ctx: Context, type: string): string | undefined {
  const d = ctx.doc;
  const other = type === 'openapi' ? d.asyncapi !== undefined : d.openapi !== undefined || d.swagger !== undefined;
  if (other) {
    ctx.report('spec-version', `spec.type is ${type}, but the definition is ${type === 'openapi' ? 'an AsyncAPI' : 'an OpenAPI/Swagger'} document`, '');
    return undefined;
  }
  if (type === 'openapi') {
    if (d.openapi !== undefined) {
      if (typeof d.openapi === 'string' && /^3\.[01]\.\d+(-[\w.]+)?$/.test(d.openapi)) return `openapi ${d.openapi}`;
      ctx.report('spec-version', `unsupported \`openapi\` version ${JSON.stringify(d.openapi)}: expected a string 3.0.x or 3.1.x`, '/openapi');
      return undefined;
    }
    if (d.swagger !== undefined) {
      if (d.swagger === '2.0') return 'swagger 2.0';
      ctx.report('spec-version', `unsupported \`swagger\` version ${JSON.stringify(d.swagger)}: expected the string "2.0"`, '/swagger');
      return undefined;
    }
    ctx.report('spec-version', 'not an OpenAPI document: neither `openapi` nor `swagger` is set', '');
    return undefined;
  }
  if (d.asyncapi === undefined) {
    ctx.report('spec-version', 'not an AsyncAPI document: `asyncapi` is not set', '');
    return undefined;
  }
  if (typeof d.asyncapi === 'string' && /^[23]\.\d+\.\d+(-[\w.]+)?$/.test(d.asyncapi)) return `asyncapi ${d.asyncapi}`;
  ctx.report('spec-version', `unsupported \`asyncapi\` version ${JSON.stringify(d.asyncapi)}: expected a string 2.x.y or 3.x.y`, '/asyncapi');
  return undefined;
}

/** Local refs must resolve (bounded chains, no cycles); external ones must be allow-listed. Never fetched. */
function checkRefs(ctx: Context, refs: RefSite[]): void {
  const byRef = new Map<string, RefSite[]>();
  for (const site of refs) {
    const list = byRef.get(site.ref);
    if (list) list.push(site);
    else byRef.set(site.ref, [site]);
  }
  for (const [ref, sites] of byRef) {
    ctx.tick();
    const more = sites.length > 1 ? ` (used ${sites.length} times)` : '';
    if (refKind(ref) === 'external') {
      if (!externalRefAllowed(ref, ctx.allowedRefs)) {
        ctx.report('ref-external', `external $ref ${ref} is not allowed (not followed; allow it with an apiValidator.allowedRefs prefix)${more}`, sites[0]!.path);
      }
      continue;
    }
    const r = ctx.resolveRef(ref);
    if (r.error) ctx.report('ref-resolves', `${r.error}${more}`, sites[0]!.path);
  }
}
