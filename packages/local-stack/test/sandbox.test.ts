import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GATE_CONFIG } from '@api-observatory/canary-judge';
import { SCENARIOS, TrafficGenerator } from '@api-observatory/traffic-simulator';
import { CANARY_SCENARIOS, SANDBOX_CANARY_API, SANDBOX_CANARY_SHARES, canaryScenario, sandboxBackstageConfig } from '../src/sandbox';

/** The CLI's default request rate (cli.ts). */
const DEFAULT_RPS = 20;

test('--canary names every simulator scenario exactly once, and nothing else', () => {
  assert.deepEqual(Object.values(CANARY_SCENARIOS).sort(), [...SCENARIOS].sort());
  assert.equal(canaryScenario('regression'), 'error-regression');
  assert.equal(canaryScenario('latency'), 'latency-regression');
  assert.equal(canaryScenario('healthy'), 'healthy');
  for (const bad of ['constructor', '__proto__', 'toString', 'error', '']) assert.equal(canaryScenario(bad), undefined, bad);
});

test('Backstage gets exactly the URLs the stack bound, and the canary gate is the sandbox server, required', () => {
  const urls = { prometheus: 'http://127.0.0.1:19091', jaeger: 'http://127.0.0.1:16999', canaryGate: 'http://127.0.0.1:18089' };
  const c = sandboxBackstageConfig(urls) as {
    apiObservability: Record<string, string>;
    apiGovernance: { gates: { canary: Record<string, unknown>; slo: Record<string, unknown> } };
  };
  assert.equal(c.apiObservability.prometheusUrl, urls.prometheus);
  assert.equal(c.apiObservability.jaegerUrl, urls.jaeger);
  assert.equal(c.apiObservability.grafanaUrl, '', 'no Grafana in the sandbox: no links to one');
  assert.deepEqual(c.apiGovernance.gates.canary, { source: 'http', url: urls.canaryGate, required: true });
  assert.equal(c.apiGovernance.gates.slo.prometheusUrl, urls.prometheus);
  assert.doesNotMatch(JSON.stringify(c), /\$\{/, 'no environment substitution, so no fallback');
});

test('at the default rate, baseline and canary each get at least twice the gate floor per interval, whatever the seed', () => {
  const floor = DEFAULT_GATE_CONFIG.minRequestsPerInterval;
  assert.ok(floor >= 50);
  for (let seed = 0; seed < 40; seed++) {
    const g = new TrafficGenerator({ seed, gateways: ['kong', 'apisix'], canaryApi: SANDBOX_CANARY_API, ...SANDBOX_CANARY_SHARES });
    const total = g.catalog.apis.reduce((s, a) => s + a.weight, 0);
    const api = g.catalog.apis.find((a) => a.name === SANDBOX_CANARY_API)!;
    for (const role of ['baseline', 'canary'] as const) {
      const share = api.deployments.find((d) => d.role === role)!.share;
      const perMinute = DEFAULT_RPS * 60 * (api.weight / total) * share;
      assert.ok(perMinute >= 2 * floor, `seed ${seed} ${role}: ${perMinute.toFixed(1)} requests a minute, floor ${floor}`);
    }
  }
  // Measured from the generated stream: ten minutes at the default rate.
  const g = new TrafficGenerator({ seed: 1, gateways: ['kong', 'apisix'], canaryApi: SANDBOX_CANARY_API, ...SANDBOX_CANARY_SHARES });
  const perMinute = { baseline: [] as number[], canary: [] as number[] };
  for (let minute = 0; minute < 10; minute++) {
    const counts = { baseline: 0, canary: 0, stable: 0 };
    for (let i = 0; i < DEFAULT_RPS * 60; i++) {
      const r = g.next();
      if (r.api === SANDBOX_CANARY_API) counts[r.role]++;
    }
    perMinute.baseline.push(counts.baseline);
    perMinute.canary.push(counts.canary);
  }
  for (const [role, counts] of Object.entries(perMinute)) {
    assert.ok(Math.min(...counts) >= 1.5 * floor, `${role} per minute: ${counts.join(', ')}`);
  }
});
