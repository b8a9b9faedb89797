/**
 * The progressive-delivery examples (examples/progressive-delivery) driven as Argo Rollouts and Flagger
 * drive them (helpers/delivery-tools.ts), against the real HTTP server in process. The same examples run
 * against `canary-gate serve` and a real Prometheus in prometheus-e2e.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCanaryGateServer, type RunningCanaryGate } from '../src';
import { discover, source } from './helpers/canaries';
import { argoMeasurement, flaggerHooks, forApi, proceeds, readExample } from './helpers/delivery-tools';

describe('progressive-delivery examples against canary-gate serve', () => {
  let gate: RunningCanaryGate;
  const template = readExample('argo-rollouts-analysistemplate.yaml');
  const rollout = readExample('argo-rollouts-rollout.yaml');
  const flagger = readExample('flagger-canary.yaml');
  before(async () => {
    gate = await startCanaryGateServer({ port: 0, source, discover });
  });
  after(() => gate.close());

  it('the examples are what their tools expect', () => {
    assert.equal(template.kind, 'AnalysisTemplate');
    assert.equal(template.spec.metrics[0].provider.web.jsonPath, '{$.decision}');
    const step = rollout.spec.strategy.canary.steps.find((s: { analysis?: unknown }) => s.analysis);
    assert.equal(step.analysis.templates[0].templateName, template.metadata.name);
    assert.deepEqual(rollout.spec.strategy.canary.steps[1], { pause: { duration: '10m' } }, 'the pause lets the default 10m lookback fill');
    assert.equal(flagger.kind, 'Canary');
    assert.deepEqual(flagger.spec.analysis.webhooks.map((h: { type: string }) => h.type), ['pre-rollout', 'rollout', 'confirm-promotion']);
  });

  it('Argo Rollouts: promote is Successful, rollback Failed, a hold Inconclusive, no canary an Error', async () => {
    const args = (api: string) => ({ api });
    assert.equal((await argoMeasurement(template, args('orders'), gate.url)).phase, 'Successful');
    const failed = await argoMeasurement(template, args('broken'), gate.url);
    assert.deepEqual([failed.phase, failed.value], ['Failed', 'rollback']);
    const thin = await argoMeasurement(template, args('thin'), gate.url);
    assert.deepEqual([thin.phase, thin.value], ['Inconclusive', 'continue']);
    const none = await argoMeasurement(template, args('ghost'), gate.url);
    assert.deepEqual([none.phase, none.status, none.body.code], ['Error', 404, 'no_canary']);
  });

  it('Flagger: a healthy canary passes every hook; a regression halts rollout and promotion', async () => {
    const healthy = await flaggerHooks(flagger, gate.url);
    assert.deepEqual(proceeds(healthy), { 'pre-rollout': true, rollout: true, 'confirm-promotion': true });
    const broken = await flaggerHooks(forApi(flagger, 'broken'), gate.url);
    assert.deepEqual(proceeds(broken), { 'pre-rollout': false, rollout: false, 'confirm-promotion': false });
    assert.match(broken.rollout!.body.summary, /^rollback: canary v3 vs baseline v1/);
  });

  it('Flagger: thin traffic and a canary not yet serving keep the rollout going but never promote', async () => {
    for (const api of ['thin', 'ghost', 'lonely']) {
      const r = await flaggerHooks(forApi(flagger, api), gate.url);
      assert.deepEqual(proceeds(r), { 'pre-rollout': true, rollout: true, 'confirm-promotion': false }, api);
    }
  });
});
