import { describeSlo, prometheusSloSource } from '../slo';
import type { Gate } from './gate';

/**
 * The API's SLO is not burning: the alerts' multi-window burn-rate condition, read from Prometheus (see
 * ../slo.ts). Without `gates.slo.prometheusUrl` it reports `unknown`; an injected SloSource replaces the
 * Prometheus one.
 */
export const sloGate: Gate = {
  name: 'slo',
  title: 'SLO burn rate',
  description: "The API's SLO error budget is not burning: no burn-rate tier of the SLO alerts fires over both its windows.",
  requiredByDefault: (gates) => gates.slo.required,
  create: (config, sources) => {
    const { prometheusUrl, timeoutMs } = config.gates.slo;
    const slo = prometheusUrl ? sources.slo ?? prometheusSloSource(prometheusUrl, timeoutMs) : undefined;
    return async (ctx) => {
      if (!slo) return { status: 'unknown', summary: 'SLO burn unknown: no Prometheus configured for the SLO gate (gates.slo.prometheusUrl)', evidence: null };
      try {
        const s = await slo(ctx);
        if (!s) return { status: 'unknown', summary: 'SLO burn unknown: no data', evidence: null };
        const detail = describeSlo(s.evidence);
        if (s.burning) return { status: 'failed', summary: `the SLO error budget is burning${detail ? `: ${detail}` : ''}`, evidence: s.evidence };
        if (s.unknown) return { status: 'unknown', summary: `SLO burn unknown: ${s.unknown}`, evidence: s.evidence };
        return { status: 'passed', summary: `the SLO is not burning${detail ? ` (${detail})` : ''}`, evidence: s.evidence };
      } catch (e) {
        return { status: 'unknown', summary: `SLO burn unavailable: ${(e as Error).message}`, evidence: null };
      }
    };
  },
};
