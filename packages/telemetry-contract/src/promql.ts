import { LABEL_NAMES, assertLabelValue } from './labels';
import { PLATFORM_LABELS, PLATFORM_METRICS, type PlatformMetric } from './platform';
import { METRICS, promName, type MetricKey } from './metrics';

/**
 * Typed PromQL builders. Every query of the pack is built here from the contract, so a label value can
 * never change a query's structure: values are escaped as PromQL string literals, regex values are
 * RE2-escaped on request, label and metric names are checked against the contract.
 */

export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];
export interface Matcher {
  op: MatchOp;
  value: string;
  /** A Grafana template variable reference such as `$api`, passed through for Grafana to interpolate. */
  variable?: true;
}

/** Escapes a string for a double-quoted PromQL string literal; refuses what is not a well-formed string. */
export function escapeLabelValue(value: string): string {
  assertLabelValue(undefined, value);
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: out += ch;
    }
  }
  return out;
}

/** Escapes RE2 metacharacters so that a value matches itself literally inside `=~`. */
export function escapeRegex(value: string): string {
  assertLabelValue(undefined, value);
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export const eq = (value: string): Matcher => ({ op: '=', value });
export const neq = (value: string): Matcher => ({ op: '!=', value });
/** Regex match; `value` is a regex written by the caller (not user input). */
export const re = (value: string): Matcher => ({ op: '=~', value });
export const nre = (value: string): Matcher => ({ op: '!~', value });
/** Matches any of the literal values (user input safe). */
export const oneOf = (values: readonly string[]): Matcher => {
  if (!Array.isArray(values)) throw new TypeError('oneOf needs an array of strings');
  if (values.length === 0) throw new RangeError('oneOf needs at least one value');
  return { op: '=~', value: values.map(escapeRegex).join('|') };
};

const VARIABLE = /^\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*(?::[A-Za-z]+)?\})$/;
/** `label=~"$name"`: a Grafana multi-value variable; Grafana escapes the values it interpolates. */
export function grafanaVar(name: string): Matcher {
  const value = typeof name === 'string' && !name.startsWith('$') ? `$${name}` : name;
  if (typeof value !== 'string' || !VARIABLE.test(value)) throw new RangeError(`not a Grafana variable reference: ${JSON.stringify(name)}`);
  return { op: '=~', value, variable: true };
}

/**
 * Label matchers by label name; undefined entries are omitted. A list puts several matchers on one label
 * (PromQL ANDs them), e.g. a fixed value and the dashboard variable: `plan="pro",plan=~"$plan"`.
 */
export type Matchers = Readonly<Record<string, Matcher | string | readonly (Matcher | string)[] | undefined>>;

function assertLabel(name: string): void {
  if (!LABEL_NAMES.has(name) && !PLATFORM_LABELS.has(name)) throw new RangeError(`label ${JSON.stringify(name)} is not in the telemetry contract`);
}

/**
 * The `label op "value"` parts of a selector, values escaped, variable references checked; `check` asserts
 * that each label may appear on the series (every selector builder of the contract renders through here).
 */
export function renderMatchers(matchers: Matchers, check: (label: string) => void): string[] {
  return Object.entries(matchers).flatMap(([label, m]) => {
    if (m === undefined) return [];
    check(label);
    return (Array.isArray(m) ? m : [m]).map((one: unknown) => {
      // Checked at run time too: matchers also come from JSON, config and untyped callers.
      const matcher = (typeof one === 'string' ? eq(one) : one) as Matcher;
      if (typeof matcher !== 'object' || matcher === null) {
        throw new TypeError(`label ${label}: a matcher must be a string or { op, value }, got ${matcher === null ? 'null' : typeof matcher}`);
      }
      if (!(MATCH_OPS as readonly unknown[]).includes(matcher.op)) {
        throw new RangeError(`label ${label}: matcher operator ${JSON.stringify(matcher.op)} is not one of ${MATCH_OPS.join(', ')}`);
      }
      assertLabelValue(label, matcher.value);
      if (matcher.variable && !VARIABLE.test(matcher.value)) throw new RangeError(`bad variable matcher for ${label}`);
      return `${label}${matcher.op}"${escapeLabelValue(matcher.value)}"`;
    });
  });
}

/** A series selector of a contract metric: `name{label="value",...}`; undefined matchers are omitted. */
export function selector(series: string, matchers: Matchers = {}): string {
  if (!CONTRACT_SERIES.has(series)) throw new RangeError(`series ${JSON.stringify(series)} is not in the telemetry contract`);
  const parts = renderMatchers(matchers, assertLabel);
  return parts.length ? `${series}{${parts.join(',')}}` : series;
}

/** Series names the contract defines (histograms contribute _bucket, _sum and _count), plus platform series. */
export const CONTRACT_SERIES: ReadonlySet<string> = new Set([
  ...Object.values(METRICS).flatMap((d) => {
    const n = promName(d);
    return d.type === 'histogram' ? [`${n}_bucket`, `${n}_sum`, `${n}_count`] : [n];
  }),
  ...Object.values(PLATFORM_METRICS as Record<string, PlatformMetric>).flatMap((m) =>
    m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  ),
]);

const GRAFANA_WINDOW = /^\$(?:__rate_interval|__interval|__range)$/;
export type Window = string;

/**
 * Duration units, largest first, in nanoseconds: the unit table of Prometheus' duration parser
 * (prometheus/common v0.72.1 model/time.go, `ParseDuration`: the version Prometheus 3.16.0, module v0.316.0, requires).
 */
// BigInt() rather than literals and `**`: the Grafana app's bundler may target older syntax.
const SECOND_NS = BigInt(1_000_000_000);
const DURATION_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', SECOND_NS * BigInt(365 * 24 * 3600)],
  ['w', SECOND_NS * BigInt(7 * 24 * 3600)],
  ['d', SECOND_NS * BigInt(24 * 3600)],
  ['h', SECOND_NS * BigInt(3600)],
  ['m', SECOND_NS * BigInt(60)],
  ['s', SECOND_NS],
  ['ms', BigInt(1_000_000)],
];
const DURATION_SHAPE = /^(?:\d+(?:ms|[smhdwy]))+$/;
/** 2^63 and the largest time.Duration, 2^63 - 1 ns (Go's int64). */
const TWO_POW_63 = BigInt('9223372036854775808');
const MAX_DURATION_NS = TWO_POW_63 - BigInt(1);

/**
 * Why Prometheus would refuse `d` as a range selector's duration, or undefined when it accepts it. Its
 * rules: `<digits><unit>` terms, each unit at most once and largest first (`1h30m`, not `30m1h` nor
 * `1m1m`); no term and no sum past the largest time.Duration (about 292 years); and a range must be
 * greater than 0 (Prometheus 3.16.0 promql/parser/generated_parser.y, `positive_duration_expr`).
 */
function durationRefusal(d: string): string | undefined {
  if (!DURATION_SHAPE.test(d)) return 'expected <number><unit> terms, units ms, s, m, h, d, w, y';
  let last = -1;
  let total = BigInt(0);
  for (const [, digits, unit] of d.matchAll(/(\d+)(ms|[smhdwy])/g)) {
    const at = DURATION_UNITS.findIndex(([u]) => u === unit);
    if (at <= last) return 'units must appear once each, largest first (y, w, d, h, m, s, ms)';
    last = at;
    const mult = DURATION_UNITS[at]![1];
    const v = BigInt(digits!);
    if (v > TWO_POW_63 / mult) return 'duration out of range (at most about 292 years)';
    total += v * mult;
    if (total > MAX_DURATION_NS) return 'duration out of range (at most about 292 years)';
  }
  return total === BigInt(0) ? 'a range must be greater than 0' : undefined;
}

/**
 * Validates a range window: a PromQL duration that Prometheus accepts as a range (`5m`, `1h30m`) or a
 * Grafana interval variable. Refuses what is not a string rather than coerce it.
 */
export function window(w: Window): Window {
  if (typeof w !== 'string') throw new TypeError(`window must be a string, got ${w === null ? 'null' : typeof w}`);
  if (GRAFANA_WINDOW.test(w)) return w;
  const refusal = durationRefusal(w);
  if (refusal) throw new RangeError(`not a PromQL duration or Grafana interval: ${JSON.stringify(w)} (${refusal})`);
  return w;
}

/** Grafana's recommended window for rate() over scraped counters. */
export const RATE_INTERVAL = '$__rate_interval';

function byClause(by: readonly string[]): string {
  by.forEach(assertLabel);
  return by.length ? ` by (${by.join(', ')})` : '';
}

export const rate = (expr: string, w: Window): string => `rate(${expr}[${window(w)}])`;
export const increase = (expr: string, w: Window): string => `increase(${expr}[${window(w)}])`;
export const sum = (expr: string, by: readonly string[] = []): string => `sum${byClause(by)} (${expr})`;
export const topk = (k: number, expr: string): string => {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`topk needs a positive integer, got ${k}`);
  return `topk(${k}, ${expr})`;
};

/**
 * Time of the oldest sample of `selector` within the last `w`, probed every `resolutionSeconds`: tells
 * how old a series' data is, so that rates over a window longer than the data can be shortened to it.
 * The subquery's steps are aligned to multiples of the resolution, so data younger than the last step
 * has no step yet: the instant timestamp stands in for it.
 */
export function oldestSampleTime(selectorExpr: string, w: Window, resolutionSeconds: number): string {
  if (!Number.isInteger(resolutionSeconds) || resolutionSeconds < 1) throw new RangeError(`resolution must be a whole number of seconds >= 1, got ${resolutionSeconds}`);
  return `min(min_over_time(timestamp(${selectorExpr})[${window(w)}:${resolutionSeconds}s]) or timestamp(${selectorExpr}))`;
}

/** Builds a selector for a contract metric by key; for histograms pass which series. */
export function metricSelector(key: MetricKey, matchers: Matchers = {}, part?: 'bucket' | 'sum' | 'count'): string {
  const def = METRICS[key];
  const name = promName(def);
  if (def.type === 'histogram') {
    if (!part) throw new RangeError(`${key} is a histogram: say which series (bucket, sum or count)`);
    return selector(`${name}_${part}`, matchers);
  }
  if (part) throw new RangeError(`${key} is a ${def.type}, it has no ${part} series`);
  return selector(name, matchers);
}

/**
 * `buckets` (per-`le` series of one histogram family, e.g. its bucket rates) restricted to the `le` bounds
 * that every `source` (e.g. gateway) contributing to a `by` group has, so that summing them by `le` adds
 * like with like when the sources were configured with different bounds. `present` selects the same
 * series as `buckets` does, unaggregated (the plain bucket selector), to learn which bounds each source has.
 */
export function commonBucketsOnly(buckets: string, present: string, source: string, by: readonly string[] = []): string {
  const group = by.filter((l) => l !== 'le');
  [source, ...group].forEach(assertLabel);
  const boundsPerSource = `count${byClause(['le', ...group])} (group${byClause(['le', source, ...group])} (${present}))`;
  const sources = `count${byClause(group)} (group${byClause([source, ...group])} (${present}))`;
  return `(${buckets} and on (${['le', ...group].join(', ')}) (${boundsPerSource} == on (${group.join(', ')}) group_left () ${sources}))`;
}

export function histogramQuantile(q: number, bucketRate: string, by: readonly string[] = []): string {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  return `histogram_quantile(${q}, ${sum(bucketRate, ['le', ...by])})`;
}
