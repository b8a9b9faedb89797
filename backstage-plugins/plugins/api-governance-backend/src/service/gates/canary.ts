import { CanaryGateClient, CanaryGateRequestError, readReport, reportEvidence, type EvaluationReport } from '@api-observatory/canary-judge';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import type { CanarySource, Gate } from './gate';

/**
 * A canary-gate server (`POST /v1/evaluate` with the entity's API name; the server discovers the versions)
 * as a CanarySource. The entity ref goes along: it keys the gate's Kafka events, next to the governance events.
 */
export function httpCanarySource(url: string, timeoutMs: number): CanarySource {
  const client = new CanaryGateClient(url, { timeoutMs });
  return async ({ entity, entityRef }) => {
    const api = entity.metadata.annotations?.[API_NAME_ANNOTATION];
    return api ? client.evaluate({ api, entityRef }) : null;
  };
}

/**
 * The canary-gate server's evaluation of the API's live canary reads `promote` with conclusive evidence
 * (readReport, the judge's own reading); `failed` on rollback, with the judge's reasons; `unknown`
 * otherwise: no source, no canary or no baseline, no data, not enough traffic, a hold, or an unreachable
 * server. Never passed without evidence.
 */
export const canaryGate: Gate = {
  name: 'canary',
  title: 'Canary verdict',
  description: "canary-gate's judgement of the API's live canary against its baseline reads promote, with conclusive evidence.",
  requiredByDefault: (gates) => gates.canary.required,
  create: (config, sources) => {
    const { source, url, timeoutMs } = config.gates.canary;
    const canary = sources.canary ?? (source === 'http' && url ? httpCanarySource(url, timeoutMs) : undefined);
    return async (ctx) => {
      if (!canary) return { status: 'unknown', summary: 'no canary verdict source configured: no data, not passed', evidence: null };
      let report: EvaluationReport | null;
      try {
        report = await canary(ctx);
      } catch (e) {
        if (e instanceof CanaryGateRequestError && (e.code === 'no_canary' || e.code === 'no_baseline')) {
          return { status: 'unknown', summary: `nothing to judge: ${e.body?.error ?? e.message}`, evidence: { code: e.code, ...e.body } };
        }
        return { status: 'unknown', summary: `canary verdict unavailable: ${(e as Error).message}`, evidence: null };
      }
      if (!report) return { status: 'unknown', summary: `no canary verdict: the entity has no ${API_NAME_ANNOTATION} annotation`, evidence: null };
      const reading = readReport(report);
      const evidence = reportEvidence(report, reading);
      if (reading.outcome === 'promote') return { status: 'passed', summary: reading.summary, evidence };
      if (reading.outcome === 'rollback') return { status: 'failed', summary: reading.summary, evidence };
      return { status: 'unknown', summary: `${reading.summary}: not passed`, evidence };
    };
  },
};
