/**
 * A small LogQL builder for the pack's log panels (dashboards and the Grafana app). The PromQL rules
 * hold here too: literal values are escaped as LogQL (Go-style) double-quoted strings, regex values are
 * RE2-escaped with the PromQL builders' `escapeRegex` (Loki and Prometheus both use RE2), label names
 * are checked, and a Grafana variable must look like one to be passed through for Grafana to interpolate.
 *
 * Loki's OTLP ingestion turns the resource attribute `service.name` into the stream label
 * `service_name` and stores a log record's trace id as structured metadata `trace_id`; the panel's
 * query relies on exactly those two names (see LOKI_LABELS).
 */
import { escapeRegex } from '../index';

/** Loki names the pack's log queries use (Loki 3 OTLP ingestion defaults). */
export const LOKI_LABELS = {
  /** Stream label from the resource attribute service.name (Kong: "kong", APISIX: "APISIX"). */
  serviceName: 'service_name',
  /** Structured metadata from the log record's trace id (32 lower-case hex). */
  traceId: 'trace_id',
  /** Structured metadata from the log record's span id. */
  spanId: 'span_id',
} as const;

export type LogMatchOp = '=' | '!=' | '=~' | '!~';
export interface LogMatcher {
  op: LogMatchOp;
  value: string;
  variable?: true;
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE = /^\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*(?::[A-Za-z]+)?\})$/;

/** Escapes a string for a double-quoted LogQL string literal (Go string escapes). */
export function escapeLogqlString(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
      }
    }
  }
  return out;
}

export const logEq = (value: string): LogMatcher => ({ op: '=', value });
export const logNeq = (value: string): LogMatcher => ({ op: '!=', value });
/** Any of the literal values (user input safe); `caseInsensitive` prefixes `(?i)`. */
export const logOneOf = (values: readonly string[], o: { caseInsensitive?: boolean } = {}): LogMatcher => {
  if (values.length === 0) throw new RangeError('logOneOf needs at least one value');
  return { op: '=~', value: `${o.caseInsensitive ? '(?i)' : ''}${values.map(escapeRegex).join('|')}` };
};
/**
 * `label=~"<prefix>$name"`: a Grafana variable Grafana interpolates (use the `:regex` format for
 * multi-value variables). `caseInsensitive` prefixes `(?i)`.
 */
export function logVar(name: string, o: { caseInsensitive?: boolean } = {}): LogMatcher {
  const ref = name.startsWith('$') ? name : `$${name}`;
  if (!VARIABLE.test(ref)) throw new RangeError(`not a Grafana variable reference: ${JSON.stringify(name)}`);
  return { op: '=~', value: `${o.caseInsensitive ? '(?i)' : ''}${ref}`, variable: true };
}

function renderMatcher(label: string, m: LogMatcher | string): string {
  if (!LABEL_NAME.test(label)) throw new RangeError(`not a Loki label name: ${JSON.stringify(label)}`);
  const matcher = typeof m === 'string' ? logEq(m) : m;
  if (matcher.variable && !VARIABLE.test(matcher.value.replace(/^\(\?i\)/, ''))) throw new RangeError(`bad variable matcher for ${label}`);
  return `${label}${matcher.op}"${escapeLogqlString(matcher.value)}"`;
}

export type LogMatchers = Readonly<Record<string, LogMatcher | string | undefined>>;

function matcherList(matchers: LogMatchers): string[] {
  return Object.entries(matchers)
    .filter((e): e is [string, LogMatcher | string] => e[1] !== undefined)
    .map(([k, v]) => renderMatcher(k, v));
}

/** A log stream selector `{label="value", ...}`; Loki needs at least one matcher that is not empty-compatible. */
export function streamSelector(matchers: LogMatchers): string {
  const parts = matcherList(matchers);
  if (parts.length === 0) throw new RangeError('a LogQL stream selector needs at least one matcher');
  return `{${parts.join(', ')}}`;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~';
/** A line filter: `|= "text"` (contains), `!=`, `|~ "regex"`, `!~`; the text is escaped. */
export function lineFilter(op: LineFilterOp, text: string): string {
  return `${op} "${escapeLogqlString(text)}"`;
}

/** A label filter expression on stream labels or structured metadata: `| label="value"`. */
export function labelFilter(matchers: LogMatchers): string {
  const parts = matcherList(matchers);
  if (parts.length === 0) throw new RangeError('a LogQL label filter needs at least one matcher');
  return `| ${parts.join(', ')}`;
}

/** A log query: stream selector followed by pipeline stages (line and label filters). */
export function logQuery(stream: LogMatchers, ...stages: string[]): string {
  return [streamSelector(stream), ...stages].join(' ');
}
