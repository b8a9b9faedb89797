// collector/gateway-names.ts: admin API output -> overlay statements (no binary needed). The overlay
// applied by the real collector is tested in profiles.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { gatewayNames, GatewayNamesError, main, NAME_TAG, overlay, statements } from '../gateway-names';

const KONG_SERVICES = {
  data: [
    { id: 's1', name: 'orders-v2-stable', host: 'orders.internal' },
    { id: 's2', name: null, host: 'payments.internal', tags: [`${NAME_TAG}payments-v1-canary`] },
    { id: 's3', host: 'legacy.internal' },
  ],
  next: null,
};
const KONG_ROUTES = {
  data: [
    { id: '0c8f5a2e-1111-4a4a-8a8a-000000000001', name: 'orders-list' },
    { id: '0c8f5a2e-1111-4a4a-8a8a-000000000002', tags: ['team:payments', `${NAME_TAG}payments-get`] },
    { id: '0c8f5a2e-1111-4a4a-8a8a-000000000003' },
  ],
};
const APISIX_ROUTES = { total: 2, list: [{ key: '/apisix/routes/1', value: { id: '1', name: 'orders-list' } }, { key: '/apisix/routes/2', value: { id: 2 } }] };
const APISIX_SERVICES = { total: 1, list: [{ value: { id: '3', name: 'orders-v2-canary' } }] };

test('maps ids (APISIX) and hosts / route ids of unnamed Kong objects with a name tag; reports the rest', () => {
  const r = gatewayNames({ kongServices: KONG_SERVICES, kongRoutes: KONG_ROUTES, apisixServices: APISIX_SERVICES, apisixRoutes: APISIX_ROUTES });
  assert.deepEqual(r.mappings, [
    { gateway: 'kong', kind: 'service', value: 'payments.internal', name: 'payments-v1-canary' },
    { gateway: 'kong', kind: 'route', value: '0c8f5a2e-1111-4a4a-8a8a-000000000002', name: 'payments-get' },
    { gateway: 'apisix', kind: 'service', value: '3', name: 'orders-v2-canary' },
    { gateway: 'apisix', kind: 'route', value: '1', name: 'orders-list' },
  ]);
  assert.equal(r.warnings.length, 3);
  assert.match(r.warnings.join('\n'), /kong service s3 .*host "legacy\.internal"/);
  assert.match(r.warnings.join('\n'), /kong route 0c8f5a2e-1111-4a4a-8a8a-000000000003/);
  assert.match(r.warnings.join('\n'), /apisix route 2 has no name/);
});

test('a value that stands for two names is not mapped', () => {
  const two = { data: [{ id: 'a', host: 'shared.internal', tags: [`${NAME_TAG}orders-v2-stable`] }, { id: 'b', host: 'shared.internal', tags: [`${NAME_TAG}orders-v2-canary`] }] };
  const r = gatewayNames({ kongServices: two });
  assert.deepEqual(r.mappings, []);
  assert.match(r.warnings[0]!, /"shared\.internal" stands for "orders-v2-stable" and "orders-v2-canary"/);
});

test('service mappings also set what the naming convention reads from the name', () => {
  const st = statements([{ gateway: 'apisix', kind: 'service', value: '3', name: 'orders-v2-canary' }]);
  assert.deepEqual(st, [
    'set(datapoint.attributes["api"], "orders") where datapoint.attributes["gateway"] == "apisix" and datapoint.attributes["service"] == "3"',
    'set(datapoint.attributes["api_version"], "v2") where datapoint.attributes["gateway"] == "apisix" and datapoint.attributes["service"] == "3"',
    'set(datapoint.attributes["deployment_role"], "canary") where datapoint.attributes["gateway"] == "apisix" and datapoint.attributes["service"] == "3"',
    'set(datapoint.attributes["service"], "orders-v2-canary") where datapoint.attributes["gateway"] == "apisix" and datapoint.attributes["service"] == "3"',
  ]);
});

test('hostile values stay literals: quotes escaped for OTTL, $ doubled for the collector, quotes for YAML', () => {
  const text = overlay({ mappings: [{ gateway: 'apisix', kind: 'route', value: `x" or true or "${'${env:HOME}'}'`, name: 'orders-list' }], warnings: [] });
  const doc = parse(text) as any;
  const [stmt] = doc.processors['transform/gateway_names'].metric_statements[0].statements as string[];
  assert.equal(stmt, 'set(datapoint.attributes["route"], "orders-list") where datapoint.attributes["gateway"] == "apisix" and datapoint.attributes["route"] == "x\\" or true or \\"$${env:HOME}\'"');
});

test('an overlay without mappings is valid and changes nothing', () => {
  const doc = parse(overlay({ mappings: [], warnings: ['w'] })) as any;
  assert.deepEqual(doc.processors['transform/gateway_names'].metric_statements[0].statements, []);
});

test('bad input gets one clear error naming the flag or file', () => {
  assert.throws(() => gatewayNames({ kongRoutes: { list: [] } }, { kongRoutes: 'routes.json' }), (e: Error) => e instanceof GatewayNamesError && /routes\.json: expected \{"data"/.test(e.message));
  assert.throws(() => gatewayNames({ apisixRoutes: { list: [{ value: { name: 'x' } }] } }), /list\[0\] has no id/);
  const errs: string[] = [];
  assert.equal(main(['--kong-routes', '/nonexistent/routes.json'], () => undefined, (s) => errs.push(s)), 2);
  assert.equal(main(['--bogus', 'x'], () => undefined, (s) => errs.push(s)), 2);
  assert.equal(main([], () => undefined, (s) => errs.push(s)), 2);
  assert.match(errs[0]!, /--kong-routes: cannot read \/nonexistent\/routes\.json/);
  assert.match(errs[1]!, /--bogus: unknown flag/);
  assert.match(errs[2]!, /give at least one of/);
});
