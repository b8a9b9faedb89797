import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of every governance permission: the API entity being promoted (the catalog's
 * `catalog-entity` resource type, so a policy can return catalog conditions such as
 * IS_ENTITY_OWNER / HAS_SPEC that the catalog evaluates).
 */
export const API_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Create a promotion request for an API entity. Default policy: owners of the API. */
export const apiPromotionCreatePermission = createPermission({
  name: 'api-governance.promotion.create',
  attributes: { action: 'create' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Approve a request. Default policy: product managers of the API's system. */
export const apiPromotionApprovePermission = createPermission({
  name: 'api-governance.promotion.approve',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Reject a request. Default policy: product managers of the API's system. */
export const apiPromotionRejectPermission = createPermission({
  name: 'api-governance.promotion.reject',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Cancel a request. Default policy: owners of the API (the plugin also lets the requester cancel their own). */
export const apiPromotionCancelPermission = createPermission({
  name: 'api-governance.promotion.cancel',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Approve despite failed / unknown gates (a reason is mandatory). Default policy: the platform team. */
export const apiPromotionOverridePermission = createPermission({
  name: 'api-governance.promotion.override',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/**
 * Mark an approved request as promoted (the deployment happened). Default policy: product managers of
 * the API's system, like approve (service principals, e.g. a deployer, are allowed by the permission
 * backend for service-to-service calls).
 */
export const apiPromotionPromotePermission = createPermission({
  name: 'api-governance.promotion.promote',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Mark a promoted request as rolled back. Default policy: product managers of the API's system, like approve. */
export const apiPromotionRollbackPermission = createPermission({
  name: 'api-governance.promotion.rollback',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Deprecate an API (recorded, published as `api.deprecated`, its consumers notified). Default policy: owners of the API. */
export const apiDeprecatePermission = createPermission({
  name: 'api-governance.api.deprecate',
  attributes: { action: 'update' },
  resourceType: API_ENTITY_RESOURCE_TYPE,
});

/** Every permission of the plugin (registered with the permission integration). */
export const apiGovernancePermissions = [
  apiPromotionCreatePermission,
  apiPromotionApprovePermission,
  apiPromotionRejectPermission,
  apiPromotionCancelPermission,
  apiPromotionOverridePermission,
  apiPromotionPromotePermission,
  apiPromotionRollbackPermission,
  apiDeprecatePermission,
];
