import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_OBJECTIVE, SloConfigError, parseSloConfig, sloTargets } from '../src/slo-config';
import { loadSloConfig } from '../src/generate';

const BASE = 'runbook_base_url: https://runbooks.example.org/alerts/RUNBOOK.md\n';

function problems(yaml: string): string[] {
  try {
    parseSloConfig(BASE + yaml);
  } catch (e) {
    assert.ok(e instanceof SloConfigError, `expected SloConfigError, got ${e}`);
    return [...e.problems];
  }
  return assert.fail('expected the config to be rejected');
}

const expectProblem = (yaml: string, field: string, hint: RegExp) => {
  const ps = problems(yaml);
  const p = ps.find((x) => x.startsWith(`${field}:`));
  assert.ok(p, `no problem reported for ${field}; got:\n${ps.join('\n')}`);
  assert.match(p, hint);
};

test('the committed slo.yaml is valid', () => {
  const c = loadSloConfig();
  assert.ok(sloTargets(c).length > 0);
});

test('defaults apply to listed and unlisted APIs; per-field overrides; false disables', () => {
  const c = parseSloConfig(BASE + `
defaults:
  availability: { objective: 99.9 }
  latency: { objective: 99, threshold_seconds: 1 }
  labels: { tier: gold }
apis:
  orders:
    availability: { objective: 99.95 }
    latency: { threshold_seconds: 2 }
    labels: { team: orders }
  batch:
    latency: false
  legacy:
    availability: false
    latency: false
`);
  const t = sloTargets(c).map((x) => [x.id, x.sli, x.objective, x.thresholdSeconds ?? null, x.labels]);
  assert.deepEqual(t, [
    ['batch', 'availability', 99.9, null, { tier: 'gold' }],
    ['orders', 'availability', 99.95, null, { tier: 'gold', team: 'orders' }],
    ['orders', 'latency', 99, 2, { tier: 'gold', team: 'orders' }],
    ['unlisted', 'availability', 99.9, null, { tier: 'gold' }],
    ['unlisted', 'latency', 99, 1, { tier: 'gold' }],
  ]);
  const unlisted = sloTargets(c).find((x) => x.id === 'unlisted')!;
  assert.deepEqual(unlisted.scope, { kind: 'unlisted', listed: ['batch', 'legacy', 'orders'] });
});

test('apply_to_unlisted: false covers only listed APIs', () => {
  const c = parseSloConfig(BASE + 'defaults:\n  apply_to_unlisted: false\n  availability: { objective: 99.9 }\napis:\n  orders: {}\n');
  assert.deepEqual(sloTargets(c).map((t) => t.id), ['orders']);
});

test('errors name the field and say what is expected', () => {
  expectProblem('defaults:\n  availability: { objective: 0.999 }\n', 'defaults.availability.objective', /percentage.*write 99\.9/);
  expectProblem('defaults:\n  availability: { objective: 100 }\n', 'defaults.availability.objective', /below 100/);
  expectProblem('defaults:\n  availability: { objective: 90 }\n', 'defaults.availability.objective', new RegExp(`above ${MIN_OBJECTIVE.toFixed(2)}`));
  expectProblem('defaults:\n  availability: { objective: "99.9" }\n', 'defaults.availability.objective', /percentage such as 99\.9, got "99\.9"/);
  expectProblem('apis:\n  orders:\n    latency: { objective: 99, threshold: 0.5 }\n', 'apis.orders.latency.threshold', /unknown field \(did you mean threshold_seconds\?\)/);
  expectProblem('apis:\n  orders:\n    latency: { objective: 99 }\n', 'apis.orders.latency.threshold_seconds', /required/);
  expectProblem('apis:\n  orders:\n    latency: { objective: 99, threshold_seconds: 1000 }\n', 'apis.orders.latency.threshold_seconds', /milliseconds\? write 1/);
  expectProblem('apis:\n  orders:\n    latency: { objective: 99, threshold_seconds: -1 }\n', 'apis.orders.latency.threshold_seconds', /positive number of seconds/);
  expectProblem('apis:\n  orders:\n    availability: { objective: 99.9 }\n    labels: { severity: low }\n', 'apis.orders.labels.severity', /set by the generator/);
  expectProblem('apis:\n  orders:\n    availability: { objective: 99.9 }\n    labels: { "bad-name": x }\n', 'apis.orders.labels.bad-name', /not a valid Prometheus label name/);
  expectProblem('apis:\n  Orders API: {}\n', 'apis.Orders API', /lower-case/);
  expectProblem('apis:\n  orders:\n    availabilty: { objective: 99.9 }\n', 'apis.orders.availabilty', /unknown field/);
  expectProblem('defaults:\n  availability: false\n', 'defaults.availability', /cannot be false/);
  expectProblem('defaults:\n  apply_to_unlisted: "yes"\n', 'defaults.apply_to_unlisted', /true or false/);
  expectProblem('apis:\n  orders:\n    latency: { objective: 99, threshold_seconds: 1 }\n  payments:\n    availability: {}\n', 'apis.payments.availability.objective', /required \(no default set\)/);
});

test('runbook_base_url is required and must be a plain http(s) URL', () => {
  assert.throws(() => parseSloConfig('defaults: {}\n'), (e: unknown) => e instanceof SloConfigError && e.problems.some((p) => p.startsWith('runbook_base_url:')));
  assert.throws(() => parseSloConfig('runbook_base_url: https://x.example/RUNBOOK.md#top\n'), /must not carry a query or #fragment/);
  assert.throws(() => parseSloConfig('runbook_base_url: RUNBOOK.md\n'), /absolute URL/);
});

test('every problem is reported at once, and invalid YAML is reported as such', () => {
  const ps = problems('defaults:\n  availability: { objective: 0.9 }\napis:\n  orders:\n    latency: { objective: 99 }\n  x:\n    nope: 1\n');
  assert.ok(ps.length >= 3, ps.join('\n'));
  assert.throws(() => parseSloConfig(`${BASE}apis:\n  orders: {}\n  orders: {}\n`), /not valid YAML/);
  assert.throws(() => parseSloConfig('- a list'), /top level/);
});
