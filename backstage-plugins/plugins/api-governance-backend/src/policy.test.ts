/** The shipped default policy, decision by decision. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  apiDeprecatePermission, apiGovernancePermissions, apiPromotionApprovePermission, apiPromotionCreatePermission, apiPromotionOverridePermission,
  apiPromotionPromotePermission, apiPromotionRejectPermission, apiPromotionRollbackPermission,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { ApiGovernancePolicy, decideGovernancePermission } from './policy';

const user = (...groups: string[]) => ({ userEntityRef: 'user:default/u', ownershipEntityRefs: ['user:default/u', ...groups] });
const perSystem = { productManagers: { commerce: ['group:default/pms'], '*': ['group:default/chief-pms'] }, overrideGroups: ['group:default/platform'] };

test('create: conditional on owning the API (catalog IS_ENTITY_OWNER)', () => {
  const d = decideGovernancePermission(apiPromotionCreatePermission.name, user('group:default/orders-team'));
  assert.deepEqual(d, {
    result: AuthorizeResult.CONDITIONAL, pluginId: 'catalog', resourceType: 'catalog-entity',
    conditions: { allOf: [{ rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: ['user:default/u', 'group:default/orders-team'] } }] },
  });
});

test('deprecate: conditional on owning the API, like create', () => {
  assert.deepEqual(
    decideGovernancePermission(apiDeprecatePermission.name, user('group:default/orders-team')),
    decideGovernancePermission(apiPromotionCreatePermission.name, user('group:default/orders-team')),
  );
  assert.deepEqual(decideGovernancePermission(apiDeprecatePermission.name, undefined), { result: AuthorizeResult.DENY });
});

test('every registered permission has a decision (none falls through)', () => {
  assert.deepEqual(new Set(apiGovernancePermissions.map((p) => p.name)).size, 8);
  for (const p of apiGovernancePermissions) assert.notEqual(decideGovernancePermission(p.name, user()), undefined, p.name);
});

test('approve / reject / promote / rollback: product managers of the system only', () => {
  for (const p of [apiPromotionApprovePermission, apiPromotionRejectPermission, apiPromotionPromotePermission, apiPromotionRollbackPermission]) {
    assert.deepEqual(decideGovernancePermission(p.name, user('group:default/orders-team'), perSystem), { result: AuthorizeResult.DENY });
    const d = decideGovernancePermission(p.name, user('group:default/pms'), perSystem);
    assert.equal(d?.result, AuthorizeResult.CONDITIONAL);
    assert.deepEqual((d as { conditions: unknown }).conditions, { anyOf: [{ rule: 'HAS_SPEC', resourceType: 'catalog-entity', params: { key: 'system', value: 'commerce' } }] });
    assert.deepEqual(decideGovernancePermission(p.name, user('group:default/chief-pms'), perSystem), { result: AuthorizeResult.ALLOW });
    assert.deepEqual(decideGovernancePermission(p.name, undefined, perSystem), { result: AuthorizeResult.DENY });
  }
});

test('override: the platform group only; other permissions fall through', async () => {
  assert.deepEqual(decideGovernancePermission(apiPromotionOverridePermission.name, user('group:default/platform'), perSystem), { result: AuthorizeResult.ALLOW });
  assert.deepEqual(decideGovernancePermission(apiPromotionOverridePermission.name, user('group:default/pms'), perSystem), { result: AuthorizeResult.DENY });
  assert.equal(decideGovernancePermission('catalog.entity.read', user()), undefined);
  const policy = new ApiGovernancePolicy(perSystem);
  const other = await policy.handle({ permission: { type: 'basic', name: 'catalog.entity.read', attributes: { action: 'read' } } });
  assert.deepEqual(other, { result: AuthorizeResult.ALLOW });
});

test('product leads approve for every system and may override, as the governance policy (policies/) says', () => {
  const withLeads = { ...perSystem, productLeads: ['group:default/Product-Leads'] };
  for (const p of [apiPromotionApprovePermission, apiPromotionRejectPermission, apiPromotionPromotePermission, apiPromotionRollbackPermission, apiPromotionOverridePermission]) {
    assert.deepEqual(decideGovernancePermission(p.name, user('group:default/product-leads'), withLeads), { result: AuthorizeResult.ALLOW }, p.name);
    assert.deepEqual(decideGovernancePermission(p.name, user('group:default/product-leads'), perSystem), { result: AuthorizeResult.DENY }, p.name);
  }
});
