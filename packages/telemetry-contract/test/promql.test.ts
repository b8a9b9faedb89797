import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeLabelValue, escapeRegex, selector, metricSelector, oneOf, grafanaVar, re, window, rate, sum, topk,
  histogramQuantile, PROM, CONTRACT_SERIES, recordedSelector, componentSelector, RECORDED_SERIES,
} from '../src';

/** Minimal reader of a PromQL double-quoted literal: returns the decoded value and where it ended. */
function readLiteral(s: string, start: number): { value: string; end: number } {
  assert.equal(s[start], '"');
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n') assert.fail('raw newline inside a literal');
    if (c === '\\') {
      const n = s[++i]!;
      out += ({ n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' } as Record<string, string>)[n] ?? assert.fail(`bad escape \\${n}`);
    } else out += c;
  }
  return assert.fail('unterminated literal');
}

/** Splits `name{a="x",b=~"y"}` into matchers, honouring escapes; fails on anything unexpected. */
function parseSelector(s: string): { name: string; matchers: Array<[string, string, string]> } {
  const m = /^([a-z_:][a-z0-9_:]*)\{/.exec(s);
  assert.ok(m, `no selector: ${s}`);
  const matchers: Array<[string, string, string]> = [];
  let i = m[0].length;
  for (;;) {
    const lm = /^([a-z_][a-z0-9_]*)(=~|!~|!=|=)/.exec(s.slice(i));
    assert.ok(lm, `bad matcher at ${i}: ${s}`);
    i += lm[0].length;
    const lit = readLiteral(s, i);
    matchers.push([lm[1]!, lm[2]!, lit.value]);
    i = lit.end;
    if (s[i] === ',') { i++; continue; }
    assert.equal(s.slice(i), '}', `trailing text after matchers: ${s}`);
    return { name: m[1]!, matchers };
  }
}

const HOSTILE = [
  'orders"} or vector(1) or {x="',
  'back\\slash\\',
  'new\nline\r\ttab',
  '.*',
  'a|b(c)[d]{2}^$+?',
  "single'quote`tick",
  'unicode ✓ 日本',
  '',
];

test('hostile label values stay one literal value each', () => {
  for (const v of HOSTILE) {
    const s = selector(PROM.requests, { api: v, consumer: 'c1' });
    const parsed = parseSelector(s);
    assert.equal(parsed.name, PROM.requests);
    assert.deepEqual(parsed.matchers, [['api', '=', v], ['consumer', '=', 'c1']]);
  }
});

test('escapeLabelValue leaves no raw quote, newline or lone backslash', () => {
  for (const v of HOSTILE) {
    const e = escapeLabelValue(v);
    assert.doesNotMatch(e, /(^|[^\\])(\\\\)*"/, `unescaped quote in ${e}`);
    assert.doesNotMatch(e, /\n|\r/);
  }
});

test('escapeRegex makes a value match only itself', () => {
  for (const v of HOSTILE) {
    const r = new RegExp(`^(?:${escapeRegex(v)})$`);
    assert.ok(r.test(v), `does not match itself: ${JSON.stringify(v)}`);
    assert.ok(!r.test(`${v}x`));
    if (v) assert.ok(!r.test('x'.repeat(v.length)) || v === 'x'.repeat(v.length));
  }
  const any = oneOf(['a.b', 'c']);
  assert.equal(any.value, 'a\\.b|c');
  assert.ok(!new RegExp(`^(?:${any.value})$`).test('aXb'));
});

test('labels and series outside the contract are refused', () => {
  assert.throws(() => selector(PROM.requests, { not_a_label: 'x' }), /not in the telemetry contract/);
  assert.throws(() => selector('kong_http_requests_total', {}), /not in the telemetry contract/);
  assert.throws(() => sum('x', ['api"']), /not in the telemetry contract/);
  assert.throws(() => metricSelector('requestDuration', {}), /histogram/);
  assert.throws(() => metricSelector('requests', {}, 'bucket'), /no bucket series/);
  assert.ok(CONTRACT_SERIES.has(`${PROM.requestDuration}_bucket`));
});

test('windows accept durations and Grafana intervals only', () => {
  for (const ok of ['5m', '1h30m', '30s', '$__rate_interval', '$__interval', '$__range']) assert.equal(window(ok), ok);
  for (const bad of ['5', '5m]', '$api', '1h) or vector(1', '']) assert.throws(() => window(bad), /not a PromQL duration/);
  assert.equal(rate('x', '5m'), 'rate(x[5m])');
});

test('Grafana variables pass through, anything else is refused', () => {
  assert.equal(selector(PROM.requests, { api: grafanaVar('api') }), `${PROM.requests}{api=~"$api"}`);
  assert.equal(grafanaVar('${route:regex}').value, '${route:regex}');
  for (const bad of ['api"}', '$a b', '$(x)']) assert.throws(() => grafanaVar(bad), /not a Grafana variable/);
  assert.throws(() => selector(PROM.requests, { api: { op: '=~', value: '.*"}', variable: true } }), /bad variable/);
});

test('a list puts several matchers on one label, each escaped and checked, in every selector builder', () => {
  const hostile = 'pro"} or vector(1) #';
  const s = selector(PROM.requests, { plan: [hostile, grafanaVar('plan')] });
  const parsed = parseSelector(s);
  assert.deepEqual(parsed.matchers, [['plan', '=', hostile], ['plan', '=~', '$plan']]);
  const recorded = [...RECORDED_SERIES][0]!;
  assert.equal(recordedSelector(recorded, { api: ['orders', grafanaVar('api')] }), `${recorded}{api="orders",api=~"$api"}`);
  // The recorded and component builders refuse a forged variable matcher like the metric builder does.
  for (const build of [
    (m: object) => selector(PROM.requests, { api: [m as never] }),
    (m: object) => recordedSelector(recorded, { api: [m as never] }),
    (m: object) => componentSelector('keycloakRequests', { job: [m as never] }, 'count'),
  ]) {
    assert.throws(() => build({ op: '=~', value: '.*"}', variable: true }), /bad variable matcher/);
  }
  assert.throws(() => selector(PROM.requests, { nope: ['x', 'y'] }), /not in the telemetry contract/);
});

test('builders compose', () => {
  const q = histogramQuantile(0.99, rate(metricSelector('requestDuration', { api: 'orders' }, 'bucket'), '5m'), ['api']);
  assert.equal(q, `histogram_quantile(0.99, sum by (le, api) (rate(${PROM.requestDuration}_bucket{api="orders"}[5m])))`);
  assert.throws(() => histogramQuantile(1, 'x'), /quantile/);
  assert.throws(() => topk(0, 'x'), /positive integer/);
  assert.equal(selector(PROM.requests, { api: re('ord.*'), consumer: undefined }), `${PROM.requests}{api=~"ord.*"}`);
});
