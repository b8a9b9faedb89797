/** Config reading: the app-config.yaml section of the dev app is accepted and means what it says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { DEFAULT_CONFIG, readGovernanceConfig } from './config';

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
