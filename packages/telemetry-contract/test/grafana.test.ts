/**
 * The Grafana sub-path's own builders (LogQL, TraceQL, link shapes with template expressions). No Loki
 * or Tempo exists on these machines: the LogQL and TraceQL checks are static (escaping, structure,
 * rejection of anything that is not a label name or a variable reference).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backstageEntityLink, escapeRegex, grafanaAppLink, grafanaDashboardLink } from '../src';
import {
  appPageTemplateUrl,
  backstageApiTemplateUrl,
  dashboardTemplateUrl,
  escapeLogqlString,
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
} from '../src/grafana';

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
  test('RE2 escaping (the PromQL builders’ escapeRegex) makes every metacharacter literal', () => {
    for (const v of HOSTILE) assert.ok(new RegExp(`^${escapeRegex(v)}$`).test(v), v);
    assert.equal(escapeRegex('a.b|c'), 'a\\.b\\|c');
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

describe('link shapes with template expressions are the link builders’', () => {
  test('Backstage API page', () => {
    assert.equal(backstageApiTemplateUrl(), '${backstage_url}/catalog/default/api/${api}');
    const real = backstageEntityLink({ backstageUrl: 'https://backstage.example', kind: 'API', name: 'orders' });
    assert.equal(backstageApiTemplateUrl('orders').replace('${backstage_url}', 'https://backstage.example'), real);
  });
  test('dashboard links with data-link expressions and the time range', () => {
    const url = dashboardTemplateUrl('apiobs-developer', { consumer: '${__data.fields.consumer}' });
    assert.equal(url, '/d/apiobs-developer?orgId=1&var-consumer=${__data.fields.consumer}&from=${__from}&to=${__to}');
    const real = grafanaDashboardLink({ grafanaUrl: 'https://g.example', uid: 'apiobs-developer', vars: { consumer: 'acme' }, range: { from: '1', to: '2' } });
    assert.equal(`https://g.example${url.replace('${__data.fields.consumer}', 'acme').replace('${__from}', '1').replace('${__to}', '2')}`, real);
  });
  test('app page links with data-link expressions and the time range', () => {
    const url = appPageTemplateUrl('api-observatory-app', 'product', { plan: '${__data.fields.plan}' });
    assert.equal(url, '/a/api-observatory-app/product?var-plan=${__data.fields.plan}&from=${__from}&to=${__to}');
    const real = grafanaAppLink({ grafanaUrl: 'https://g.example', pluginId: 'api-observatory-app', page: 'product', vars: { plan: 'pro' }, range: { from: '1', to: '2' } });
    assert.equal(`https://g.example${url.replace('${__data.fields.plan}', 'pro').replace('${__from}', '1').replace('${__to}', '2')}`, real);
  });
});
