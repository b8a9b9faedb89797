/**
 * The governance policy decision point. The router asks a PolicyEngine before every change (create and
 * each transition) with one input document and records the decision in the audit entry. Two engines
 * decide the same policy (policies/governance/*.rego): the built-in TypeScript engine (builtin-policy.ts,
 * the default, no extra service) and OPA (opa-policy.ts, the policy bundle in OPA).
 */
import type { GateName, PromotionAction, PromotionState } from '@api-observatory/backstage-plugin-api-governance-common';
import { GATE_NAMES } from './gates/registry';

export type PolicyAction = 'create' | PromotionAction;

/** The input document; the same JSON is OPA's `input` (documented in policies/README.md). */
export interface PolicyInput {
  action: PolicyAction;
  actor: { ref: string; type: 'user' | 'service'; groups: string[] };
  entity: { ref: string; system: string | null; owners: string[]; tier: string | null };
  request: { id: string | null; requested_by: string; from_environment: string; to_environment: string; state: PromotionState | null };
  /** Gate results of this moment (approve, create); empty otherwise. */
  gates: Array<{ gate: GateName; status: string }>;
  /**
   * Every gate of the backend's registry (distinct names, at least one): what a tier without any
   * configured entry requires. The policy names no gate itself, so a new gate needs no policy edit.
   */
  all_gates: GateName[];
  override: { reason: string } | null;
  /** RFC 3339: change-freeze windows are evaluated against it. */
  time: string;
}

export type ViolationCode =
  | 'INVALID_INPUT' | 'SELF_APPROVAL' | 'NOT_APPROVER' | 'NOT_OWNER' | 'GATES_NOT_PASSED' | 'OVERRIDE_REASON_REQUIRED' | 'OVERRIDE_NOT_ALLOWED' | 'CHANGE_FREEZE';

export interface PolicyDecision {
  allow: boolean;
  /** Why it is allowed (grants), or every violation's message. */
  reasons: string[];
  violations: Array<{ code: ViolationCode; message: string }>;
  required_gates: GateName[];
  tier: string;
  overridden: boolean;
}

/** A decision with where it came from, as recorded in the audit entry. */
export interface RecordedDecision extends PolicyDecision {
  engine: 'builtin' | 'opa';
  /** OPA's decision id (present when OPA's decision logging is on). */
  decisionId: string | null;
}

export interface PolicyEngine {
  readonly name: 'builtin' | 'opa';
  /** Throws PolicyUnavailableError when no decision can be had: the caller changes nothing. */
  decide(input: PolicyInput): Promise<RecordedDecision>;
}

/**
 * The policy's data: the same document OPA reads at data.api_observatory.config.governance (policies/data.json).
 * Group and user refs compare case-insensitively.
 */
export interface GovernancePolicyData {
  /** System name (or `*`: every system) → groups whose members approve, reject, promote and roll back its APIs. */
  product_managers: Record<string, string[]>;
  /** Groups whose members approve for every system and may override failed gates. */
  product_leads: string[];
  /** Groups whose members may override failed gates (with a reason); they must also be approvers. */
  override_groups: string[];
  /** Tier (entity annotation api-observatory.io/tier; `default` for none or unknown) → environment (or `*`) → required gates. */
  required_gates: Record<string, Record<string, GateName[]>>;
  /** Change-freeze windows [start, end) (RFC 3339); `environments: ['*']` freezes every one. */
  freezes: Array<{ name: string; environments: string[]; start: string; end: string; exempt_groups?: string[] }>;
}

/** Every gate of the registry, sorted (the order the policy lists required gates in). */
export const ALL_GATES: readonly GateName[] = GATE_NAMES;

/** An RFC 3339 time as OPA's time.parse_rfc3339_ns accepts it (Date.parse alone accepts more). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The entity annotation naming an API's tier (tier-1, tier-2, internal, …: the keys of required_gates). */
export const TIER_ANNOTATION = 'api-observatory.io/tier';

/** No decision could be had (OPA unreachable, too slow, an error, or an undefined decision): change nothing. */
export class PolicyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyUnavailableError';
  }
}
