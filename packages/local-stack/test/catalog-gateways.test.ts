import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { apiNames } from '@api-observatory/traffic-simulator';
import { catalogGateways } from '../src/catalog-gateways';

describe('gateway assignment from the sample catalog', () => {
  it('names each simulated API of the catalog with its gateways; orders goes through both', () => {
    const routing = catalogGateways();
    assert.deepEqual(routing.orders, ['kong', 'apisix']);
    assert.deepEqual(routing.inventory, ['apisix']);
    assert.deepEqual(routing.payments, ['kong']);
    const simulated = apiNames(6);
    for (const api of Object.keys(routing)) assert.ok(simulated.includes(api), `${api} is not simulated`);
    for (const api of simulated) assert.ok(routing[api], `${api} has no gateway in the catalog`);
  });

  it('skips entities without the annotations and names the file of a bad gateway list', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'catalog-gw-'));
    writeFileSync(path.join(dir, 'a.yaml'), [
      'kind: API\nmetadata:\n  name: events\n  annotations: {}',
      '---\nkind: Component\nmetadata:\n  name: c\n  annotations:\n    api-observatory.io/api-name: c\n    api-observatory.io/gateway: kong',
      '---\nkind: API\nmetadata:\n  name: x\n  annotations:\n    api-observatory.io/api-name: x\n    api-observatory.io/gateway: " apisix , kong "',
    ].join('\n'));
    assert.deepEqual(catalogGateways(dir), { x: ['apisix', 'kong'] });
    writeFileSync(path.join(dir, 'b.yaml'), 'kind: API\nmetadata:\n  name: y\n  annotations:\n    api-observatory.io/api-name: y\n    api-observatory.io/gateway: kong,envoy\n');
    assert.throws(() => catalogGateways(dir), /b\.yaml: api-observatory\.io\/gateway: .*envoy/);
  });
});
