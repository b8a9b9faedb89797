/**
 * Promotion gates, evaluated when a request is created and again when it is approved; each result
 * carries its evidence, stored with the request and in the audit trail.
 *
 * - definition: the API definition passes the validator (no error findings).
 * - canary: the canary-gate server's evaluation of the API's live canary (versions discovered by the
 *   server) reads `promote` with conclusive evidence (readReport, the judge's own reading); `failed` on
 *   rollback, with the judge's reasons; `unknown` otherwise: no source, no canary or no baseline, no
 *   data, not enough traffic, a hold, or an unreachable server. Never passed without evidence.
 * - slo: the SLO is not burning (the alerts' multi-window burn-rate condition, read from Prometheus: see
 *   slo.ts). Without `gates.slo.prometheusUrl` it reports `unknown`; an injected SloSource replaces the
 *   Prometheus one.
 */
import type { Entity } from '@backstage/catalog-model';
import { CanaryGateClient, CanaryGateRequestError, readReport, reportEvidence, type EvaluationReport } from '@api-observatory/canary-judge';
import { validateDefinition, isValidatedType } from '@api-observatory/backstage-plugin-catalog-backend-module-api-validator';
import type { GateName, GateReport, GateResult, GateStatus } from '@api-observatory/backstage-plugin-api-governance-common';
import type { GovernanceConfig } from './config';
import { API_NAME_ANNOTATION, describeSlo, prometheusSloSource } from './slo';

export { API_NAME_ANNOTATION };

export interface GateContext {
  entity: Entity;
  entityRef: string;
  fromEnvironment: string;
  toEnvironment: string;
}

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

export interface GateSources {
  canary?: CanarySource;
  slo?: SloSource;
}

/** A canary-gate server (`POST /v1/evaluate` with the entity's API name; the server discovers the versions) as a CanarySource. */
export function httpCanarySource(url: string, timeoutMs: number): CanarySource {
  const client = new CanaryGateClient(url, { timeoutMs });
  return async ({ entity }) => {
    const api = entity.metadata.annotations?.[API_NAME_ANNOTATION];
    return api ? client.evaluate({ api }) : null;
  };
}

function result(gate: GateName, status: GateStatus, required: boolean, summary: string, evidence: unknown): GateResult {
  return { gate, status, required, summary, evidence, evaluatedAt: new Date().toISOString() };
}

export class GateEvaluator {
  private readonly canary?: CanarySource;
  private readonly slo?: SloSource;

  constructor(private readonly config: GovernanceConfig, sources: GateSources = {}) {
    this.canary = sources.canary ?? (config.gates.canary.source === 'http' && config.gates.canary.url
      ? httpCanarySource(config.gates.canary.url, config.gates.canary.timeoutMs)
      : undefined);
    const { prometheusUrl, timeoutMs } = config.gates.slo;
    this.slo = prometheusUrl ? sources.slo ?? prometheusSloSource(prometheusUrl, timeoutMs) : undefined;
  }

  async evaluate(ctx: GateContext): Promise<GateReport> {
    const gates = await Promise.all([this.definition(ctx), this.canaryGate(ctx), this.sloGate(ctx)]);
    return { passed: gates.every((g) => !g.required || g.status === 'passed'), gates };
  }

  private async definition({ entity }: GateContext): Promise<GateResult> {
    const required = this.config.gates.definition.required;
    const spec = (entity.spec ?? {}) as { type?: unknown; definition?: unknown };
    if (!isValidatedType(spec.type)) {
      return result('definition', 'unknown', required, `spec.type ${JSON.stringify(spec.type)} is not validated (openapi and asyncapi are)`, null);
    }
    if (typeof spec.definition !== 'string') {
      return result('definition', 'failed', required, 'the entity has no spec.definition', null);
    }
    const v = validateDefinition({
      type: spec.type,
      definition: spec.definition,
      gatewayApiName: entity.metadata.annotations?.[API_NAME_ANNOTATION],
    });
    const evidence = { detected: v.detected, errors: v.errors, warnings: v.warnings, findings: v.findings.slice(0, 50) };
    return v.errors === 0
      ? result('definition', 'passed', required, `${v.detected ?? 'definition'} valid (${v.warnings} warnings)`, evidence)
      : result('definition', 'failed', required, `${v.errors} validation errors`, evidence);
  }

  private async canaryGate(ctx: GateContext): Promise<GateResult> {
    const required = this.config.gates.canary.required;
    if (!this.canary) return result('canary', 'unknown', required, 'no canary verdict source configured: no data, not passed', null);
    let report: EvaluationReport | null;
    try {
      report = await this.canary(ctx);
    } catch (e) {
      if (e instanceof CanaryGateRequestError && (e.code === 'no_canary' || e.code === 'no_baseline')) {
        return result('canary', 'unknown', required, `nothing to judge: ${e.body?.error ?? e.message}`, { code: e.code, ...e.body });
      }
      return result('canary', 'unknown', required, `canary verdict unavailable: ${(e as Error).message}`, null);
    }
    if (!report) return result('canary', 'unknown', required, `no canary verdict: the entity has no ${API_NAME_ANNOTATION} annotation`, null);
    const reading = readReport(report);
    const evidence = reportEvidence(report, reading);
    if (reading.outcome === 'promote') return result('canary', 'passed', required, reading.summary, evidence);
    if (reading.outcome === 'rollback') return result('canary', 'failed', required, reading.summary, evidence);
    return result('canary', 'unknown', required, `${reading.summary}: not passed`, evidence);
  }

  private async sloGate(ctx: GateContext): Promise<GateResult> {
    const required = this.config.gates.slo.required;
    if (!this.slo) return result('slo', 'unknown', required, 'SLO burn unknown: no Prometheus configured for the SLO gate (gates.slo.prometheusUrl)', null);
    try {
      const s = await this.slo(ctx);
      if (!s) return result('slo', 'unknown', required, 'SLO burn unknown: no data', null);
      const detail = describeSlo(s.evidence);
      if (s.burning) return result('slo', 'failed', required, `the SLO error budget is burning${detail ? `: ${detail}` : ''}`, s.evidence);
      if (s.unknown) return result('slo', 'unknown', required, `SLO burn unknown: ${s.unknown}`, s.evidence);
      return result('slo', 'passed', required, `the SLO is not burning${detail ? ` (${detail})` : ''}`, s.evidence);
    } catch (e) {
      return result('slo', 'unknown', required, `SLO burn unavailable: ${(e as Error).message}`, null);
    }
  }
}
