import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCatalog, CANARY_API_TRAFFIC_SHARE, type CatalogOptions } from '../src/catalog';

const base: CatalogOptions = { seed: 1, apis: 6, consumers: 10, canaryApi: 'orders', canaryShare: 0.1, baselineShare: 0.1 };
const share = (c: ReturnType<typeof buildCatalog>, api: string) => c.apis.find((a) => a.name === api)!.weight / c.apis.reduce((s, a) => s + a.weight, 0);

describe('the canary API', () => {
  it(`carries ${CANARY_API_TRAFFIC_SHARE * 100} % of all requests whatever the seed, so its canary can be judged`, () => {
    for (let seed = 0; seed < 50; seed++) {
      for (const canaryApi of ['orders', 'inventory']) {
        const c = buildCatalog({ ...base, seed, canaryApi });
        assert.ok(Math.abs(share(c, canaryApi) - CANARY_API_TRAFFIC_SHARE) < 1e-12, `seed ${seed} ${canaryApi}: ${share(c, canaryApi)}`);
      }
    }
  });

  it('other APIs keep their seeded weights; the canary shares change only the deployments', () => {
    for (const seed of [1, 7, 'x']) {
      const c = buildCatalog({ ...base, seed });
      for (const a of c.apis.slice(1)) assert.ok(Number.isInteger(a.weight) && a.weight >= 1 && a.weight <= 4, `${a.name} ${a.weight}`);
      assert.deepEqual(c.apis[0]!.deployments.map((d) => [d.role, d.version, d.share]), [['stable', 'v2', 0.8], ['baseline', 'v2', 0.1], ['canary', 'v2.1', 0.1]]);
      const busier = buildCatalog({ ...base, seed, canaryShare: 0.25, baselineShare: 0.25 });
      assert.deepEqual(busier.consumers, c.consumers);
      assert.deepEqual(busier.apis.map((a) => a.weight), c.apis.map((a) => a.weight));
      assert.deepEqual(busier.apis[0]!.deployments.map((d) => [d.role, d.share]), [['stable', 0.5], ['baseline', 0.25], ['canary', 0.25]]);
    }
  });

  it('as the only API keeps a positive weight', () => {
    const c = buildCatalog({ ...base, apis: 1 });
    assert.ok(c.apis[0]!.weight > 0);
  });
});
