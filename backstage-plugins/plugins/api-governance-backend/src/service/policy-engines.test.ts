/**
 * One policy, two engines: the whole role × action × tier × environment × freeze matrix (× gate results
 * × override) decided by the built-in engine and by a REAL OPA serving policies/governance with the
 * same data must be identical, decision by decision.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, repoRoot, startOpa, type RunningOpa } from '@api-observatory/local-stack';
import { decidePolicy } from './builtin-policy';
import { policyData, DEFAULT_CONFIG } from './config';
import { OpaPolicyEngine } from './opa-policy';
import { ALL_GATES, type GovernancePolicyData, type PolicyAction, type PolicyInput } from './policy-engine';

const MATRIX_DATA: GovernancePolicyData = policyData({
  productManagers: { commerce: ['group:default/commerce-pms'], '*': ['group:default/product-managers'] },
  overrideGroups: ['group:default/gate-overriders'],
  productLeads: ['group:default/product-leads'],
  requiredGates: {
    'tier-1': { '*': ['canary', 'definition', 'slo'] },
    'tier-2': { staging: ['definition'], '*': ['canary', 'definition'] },
    internal: { '*': ['definition'] },
  },
  freezes: [
    { name: 'year-end', environments: ['production'], start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z', exempt_groups: ['group:default/release-managers'] },
    { name: 'all-hands', environments: ['*'], start: '2026-12-10T09:00:00Z', end: '2026-12-10T12:00:00Z' },
  ],
}, DEFAULT_CONFIG.gates);

/** Roles: who the actor is relative to an orders API (system commerce, owned by orders-team, requested by alice). */
const ROLES: Record<string, PolicyInput['actor']> = {
  requester: { ref: 'user:default/alice', type: 'user', groups: ['group:default/orders-team'] },
  owner: { ref: 'user:default/bob', type: 'user', groups: ['group:default/orders-team'] },
  'requester-pm': { ref: 'user:default/alice', type: 'user', groups: ['group:default/product-managers'] },
  'requester-pm-other-case': { ref: 'user:default/Alice', type: 'user', groups: ['group:default/product-managers'] },
  'pm-any-system': { ref: 'user:default/carla', type: 'user', groups: ['group:default/product-managers'] },
  'pm-this-system': { ref: 'user:default/cora', type: 'user', groups: ['group:default/Commerce-PMs'] },
  'pm-overrider': { ref: 'user:default/olga', type: 'user', groups: ['group:default/commerce-pms', 'group:default/gate-overriders'] },
  'product-lead': { ref: 'user:default/deepak', type: 'user', groups: ['group:default/product-leads'] },
  'release-manager-pm': { ref: 'user:default/rita', type: 'user', groups: ['group:default/product-managers', 'group:default/release-managers'] },
  stranger: { ref: 'user:default/eve', type: 'user', groups: ['group:default/customer-team'] },
  service: { ref: 'service:plugin:deployer', type: 'service', groups: [] },
};
const ACTIONS: PolicyAction[] = ['create', 'approve', 'reject', 'cancel', 'promote', 'rollback'];
const TIERS = ['tier-1', 'tier-2', 'internal', null, 'gold'];
const ENVIRONMENTS = ['staging', 'production'];
// Inside each window, and exactly at a window's start (frozen) and end (not frozen).
const TIMES = {
  none: '2026-12-07T10:00:00.000Z', 'year-end': '2026-12-24T12:00:00.000Z', 'all-hands': '2026-12-10T10:30:00.000Z',
  'year-end-starts': '2026-12-20T00:00:00.000Z', 'year-end-ended': '2027-01-05T00:00:00.000Z',
};
const GATES: Record<string, PolicyInput['gates']> = {
  passed: [{ gate: 'canary', status: 'passed' }, { gate: 'definition', status: 'passed' }, { gate: 'slo', status: 'passed' }],
  'canary-failed': [{ gate: 'canary', status: 'failed' }, { gate: 'definition', status: 'passed' }, { gate: 'slo', status: 'unknown' }],
  none: [],
};
const OVERRIDES: Record<string, PolicyInput['override']> = { none: null, reason: { reason: 'hotfix for incident 42' }, blank: { reason: '  ' } };

function* matrix(): Generator<[string, PolicyInput]> {
  for (const [role, actor] of Object.entries(ROLES)) for (const action of ACTIONS) for (const tier of TIERS) for (const env of ENVIRONMENTS) {
    for (const [freeze, time] of Object.entries(TIMES)) for (const [gates, results] of Object.entries(GATES)) for (const [override, o] of Object.entries(OVERRIDES)) {
      // Gate results and overrides matter to approvals only: other actions get one combination.
      if (action !== 'approve' && (gates !== 'passed' || override !== 'none')) continue;
      yield [`${role} ${action} ${tier} →${env} freeze=${freeze} gates=${gates} override=${override}`, {
        action,
        actor,
        entity: { ref: 'api:default/orders', system: 'commerce', owners: ['group:default/orders-team'], tier },
        request: { id: '6f1c2b3a-0000-4000-8000-000000000001', requested_by: action === 'create' ? actor.ref : 'user:default/alice', from_environment: env === 'production' ? 'staging' : 'dev', to_environment: env, state: 'requested' },
        gates: results,
        all_gates: [...ALL_GATES],
        override: o,
        time,
      }];
    }
  }
}

describe('one policy, two engines', () => {
  let opa: RunningOpa;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gov-opa-'));
    const dataFile = path.join(dir, 'data.json');
    writeFileSync(dataFile, JSON.stringify({ api_observatory: { config: { governance: MATRIX_DATA } } }));
    opa = await startOpa({ port: await freePort(), logDir: dir, paths: [path.join(repoRoot(), 'policies', 'governance'), dataFile] });
  });
  after(async () => {
    await opa?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decides every case of the matrix identically (built-in engine and the Rego bundle in OPA)', async () => {
    const engine = new OpaPolicyEngine({ url: opa.url, timeoutMs: 10_000 });
    const cases = [...matrix()];
    const mismatches: string[] = [];
    const codes = new Map<string, number>();
    let allowed = 0;
    const ids = new Set<string>();
    const t0 = performance.now();
    for (let i = 0; i < cases.length; i += 16) {
      await Promise.all(cases.slice(i, i + 16).map(async ([name, input]) => {
        const { engine: e, decisionId, ...fromOpa } = await engine.decide(input);
        assert.equal(e, 'opa');
        assert.match(decisionId ?? '', /^[0-9a-f-]{36}$/, 'OPA returns a decision id when decision logging is on');
        ids.add(decisionId!);
        const builtin = decidePolicy(MATRIX_DATA, input);
        try {
          assert.deepStrictEqual(builtin, fromOpa);
        } catch {
          mismatches.push(`${name}\n  builtin ${JSON.stringify(builtin)}\n  opa     ${JSON.stringify(fromOpa)}`);
        }
        if (fromOpa.allow) allowed++;
        for (const v of fromOpa.violations) codes.set(v.code, (codes.get(v.code) ?? 0) + 1);
      }));
    }
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${cases.length} decisions differ:\n${mismatches.slice(0, 5).join('\n')}`);
    assert.equal(ids.size, cases.length, 'one decision id per decision');
    // The matrix exercises every rule: allows and every violation code occur.
    assert.ok(allowed > 100 && allowed < cases.length - 100, `allowed ${allowed} of ${cases.length}`);
    assert.deepEqual([...codes.keys()].sort(), ['CHANGE_FREEZE', 'GATES_NOT_PASSED', 'NOT_APPROVER', 'NOT_OWNER', 'OVERRIDE_NOT_ALLOWED', 'OVERRIDE_REASON_REQUIRED', 'SELF_APPROVAL']);
    const ms = performance.now() - t0;
    console.log(`# ${cases.length} cases, ${allowed} allowed in ${(ms / 1000).toFixed(1)} s (16 in flight, both engines; ${(cases.length / (ms / 1000)).toFixed(0)} decisions/s); violations ${JSON.stringify(Object.fromEntries(codes))}`);
  });

  it('denies invalid inputs identically, for that reason alone', async () => {
    const engine = new OpaPolicyEngine({ url: opa.url });
    const [, valid] = [...matrix()].find(([name]) => name.startsWith('product-lead approve tier-1 →production freeze=none gates=canary-failed override=reason'))!;
    const invalid: unknown[] = [
      {},
      { ...valid, action: 'deploy' },
      { ...valid, time: '2026-12-07' },
      { ...valid, time: 'yesterday' },
      { ...valid, actor: { ...valid.actor, type: 'robot' } },
      { ...valid, actor: { ...valid.actor, groups: 'group:default/product-leads' } },
      { ...valid, entity: { ...valid.entity, owners: null } },
      { ...valid, request: { ...valid.request, to_environment: 7 } },
      { ...valid, gates: null },
      { ...valid, all_gates: undefined },
      { ...valid, all_gates: [] },
      { ...valid, all_gates: 'canary' },
      { ...valid, all_gates: ['canary', 3] },
      { ...valid, all_gates: ['canary', 'canary', 'slo'] },
    ];
    for (const input of invalid) {
      const { engine: _e, decisionId: _d, ...fromOpa } = await engine.decide(input as PolicyInput);
      assert.deepEqual(fromOpa.violations.map((v) => v.code), ['INVALID_INPUT'], JSON.stringify(input));
      assert.equal(fromOpa.overridden, false);
      assert.deepStrictEqual(decidePolicy(MATRIX_DATA, input as PolicyInput), fromOpa, JSON.stringify(input));
    }
  });

  it("the Rego names no gate: its fail-safe list (a tier without any entry requires every gate) is the input's all_gates, the registry's", async () => {
    const ask = async (input: unknown) => {
      const res = await fetch(`${opa.url}/v1/data/api_observatory/governance/gates/all_gates`, { method: 'POST', body: JSON.stringify({ input }) });
      assert.equal(res.status, 200);
      return (await res.json() as { result: unknown }).result;
    };
    assert.deepEqual(await ask({ all_gates: [...ALL_GATES].reverse() }), [...ALL_GATES]);
    assert.deepEqual(await ask({ all_gates: [...ALL_GATES, 'security'] }), [...ALL_GATES, 'security'].sort());
    const rego = readdirSync(path.join(repoRoot(), 'policies', 'governance')).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'));
    for (const f of rego) {
      const text = readFileSync(path.join(repoRoot(), 'policies', 'governance', f), 'utf8');
      for (const g of ALL_GATES) assert.doesNotMatch(text, new RegExp(`"${g}"`), `${f} names the gate ${g}`);
    }
  });

  it('a gate added to the registry is required by both engines wherever the policy requires every gate', async () => {
    const noTiers: GovernancePolicyData = { ...MATRIX_DATA, required_gates: {} };
    const dataFile = path.join(dir, 'no-tiers.json');
    writeFileSync(dataFile, JSON.stringify({ api_observatory: { config: { governance: noTiers } } }));
    const noTiersOpa = await startOpa({ port: await freePort(), logDir: dir, paths: [path.join(repoRoot(), 'policies', 'governance'), dataFile] });
    try {
      const engine = new OpaPolicyEngine({ url: noTiersOpa.url });
      const [, valid] = [...matrix()].find(([name]) => name.startsWith('product-lead approve tier-1 →production freeze=none gates=passed override=none'))!;
      const withNew = { ...valid, all_gates: [...ALL_GATES, 'security'] as PolicyInput['all_gates'] };
      const passedToo = { ...withNew, gates: [...withNew.gates, { gate: 'security', status: 'passed' }] };
      for (const input of [withNew, passedToo]) {
        const { engine: _e, decisionId: _d, ...fromOpa } = await engine.decide(input);
        assert.deepStrictEqual(decidePolicy(noTiers, input), fromOpa, JSON.stringify(input));
        assert.deepEqual(fromOpa.required_gates, [...ALL_GATES, 'security'].sort());
      }
      assert.deepEqual(decidePolicy(noTiers, withNew).reasons, ['required gates not passed: security']);
      assert.ok(decidePolicy(noTiers, passedToo).allow);
    } finally {
      await noTiersOpa.stop();
    }
  });

  it('the shipped data.json decides like the built-in engine over the same settings', async () => {
    const shipped = JSON.parse(readFileSync(path.join(repoRoot(), 'policies', 'data.json'), 'utf8')).api_observatory.config.governance as GovernancePolicyData;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gov-opa-shipped-'));
    const shippedOpa = await startOpa({ port: await freePort(), logDir: dataDir });
    try {
      const engine = new OpaPolicyEngine({ url: shippedOpa.url });
      for (const [, input] of [...matrix()].filter((_, i) => i % 7 === 0)) {
        const { engine: _e, decisionId: _d, ...fromOpa } = await engine.decide(input);
        assert.deepStrictEqual(decidePolicy(shipped, input), fromOpa);
      }
    } finally {
      await shippedOpa.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
