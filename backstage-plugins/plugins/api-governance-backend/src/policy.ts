/**
 * The default governance permission policy, as a documented function and a PermissionPolicy.
 *
 * | permission                         | decision                                                               |
 * | ---------------------------------- | ---------------------------------------------------------------------- |
 * | api-governance.promotion.create    | CONDITIONAL: the user owns the API (catalog rule IS_ENTITY_OWNER)      |
 * | api-governance.promotion.cancel    | CONDITIONAL: the user owns the API (the requester may always cancel)   |
 * | api-governance.api.deprecate       | CONDITIONAL: the user owns the API (IS_ENTITY_OWNER)                    |
 * | api-governance.promotion.approve   | product lead: ALLOW; product manager of the API's system: CONDITIONAL   |
 * | api-governance.promotion.reject    |   HAS_SPEC system=<that system> (ALLOW for `*`); otherwise DENY         |
 * | api-governance.promotion.promote   |   (promote and rollback are decided like approve: the product manager   |
 * | api-governance.promotion.rollback  |   who may let a version in may also record it shipped or pulled)        |
 * | api-governance.promotion.override  | ALLOW for members of `overrideGroups` or `productLeads`, else DENY     |
 *
 * Conditions are the catalog's own rules on the `catalog-entity` resource type, so the permission
 * backend asks the catalog to evaluate them against the API entity. Separation of duties (nobody
 * approves or rejects their own request) is enforced by the plugin itself, whatever the policy says.
 */
import { AuthorizeResult, isResourcePermission, type PolicyDecision, type PermissionCondition, type PermissionCriteria } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  API_ENTITY_RESOURCE_TYPE, apiDeprecatePermission, apiPromotionApprovePermission, apiPromotionCancelPermission, apiPromotionCreatePermission,
  apiPromotionOverridePermission, apiPromotionPromotePermission, apiPromotionRejectPermission, apiPromotionRollbackPermission,
} from '@api-observatory/backstage-plugin-api-governance-common';
import { DEFAULT_POLICY_CONFIG, type GovernancePolicyConfig } from './service/config';

export interface GovernanceUser {
  userEntityRef: string;
  /** The user and the groups they belong to (BackstageUserInfo.ownershipEntityRefs). */
  ownershipEntityRefs: string[];
}

type Cond = PermissionCondition<typeof API_ENTITY_RESOURCE_TYPE>;

const conditional = (conditions: PermissionCriteria<Cond>): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: API_ENTITY_RESOURCE_TYPE,
  conditions,
});

const isOwner = (user: GovernanceUser): Cond => ({ rule: 'IS_ENTITY_OWNER', resourceType: API_ENTITY_RESOURCE_TYPE, params: { claims: user.ownershipEntityRefs } });
const inSystem = (system: string): Cond => ({ rule: 'HAS_SPEC', resourceType: API_ENTITY_RESOURCE_TYPE, params: { key: 'system', value: system } });

/**
 * The governance decision for one permission, or undefined when the permission is not a governance
 * permission (compose it into a deployment's own policy and fall through to its other rules).
 */
export function decideGovernancePermission(
  permissionName: string,
  user: GovernanceUser | undefined,
  config: GovernancePolicyConfig = DEFAULT_POLICY_CONFIG,
): PolicyDecision | undefined {
  const names = [
    apiPromotionCreatePermission, apiPromotionCancelPermission, apiPromotionApprovePermission, apiPromotionRejectPermission, apiPromotionOverridePermission,
    apiPromotionPromotePermission, apiPromotionRollbackPermission, apiDeprecatePermission,
  ].map((p) => p.name);
  if (!names.includes(permissionName)) return undefined;
  if (!user) return { result: AuthorizeResult.DENY };
  const mine = new Set(user.ownershipEntityRefs.map((r) => r.toLowerCase()));
  switch (permissionName) {
    case apiPromotionCreatePermission.name:
    case apiPromotionCancelPermission.name:
    case apiDeprecatePermission.name:
      return conditional({ allOf: [isOwner(user)] });
    case apiPromotionApprovePermission.name:
    case apiPromotionRejectPermission.name:
    case apiPromotionPromotePermission.name:
    case apiPromotionRollbackPermission.name: {
      if (config.productLeads?.some((g) => mine.has(g.toLowerCase()))) return { result: AuthorizeResult.ALLOW };
      const systems = Object.entries(config.productManagers)
        .filter(([, groups]) => groups.some((g) => mine.has(g.toLowerCase())))
        .map(([system]) => system);
      if (systems.includes('*')) return { result: AuthorizeResult.ALLOW };
      if (systems.length === 0) return { result: AuthorizeResult.DENY };
      const [first, ...rest] = systems.map(inSystem);
      return conditional({ anyOf: [first!, ...rest] });
    }
    case apiPromotionOverridePermission.name:
      return [...config.overrideGroups, ...(config.productLeads ?? [])].some((g) => mine.has(g.toLowerCase())) ? { result: AuthorizeResult.ALLOW } : { result: AuthorizeResult.DENY };
    default:
      return undefined;
  }
}

/**
 * A PermissionPolicy applying decideGovernancePermission to governance permissions and `fallback`
 * (default: ALLOW, i.e. allow-all for everything else) to the rest.
 */
export class ApiGovernancePolicy implements PermissionPolicy {
  constructor(
    private readonly config: GovernancePolicyConfig = DEFAULT_POLICY_CONFIG,
    private readonly fallback?: PermissionPolicy,
  ) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const u = user ? { userEntityRef: user.info.userEntityRef, ownershipEntityRefs: user.info.ownershipEntityRefs } : undefined;
    if (isResourcePermission(request.permission, API_ENTITY_RESOURCE_TYPE)) {
      const d = decideGovernancePermission(request.permission.name, u, this.config);
      if (d) return d;
    }
    return this.fallback ? this.fallback.handle(request, user) : { result: AuthorizeResult.ALLOW };
  }
}
