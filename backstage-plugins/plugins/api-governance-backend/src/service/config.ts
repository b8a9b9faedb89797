import type { Config } from '@backstage/config';

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
}

export interface GovernancePolicyConfig {
  /** Product-manager groups per system name; `*` applies to every system. */
  productManagers: Record<string, string[]>;
  overrideGroups: string[];
}

export const DEFAULT_POLICY_CONFIG: GovernancePolicyConfig = {
  productManagers: { '*': ['group:default/product-managers'] },
  // Nobody overrides until a deployment names groups whose members also approve (README: an override
  // needs both permissions).
  overrideGroups: [],
};

export const DEFAULT_CONFIG: GovernanceConfig = {
  environments: ['staging', 'production'],
  maxCommentLength: 2000,
  notifyConsumers: true,
  gates: {
    definition: { required: true },
    canary: { source: 'none', required: true, timeoutMs: 10_000 },
    slo: { required: true, timeoutMs: 10_000 },
  },
  policy: DEFAULT_POLICY_CONFIG,
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
  return { productManagers, overrideGroups: c.getOptionalStringArray('overrideGroups') ?? DEFAULT_POLICY_CONFIG.overrideGroups };
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
  return {
    environments,
    maxCommentLength: c.getOptionalNumber('maxCommentLength') ?? DEFAULT_CONFIG.maxCommentLength,
    notifyConsumers: c.getOptionalBoolean('deprecation.notifyConsumers') ?? true,
    gates: {
      definition: { required: c.getOptionalBoolean('gates.definition.required') ?? true },
      canary: { source, url, required: c.getOptionalBoolean('gates.canary.required') ?? true, timeoutMs: c.getOptionalNumber('gates.canary.timeoutMs') ?? 10_000 },
      slo: {
        prometheusUrl: c.getOptionalString('gates.slo.prometheusUrl'),
        required: c.getOptionalBoolean('gates.slo.required') ?? true,
        timeoutMs: c.getOptionalNumber('gates.slo.timeoutMs') ?? 10_000,
      },
    },
    policy: readPolicyConfig(config),
  };
}
