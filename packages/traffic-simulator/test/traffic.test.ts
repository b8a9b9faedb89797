import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayService } from '@api-observatory/telemetry-contract';
import { defaultProfile } from '../src/profiles';
import { TrafficGenerator, type SimRequest, type TrafficOptions } from '../src/traffic';
import { parseExposition, sumBy } from './helpers/exposition-parser';
import { quantile } from './helpers/quantile';

const ID = { kongNodeId: 'node-1', apisixHostname: 'h' };

function run(o: Partial<TrafficOptions>, n: number): SimRequest[] {
  const g = new TrafficGenerator(o);
  return Array.from({ length: n }, () => g.next());
}

function kongText(reqs: readonly SimRequest[]): string {
  const k = defaultProfile('kong').exposition(ID);
  for (const r of reqs) k.record(r);
  return k.render();
}

/** 5xx ratio per deployment role of the canary API, measured from Kong's exposition counters. */
function serverErrorRatioByRole(text: string): Map<string, number> {
  const fam = parseExposition(text).get('kong_http_requests_total')!;
  const totals = new Map<string, number>();
  const errors = new Map<string, number>();
  for (const s of fam.samples) {
    const svc = parseGatewayService(s.labels.service!);
    if (svc.api !== 'orders') continue;
    totals.set(svc.role, (totals.get(svc.role) ?? 0) + s.value);
    if (s.labels.code!.startsWith('5')) errors.set(svc.role, (errors.get(svc.role) ?? 0) + s.value);
  }
  return new Map([...totals].map(([role, t]) => [role, (errors.get(role) ?? 0) / t]));
}

const CANARY_HEAVY: Partial<TrafficOptions> = { seed: 5, canaryApi: 'orders', canaryShare: 0.3, baselineShare: 0.3 };

describe('TrafficGenerator determinism', () => {
  it('yields the same request sequence for the same seed', () => {
    assert.deepEqual(run({ seed: 42, gateways: ['kong', 'apisix'] }, 500), run({ seed: 42, gateways: ['kong', 'apisix'] }, 500));
  });

  it('yields a different sequence for a different seed', () => {
    const a = run({ seed: 42 }, 50).map((r) => r.traceId);
    const b = run({ seed: 43 }, 50).map((r) => r.traceId);
    assert.notDeepEqual(a, b);
  });

  it('renders byte-identical expositions for the same seed', () => {
    assert.equal(kongText(run({ seed: 7 }, 3000)), kongText(run({ seed: 7 }, 3000)));
    const a = defaultProfile('apisix').exposition(ID);
    const b = defaultProfile('apisix').exposition(ID);
    for (const r of run({ seed: 7, gateways: ['apisix'] }, 3000)) a.record(r);
    for (const r of run({ seed: 7, gateways: ['apisix'] }, 3000)) b.record(r);
    assert.equal(a.render(), b.render());
    assert.notEqual(kongText(run({ seed: 7 }, 3000)), kongText(run({ seed: 8 }, 3000)));
  });
});

describe('TrafficGenerator model', () => {
  it('names services by the contract convention and splits the canary API 80/10/10 by default', () => {
    const reqs = run({ seed: 3 }, 40000);
    const orders = reqs.filter((r) => r.api === 'orders');
    for (const r of reqs) {
      const svc = parseGatewayService(r.service);
      assert.deepEqual(svc, { api: r.api, version: r.version, role: r.role });
    }
    const share = (role: string) => orders.filter((r) => r.role === role).length / orders.length;
    assert.ok(Math.abs(share('stable') - 0.8) < 0.03, `stable ${share('stable')}`);
    assert.ok(Math.abs(share('canary') - 0.1) < 0.02, `canary ${share('canary')}`);
    assert.ok(Math.abs(share('baseline') - 0.1) < 0.02, `baseline ${share('baseline')}`);
    assert.ok(reqs.filter((r) => r.api !== 'orders').every((r) => r.role === 'stable'));
    const canary = orders.find((r) => r.role === 'canary')!;
    const baseline = orders.find((r) => r.role === 'baseline')!;
    assert.notEqual(canary.version, baseline.version, 'the canary runs the next version');
  });

  it('has 6 APIs with 2-5 routes, 40 consumers with plans, tenants (azp, else sub) and countries', () => {
    const g = new TrafficGenerator({ seed: 1 });
    assert.deepEqual(g.catalog.apis.map((a) => a.name), ['orders', 'payments', 'inventory', 'customers', 'shipping', 'notifications']);
    for (const a of g.catalog.apis) {
      assert.ok(a.routes.length >= 2 && a.routes.length <= 5, a.name);
      for (const r of a.routes) assert.match(r.name, new RegExp(`^${a.name}-[a-z]+$`));
    }
    assert.equal(g.catalog.consumers.length, 40);
    assert.deepEqual(new Set(g.catalog.consumers.map((c) => c.plan)), new Set(['free', 'pro', 'enterprise']));
    for (const c of g.catalog.consumers) assert.equal(c.tenant, c.azp ?? c.sub);
    assert.ok(g.catalog.consumers.some((c) => c.azp === undefined), 'some consumers have no azp');
    const reqs = run({ seed: 1 }, 5000);
    for (const r of reqs) assert.match(r.country, /^[A-Z]{2}$/);
    assert.ok(new Set(reqs.map((r) => r.country)).size > 8);
  });

  it('keeps request latency = gateway + upstream, with no upstream for gateway-generated responses', () => {
    for (const r of run({ seed: 2 }, 5000)) {
      assert.equal(r.requestMs, r.gatewayMs + (r.upstreamMs ?? 0));
      assert.equal(r.upstreamMs === undefined, r.gatewayGenerated);
      if (r.gatewayGenerated) assert.ok([401, 403, 429].includes(r.status));
    }
  });
});

describe('canary scenarios', () => {
  const N = 40000;

  it('healthy: canary and baseline error ratios match', () => {
    const ratio = serverErrorRatioByRole(kongText(run({ ...CANARY_HEAVY, scenario: 'healthy' }, N)));
    assert.ok(Math.abs(ratio.get('canary')! - ratio.get('baseline')!) < 0.012, JSON.stringify([...ratio]));
  });

  it('error-regression: canary 5xx ratio rises by the configured percentage points', () => {
    const ratio = serverErrorRatioByRole(kongText(run({ ...CANARY_HEAVY, scenario: 'error-regression', scenarioParam: 8 }, N)));
    const delta = ratio.get('canary')! - ratio.get('baseline')!;
    assert.ok(Math.abs(delta - 0.08) < 0.02, `delta ${delta}`);
  });

  it('latency-regression: canary upstream p99 rises by the configured percent', () => {
    const reqs = run({ ...CANARY_HEAVY, scenario: 'latency-regression', scenarioParam: 50 }, N);
    const p99 = (role: string) =>
      quantile(reqs.filter((r) => r.api === 'orders' && r.role === role && r.upstreamMs !== undefined && r.status < 500).map((r) => r.upstreamMs!), 0.99);
    const ratio = p99('canary') / p99('baseline');
    assert.ok(ratio > 1.3 && ratio < 1.7, `p99 ratio ${ratio}`);
    // the exposition shows it too: mean upstream latency from _sum/_count
    const fam = parseExposition(kongText(reqs)).get('kong_upstream_latency_ms')!;
    const sum = sumBy(fam, 'kong_upstream_latency_ms_sum', ['service']);
    const count = sumBy(fam, 'kong_upstream_latency_ms_count', ['service']);
    const mean = (svc: string) => sum.get(svc)! / count.get(svc)!;
    const canarySvc = reqs.find((r) => r.role === 'canary')!.service;
    const baselineSvc = reqs.find((r) => r.role === 'baseline')!.service;
    assert.ok(mean(canarySvc) / mean(baselineSvc) > 1.25, `mean ratio ${mean(canarySvc) / mean(baselineSvc)}`);
  });

  it('healthy: canary latency matches baseline', () => {
    const reqs = run({ ...CANARY_HEAVY, scenario: 'healthy' }, N);
    const p50 = (role: string) => quantile(reqs.filter((r) => r.api === 'orders' && r.role === role && r.upstreamMs !== undefined).map((r) => r.upstreamMs!), 0.5);
    const ratio = p50('canary') / p50('baseline');
    assert.ok(ratio > 0.9 && ratio < 1.1, `p50 ratio ${ratio}`);
  });

  it('low-traffic: canary gets the configured small share', () => {
    const orders = run({ seed: 4, scenario: 'low-traffic', scenarioParam: 1 }, N).filter((r) => r.api === 'orders');
    const share = orders.filter((r) => r.role === 'canary').length / orders.length;
    assert.ok(share > 0.003 && share < 0.02, `share ${share}`);
  });

  it('no-data: canary has no traffic and no series', () => {
    const reqs = run({ seed: 4, scenario: 'no-data' }, 20000);
    assert.equal(reqs.filter((r) => r.role === 'canary').length, 0);
    assert.ok(reqs.some((r) => r.role === 'baseline'));
    assert.doesNotMatch(kongText(reqs), /-canary"/);
  });

  it('noisy-baseline: baseline latency spread is wider than the canary', () => {
    const reqs = run({ ...CANARY_HEAVY, scenario: 'noisy-baseline', scenarioParam: 3 }, N);
    const spread = (role: string) => {
      const xs = reqs.filter((r) => r.api === 'orders' && r.role === role && r.upstreamMs !== undefined && r.status < 500).map((r) => r.upstreamMs!);
      return quantile(xs, 0.95) / quantile(xs, 0.5);
    };
    assert.ok(spread('baseline') > 1.8 * spread('canary'), `baseline ${spread('baseline')} canary ${spread('canary')}`);
  });
});

describe('API prefix', () => {
  it('prefixes API and service names so that they still parse by the naming convention', () => {
    for (const r of run({ seed: 9, apiPrefix: 'kong28-' }, 500)) {
      assert.match(r.api, /^kong28-[a-z]+$/);
      assert.deepEqual(parseGatewayService(r.service), { api: r.api, version: r.version, role: r.role });
    }
    assert.throws(() => run({ apiPrefix: 'Bad Prefix' }, 1), /API prefix/);
  });
});
