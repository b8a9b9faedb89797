import { LABEL_NAMES, PLATFORM_LABELS, RULE_LABELS, window, type Window } from '@api-observatory/telemetry-contract';

/**
 * PromQL operators the contract's builders do not cover (set operators, comparisons, *_over_time, offset).
 * They only combine expressions built elsewhere; they never name a series. Label names in `on (...)`
 * are checked against the contract like the contract's own builders do.
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
/** `selector offset d`: only valid directly after a selector. */
export const offset = (sel: string, d: Window): string => {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$/s.test(sel)) throw new RangeError(`offset needs a plain selector, got ${sel}`);
  return `${sel} offset ${window(d)}`;
};
/** Aggregation with arbitrary (checked) labels, e.g. `max by (api) (...)`. */
export const aggregate = (op: 'max' | 'min' | 'sum' | 'group', expr: string, by: readonly string[]): string => {
  assertLabels(by);
  return `${op}${by.length ? ` by (${by.join(', ')})` : ''} (${expr})`;
};
