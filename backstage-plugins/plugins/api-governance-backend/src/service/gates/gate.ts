/**
 * The seam every promotion gate implements. A gate is one file exporting a `Gate` and one line in
 * registry.ts; the evaluator, the policy (required gates), the config check and `GET /gates` read the
 * registry, so nothing else names a gate.
 */
import type { Entity } from '@backstage/catalog-model';
import type { GateStatus } from '@api-observatory/backstage-plugin-api-governance-common';
import type { EvaluationReport } from '@api-observatory/canary-judge';
import type { GovernanceConfig } from '../config';

/** What a gate is asked about: the API entity and the promotion. */
export interface GateContext {
  entity: Entity;
  entityRef: string;
  fromEnvironment: string;
  toEnvironment: string;
}

/** A gate's reading; the evaluator adds the gate's name, whether it is required and the time. */
export interface GateVerdict {
  /** `unknown` when the gate has no data: it never counts as passed. */
  status: GateStatus;
  summary: string;
  /** Machine-readable evidence, stored with the request and in the audit trail. */
  evidence: unknown;
}

/** Checks one promotion; throwing is reported as `unknown` with the error's message. */
export type GateCheck = (ctx: GateContext) => Promise<GateVerdict>;

/**
 * Returns the evaluation report of the API's live canary (the canary-gate server's answer), or null
 * when the entity names no API. Throwing means unknown; a CanaryGateRequestError with code no_canary or
 * no_baseline says there is nothing to judge.
 */
export type CanarySource = (ctx: GateContext) => Promise<EvaluationReport | null>;
/** What a CanarySource returns: canary-gate's evaluation report. */
export type CanaryVerdict = EvaluationReport;

export interface SloStatus {
  burning: boolean;
  evidence: unknown;
  /** Set when the status is unknown (e.g. missing data) although evidence was gathered: never passes. */
  unknown?: string;
}
/** Returns whether the API's SLO is burning, or null when unknown. Throwing also means unknown. */
export type SloSource = (ctx: GateContext) => Promise<SloStatus | null>;

/** Sources programs embedding the router may inject instead of the configured ones. */
export interface GateSources {
  canary?: CanarySource;
  slo?: SloSource;
}

export interface Gate {
  /**
   * The gate's name in results, in the policy input (`input.gates[].gate`) and in the policy data
   * (`required_gates`, policies/governance): stable, lower-case.
   */
  readonly name: string;
  /** Short title the frontends show. */
  readonly title: string;
  /** One sentence: when the gate passes. */
  readonly description: string;
  /**
   * Where a policy may require this gate (`apiGovernance.policy.requiredGates`): environments and
   * tiers; omitted, every one. The config is refused when it requires the gate elsewhere.
   */
  readonly requirableIn?: { environments?: readonly string[]; tiers?: readonly string[] };
  /** Whether the `default` tier requires it when the policy names no gates (`gates.<name>.required`). */
  requiredByDefault(gates: GovernanceConfig['gates']): boolean;
  /** Prepares the check for one plugin instance (clients, settings); called once. */
  create(config: GovernanceConfig, sources: GateSources): GateCheck;
}
