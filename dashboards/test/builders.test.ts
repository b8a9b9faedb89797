/**
 * The package's own builders (LogQL, TraceQL, link shapes) and the test interpolator. No Loki or Tempo
 * exists on these machines: the LogQL and TraceQL checks are static (escaping, structure, rejection of
 * anything that is not a label name or a variable reference).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backstageEntityLink, grafanaDashboardLink } from '@api-observatory/telemetry-contract';
import {
  backstageApiUrl,
  dashboardUrl,
  escapeLogqlString,
  escapeRe2,
  labelFilter,
  lineFilter,
  logEq,
  logOneOf,
  logQuery,
  logVar,
  spanAttr,
  spanSet,
  streamSelector,
  traceEq,
  traceVar,
} from '../src';
import { interpolate, type TemplateVariable } from './helpers/interpolate';

const HOSTILE = ['a"b', 'back\\slash', 'new\nline', 'tab\tx', '.*', 'x|y', '(?i)', '} or {', '`tick`', 'ctl\u0001'];

/** Unquotes a Go-style double-quoted string the way Loki / Tempo parse it. */
function unquote(lit: string): string {
  assert.ok(lit.startsWith('"') && lit.endsWith('"'), lit);
  return lit.slice(1, -1).replace(/\\(x[0-9a-f]{2}|.)/g, (_, c: string) =>
    c.startsWith('x') && c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c,
  );
}

describe('LogQL builder', () => {
  test('string literals round-trip hostile values and never end early', () => {
    for (const v of HOSTILE) {
      const lit = `"${escapeLogqlString(v)}"`;
      assert.equal(unquote(lit), v);
      assert.ok(!/(^|[^\\])"/.test(lit.slice(1, -1).replace(/\\\\/g, '')), lit);
    }
  });
  test('RE2 escaping makes every metacharacter literal', () => {
    for (const v of HOSTILE) assert.ok(new RegExp(`^${escapeRe2(v)}$`).test(v), v);
    assert.equal(escapeRe2('a.b|c'), 'a\\.b\\|c');
  });
  test('stream selectors, label and line filters', () => {
    assert.equal(streamSelector({ service_name: 'kong' }), '{service_name="kong"}');
    assert.equal(streamSelector({ service_name: logOneOf(['kong', 'APISIX'], { caseInsensitive: true }) }), '{service_name=~"(?i)kong|APISIX"}');
    assert.equal(labelFilter({ trace_id: logVar('trace_id') }), '| trace_id=~"$trace_id"');
    assert.equal(labelFilter({ service_name: logVar('${gateway:regex}', { caseInsensitive: true }) }), '| service_name=~"(?i)${gateway:regex}"');
    assert.equal(lineFilter('|=', 'say "hi"'), '|= "say \\"hi\\""');
    assert.equal(logQuery({ a: logEq('x') }, lineFilter('!~', 'y')), '{a="x"} !~ "y"');
  });
  test('rejects what is not a label name or a variable', () => {
    assert.throws(() => streamSelector({}), /at least one/);
    assert.throws(() => streamSelector({ 'bad-label': 'x' }), /label name/);
    assert.throws(() => streamSelector({ 'a"}': 'x' }), /label name/);
    assert.throws(() => logVar('x} or {'), /variable/);
    assert.throws(() => logVar('$a b'), /variable/);
    assert.throws(() => logOneOf([]), /at least one/);
  });
  test('hostile literal values stay one value', () => {
    const q = streamSelector({ service_name: logOneOf(HOSTILE) });
    const lit = q.slice('{service_name=~'.length, -1);
    const re = new RegExp(`^(?:${unquote(lit)})$`);
    for (const v of HOSTILE) assert.ok(re.test(v), v);
    assert.ok(!re.test('anything else'));
  });
});

describe('TraceQL builder', () => {
  test('span sets with escaped values and variables', () => {
    assert.equal(spanSet([traceEq(spanAttr('http.route'), 'a"b'), traceVar(spanAttr('api'), '${api:regex}')]), '{ span.http.route = "a\\"b" && span.api =~ "${api:regex}" }');
    assert.equal(spanSet([]), '{}');
  });
  test('rejects bad attributes and variables', () => {
    assert.throws(() => spanAttr('x" || true'), /attribute/);
    assert.throws(() => traceVar('span.api', 'a b'), /variable/);
    assert.throws(() => spanSet([{ attribute: 'api', op: '=', value: 'x' }]), /attribute/);
  });
});

describe('link shapes come from the contract’s builders', () => {
  test('Backstage API page', () => {
    assert.equal(backstageApiUrl(), '${backstage_url}/catalog/default/api/${api}');
    const real = backstageEntityLink({ backstageUrl: 'https://backstage.example', kind: 'API', name: 'orders' });
    assert.equal(backstageApiUrl('orders').replace('${backstage_url}', 'https://backstage.example'), real);
  });
  test('dashboard links with data-link expressions and the time range', () => {
    const url = dashboardUrl('apiobs-developer', { consumer: '${__data.fields.consumer}' });
    assert.equal(url, '/d/apiobs-developer?orgId=1&var-consumer=${__data.fields.consumer}&from=${__from}&to=${__to}');
    const real = grafanaDashboardLink({ grafanaUrl: 'https://g.example', uid: 'apiobs-developer', vars: { consumer: 'acme' }, range: { from: '1', to: '2' } });
    assert.equal(`https://g.example${url.replace('${__data.fields.consumer}', 'acme').replace('${__from}', '1').replace('${__to}', '2')}`, real);
  });
});

describe('test interpolator', () => {
  const vars: TemplateVariable[] = [
    { name: 'api', type: 'query', allValue: '.*' },
    { name: 'trace_id', type: 'textbox', query: '.+' },
  ];
  const time = { rangeSeconds: 7200, rateInterval: '2m', interval: '60s' };
  test('All, single and multiple values, regex format, built-ins', () => {
    assert.equal(interpolate('x{api=~"$api"}[$__rate_interval]', vars, {}, time), 'x{api=~".*"}[2m]');
    assert.equal(interpolate('x{api=~"$api"}', vars, { api: ['orders'] }, time), 'x{api=~"orders"}');
    assert.equal(interpolate('x{api=~"${api:regex}"}', vars, { api: ['a', 'b'] }, time), 'x{api=~"(a|b)"}');
    assert.equal(interpolate('[$__range] $__range_s $__interval', vars, {}, time), '[7200s] 7200 60s');
    assert.equal(interpolate('t=~"$trace_id"', vars, {}, time), 't=~".+"');
  });
  test('regex metacharacters are escaped for a double-quoted string (backslashes doubled)', () => {
    assert.equal(interpolate('x{api=~"$api"}', vars, { api: ['a.b'] }, time), 'x{api=~"a\\\\.b"}');
  });
  test('unknown variables fail', () => {
    assert.throws(() => interpolate('$nope', vars, {}, time), /unknown template variable/);
    assert.throws(() => interpolate('${api:csv}', vars, {}, time), /unsupported/);
  });
});
