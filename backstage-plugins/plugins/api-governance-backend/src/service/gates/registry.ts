/**
 * Every promotion gate, in the order results list them. A new gate is one file implementing `Gate`
 * (gate.ts) and one line here.
 */
import type { GateInfo } from '@api-observatory/backstage-plugin-api-governance-common';
import { canaryGate } from './canary';
import { definitionGate } from './definition';
import type { Gate } from './gate';
import { sloGate } from './slo';

export const GATES: readonly Gate[] = [
  definitionGate,
  canaryGate,
  sloGate,
];

for (const [i, g] of GATES.entries()) {
  if (!/^[a-z][a-z0-9_-]*$/.test(g.name) || GATES.findIndex((x) => x.name === g.name) !== i) throw new Error(`gate registry: bad or repeated gate name ${JSON.stringify(g.name)}`);
}

/** Every gate's name, sorted (the order the policy lists required gates in). */
export const GATE_NAMES: readonly string[] = GATES.map((g) => g.name).sort();

/** What `GET /gates` answers: each gate's metadata, and whether the `default` tier requires it. */
export function gateInfo(gates: readonly Gate[], config: Parameters<Gate['requiredByDefault']>[0]): GateInfo[] {
  return gates.map((g) => ({
    name: g.name,
    title: g.title,
    description: g.description,
    requiredByDefault: g.requiredByDefault(config),
    requirableIn: { environments: g.requirableIn?.environments ? [...g.requirableIn.environments] : null, tiers: g.requirableIn?.tiers ? [...g.requirableIn.tiers] : null },
  }));
}
