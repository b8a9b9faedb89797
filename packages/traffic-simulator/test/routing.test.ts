import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Gateway } from '@api-observatory/telemetry-contract';
import { parseGatewayList } from '../src/catalog';
import { GroundTruth } from '../src/ground-truth';
import { defaultProfile } from '../src/profiles';
import { startLiveSimulator } from '../src/live';
import { TrafficGenerator } from '../src/traffic';

const ROUTING: Record<string, Gateway[]> = { orders: ['kong', 'apisix'], payments: ['kong'], inventory: ['apisix'] };

function gatewaysByApi(g: TrafficGenerator, n: number): Map<string, Map<Gateway, number>> {
  const seen = new Map<string, Map<Gateway, number>>();
  for (let i = 0; i < n; i++) {
    const r = g.next();
    const m = seen.get(r.api) ?? new Map<Gateway, number>();
    m.set(r.gateway, (m.get(r.gateway) ?? 0) + 1);
    seen.set(r.api, m);
  }
  return seen;
}

describe('routing each API through its catalog gateways', () => {
  it('sends an API only through the gateways it is assigned, and through each of them', () => {
    const seen = gatewaysByApi(new TrafficGenerator({ gateways: ['kong', 'apisix'], apiGateways: ROUTING, seed: 3 }), 20_000);
    assert.deepEqual([...seen.get('payments')!.keys()], ['kong']);
    assert.deepEqual([...seen.get('inventory')!.keys()], ['apisix']);
    const orders = seen.get('orders')!;
    assert.deepEqual([...orders.keys()].sort(), ['apisix', 'kong']);
    // Split evenly between the two gateways (binomial, n ≈ 8000: ±5 % is over 8 standard deviations).
    const share = orders.get('kong')! / (orders.get('kong')! + orders.get('apisix')!);
    assert.ok(Math.abs(share - 0.5) < 0.05, `kong share of orders ${share}`);
    // An API without an assignment goes through every simulated gateway.
    assert.deepEqual([...seen.get('customers')!.keys()].sort(), ['apisix', 'kong']);
  });

  it('gives no traffic to an API whose gateways are not simulated, and refuses when no API is left', () => {
    const seen = gatewaysByApi(new TrafficGenerator({ gateways: ['kong'], apiGateways: ROUTING, seed: 3 }), 5_000);
    assert.equal(seen.has('inventory'), false);
    assert.ok(seen.get('orders')!.get('kong')! > 0);
    assert.throws(
      () => new TrafficGenerator({ gateways: ['kong'], apis: 1, apiGateways: { orders: ['apisix'] } }),
      /no simulated API goes through kong/,
    );
  });

  it('refuses an assignment naming an unknown gateway or none', () => {
    assert.throws(() => new TrafficGenerator({ gateways: ['kong'], apiGateways: { orders: ['envoy' as Gateway] } }), /orders.*envoy/);
    assert.throws(() => new TrafficGenerator({ gateways: ['kong'], apiGateways: { orders: [] } }), /orders.*no gateway/);
  });

  it('counts the ground truth per gateway of each API', () => {
    const gateways: Gateway[] = ['kong', 'apisix'];
    const g = new TrafficGenerator({ gateways, apiGateways: ROUTING, seed: 5 });
    const truth = new GroundTruth({ seed: 5, scenario: 'healthy', scenarioParam: undefined, canaryApi: 'orders', gateways, profiles: gateways.map(defaultProfile), rps: 1, apiGateways: ROUTING });
    for (let i = 0; i < 5_000; i++) truth.record(g.next(), BigInt(i));
    const s = truth.summary();
    assert.deepEqual(s.apiGateways, ROUTING);
    const on = (api: string, gw: string) => s.breakdown.filter((r) => r.api === api && r.gateway === gw).reduce((n, r) => n + r.count, 0);
    assert.equal(on('payments', 'apisix'), 0);
    assert.equal(on('inventory', 'kong'), 0);
    assert.ok(on('orders', 'kong') > 0 && on('orders', 'apisix') > 0);
    assert.equal(on('orders', 'kong') + on('orders', 'apisix'), s.counts.api.orders);
  });

  it('reads the catalog annotation as a comma-separated list of gateways', () => {
    assert.deepEqual(parseGatewayList('kong'), ['kong']);
    assert.deepEqual(parseGatewayList(' kong , apisix '), ['kong', 'apisix']);
    assert.deepEqual(parseGatewayList('kong,kong'), ['kong']);
    assert.throws(() => parseGatewayList('kong,'), /empty/);
    assert.throws(() => parseGatewayList('kong,envoy'), /envoy/);
  });
});

describe('live simulator with an assignment', () => {
  it('serves each API only on the /metrics of its gateways, and the summary says so', async () => {
    const sim = await startLiveSimulator({ gateway: 'both', apiGateways: ROUTING, port: 0, otlpEndpoint: null, rps: 2000, tickMs: 20, seed: 9 });
    await new Promise((r) => setTimeout(r, 600));
    const summary = await sim.stop();
    const kong = sim.exposition('kong');
    const apisix = sim.exposition('apisix');
    assert.ok(summary.totals.requests > 500, `requests ${summary.totals.requests}`);
    assert.match(kong, /payments-v1-stable/);
    assert.doesNotMatch(apisix, /payments-v1-stable/);
    assert.match(apisix, /inventory-v3-stable/);
    assert.doesNotMatch(kong, /inventory-v3-stable/);
    assert.match(kong, /orders-v2-stable/);
    assert.match(apisix, /orders-v2-stable/);
    assert.deepEqual(summary.apiGateways, ROUTING);
  });
});
