/**
 * What the signed-in user may do with an API's promotion requests, asked of the permission framework
 * (`usePermission`, resourceRef = the API entity ref) before offering an action. The UI only hides or
 * disables what the policy denies; the backend stays the authority (it answers 403 and the UI shows it).
 */
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  apiPromotionApprovePermission,
  apiPromotionCancelPermission,
  apiPromotionCreatePermission,
  apiPromotionOverridePermission,
  apiPromotionPromotePermission,
  apiPromotionRejectPermission,
  apiPromotionRollbackPermission,
} from '@api-observatory/backstage-plugin-api-governance-common';

export type GovernanceAction = 'create' | 'approve' | 'reject' | 'cancel' | 'override' | 'promote' | 'rollback';

export const ACTION_PERMISSIONS: Record<GovernanceAction, ResourcePermission<'catalog-entity'>> = {
  create: apiPromotionCreatePermission,
  approve: apiPromotionApprovePermission,
  reject: apiPromotionRejectPermission,
  cancel: apiPromotionCancelPermission,
  override: apiPromotionOverridePermission,
  promote: apiPromotionPromotePermission,
  rollback: apiPromotionRollbackPermission,
};

/** Why an action is not offered (the default policy's roles; the backend's policy decides). */
export const DENIED_REASONS: Record<GovernanceAction, string> = {
  create: "Only owners of this API can request a promotion",
  approve: "Only product managers of this API's system can approve",
  reject: "Only product managers of this API's system can reject",
  cancel: 'Only the requester or owners of this API can cancel the request',
  override:
    'Not every required gate has passed: approving is an override, which needs the override permission (product leads)',
  promote: "Only product managers of this API's system can mark it promoted",
  rollback: "Only product managers of this API's system can mark it rolled back",
};

export const CHECKING_REASON = 'Checking your permissions…';

/** The state of one permission check. */
export interface ActionPermission {
  loading: boolean;
  allowed: boolean;
  error?: Error;
}

export type GovernancePermissions = Record<GovernanceAction, ActionPermission>;

/** Whether a button is enabled, and if not, why (the tooltip). */
export interface Gate {
  disabled: boolean;
  /** 'loading' while the permission is checked, 'denied' (policy or check failure) or 'allowed'. */
  status: 'loading' | 'allowed' | 'denied';
  reason?: string;
}

export const ALLOWED: Gate = { disabled: false, status: 'allowed' };
export const CHECKING: Gate = { disabled: true, status: 'loading', reason: CHECKING_REASON };

/** One governance permission of an API entity (resourceRef = the entity ref). */
export function useActionPermission(action: GovernanceAction, entityRef: string | undefined): ActionPermission {
  const { loading, allowed, error } = usePermission({ permission: ACTION_PERMISSIONS[action], resourceRef: entityRef });
  return { loading, allowed, error };
}

/** Every governance permission of an API entity (one batched round trip through the permission API). */
export function useGovernancePermissions(entityRef: string | undefined): GovernancePermissions {
  return {
    create: useActionPermission('create', entityRef),
    approve: useActionPermission('approve', entityRef),
    reject: useActionPermission('reject', entityRef),
    cancel: useActionPermission('cancel', entityRef),
    override: useActionPermission('override', entityRef),
    promote: useActionPermission('promote', entityRef),
    rollback: useActionPermission('rollback', entityRef),
  };
}

/** The gate of one action: disabled while checking (no button flashes then disappears), denied with the reason. */
export function gateOf(p: ActionPermission, action: GovernanceAction): Gate {
  if (p.error) return { disabled: true, status: 'denied', reason: `Could not check your permissions: ${p.error.message}` };
  if (p.loading) return CHECKING;
  return p.allowed ? ALLOWED : { disabled: true, status: 'denied', reason: DENIED_REASONS[action] };
}

/** The first gate that is not allowed (a denial before a pending check), or ALLOWED. */
export function allOf(...gates: Gate[]): Gate {
  return gates.find((g) => g.status === 'denied') ?? gates.find((g) => g.status === 'loading') ?? ALLOWED;
}

/** Allowed when any gate is allowed; otherwise pending while one is checked; otherwise the first denial. */
export function anyOf(...gates: Gate[]): Gate {
  return gates.find((g) => g.status === 'allowed') ?? gates.find((g) => g.status === 'loading') ?? gates[0] ?? ALLOWED;
}
