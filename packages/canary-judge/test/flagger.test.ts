/**
 * Flagger webhooks against the real HTTP server: the payload Flagger POSTs
 * (`{name, namespace, phase, checksum, metadata}`), and the status Flagger acts on (200-202 proceed,
 * anything else halts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCanaryGateServer, type RunningCanaryGate } from '../src';
import { discover, source } from './helpers/canaries';

const payload = (name: string, metadata?: Record<string, string>) => ({
  name,
  namespace: 'shop',
  phase: 'Progressing',
  checksum: '6d8f7c4c9b',
  ...(metadata ? { metadata } : {}),
});

describe('Flagger webhooks (POST /v1/flagger/<hook>)', () => {
  let gate: RunningCanaryGate;
  before(async () => {
    gate = await startCanaryGateServer({ port: 0, source, discover });
  });
  after(() => gate.close());

  const hook = async (type: string, body: unknown) => {
    const res = await fetch(`${gate.url}/v1/flagger/${type}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('confirm-promotion answers 200 only on a conclusive promote', async () => {
    const ok = await hook('confirm-promotion', payload('orders'));
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual([ok.json.hook, ok.json.canary, ok.json.proceed, ok.json.decision, ok.json.outcome], ['confirm-promotion', 'shop/orders', true, 'promote', 'promote']);
    const bad = await hook('confirm-promotion', payload('orders', { canary: 'v3' }));
    assert.equal(bad.status, 409);
    assert.equal(bad.json.outcome, 'rollback');
    const thin = await hook('confirm-promotion', payload('checkout', { api: 'thin' }));
    assert.equal(thin.status, 409, 'not enough traffic never confirms a promotion');
    assert.match(thin.json.summary, /not enough traffic to judge/);
    const none = await hook('confirm-promotion', payload('ghost'));
    assert.deepEqual([none.status, none.json.outcome, none.json.decision], [409, 'no-canary', null]);
  });

  it('rollout and pre-rollout halt only on rollback: holds, thin traffic and no canary yet proceed', async () => {
    for (const type of ['rollout', 'pre-rollout']) {
      assert.equal((await hook(type, payload('orders'))).status, 200);
      const bad = await hook(type, payload('orders', { canary: 'v3', baseline: 'v1' }));
      assert.equal(bad.status, 409, type);
      assert.match(bad.json.summary, /^rollback: canary v3 vs baseline v1/);
      assert.ok(bad.json.reasons.some((r: string) => /error_ratio/.test(r)));
      assert.equal((await hook(type, payload('thin'))).status, 200);
      const none = await hook(type, payload('ghost'));
      assert.deepEqual([none.status, none.json.outcome], [200, 'no-canary']);
      const lonely = await hook(type, payload('lonely'));
      assert.deepEqual([lonely.status, lonely.json.outcome], [200, 'no-baseline']);
    }
  });

  it('bad payloads name the field; unknown hooks are 404; only POST', async () => {
    const noName = await hook('rollout', { namespace: 'shop' });
    assert.equal(noName.status, 400);
    assert.match(noName.json.error, /name/);
    const query = await hook('rollout', payload('orders', { query: 'up' }));
    assert.equal(query.status, 400);
    assert.match(JSON.stringify(query.json.issues), /metadata\.query is not a known field/);
    const window = await hook('rollout', payload('orders', { lookback: '3m' }));
    assert.equal(window.status, 400);
    assert.deepEqual(window.json.issues.map((i: { path: string }) => i.path), ['lookback']);
    const unknown = await hook('post-rollout', payload('orders'));
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error, /unknown Flagger hook "post-rollout" \(hooks: pre-rollout, rollout, confirm-promotion\)/);
    const get = await fetch(`${gate.url}/v1/flagger/rollout`);
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST']);
  });

  it('evaluations through hooks show in /metrics like any other', async () => {
    await hook('rollout', payload('orders', { canary: 'v3' }));
    const metrics = await (await fetch(`${gate.url}/metrics`)).text();
    assert.match(metrics, /^canary_gate_decision\{api="orders",api_version="v3",baseline_version="v1",decision="rollback"\} 1$/m);
  });
});
