/**
 * The built-in policy engine: the policy of policies/governance/*.rego in TypeScript, for deployments
 * without OPA. It must decide exactly as the Rego does; policy-engines.test.ts runs the whole
 * role × action × tier × environment × freeze matrix through both and compares.
 */
import type { GateName } from '@api-observatory/backstage-plugin-api-governance-common';
import { RFC3339, type GovernancePolicyData, type PolicyDecision, type PolicyEngine, type PolicyInput, type RecordedDecision, type ViolationCode } from './policy-engine';

const DECIDERS = new Set(['approve', 'reject', 'promote', 'rollback']);
const INTO_ENVIRONMENT = new Set(['approve', 'promote']);

const ACTIONS = new Set(['create', 'approve', 'reject', 'cancel', 'promote', 'rollback']);
const INVALID_INPUT = {
  code: 'INVALID_INPUT' as const,
  message: "the input lacks a known action, the actor, the entity, the request's requester and target environment, the gates or an RFC 3339 time",
};

/** What the rules read is there with its type (the Rego's valid_input); anything else is denied. */
function validInput(i: PolicyInput): boolean {
  const str = (x: unknown) => typeof x === 'string';
  return ACTIONS.has(i?.action) && str(i.actor?.ref) && (i.actor.type === 'user' || i.actor.type === 'service') && Array.isArray(i.actor.groups)
    && str(i.entity?.ref) && Array.isArray(i.entity.owners) && str(i.request?.requested_by) && str(i.request.to_environment)
    && Array.isArray(i.gates) && allGates(i).length > 0 && allGates(i).length === i.all_gates.length && str(i.time) && RFC3339.test(i.time) && !Number.isNaN(Date.parse(i.time));
}

/** The input's gate names (the backend's registry), sorted and distinct; strings only, as the Rego's all_gates. */
function allGates(i: PolicyInput): GateName[] {
  const names = Array.isArray(i?.all_gates) ? i.all_gates.filter((g) => typeof g === 'string') : [];
  return [...new Set(names)].sort();
}

/** Tier and required gates as the Rego's gates package computes them, also for a partial input. */
function requiredGates(data: GovernancePolicyData, input: PolicyInput): { tier: string; required: GateName[] } {
  const t = input?.entity?.tier;
  const tier = typeof t === 'string' && data.required_gates[t] ? t : 'default';
  const byTier = data.required_gates[tier] ?? {};
  const env = input?.request?.to_environment;
  // Fail safe: no entry for the tier (not even `default`) requires every gate.
  const forEnv = typeof env === 'string' ? byTier[env] : undefined;
  return { tier, required: [...(forEnv ?? byTier['*'] ?? allGates(input))].sort() };
}

const byCodeThenMessage = (a: { code: string; message: string }, b: { code: string; message: string }) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;

export function decidePolicy(data: GovernancePolicyData, input: PolicyInput): PolicyDecision {
  const { tier, required } = requiredGates(data, input);
  if (!validInput(input)) {
    return { allow: false, reasons: [INVALID_INPUT.message], violations: [INVALID_INPUT], required_gates: required, tier, overridden: false };
  }
  const { action, actor, entity, request } = input;
  const refs = new Set([...actor.groups, actor.ref].map((r) => r.toLowerCase()));
  const inAny = (groups: string[] | undefined) => (groups ?? []).some((g) => refs.has(g.toLowerCase()));
  const system = typeof entity.system === 'string' ? entity.system : '(none)';

  const isService = actor.type === 'service';
  const isRequester = actor.ref.toLowerCase() === request.requested_by.toLowerCase();
  const isOwner = entity.owners.some((o) => refs.has(o.toLowerCase()));
  const isProductLead = inAny(data.product_leads);
  const isProductManager = (typeof entity.system === 'string' && inAny(data.product_managers[entity.system])) || inAny(data.product_managers['*']);
  const isApprover = isProductManager || isProductLead;
  const mayOverride = isProductLead || inAny(data.override_groups);
  const serviceMay = (action === 'promote' || action === 'rollback') && isService;

  const env = request.to_environment;
  const passed = new Set(input.gates.filter((g) => g.status === 'passed').map((g) => g.gate));
  const notPassed = required.filter((g) => !passed.has(g));
  const gatesOpen = notPassed.length > 0;

  const now = Date.parse(input.time);
  const activeFreezes = [...new Set(data.freezes
    .filter((f) => f.environments.includes('*') || f.environments.includes(env))
    .filter((f) => Date.parse(f.start) <= now && now < Date.parse(f.end))
    .filter((f) => !inAny(f.exempt_groups))
    .map((f) => f.name))].sort();

  const o = input.override;
  const overrideRequested = typeof o === 'object' && o !== null && !Array.isArray(o);
  const overrideReason = overrideRequested && typeof o.reason === 'string' ? o.reason.trim() : '';
  const overridden = action === 'approve' && gatesOpen && overrideRequested && overrideReason !== '' && mayOverride;

  const violations: Array<{ code: ViolationCode; message: string }> = [];
  const deny = (code: ViolationCode, message: string) => violations.push({ code, message });
  if ((action === 'approve' || action === 'reject') && isRequester) {
    deny('SELF_APPROVAL', `${actor.ref} requested this promotion and cannot ${action} it (separation of duties)`);
  }
  if (DECIDERS.has(action) && !isApprover && !serviceMay) deny('NOT_APPROVER', `${actor.ref} is not a product manager of system ${system} nor a product lead`);
  if (action === 'create' && !isOwner) deny('NOT_OWNER', `${actor.ref} does not own ${entity.ref}`);
  if (action === 'cancel' && !isOwner && !isRequester) deny('NOT_OWNER', `${actor.ref} neither requested this promotion nor owns ${entity.ref}`);
  if (action === 'approve' && gatesOpen) {
    if (!overrideRequested) deny('GATES_NOT_PASSED', `required gates not passed: ${notPassed.join(', ')}`);
    else if (overrideReason === '') deny('OVERRIDE_REASON_REQUIRED', 'an override needs a non-empty reason');
    else if (!mayOverride) deny('OVERRIDE_NOT_ALLOWED', `${actor.ref} may not override failed gates (${notPassed.join(', ')})`);
  }
  if (INTO_ENVIRONMENT.has(action) && activeFreezes.length > 0) deny('CHANGE_FREEZE', `change freeze in ${env}: ${activeFreezes.join(', ')}`);
  violations.sort(byCodeThenMessage);

  const grants = new Set<string>();
  if ((action === 'create' || action === 'cancel') && isOwner) grants.add('owner of the API');
  if (action === 'cancel' && isRequester) grants.add('requester of this promotion');
  if (DECIDERS.has(action) && isProductManager) grants.add(`product manager of system ${system}`);
  if (DECIDERS.has(action) && isProductLead) grants.add('product lead');
  if (serviceMay) grants.add('service principal');
  if (action === 'approve' && !gatesOpen) grants.add(`required gates passed: ${required.join(', ')}`);
  if (overridden) grants.add(`gates overridden (${notPassed.join(', ')}): ${overrideReason}`);

  const allow = violations.length === 0;
  return {
    allow,
    reasons: allow ? [...grants].sort() : violations.map((v) => v.message),
    violations,
    required_gates: required,
    tier,
    overridden,
  };
}

export class BuiltinPolicyEngine implements PolicyEngine {
  readonly name = 'builtin' as const;
  constructor(private readonly data: GovernancePolicyData) {}

  async decide(input: PolicyInput): Promise<RecordedDecision> {
    return { ...decidePolicy(this.data, input), engine: 'builtin', decisionId: null };
  }
}
