import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  grafanaTraceLink, grafanaDashboardLink, grafanaAppLink, jaegerTraceLink, jaegerTraceApi, backstageEntityLink, parseEntityRef, traceId,
} from '../src';

const TID = '4BF92F3577B34DA6A3CE929D0E0E4736';

test('trace ids are validated and normalized', () => {
  assert.equal(traceId(TID), TID.toLowerCase());
  for (const bad of ['', '0'.repeat(32), 'xyz', `${TID}00`, '4bf92f3577b34da6a3ce929d0e0e473"']) assert.throws(() => traceId(bad), /trace id/);
});

test('Grafana Explore link opens the trace in Tempo', () => {
  const u = new URL(grafanaTraceLink({ grafanaUrl: 'http://grafana.local:3000/', tempoUid: 'tempo', traceId: TID }));
  assert.equal(u.pathname, '/explore');
  const panes = JSON.parse(u.searchParams.get('panes')!);
  const q = Object.values<{ queries: Array<{ query: string; datasource: { type: string; uid: string } }> }>(panes)[0]!.queries[0]!;
  assert.equal(q.query, TID.toLowerCase());
  assert.deepEqual(q.datasource, { type: 'tempo', uid: 'tempo' });
});

test('dashboard and app links encode variables', () => {
  const u = new URL(grafanaDashboardLink({ grafanaUrl: 'https://g.example/sub', uid: 'api-dev', slug: 'api developer', vars: { api: 'a&b=c', route: ['r1', 'r 2'] } }));
  assert.equal(u.pathname, '/sub/d/api-dev/api%20developer');
  assert.equal(u.searchParams.get('var-api'), 'a&b=c');
  assert.deepEqual(u.searchParams.getAll('var-route'), ['r1', 'r 2']);
  assert.throws(() => grafanaDashboardLink({ grafanaUrl: 'https://g', uid: '../admin' }), /uid/);
  const a = new URL(grafanaAppLink({ grafanaUrl: 'http://g', pluginId: 'api-observatory-app', page: 'developer', vars: { api: 'x"y' } }));
  assert.equal(a.pathname, '/a/api-observatory-app/developer');
  assert.equal(a.searchParams.get('var-api'), 'x"y');
});

test('base URLs must be plain http(s)', () => {
  for (const bad of ['javascript:alert(1)', 'ftp://x', 'not a url', 'http://x/?q=1']) {
    assert.throws(() => jaegerTraceLink({ jaegerUrl: bad, traceId: TID }), /URL|http/);
  }
  assert.equal(jaegerTraceLink({ jaegerUrl: 'http://127.0.0.1:16686/', traceId: TID }), `http://127.0.0.1:16686/trace/${TID.toLowerCase()}`);
  assert.equal(jaegerTraceApi({ jaegerUrl: 'http://j', traceId: TID }), `http://j/api/traces/${TID.toLowerCase()}`);
});

test('Backstage entity links encode segments', () => {
  assert.equal(backstageEntityLink({ backstageUrl: 'http://b:3000', kind: 'API', name: 'orders' }), 'http://b:3000/catalog/default/api/orders');
  assert.equal(backstageEntityLink({ backstageUrl: 'http://b', kind: 'API', namespace: 'x/y', name: 'a b' }), 'http://b/catalog/x%2Fy/api/a%20b');
  assert.deepEqual(parseEntityRef('api:team-a/orders'), { kind: 'api', namespace: 'team-a', name: 'orders' });
  assert.deepEqual(parseEntityRef('orders', { kind: 'api' }), { kind: 'api', namespace: 'default', name: 'orders' });
  assert.throws(() => parseEntityRef('orders'), /entity ref/);
  assert.throws(() => parseEntityRef('a:b/c/d'), /entity ref/);
});
