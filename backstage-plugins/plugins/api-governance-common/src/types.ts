/** Lifecycle of a promotion request. */
export type PromotionState = 'requested' | 'approved' | 'rejected' | 'cancelled' | 'promoted' | 'rolled_back';

/** Actions of the API (`POST /requests/:id/<action>`). */
export type PromotionAction = 'approve' | 'reject' | 'cancel' | 'promote' | 'rollback';

/** Allowed transitions: action → [from, to]. Anything else is a 409 INVALID_TRANSITION. */
export const TRANSITIONS: Record<PromotionAction, { from: PromotionState; to: PromotionState }> = {
  approve: { from: 'requested', to: 'approved' },
  reject: { from: 'requested', to: 'rejected' },
  cancel: { from: 'requested', to: 'cancelled' },
  promote: { from: 'approved', to: 'promoted' },
  rollback: { from: 'promoted', to: 'rolled_back' },
};

/**
 * A gate's name as the backend's gate registry defines it (`GET /gates`): `definition`, `canary`, `slo`
 * and whatever gates a deployment adds. The policy's `required_gates` name gates by it.
 */
export type GateName = string;

/** A gate of the backend's registry, as `GET /gates` lists it (in the order results list gates). */
export interface GateInfo {
  name: GateName;
  /** Short title to show instead of the name. */
  title: string;
  /** When the gate passes. */
  description: string;
  /** Whether the `default` tier requires it when the policy names no gates (`apiGovernance.gates.<name>.required`). */
  requiredByDefault: boolean;
  /** Environments and tiers whose policy may require the gate; null: every one. */
  requirableIn: { environments: string[] | null; tiers: string[] | null };
}
/** `unknown`: no data or no source configured; it never counts as passed. */
export type GateStatus = 'passed' | 'failed' | 'unknown';

export interface GateResult {
  gate: GateName;
  status: GateStatus;
  /** Whether this gate must pass for an approval without override. */
  required: boolean;
  summary: string;
  /** Machine-readable evidence (validator findings, canary verdict, SLO burn rates), stored as-is. */
  evidence: unknown;
  evaluatedAt: string;
}

export interface GateReport {
  passed: boolean;
  gates: GateResult[];
}

export interface PromotionRequest {
  id: string;
  entityRef: string;
  fromEnvironment: string;
  toEnvironment: string;
  state: PromotionState;
  /** Optimistic-concurrency version; send it back as `version` with a transition. */
  version: number;
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  comment: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  overridden: boolean;
  gates: GateReport | null;
}

export interface AuditEntry {
  id: number;
  requestId: string;
  actor: string;
  at: string;
  /** `deprecate` entries belong to a deprecation (requestId is the deprecation id, toState `deprecated`). */
  action: 'create' | PromotionAction | 'deprecate';
  fromState: PromotionState | null;
  toState: PromotionState | 'deprecated';
  reason: string | null;
  override: boolean;
  evidence: GateReport | null;
  /** The policy decision behind the entry (absent or null for entries written before the policy engine). */
  policy?: AuditPolicy | null;
}

/** Which policy engine decided an audited transition, its decision id (OPA's `decision_id`) and reasons. */
export interface AuditPolicy {
  engine: 'builtin' | 'opa';
  decisionId: string | null;
  reasons: string[];
}

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'ENTITY_NOT_FOUND'
  | 'NOT_AN_API'
  | 'UNKNOWN_ENVIRONMENT'
  | 'REQUEST_NOT_FOUND'
  | 'FORBIDDEN'
  | 'SELF_APPROVAL'
  | 'INVALID_TRANSITION'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'GATES_NOT_PASSED'
  | 'OVERRIDE_REASON_REQUIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_ALREADY_OPEN'
  /** The policy engine (OPA) is unreachable, too slow or gave no decision: nothing was changed (fail closed). */
  | 'POLICY_UNAVAILABLE'
  /** A change freeze is in force for this transition. */
  | 'CHANGE_FREEZE';

/**
 * An error answer: the body Backstage's error middleware writes (`ErrorResponseBody` of @backstage/errors),
 * whose serialized error carries the machine-readable `code` and, for some codes, `details`.
 */
export interface ErrorBody {
  error: { name: string; message: string; code: ErrorCode; details?: unknown };
  request?: { method: string; url: string };
  response: { statusCode: number };
}
