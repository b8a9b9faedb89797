/**
 * Promotion gates, evaluated when a request is created and again when it is approved; each result
 * carries its evidence, stored with the request and in the audit trail. The gates are the registry's
 * (registry.ts): definition, canary, slo.
 */
import type { GateReport, GateResult } from '@api-observatory/backstage-plugin-api-governance-common';
import type { GovernanceConfig } from '../config';
import type { Gate, GateCheck, GateContext, GateSources } from './gate';
import { GATES } from './registry';

export { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
export { httpCanarySource } from './canary';
export { GATES, GATE_NAMES, gateInfo } from './registry';
export type { CanarySource, CanaryVerdict, Gate, GateCheck, GateContext, GateSources, GateVerdict, SloSource, SloStatus } from './gate';

export class GateEvaluator {
  private readonly checks: Array<{ gate: Gate; required: boolean; check: GateCheck }>;
  /** The evaluated gates' names, sorted: the policy input's `all_gates`. */
  readonly names: readonly string[];

  constructor(config: GovernanceConfig, sources: GateSources = {}, gates: readonly Gate[] = GATES) {
    this.names = gates.map((g) => g.name).sort();
    this.checks = gates.map((gate) => ({ gate, required: gate.requiredByDefault(config.gates), check: gate.create(config, sources) }));
  }

  async evaluate(ctx: GateContext): Promise<GateReport> {
    const gates = await Promise.all(this.checks.map(async ({ gate, required, check }): Promise<GateResult> => {
      let verdict;
      try {
        verdict = await check(ctx);
      } catch (e) {
        verdict = { status: 'unknown' as const, summary: `${gate.name} gate unavailable: ${(e as Error).message}`, evidence: null };
      }
      return { gate: gate.name, status: verdict.status, required, summary: verdict.summary, evidence: verdict.evidence, evaluatedAt: new Date().toISOString() };
    }));
    return { passed: gates.every((g) => !g.required || g.status === 'passed'), gates };
  }
}
