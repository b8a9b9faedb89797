import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GATE_CONFIG, DEFAULT_GATE_CONFIG_INPUT, ValidationError, loadGateConfig, parseGateConfig, validateGateConfig } from '../src';

const PKG = join(__dirname, '..');

/** The messages of the ValidationError thrown by fn. */
function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e}`);
    return e.issues.map((i) => i.message);
  }
  assert.fail('expected a ValidationError');
}

const ok = { name: 'x', direction: 'increase' };

test('the shipped default-gate.yaml equals the exported default config', () => {
  assert.deepEqual(loadGateConfig(join(PKG, 'config', 'default-gate.yaml')), DEFAULT_GATE_CONFIG);
  assert.deepEqual(validateGateConfig(structuredClone(DEFAULT_GATE_CONFIG_INPUT)), DEFAULT_GATE_CONFIG);
});

test('the default gate: critical error ratio with increase direction, p99 and p50 latency', () => {
  const byName = Object.fromEntries(DEFAULT_GATE_CONFIG.metrics.map((m) => [m.name, m]));
  assert.deepEqual(Object.keys(byName), ['error_ratio', 'latency_p99_seconds', 'latency_p50_seconds']);
  assert.equal(byName.error_ratio!.critical, true);
  assert.equal(byName.error_ratio!.direction, 'increase');
  assert.ok(byName.error_ratio!.guard?.max !== undefined);
  assert.equal(DEFAULT_GATE_CONFIG.onNoData, 'hold');
  assert.ok(Object.isFrozen(DEFAULT_GATE_CONFIG.metrics[0]));
});

test('defaults are filled in and per-metric values override gate defaults', () => {
  const c = validateGateConfig({ defaults: { minSamples: 20, confidenceLevel: 0.9 }, metrics: [ok, { ...ok, name: 'y', minSamples: 3 }] });
  assert.equal(c.onNoData, 'hold');
  assert.deepEqual(c.thresholds, { pass: 95, marginal: 75 });
  assert.deepEqual(c.intervals, { promoteAfter: 3, rollbackAfterCriticalFailures: 2, rollbackAfterFailedIntervals: 2 });
  assert.deepEqual(
    c.metrics.map((m) => [m.name, m.minSamples, m.confidenceLevel, m.weight, m.critical]),
    [
      ['x', 20, 0.9, 1, false],
      ['y', 3, 0.9, 1, false],
    ],
  );
});

test('errors name the field path', () => {
  const cases: [unknown, RegExp][] = [
    [{ metrics: [ok, ok, { ...ok, name: 'z', tolerance: { relative: -1 } }] }, /^metrics\[2\]\.tolerance\.relative must be a number >= 0, got -1$/],
    [{ metrics: [{ ...ok, tolerance: { relative: 'ten' } }] }, /^metrics\[0\]\.tolerance\.relative must be a number >= 0, got "ten"$/],
    [{ metrics: [{ ...ok, direction: 'up' }] }, /^metrics\[0\]\.direction must be one of "increase", "decrease", "either", got "up"$/],
    [{ metrics: [{ name: 'x' }] }, /^metrics\[0\]\.direction is required/],
    [{ metrics: [{ direction: 'increase' }] }, /^metrics\[0\]\.name is required$/],
    [{ metrics: [{ ...ok, weight: 0 }] }, /^metrics\[0\]\.weight must be a number > 0, got 0$/],
    [{ minRequestsPerInterval: -1, metrics: [ok] }, /^minRequestsPerInterval must be an integer >= 0, got -1$/],
    [{ metrics: [{ ...ok, query: 'rate(x[1m])' }] }, /^metrics\[0\]\.query must be one of "errorRatio", /],
    [{ metrics: [{ ...ok, minSamples: 2.5 }] }, /^metrics\[0\]\.minSamples must be an integer >= 1, got 2\.5$/],
    [{ metrics: [{ ...ok, confidenceLevel: 95 }] }, /^metrics\[0\]\.confidenceLevel must be a number > 0 and < 1, got 95$/],
    [{ metrics: [{ ...ok, critical: 'yes' }] }, /^metrics\[0\]\.critical must be true or false, got "yes"$/],
    [{ metrics: [{ ...ok, guard: {} }] }, /^metrics\[0\]\.guard must set max, min or both$/],
    [{ metrics: [{ ...ok, guard: { max: 1, min: 2 } }] }, /^metrics\[0\]\.guard\.min must be <= metrics\[0\]\.guard\.max/],
    [{ metrics: [{ ...ok, guard: { max: 1, statistic: 'p95' } }] }, /^metrics\[0\]\.guard\.statistic must be one of/],
    [{ metrics: [{ ...ok, tolerence: {} }] }, /^metrics\[0\]\.tolerence is not a known field/],
    [{ metrics: [ok, ok] }, /^metrics\[1\]\.name duplicates metrics\[0\]\.name \("x"\)$/],
    [{ metrics: [] }, /^metrics must have at least 1 item$/],
    [{}, /^metrics is required/],
    [{ metrics: 'x' }, /^metrics must be an array, got a string$/],
    [{ metrics: [ok], thresholds: { pass: 50, marginal: 60 } }, /^thresholds\.marginal must be <= thresholds\.pass \(50\), got 60$/],
    [{ metrics: [ok], thresholds: { pass: 101 } }, /^thresholds\.pass must be a number >= 0 and <= 100, got 101$/],
    [{ metrics: [ok], onNoData: 'ignore' }, /^onNoData must be one of "hold", "fail", got "ignore"$/],
    [{ metrics: [ok], intervals: { promoteAfter: 0 } }, /^intervals\.promoteAfter must be an integer >= 1, got 0$/],
    [{ metrics: [ok], defaults: { minSamples: 0 } }, /^defaults\.minSamples must be an integer >= 1, got 0$/],
    [{ metrics: [ok], schemaVersion: 2 }, /^schemaVersion must be 1, got 2$/],
    [[ok], /^gate config must be an object, got an array$/],
  ];
  for (const [input, re] of cases) {
    const msgs = issues(() => validateGateConfig(input));
    assert.ok(msgs.some((m) => re.test(m)), `${JSON.stringify(input)}: ${JSON.stringify(msgs)} does not match ${re}`);
  }
});

test('every problem is reported at once', () => {
  const msgs = issues(() => validateGateConfig({ onNoData: 'x', metrics: [{ name: '', direction: 'sideways', weight: -1 }] }));
  assert.equal(msgs.length, 4, JSON.stringify(msgs));
});

test('YAML and JSON both load; NaN and Infinity in YAML are rejected with the field path', (t) => {
  const yamlText = 'metrics:\n  - name: error_ratio\n    direction: increase\n    critical: true\n    tolerance: { relative: 0.1 }\n';
  const jsonText = JSON.stringify({ metrics: [{ name: 'error_ratio', direction: 'increase', critical: true, tolerance: { relative: 0.1 } }] });
  assert.deepEqual(parseGateConfig(yamlText), parseGateConfig(jsonText));
  const dir = mkdtempSync(join(tmpdir(), 'canary-judge-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'gate.yml'), yamlText);
  writeFileSync(join(dir, 'gate.json'), jsonText);
  assert.deepEqual(loadGateConfig(join(dir, 'gate.yml')), loadGateConfig(join(dir, 'gate.json')));
  const nan = issues(() => parseGateConfig('metrics:\n  - name: a\n    direction: increase\n    weight: .nan\n'));
  assert.match(nan[0]!, /^metrics\[0\]\.weight must be a number > 0, got NaN$/);
  const inf = issues(() => parseGateConfig('metrics:\n  - name: a\n    direction: increase\n    guard: { max: .inf }\n'));
  assert.match(inf[0]!, /^metrics\[0\]\.guard\.max must be a number, got Infinity$/);
});

test('syntax errors and unreadable files are validation errors naming the file', () => {
  assert.match(issues(() => parseGateConfig('metrics: [\n', { format: 'yaml' }))[0]!, /gate config is not valid YAML/);
  assert.match(issues(() => parseGateConfig('{"metrics": ', { format: 'json' }))[0]!, /gate config is not valid JSON/);
  assert.match(issues(() => parseGateConfig('a: 1\na: 2\n'))[0]!, /not valid YAML/);
  const missing = join(tmpdir(), 'canary-judge-does-not-exist.yaml');
  assert.throws(() => loadGateConfig(missing), (e: unknown) => e instanceof ValidationError && /file not found/.test(e.message) && e.message.includes(missing));
});
