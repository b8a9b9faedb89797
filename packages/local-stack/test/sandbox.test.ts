import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigReader } from '@backstage/config';
import { readObservabilityConfig } from '@api-observatory/backstage-plugin-api-observability-backend';
import { readGovernanceConfig } from '@api-observatory/backstage-plugin-api-governance-backend';
import { DEFAULT_GATE_CONFIG } from '@api-observatory/canary-judge';
import { SCENARIOS, TrafficGenerator } from '@api-observatory/traffic-simulator';
import { CANARY_SCENARIOS, SANDBOX_CANARY_API, SANDBOX_CANARY_SHARES, SANDBOX_SERVER_ERRORS, canaryScenario, sandboxBackstageConfig } from '../src/sandbox';

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
  assert.equal(c.apiObservability.grafanaUrl, null, 'no Grafana in the sandbox: no links to one');
  assert.deepEqual(c.apiGovernance.gates.canary, { source: 'http', url: urls.canaryGate, required: true });
  assert.equal(c.apiGovernance.gates.slo.prometheusUrl, urls.prometheus);
  assert.doesNotMatch(JSON.stringify(c), /\$\{/, 'no environment substitution, so no fallback');
  assert.equal((c.apiGovernance as Record<string, unknown>).kafka, undefined, 'no Kafka, no relay');
  const k = sandboxBackstageConfig({ ...urls, kafka: ['127.0.0.1:19092'] }) as { apiGovernance: { kafka: unknown } };
  assert.deepEqual(k.apiGovernance.kafka, { brokers: ['127.0.0.1:19092'], createTopic: true });
});

test("the plugins read the overlay on top of the app's config files as the backend does", () => {
  const urls = { prometheus: 'http://127.0.0.1:19091', jaeger: 'http://127.0.0.1:16999', canaryGate: 'http://127.0.0.1:18089' };
  const dir = path.join(__dirname, '..', '..', '..', 'backstage-plugins');
  const files = ['app-config.yaml', 'app-config.production.yaml'].map((f) => ({ data: YAML.parse(readFileSync(path.join(dir, f), 'utf8')), context: f }));
  // Later files win, as with --config a --config b.
  const config = ConfigReader.fromConfigs([...files, { data: sandboxBackstageConfig(urls) as never, context: 'app-config.sandbox.yaml' }]);
  const obs = readObservabilityConfig(config);
  assert.equal(obs.prometheusUrl, urls.prometheus);
  assert.deepEqual(obs.traceStore, { type: 'jaeger', url: urls.jaeger });
  assert.equal(obs.grafanaUrl, undefined);
  const gov = readGovernanceConfig(config);
  assert.deepEqual(gov.gates.canary, { source: 'http', url: urls.canaryGate, required: true, timeoutMs: gov.gates.canary.timeoutMs });
  assert.equal(gov.gates.slo.prometheusUrl, urls.prometheus);
  const withKafka = ConfigReader.fromConfigs([...files, { data: sandboxBackstageConfig({ ...urls, kafka: ['127.0.0.1:19092'] }) as never, context: 'app-config.sandbox.yaml' }]);
  assert.deepEqual(withKafka.getStringArray('apiGovernance.kafka.brokers'), ['127.0.0.1:19092']);
  assert.equal(config.getOptionalConfig('apiGovernance.kafka'), undefined);
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

test("a healthy sandbox stays within every API's error budget (alerts/slo.yaml), so its SLO gate passes", () => {
  const slo = YAML.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'alerts', 'slo.yaml'), 'utf8')) as {
    defaults: { availability: { objective: number } };
    apis: Record<string, { availability?: { objective: number } }>;
  };
  const objectives = [slo.defaults.availability.objective, ...Object.values(slo.apis).map((a) => a.availability?.objective ?? slo.defaults.availability.objective)];
  const strictestBudget = 1 - Math.max(...objectives) / 100;
  assert.ok(SANDBOX_SERVER_ERRORS.max < strictestBudget, `max ${SANDBOX_SERVER_ERRORS.max} vs budget ${strictestBudget}`);
  assert.ok(SANDBOX_SERVER_ERRORS.min > 0, 'some failed requests to open');
  // The generator draws each API's rate from the range.
  const g = new TrafficGenerator({ seed: 3, gateways: ['kong'], canaryApi: SANDBOX_CANARY_API, ...SANDBOX_CANARY_SHARES, serverErrorRange: SANDBOX_SERVER_ERRORS });
  for (const api of g.catalog.apis) assert.ok(api.serverErrorRate >= SANDBOX_SERVER_ERRORS.min && api.serverErrorRate < SANDBOX_SERVER_ERRORS.max, `${api.name} ${api.serverErrorRate}`);
  for (const bad of [{ min: 0.01, max: 0.001 }, { min: -0.1, max: 0.1 }, { min: 0, max: 1 }, { min: Number.NaN, max: 0.1 }]) {
    assert.throws(() => new TrafficGenerator({ seed: 3, gateways: ['kong'], serverErrorRange: bad }), /server error range must satisfy 0 <= min <= max < 1/, JSON.stringify(bad));
  }
});
