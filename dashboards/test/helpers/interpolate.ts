/**
 * A small Grafana template interpolator for the tests (Grafana itself is not available here).
 *
 * What it does, following Grafana's Prometheus / Loki / Tempo datasources:
 * - `$name`, `${name}` and `${name:regex}` of a multi-value query variable: "All" becomes the
 *   variable's allValue (`.*` in the pack's dashboards); selected values are RE2-escaped and joined as
 *   `(a|b)` (a single value stays bare). Because the result sits inside a double-quoted string, every
 *   backslash of the regex is doubled, as Grafana's prometheusSpecialRegexEscape does.
 * - textbox and constant variables: the selected value, else the variable's default.
 * - `$__rate_interval` → the given window (the tests use 4 × the data step, which is what Grafana
 *   computes when the datasource's scrape interval is set to the data step), `$__interval` → the step,
 *   `$__range` → `<seconds>s`, `$__range_s`, `$__range_ms`.
 * - anything else that looks like a variable is an error, so a typo in a dashboard fails the test.
 */
import { escapeLabelValue, escapeRegex } from '@api-observatory/telemetry-contract';

export interface TemplateVariable {
  name: string;
  type: string;
  allValue?: string;
  /** Default of a textbox / constant variable. */
  query?: unknown;
}

export type Selection = Readonly<Record<string, readonly string[] | 'All'>>;

export interface TimeContext {
  rangeSeconds: number;
  /** Value of $__rate_interval, e.g. "2m". */
  rateInterval: string;
  /** Value of $__interval, e.g. "30s". */
  interval: string;
}

const REF = /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g;

export function interpolate(text: string, variables: readonly TemplateVariable[], selection: Selection, time: TimeContext): string {
  const byName = new Map(variables.map((v) => [v.name, v]));
  return text.replace(REF, (match, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    switch (name) {
      case '__rate_interval': return time.rateInterval;
      case '__interval': return time.interval;
      case '__range': return `${time.rangeSeconds}s`;
      case '__range_s': return String(time.rangeSeconds);
      case '__range_ms': return String(time.rangeSeconds * 1000);
      default: break;
    }
    const v = byName.get(name);
    if (!v) throw new Error(`unknown template variable ${match}`);
    if (format !== undefined && format !== 'regex') throw new Error(`unsupported variable format ${match}`);
    const sel = selection[name];
    if (v.type === 'textbox' || v.type === 'constant') {
      if (sel === 'All') throw new Error(`${name} is a ${v.type} variable: it has no All`);
      return sel?.[0] ?? String(v.query ?? '');
    }
    if (v.type !== 'query' && v.type !== 'custom') throw new Error(`variable ${name} of type ${v.type} cannot appear in a query`);
    if (sel === undefined || sel === 'All') {
      if (v.allValue === undefined) throw new Error(`variable ${name} has no allValue`);
      return v.allValue;
    }
    if (sel.length === 0) throw new Error(`no value selected for ${name}`);
    const escaped = sel.map((s) => escapeLabelValue(escapeRegex(s)));
    return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
  });
}
