/** Config reading: the app-config.yaml section of the dev app is accepted and means what it says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { DEFAULT_CONFIG, policyData, readGovernanceConfig } from './config';
import { asDecision } from './opa-policy';

test('the dev app-config.yaml apiGovernance section', () => {
  const doc = parse(readFileSync(path.join(__dirname, '../../../../app-config.yaml'), 'utf8')) as JsonObject;
  const c = readGovernanceConfig(new ConfigReader({ apiGovernance: doc.apiGovernance }));
  assert.deepEqual(c.environments, ['staging', 'production']);
  assert.equal(c.gates.canary.source, 'none');
  assert.equal(c.gates.slo.required, false);
  assert.deepEqual(c.policy.productManagers, { '*': ['group:default/product-managers'] });
  assert.deepEqual(c.policy.overrideGroups, ['group:default/product-leads']);
});

test('defaults, per-system product managers and invalid config', () => {
  assert.deepEqual(readGovernanceConfig(new ConfigReader({})), DEFAULT_CONFIG);
  const c = readGovernanceConfig(new ConfigReader({ apiGovernance: { policy: { productManagers: [{ groups: ['group:default/a'], systems: ['commerce', 'api-platform'] }, { groups: ['group:default/b'], systems: ['commerce'] }] } } }));
  assert.deepEqual(c.policy.productManagers, { commerce: ['group:default/a', 'group:default/b'], 'api-platform': ['group:default/a'] });
  const slo = readGovernanceConfig(new ConfigReader({ apiGovernance: { deprecation: { notifyConsumers: false }, gates: { slo: { prometheusUrl: 'http://prom:9090', timeoutMs: 1500 } } } }));
  assert.deepEqual(slo.gates.slo, { prometheusUrl: 'http://prom:9090', required: true, timeoutMs: 1500 });
  assert.equal(slo.notifyConsumers, false);
  assert.equal(DEFAULT_CONFIG.notifyConsumers, true);
  // Fail safe: without configured override groups nobody may approve past a required gate.
  assert.deepEqual(DEFAULT_CONFIG.policy.overrideGroups, []);
  assert.throws(() => readGovernanceConfig(new ConfigReader({ apiGovernance: { environments: ['prod'] } })), /at least two distinct/);
  assert.throws(() => readGovernanceConfig(new ConfigReader({ apiGovernance: { gates: { canary: { source: 'http' } } } })), /url is required/);
});

test('the policy engine, tiers and freezes', () => {
  assert.deepEqual(DEFAULT_CONFIG.engine, { engine: 'builtin' });
  // Without tiers the default tier requires the gates marked required: the built-in engine decides as before tiers.
  const read = (policy: JsonObject, gates: JsonObject = {}) => readGovernanceConfig(new ConfigReader({ apiGovernance: { policy, gates } }));
  assert.deepEqual(policyData(read({}, { slo: { required: false } }).policy, read({}, { slo: { required: false } }).gates).required_gates, { default: { '*': ['canary', 'definition'] } });
  const c = read({
    engine: 'opa', opa: { url: 'http://opa:8181', timeoutMs: 750 }, productLeads: ['group:default/leads'],
    requiredGates: [{ tier: 'internal', gates: ['definition'] }, { tier: 'tier-1', environments: ['production'], gates: ['canary', 'slo', 'definition'] }],
    freezes: [{ name: 'year-end', environments: ['production'], start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z', exemptGroups: ['group:default/release'] }],
  });
  assert.deepEqual(c.engine, { engine: 'opa', opa: { url: 'http://opa:8181', timeoutMs: 750, decisionPath: 'api_observatory/governance/decision' } });
  const data = policyData(c.policy, c.gates);
  assert.deepEqual(data.required_gates, { default: { '*': ['canary', 'definition', 'slo'] }, internal: { '*': ['definition'] }, 'tier-1': { production: ['canary', 'slo', 'definition'] } });
  assert.deepEqual(data.freezes, [{ name: 'year-end', environments: ['production'], start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z', exempt_groups: ['group:default/release'] }]);
  assert.deepEqual(data.product_leads, ['group:default/leads']);
  assert.throws(() => read({ engine: 'opa' }), /opa.url is required/);
  assert.throws(() => read({ engine: 'xacml' }), /builtin or opa/);
  assert.throws(() => read({ requiredGates: [{ tier: 'internal', gates: ['lint'] }] }), /unknown gate lint/);
  assert.throws(() => read({ freezes: [{ name: 'x', environments: ['*'], start: '2026-12-20', end: '2027-01-05T00:00:00Z' }] }), /not an RFC 3339 time/);
});

test('an OPA result is a decision only with the decision shape', () => {
  const ok = { allow: true, reasons: ['product lead'], violations: [], required_gates: ['definition'], tier: 'internal', overridden: false };
  assert.deepEqual(asDecision(ok), ok);
  for (const bad of [
    null, true, {}, { ...ok, allow: 'true' }, { ...ok, required_gates: ['lint'] }, { ...ok, reasons: [1] },
    { ...ok, violations: [{ code: 'X', message: 'm' }] }, // an allow with violations
    { ...ok, allow: false }, // a denial without a violation
  ]) assert.equal(asDecision(bad), undefined, JSON.stringify(bad));
});
