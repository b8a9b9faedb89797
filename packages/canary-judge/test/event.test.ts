import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildRollbackEvent, canonicalJson, hashGateConfig, judgeGate, judgeIntervals, validateGateConfig, DEFAULT_GATE_CONFIG } from '../src';

const config = validateGateConfig({
  name: 'orders-gate',
  defaults: { minSamples: 5 },
  metrics: [
    { name: 'error_ratio', direction: 'increase', critical: true, guard: { max: 0.05 } },
    { name: 'latency', direction: 'increase' },
  ],
});
const BASE = [0.01, 0.012, 0.011, 0.009, 0.01, 0.011];
const bad = judgeGate(config, { error_ratio: { baseline: BASE, canary: BASE.map((v) => v * 8) }, latency: { baseline: [1, 2, 3, 4, 5], canary: [1, 2, 3, 4, 5] } });
const ctx = { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1', config, timestamp: new Date('2026-11-29T10:00:00Z') };

test('rollback event carries the documented fields', () => {
  assert.equal(bad.decision, 'rollback');
  const e = buildRollbackEvent(bad, ctx);
  assert.equal(e.schemaVersion, 1);
  assert.equal(e.type, 'canary.rollback');
  assert.deepEqual([e.api, e.canaryVersion, e.baselineVersion, e.decision], ['orders', 'v2', 'v1', 'rollback']);
  assert.equal(e.timestamp, '2026-11-29T10:00:00.000Z');
  assert.equal(e.gateName, 'orders-gate');
  assert.match(e.gateConfigHash, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(e.reasons, bad.reasons);
  const er = e.metrics.find((m) => m.name === 'error_ratio')!;
  assert.equal(er.result, 'high');
  assert.equal(er.failed, true);
  assert.equal(er.critical, true);
  assert.equal(er.nCanary, 6);
  assert.equal(er.guard?.breached, 'max');
  assert.ok(er.ciLower! > 0);
  assert.equal(e.intervals, null);
  // it is plain JSON
  assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
});

test('the config hash is stable under key order and changes with the config', () => {
  const reordered = JSON.parse(canonicalJson(config));
  assert.equal(hashGateConfig(reordered), hashGateConfig(config));
  assert.notEqual(hashGateConfig(DEFAULT_GATE_CONFIG), hashGateConfig(config));
  const tweaked = structuredClone(config);
  tweaked.metrics[0]!.guard!.max = 0.06;
  assert.notEqual(hashGateConfig(tweaked), hashGateConfig(config));
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: null }] }), '{"a":[1,{"c":null,"d":2}],"b":1}');
  assert.equal(hashGateConfig(config), `sha256:${createHash('sha256').update(canonicalJson(config)).digest('hex')}`);
});

test('interval judgements use the deciding interval; non-rollback decisions are refused', () => {
  const j = judgeIntervals([{ label: 'a', verdict: bad }, { label: 'b', verdict: bad }]);
  assert.equal(j.decision, 'rollback');
  const e = buildRollbackEvent(j, ctx);
  assert.deepEqual(e.intervals, { evaluated: 2, decidedAt: 1, label: 'b' });
  assert.equal(e.metrics.length, 2);
  const fine = judgeGate(config, {});
  assert.throws(() => buildRollbackEvent(fine, ctx), /not "rollback"/);
  assert.throws(() => buildRollbackEvent(bad, { ...ctx, api: '' }), /context\.api/);
});
