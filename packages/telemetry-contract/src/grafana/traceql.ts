/**
 * A small TraceQL builder for the pack's trace search panels (Tempo). TraceQL is not
 * PromQL; values are escaped as TraceQL (Go-style) double-quoted strings and attribute names are checked.
 * Span attribute names are those the pack's collector writes on gateway spans (the contract's label
 * attributes: `api`, `http.route`, `consumer`, `status_class`, ...).
 */
import { escapeLogqlString } from './logql';

export type TraceOp = '=' | '!=' | '=~' | '!~';
export interface TraceCondition {
  /** Attribute with its scope, e.g. `span.http.route`, `resource.service.name`. */
  attribute: string;
  op: TraceOp;
  value: string;
  variable?: true;
}

const ATTRIBUTE = /^(?:span|resource)\.[A-Za-z_][A-Za-z0-9_.]*$/;
const VARIABLE = /^\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*(?::[A-Za-z]+)?\})$/;

export function spanAttr(attribute: string): string {
  const a = `span.${attribute}`;
  if (!ATTRIBUTE.test(a)) throw new RangeError(`not a span attribute: ${JSON.stringify(attribute)}`);
  return a;
}

export const traceEq = (attribute: string, value: string): TraceCondition => ({ attribute, op: '=', value });
/** `attribute =~ "$name"`: a Grafana variable (use `:regex` for multi-value variables). */
export function traceVar(attribute: string, name: string): TraceCondition {
  const ref = name.startsWith('$') ? name : `$${name}`;
  if (!VARIABLE.test(ref)) throw new RangeError(`not a Grafana variable reference: ${JSON.stringify(name)}`);
  return { attribute, op: '=~', value: ref, variable: true };
}

/** `{ cond && cond ... }`: a span set filter where every condition must hold. */
export function spanSet(conditions: readonly TraceCondition[]): string {
  if (conditions.length === 0) return '{}';
  const parts = conditions.map((c) => {
    if (!ATTRIBUTE.test(c.attribute)) throw new RangeError(`not a TraceQL attribute: ${JSON.stringify(c.attribute)}`);
    return `${c.attribute} ${c.op} "${escapeLogqlString(c.value)}"`;
  });
  return `{ ${parts.join(' && ')} }`;
}
