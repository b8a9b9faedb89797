/**
 * The built-in policy engine: the policy of policies/governance/*.rego in TypeScript, for deployments
 * without OPA. It must decide exactly as the Rego does; policy-engines.test.ts runs the whole
 * role × action × tier × environment × freeze matrix through both and compares.
 */
import type { GateName } from '@api-observatory/backstage-plugin-api-governance-common';
import type { GovernancePolicyData, PolicyDecision, PolicyEngine, PolicyInput, RecordedDecision, ViolationCode } from './policy-engine';

const ALL_GATES: GateName[] = ['canary', 'definition', 'slo'];
const DECIDERS = new Set(['approve', 'reject', 'promote', 'rollback']);
const INTO_ENVIRONMENT = new Set(['approve', 'promote']);

const byCodeThenMessage = (a: { code: string; message: string }, b: { code: string; message: string }) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;

export function decidePolicy(data: GovernancePolicyData, input: PolicyInput): PolicyDecision {
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

  const tier = typeof entity.tier === 'string' && data.required_gates[entity.tier] ? entity.tier : 'default';
  const byTier = data.required_gates[tier] ?? {};
  const env = request.to_environment;
  // Fail safe: no entry for the tier (not even `default`) requires every gate.
  const required = [...(byTier[env] ?? byTier['*'] ?? ALL_GATES)].sort();
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
