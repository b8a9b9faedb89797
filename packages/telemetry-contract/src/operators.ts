import { LABEL_NAMES } from './labels';
import { PLATFORM_LABELS } from './platform';
import { window, type Window } from './promql';
import { RULE_LABELS } from './rules';

/**
 * PromQL operators that combine expressions built by the other builders (set operators, arithmetic,
 * comparisons, `*_over_time`, offset, aggregation). They never name a series; label names in `by (...)`
 * and `on (...)` are checked against the contract, recorded-series labels included.
 */

function assertLabels(labels: readonly string[]): void {
  for (const l of labels) {
    if (!LABEL_NAMES.has(l) && !PLATFORM_LABELS.has(l) && !RULE_LABELS.has(l)) {
      throw new RangeError(`label ${JSON.stringify(l)} is not in the telemetry contract`);
    }
  }
}

/** A number as PromQL reads it, without float noise such as 0.014400000000000001. */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return String(Number(n.toPrecision(12)));
}

const on = (labels?: readonly string[]): string => {
  if (!labels) return '';
  assertLabels(labels);
  return ` on (${labels.join(', ')})`;
};

export const and = (a: string, b: string, onLabels?: readonly string[]): string => `(${a}) and${on(onLabels)} (${b})`;
export const or = (a: string, b: string, onLabels?: readonly string[]): string => `(${a}) or${on(onLabels)} (${b})`;
export const unless = (a: string, b: string, onLabels?: readonly string[]): string => `(${a}) unless${on(onLabels)} (${b})`;
export const div = (a: string, b: string): string => `(${a}) / (${b})`;
export const minus = (a: string, b: string): string => `(${a}) - (${b})`;
export const plus = (a: string, b: string): string => `(${a}) + (${b})`;
export const times = (k: number, a: string): string => `${num(k)} * (${a})`;

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';
/** Filter comparison against a number: keeps the series for which it holds. */
export const cmp = (a: string, op: Comparison, n: number): string => `${a} ${op} ${num(n)}`;

export const avgOverTime = (sel: string, w: Window): string => `avg_over_time(${sel}[${window(w)}])`;
export const maxOverTime = (sel: string, w: Window): string => `max_over_time(${sel}[${window(w)}])`;

const PLAIN_SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$/s;
/**
 * `selector offset w`, e.g. `1w` for week-over-week; the selector unchanged when `w` is undefined.
 * PromQL allows `offset` only directly after a selector, so anything else is refused.
 */
export function offsetSelector(sel: string, w?: Window): string {
  if (w === undefined) return sel;
  if (!PLAIN_SELECTOR.test(sel)) throw new RangeError(`offset needs a plain selector, got ${sel}`);
  return `${sel} offset ${window(w)}`;
}

export type Aggregation = 'sum' | 'min' | 'max' | 'avg' | 'group';
/** `op by (labels) (expr)`, e.g. `min by (job, instance) (up)`; without labels `op (expr)`. */
export function aggregate(op: Aggregation, expr: string, by: readonly string[] = []): string {
  assertLabels(by);
  return `${op}${by.length ? ` by (${by.join(', ')})` : ''} (${expr})`;
}
