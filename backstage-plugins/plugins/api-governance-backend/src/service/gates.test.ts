/**
 * The definition gate's kept verdicts (a warm gate answers what a fresh one does), and the canary gate reading canary-gate's answers: reports built by the real evaluation pipeline (the
 * fixture's canaryReport), and the HTTP source against a real canary-gate server in process (its sample
 * source and discovery fed with fixed canaries; the real-Prometheus run is canary-seam.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { startCanaryGateServer, pickCanary, type RunningCanaryGate, type SampleSet } from '@api-observatory/canary-judge';
import { canaryReport, TEST_CONFIG, VALID_OPENAPI } from './__testutils__/fixtures';
import { definitionGate } from './gates/definition';
import { GateEvaluator, GATES, httpCanarySource, type CanarySource, type Gate } from './gates';
import { API_NAME_ANNOTATION } from './slo';

const entity = (api: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: api, namespace: 'default', annotations: { [API_NAME_ANNOTATION]: api } },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'orders-team', definition: '{}' },
});
const ctx = (api: string) => ({ entity: entity(api), entityRef: `api:default/${api}`, fromEnvironment: 'dev', toEnvironment: 'staging' });

const wave = (base: number, spread: number) => Array.from({ length: 10 }, (_, k) => base * (1 + spread * Math.sin(k * 1.7)));
const set = (canaryErrors: number): SampleSet => ({
  error_ratio: { baseline: wave(0.002, 0.3), canary: wave(canaryErrors, 0.3) },
  latency_p99_seconds: { baseline: wave(0.2, 0.05), canary: wave(0.2, 0.05) },
  latency_p50_seconds: { baseline: wave(0.05, 0.05), canary: wave(0.05, 0.05) },
});

async function canaryGate(source: CanarySource, api = 'orders') {
  const report = await new GateEvaluator({ ...TEST_CONFIG, gates: { ...TEST_CONFIG.gates, slo: { ...TEST_CONFIG.gates.slo, prometheusUrl: undefined } } }, { canary: source }).evaluate(ctx(api));
  return report.gates.find((g) => g.gate === 'canary')!;
}

describe('canary gate: reading the report', () => {
  test('promote with conclusive evidence passes, with the decision and metrics as evidence', async () => {
    const g = await canaryGate(async () => canaryReport('orders', set(0.002)));
    assert.equal(g.status, 'passed', g.summary);
    assert.match(g.summary, /^promote: canary v2 vs baseline v1 \(score 100\), conclusive in the last 3 evaluations$/);
    const e = g.evidence as { decision: string; outcome: string; metrics: Array<{ name: string; result: string }> };
    assert.deepEqual([e.decision, e.outcome], ['promote', 'promote']);
    assert.deepEqual(e.metrics.map((m) => m.result), ['pass', 'pass', 'pass']);
  });

  test('rollback fails with the judge’s reasons in the summary and the evidence', async () => {
    const g = await canaryGate(async () => canaryReport('orders', set(0.05)));
    assert.equal(g.status, 'failed');
    assert.match(g.summary, /^rollback: canary v2 vs baseline v1 \(score [\d.]+\): .*error_ratio/);
    const e = g.evidence as { reasons: string[]; metrics: Array<{ name: string; failed: boolean }> };
    assert.ok(e.reasons.some((r) => /critical metric error_ratio failed/.test(r)), e.reasons.join('\n'));
    assert.equal(e.metrics.find((m) => m.name === 'error_ratio')!.failed, true);
  });

  test('no data, thin traffic, a hold and a forged promote are unknown, never passed or failed', async () => {
    const none = await canaryGate(async () => canaryReport('orders', {}, 0));
    assert.equal(none.status, 'unknown');
    assert.match(none.summary, /^no data: canary v2 vs baseline v1 served no requests in the window: not passed$/);
    const thin = await canaryGate(async () => canaryReport('orders', set(0.002), 10));
    assert.equal(thin.status, 'unknown');
    assert.match(thin.summary, /^not enough traffic to judge canary v2 vs baseline v1/);
    const hold = await canaryGate(async () => canaryReport('orders', { error_ratio: set(0.002).error_ratio! }, 600));
    assert.equal(hold.status, 'unknown', hold.summary);
    assert.match(hold.summary, /^hold: canary v2 vs baseline v1: no data for latency_p99_seconds, latency_p50_seconds: not passed$/);
    const forged = await canaryReport('orders', set(0.002));
    forged.judgement.intervals.at(-1)!.verdict.metrics[1]!.evidence.pValue = Number.NaN;
    const f = await canaryGate(async () => forged);
    assert.equal(f.status, 'unknown');
    assert.match(f.summary, /promote without conclusive evidence/);
  });

  test('no source, no annotation, or a throwing source: unknown', async () => {
    const g = await new GateEvaluator(TEST_CONFIG).evaluate(ctx('orders'));
    assert.equal(g.gates.find((x) => x.gate === 'canary')!.status, 'unknown');
    const noAnnotation = await canaryGate(async () => null);
    assert.match(noAnnotation.summary, /no canary verdict: the entity has no api-observatory\.io\/api-name annotation/);
    const broken = await canaryGate(async () => {
      throw new Error('boom');
    });
    assert.deepEqual([broken.status, broken.summary], ['unknown', 'canary verdict unavailable: boom']);
  });
});

describe('canary gate: httpCanarySource against canary-gate serve', () => {
  let gate: RunningCanaryGate;
  const requests: unknown[] = [];
  before(async () => {
    const SETS: Record<string, SampleSet> = { orders: set(0.002), regressed: set(0.05) };
    gate = await startCanaryGateServer({
      port: 0,
      source: async (q) => ({ kind: 'source-result', samples: SETS[q.api] ?? {}, traffic: { baseline: new Array(10).fill(600), canary: new Array(10).fill(600) } }),
      discover: async (api, o) => {
        requests.push(api);
        const canary = api === 'nocanary' ? [] : [{ version: 'v2', requestsPerSecond: 10 }];
        const baseline = api === 'nobaseline' ? [] : [{ version: 'v1', requestsPerSecond: 0.05 }];
        return pickCanary(api, { canary, baseline }, o);
      },
    });
  });
  after(() => gate.close());

  test('sends only the API name; the server discovers the versions; the gate reads the report', async () => {
    const source = httpCanarySource(gate.url, 5_000);
    const passed = await canaryGate(source, 'orders');
    assert.equal(passed.status, 'passed', passed.summary);
    assert.deepEqual(requests.at(-1), 'orders');
    assert.equal((await canaryGate(source, 'regressed')).status, 'failed');
  });

  test('no canary / no baseline: unknown, saying there is nothing to judge', async () => {
    const source = httpCanarySource(gate.url, 5_000);
    const none = await canaryGate(source, 'nocanary');
    assert.equal(none.status, 'unknown');
    assert.match(none.summary, /^nothing to judge: API "nocanary" has no canary: no deployment_role="canary" traffic over the last 10m$/);
    assert.equal((none.evidence as { code: string }).code, 'no_canary');
    const lonely = await canaryGate(source, 'nobaseline');
    assert.match(lonely.summary, /^nothing to judge: API "nobaseline" runs canary v2 but has no baseline/);
  });

  test('unreachable or slow server: unknown', async () => {
    const srv = http.createServer(() => {});
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      const slow = await canaryGate(httpCanarySource(url, 150));
      assert.deepEqual([slow.status, /did not answer within 150 ms/.test(slow.summary)], ['unknown', true]);
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    const down = await canaryGate(httpCanarySource(url, 1_000));
    assert.equal(down.status, 'unknown');
    assert.match(down.summary, /^canary verdict unavailable: canary-gate at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });
});

describe('gate seam', () => {
  test('a gate from outside the registry runs like the built-in ones; a check that throws is unknown, never passed', async () => {
    const seen: string[] = [];
    const custom = (name: string, check: Gate['create']): Gate => ({ name, title: name, description: name, requiredByDefault: () => name === 'strict', create: check });
    const gates = [
      custom('strict', () => async (c) => (seen.push(c.entityRef), { status: 'passed', summary: 'ok', evidence: { n: 1 } })),
      custom('flaky', () => async () => { throw new Error('backend down'); }),
    ];
    const report = await new GateEvaluator(TEST_CONFIG, {}, gates).evaluate(ctx('orders'));
    assert.deepEqual(seen, ['api:default/orders']);
    assert.deepEqual(report.gates.map((g) => [g.gate, g.status, g.required]), [['strict', 'passed', true], ['flaky', 'unknown', false]]);
    assert.match(report.gates[1]!.summary, /flaky gate unavailable: backend down/);
    assert.equal(report.passed, true);
  });

  test('the registry: definition, canary, slo in result order, each with a title and a description', async () => {
    assert.deepEqual(GATES.map((g) => g.name), ['definition', 'canary', 'slo']);
    for (const g of GATES) assert.ok(g.title && g.description, g.name);
    const report = await new GateEvaluator({ ...TEST_CONFIG, gates: { ...TEST_CONFIG.gates, slo: { ...TEST_CONFIG.gates.slo, prometheusUrl: undefined } } }).evaluate(ctx('orders'));
    assert.deepEqual(report.gates.map((g) => g.gate), GATES.map((g) => g.name));
  });
});

describe('definition gate: verdicts kept per definition', () => {
  const api = (name: string, definition: string, type = 'openapi'): Entity => ({
    apiVersion: 'backstage.io/v1alpha1', kind: 'API',
    metadata: { name, namespace: 'default', annotations: { [API_NAME_ANNOTATION]: name } },
    spec: { type, lifecycle: 'production', owner: 'orders-team', definition },
  });
  const check = (e: Entity, gate = definitionGate.create(TEST_CONFIG, {})) => gate({ entity: e, entityRef: `api:default/${e.metadata.name}`, fromEnvironment: 'dev', toEnvironment: 'staging' });
  // An operation without a gateway route is a finding only for a gateway-served API: the API name is part of the key.
  const routed = JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/x': { get: { operationId: 'getX', responses: { '200': { description: 'ok' } } } } } });

  test('a warm gate answers exactly what a fresh one answers, for every definition, type and API name in turn', async () => {
    const warm = definitionGate.create(TEST_CONFIG, {});
    const inputs = [
      api('orders', VALID_OPENAPI), api('orders', '{"openapi": "3.0.3", "paths": 7}'), api('orders', VALID_OPENAPI),
      api('orders', routed), api('payments', routed), api('orders', VALID_OPENAPI, 'asyncapi'), api('orders', VALID_OPENAPI, 'graphql'),
      api('payments', '{"openapi": "3.0.3", "paths": 7}'), api('orders', VALID_OPENAPI),
    ];
    const statuses: string[] = [];
    for (const e of inputs) {
      const got = await check(e, warm);
      assert.deepEqual(got, await check(e), `${e.metadata.name} ${(e.spec as { type: string }).type}`);
      statuses.push(got.status);
    }
    assert.deepEqual(statuses, ['passed', 'failed', 'passed', statuses[3], statuses[4], 'failed', 'unknown', 'failed', 'passed']);
  });

  test('a kept verdict is frozen: a caller cannot change what the next request reads', async () => {
    const warm = definitionGate.create(TEST_CONFIG, {});
    const first = await check(api('orders', VALID_OPENAPI), warm);
    const again = await check(api('orders', VALID_OPENAPI), warm);
    assert.equal(again, first);
    const e = first.evidence as { findings: object[] };
    assert.ok(Object.isFrozen(first) && Object.isFrozen(e) && Object.isFrozen(e.findings) && e.findings.every((f) => Object.isFrozen(f)));
  });
});
