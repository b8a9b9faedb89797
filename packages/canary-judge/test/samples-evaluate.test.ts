import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_GATE_CONFIG,
  ValidationError,
  checkEvaluationWindow,
  evaluate,
  formatDuration,
  parseDuration,
  parseSamplesDocument,
  validateGateConfig,
  type SampleQuery,
} from '../src';

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.issues.map((i) => i.message);
  }
  assert.fail('expected a ValidationError');
}

test('samples.json: single form with null, "NaN" and "+Inf"', () => {
  const doc = parseSamplesDocument(JSON.stringify({ api: 'orders', metrics: { error_ratio: { baseline: [0.1, null, 'NaN'], canary: ['+Inf', '-Inf', 0.2] } } }));
  assert.equal(doc.kind, 'single');
  if (doc.kind !== 'single') return;
  assert.deepEqual(doc.context, { api: 'orders' });
  const s = doc.metrics.error_ratio!;
  assert.equal(s.baseline[0], 0.1);
  assert.equal(s.baseline[1], null);
  assert.ok(Number.isNaN(s.baseline[2]));
  assert.deepEqual(s.canary, [Infinity, -Infinity, 0.2]);
});

test('samples.json: interval form', () => {
  const doc = parseSamplesDocument(JSON.stringify({ intervals: [{ label: 't0', metrics: { a: { baseline: [1], canary: [2] } } }, { metrics: {} }] }));
  assert.equal(doc.kind, 'intervals');
  if (doc.kind === 'intervals') assert.deepEqual(doc.intervals.map((i) => i.label), ['t0', undefined]);
});

test('samples.json errors name the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ metrics: { error_ratio: { baseline: [1, 2], canary: [1, 'x'] } } }, /^metrics\.error_ratio\.canary\[1\] must be a number, null, "NaN", "\+Inf" or "-Inf", got "x"$/],
    [{ metrics: { error_ratio: { baseline: [1] } } }, /^metrics\.error_ratio\.canary is required/],
    [{ metrics: { 'p99 latency': { baseline: 5, canary: [] } } }, /^metrics\["p99 latency"\]\.baseline must be an array, got a number$/],
    [{ metrics: { a: { baseline: [], canary: [], control: [] } } }, /^metrics\.a\.control is not a known field/],
    [{}, /^metrics is required/],
    [{ metrics: {}, intervals: [] }, /^intervals cannot be given together with metrics/],
    [{ intervals: [{ metrics: { a: { baseline: [true], canary: [] } } }] }, /^intervals\[0\]\.metrics\.a\.baseline\[0\] must be a number/],
    [{ metrics: {}, api: 3 }, /^api must be a string, got a number$/],
    [[], /^samples must be an object, got an array$/],
  ];
  for (const [input, re] of cases) {
    const msgs = messages(() => parseSamplesDocument(JSON.stringify(input)));
    assert.ok(msgs.some((m) => re.test(m)), `${JSON.stringify(input)}: ${JSON.stringify(msgs)}`);
  }
  assert.match(messages(() => parseSamplesDocument('{"metrics": {'))[0]!, /samples is not valid JSON/);
});

test('durations parse like Prometheus durations', () => {
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  for (const bad of ['', '1', 'm', '1x', '30m1h', '1m1m', ' 1m', '-1m', '1.5m']) assert.equal(parseDuration(bad), null, bad);
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(60_000), '1m');
});

test('evaluation window checks name the flag', () => {
  assert.deepEqual(checkEvaluationWindow(DEFAULT_GATE_CONFIG, 60_000, 600_000), []);
  assert.match(checkEvaluationWindow(DEFAULT_GATE_CONFIG, 60_000, 30_000).join(), /--lookback \(30s\) must be at least --interval \(1m\)/);
  assert.match(checkEvaluationWindow(DEFAULT_GATE_CONFIG, 60_000, 300_000).join(), /yields at most 5 value\(s\) per side, fewer than minSamples 8/);
  assert.match(checkEvaluationWindow(DEFAULT_GATE_CONFIG, 500, 600_000).join(), /--interval must be at least 1s/);
});

test('evaluate asks the injected source for the window and judges what it returns', async () => {
  const config = validateGateConfig({ defaults: { minSamples: 5 }, metrics: [{ name: 'a', direction: 'increase' }, { name: 'b', direction: 'increase' }] });
  const seen: SampleQuery[] = [];
  const end = new Date('2026-11-29T10:00:00Z');
  const values = [1, 2, 3, 4, 5, 6];
  const result = await evaluate({ api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1', config, intervalMs: 60_000, lookbackMs: 600_000, end }, async (q) => {
    seen.push(q);
    return { a: { baseline: values, canary: values }, b: { baseline: values, canary: values } };
  });
  assert.equal(seen.length, 1);
  assert.deepEqual([seen[0]!.api, seen[0]!.canaryVersion, seen[0]!.baselineVersion, seen[0]!.step, seen[0]!.stepSeconds], ['orders', 'v2', 'v1', '1m', 60]);
  assert.equal(seen[0]!.start.toISOString(), '2026-11-29T09:50:00.000Z');
  assert.deepEqual(seen[0]!.metrics.map((m) => m.name), ['a', 'b']);
  assert.equal(result.verdict.decision, 'promote');

  // a source that answers only part of the gate cannot get the canary promoted
  const partial = await evaluate({ api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1', config, intervalMs: 60_000, lookbackMs: 600_000 }, async () => ({
    a: { baseline: values, canary: values },
  }));
  assert.equal(partial.verdict.decision, 'continue');
  await assert.rejects(evaluate({ api: '', canaryVersion: 'v2', baselineVersion: 'v1', config, intervalMs: 60_000, lookbackMs: 600_000 }, async () => ({})), /api must be a non-empty string/);
  await assert.rejects(
    evaluate({ api: 'x', canaryVersion: 'v2', baselineVersion: 'v1', config, intervalMs: 60_000, lookbackMs: 600_000 }, async () => {
      throw new Error('Prometheus is down');
    }),
    /Prometheus is down/,
  );
});
