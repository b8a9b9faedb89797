import type { Config } from '@backstage/config';
import type { GateName } from '@api-observatory/backstage-plugin-api-governance-common';
import { ALL_GATES, RFC3339, type GovernancePolicyData } from './policy-engine';
import { GATES } from './gates/registry';
import { DEFAULT_DECISION_PATH } from './opa-policy';

export interface GovernanceConfig {
  environments: string[];
  maxCommentLength: number;
  /** Notify the owners of a deprecated API's consumers through the notifications backend. Default true. */
  notifyConsumers: boolean;
  gates: {
    definition: { required: boolean };
    canary: { source: 'none' | 'http'; url?: string; required: boolean; timeoutMs: number };
    slo: { prometheusUrl?: string; required: boolean; timeoutMs: number };
  };
  policy: GovernancePolicyConfig;
  /** The policy decision point asked before every change (the built-in engine decides policyData(policy, gates)). */
  engine: PolicyEngineConfig;
}

export type PolicyEngineConfig = { engine: 'builtin' } | { engine: 'opa'; opa: { url: string; timeoutMs: number; decisionPath: string } };

export interface GovernancePolicyConfig {
  /** Product-manager groups per system name; `*` applies to every system. */
  productManagers: Record<string, string[]>;
  overrideGroups: string[];
  /** Groups that approve for every system and may override. Default: none. */
  productLeads?: string[];
  /** Tier → environment (or `*`) → required gates (policy data `required_gates`). */
  requiredGates?: GovernancePolicyData['required_gates'];
  freezes?: GovernancePolicyData['freezes'];
}

export const DEFAULT_POLICY_CONFIG: GovernancePolicyConfig = {
  productManagers: { '*': ['group:default/product-managers'] },
  // Nobody overrides until a deployment names groups whose members also approve (README: an override
  // needs both permissions).
  overrideGroups: [],
};


/**
 * The policy's data from the config: the permission settings, tiers and freezes. Without
 * `policy.requiredGates.default` the default tier requires the gates marked `required` under `gates`,
 * so the built-in engine decides as the plugin did before tiers.
 */
export function policyData(policy: GovernancePolicyConfig, gates: GovernanceConfig['gates']): GovernancePolicyData {
  return {
    product_managers: policy.productManagers,
    product_leads: policy.productLeads ?? [],
    override_groups: policy.overrideGroups,
    required_gates: { default: { '*': GATES.filter((g) => g.requiredByDefault(gates)).map((g) => g.name).sort() }, ...policy.requiredGates },
    freezes: policy.freezes ?? [],
  };
}

/**
 * `requiredGates: [{ tier, environments?, gates }]` (a list: Backstage config keys cannot be `*` or
 * `tier-1`); no `environments` means every one (`*`).
 */
function readRequiredGates(list: Config[] | undefined): GovernancePolicyData['required_gates'] | undefined {
  if (!list) return undefined;
  const requiredGates: GovernancePolicyData['required_gates'] = {};
  for (const entry of list) {
    const tier = entry.getString('tier');
    const gates = entry.getStringArray('gates');
    const environments = entry.getOptionalStringArray('environments') ?? ['*'];
    for (const name of gates) {
      const gate = GATES.find((g) => g.name === name);
      if (!gate) throw new Error(`apiGovernance.policy.requiredGates (tier ${tier}): unknown gate ${name}; gates: ${ALL_GATES.join(', ')}`);
      const only = gate.requirableIn ?? {};
      if (only.tiers && !only.tiers.includes(tier)) {
        throw new Error(`apiGovernance.policy.requiredGates (tier ${tier}): the ${name} gate may only be required for tiers ${only.tiers.join(', ')}`);
      }
      const outside = only.environments && environments.find((e) => !only.environments!.includes(e));
      if (outside) {
        throw new Error(`apiGovernance.policy.requiredGates (tier ${tier}): the ${name} gate may only be required for environments ${only.environments!.join(', ')}, not ${outside}`);
      }
    }
    for (const env of environments) {
      requiredGates[tier] = { ...requiredGates[tier], [env]: gates as GateName[] };
    }
  }
  return requiredGates;
}

function readFreezes(list: Config[] | undefined): GovernancePolicyData['freezes'] | undefined {
  return list?.map((f) => {
    const freeze = {
      name: f.getString('name'),
      environments: f.getStringArray('environments'),
      start: f.getString('start'),
      end: f.getString('end'),
      exempt_groups: f.getOptionalStringArray('exemptGroups') ?? [],
    };
    for (const t of [freeze.start, freeze.end]) {
      if (!RFC3339.test(t) || Number.isNaN(Date.parse(t))) throw new Error(`apiGovernance.policy.freezes ${freeze.name}: ${t} is not an RFC 3339 time (e.g. 2026-12-20T00:00:00Z)`);
    }
    return freeze;
  });
}

function readEngine(c: Config | undefined): PolicyEngineConfig {
  const engine = c?.getOptionalString('engine') ?? 'builtin';
  if (engine === 'builtin') return { engine };
  if (engine !== 'opa') throw new Error(`apiGovernance.policy.engine must be builtin or opa, not ${engine}`);
  const url = c!.getOptionalString('opa.url');
  if (!url) throw new Error('apiGovernance.policy.opa.url is required when the policy engine is opa');
  return {
    engine,
    opa: { url, timeoutMs: c!.getOptionalNumber('opa.timeoutMs') ?? 2000, decisionPath: c!.getOptionalString('opa.decisionPath') ?? DEFAULT_DECISION_PATH },
  };
}

const DEFAULT_GATES: GovernanceConfig['gates'] = {
  definition: { required: true },
  canary: { source: 'none', required: true, timeoutMs: 10_000 },
  slo: { required: true, timeoutMs: 10_000 },
};

export const DEFAULT_CONFIG: GovernanceConfig = {
  environments: ['staging', 'production'],
  maxCommentLength: 2000,
  notifyConsumers: true,
  gates: DEFAULT_GATES,
  policy: DEFAULT_POLICY_CONFIG,
  engine: { engine: 'builtin' },
};

export function readPolicyConfig(config: Config): GovernancePolicyConfig {
  const c = config.getOptionalConfig('apiGovernance.policy');
  if (!c) return DEFAULT_POLICY_CONFIG;
  // Config: a list of { groups, systems? } (no systems: every system), kept as system → groups with `*`.
  const pm = c.getOptionalConfigArray('productManagers');
  let productManagers = DEFAULT_POLICY_CONFIG.productManagers;
  if (pm) {
    productManagers = {};
    for (const entry of pm) {
      const groups = entry.getStringArray('groups');
      for (const system of entry.getOptionalStringArray('systems') ?? ['*']) {
        productManagers[system] = [...(productManagers[system] ?? []), ...groups];
      }
    }
  }
  return {
    productManagers,
    overrideGroups: c.getOptionalStringArray('overrideGroups') ?? DEFAULT_POLICY_CONFIG.overrideGroups,
    productLeads: c.getOptionalStringArray('productLeads') ?? [],
    requiredGates: readRequiredGates(c.getOptionalConfigArray('requiredGates')),
    freezes: readFreezes(c.getOptionalConfigArray('freezes')),
  };
}

export function readGovernanceConfig(config: Config): GovernanceConfig {
  const c = config.getOptionalConfig('apiGovernance');
  if (!c) return DEFAULT_CONFIG;
  const environments = c.getOptionalStringArray('environments') ?? DEFAULT_CONFIG.environments;
  if (environments.length < 2 || new Set(environments).size !== environments.length) {
    throw new Error('apiGovernance.environments must list at least two distinct environments in promotion order');
  }
  const source = c.getOptionalString('gates.canary.source') ?? 'none';
  if (source !== 'none' && source !== 'http') throw new Error(`apiGovernance.gates.canary.source must be none or http, not ${source}`);
  const url = c.getOptionalString('gates.canary.url');
  if (source === 'http' && !url) throw new Error('apiGovernance.gates.canary.url is required when source is http');
  const gates: GovernanceConfig['gates'] = {
    definition: { required: c.getOptionalBoolean('gates.definition.required') ?? true },
    canary: { source, url, required: c.getOptionalBoolean('gates.canary.required') ?? true, timeoutMs: c.getOptionalNumber('gates.canary.timeoutMs') ?? 10_000 },
    slo: {
      prometheusUrl: c.getOptionalString('gates.slo.prometheusUrl'),
      required: c.getOptionalBoolean('gates.slo.required') ?? true,
      timeoutMs: c.getOptionalNumber('gates.slo.timeoutMs') ?? 10_000,
    },
  };
  return {
    environments,
    maxCommentLength: c.getOptionalNumber('maxCommentLength') ?? DEFAULT_CONFIG.maxCommentLength,
    notifyConsumers: c.getOptionalBoolean('deprecation.notifyConsumers') ?? true,
    gates,
    policy: readPolicyConfig(config),
    engine: readEngine(c.getOptionalConfig('policy')),
  };
}
