/**
 * The dashboards' link shapes and the test interpolator. The LogQL and TraceQL builders are the
 * contract's (`@api-observatory/telemetry-contract/grafana`), tested there.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backstageEntityLink, grafanaDashboardLink } from '@api-observatory/telemetry-contract';
import { backstageApiUrl, dashboardUrl } from '../src';
import { interpolate, type TemplateVariable } from './helpers/interpolate';

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
