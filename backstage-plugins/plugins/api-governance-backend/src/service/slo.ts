/**
 * The SLO gate's source: a real Prometheus holding the pack's SLO recording rules (alerts/, generated
 * from the telemetry contract). Every name and threshold comes from @api-observatory/telemetry-contract:
 *
 * - the burn rate of each SLI over each window is `sloBurnRate(window, { api })` (the recorded SLI error
 *   ratio divided by the error budget, 1 − the recorded objective), per `slo` label (availability, latency);
 * - "burning" is the alerts' multi-window multi-burn-rate condition, the contract's one definition
 *   (slo-burn.ts: BURN_RATE_TIERS, burnConditionHolds; the alert generator writes the same tiers with
 *   burnCondition): for some tier (page: 14.4× over 1h and 5m, 6× over 6h and 30m; ticket: 1× over 3d and
 *   6h), the burn rate exceeds the tier's factor over BOTH its long and short windows, which is the
 *   alerts' `ratio > burnThreshold(objective, tier)` divided by the error budget.
 *
 * Outcomes: `burning: true` (with the firing tiers) → gate failed; `burning: false` with every tier of
 * every SLI evaluated → passed, with the burn rates as evidence; no series for the API, or a tier that
 * is not burning but lacks a window → unknown (no data never passes). Prometheus unreachable or a
 * query error throws, which the gate reports as unknown.
 */
import { BURN_RATE_TIERS, LABELS, PrometheusClient, SLO_LABEL, SLO_WINDOWS, burnConditionHolds, eq, sloBurnRate, type Sample, type SloWindow } from '@api-observatory/telemetry-contract';
import { API_NAME_ANNOTATION } from '@api-observatory/backstage-plugin-api-observability-common';
import type { GateContext, SloSource, SloStatus } from './gates/gate';

export { API_NAME_ANNOTATION };

/** Windows the burn-rate tiers read, each queried once; shortest first (the contract's order). */
export const SLO_GATE_WINDOWS: readonly SloWindow[] = SLO_WINDOWS.filter((w) => BURN_RATE_TIERS.some((t) => t.longWindow === w || t.shortWindow === w));

export interface TierEvaluation {
  sli: string;
  tier: string;
  severity: 'page' | 'ticket';
  factor: number;
  longWindow: SloWindow;
  shortWindow: SloWindow;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  /** true: both windows above the factor; false: at least one window evaluated below; null: no data. */
  burning: boolean | null;
}

export interface SloEvidence {
  api: string;
  prometheusUrl: string;
  /** Burn rate per SLI and window (null where Prometheus has no sample). */
  burnRates: Record<string, Partial<Record<SloWindow, number | null>>>;
  tiers: TierEvaluation[];
  /** The tiers whose condition holds (empty when not burning). */
  firing: Array<Pick<TierEvaluation, 'sli' | 'tier' | 'severity'>>;
  queries: Record<string, string>;
}

/** Evaluates the alert tiers on measured burn rates (exported for the tests). */
export function evaluateTiers(burnRates: SloEvidence['burnRates']): TierEvaluation[] {
  const out: TierEvaluation[] = [];
  for (const [sli, rates] of Object.entries(burnRates)) {
    for (const t of BURN_RATE_TIERS) {
      const long = rates[t.longWindow] ?? null;
      const short = rates[t.shortWindow] ?? null;
      const burning = burnConditionHolds(t, (w) => rates[w], t.factor);
      out.push({ sli, tier: t.tier, severity: t.severity, factor: t.factor, longWindow: t.longWindow, shortWindow: t.shortWindow, longBurnRate: long, shortBurnRate: short, burning });
    }
  }
  return out;
}

/**
 * Burn rates per SLI and window from the answers of the window queries: SLIs by name, windows shortest
 * first, whatever order the answers and their samples came in (the evidence and its summary read the same
 * on every evaluation).
 */
export function burnRatesOf(answers: ReadonlyArray<{ window: SloWindow; samples: readonly Sample[] }>): SloEvidence['burnRates'] {
  const byWindow = [...answers].sort((a, b) => SLO_WINDOWS.indexOf(a.window) - SLO_WINDOWS.indexOf(b.window));
  const slis = [...new Set(answers.flatMap((a) => a.samples.map((s) => s.metric[SLO_LABEL] ?? 'unknown')))].sort();
  const burnRates: SloEvidence['burnRates'] = {};
  for (const sli of slis) {
    const rates: Partial<Record<SloWindow, number | null>> = {};
    for (const { window, samples } of byWindow) {
      const s = samples.find((x) => (x.metric[SLO_LABEL] ?? 'unknown') === sli);
      if (!s) continue;
      const v = Number(s.value[1]);
      rates[window] = Number.isFinite(v) ? v : null;
    }
    burnRates[sli] = rates;
  }
  return burnRates;
}

/** The SLO gate's source backed by Prometheus' HTTP API at `url`. */
export function prometheusSloSource(url: string, timeoutMs = 10_000): SloSource {
  const client = new PrometheusClient(url, timeoutMs);
  return async ({ entity }: GateContext): Promise<SloStatus | null> => {
    const api = entity.metadata.annotations?.[API_NAME_ANNOTATION];
    if (!api) return { burning: false, unknown: `the entity has no ${API_NAME_ANNOTATION} annotation: no SLO series to read`, evidence: null };
    const filter = { [LABELS.api.label]: eq(api) };
    const queries = Object.fromEntries(SLO_GATE_WINDOWS.map((w) => [w, sloBurnRate(w, filter)]));
    const burnRates = burnRatesOf(await Promise.all(SLO_GATE_WINDOWS.map(async (w) => ({ window: w, samples: await client.query(queries[w]!) }))));
    const evidence: SloEvidence = { api, prometheusUrl: url, burnRates, tiers: [], firing: [], queries };
    if (Object.keys(burnRates).length === 0) {
      return { burning: false, unknown: `no SLO series for api="${api}" in Prometheus (no SLO defined or no traffic)`, evidence };
    }
    evidence.tiers = evaluateTiers(burnRates);
    evidence.firing = evidence.tiers.filter((t) => t.burning === true).map(({ sli, tier, severity }) => ({ sli, tier, severity }));
    if (evidence.firing.length > 0) return { burning: true, evidence };
    const missing = evidence.tiers.filter((t) => t.burning === null);
    if (missing.length > 0) {
      return { burning: false, unknown: `not burning where measured, but no data for ${missing.map((t) => `${t.sli} ${t.tier} (${t.longWindow}/${t.shortWindow})`).join(', ')}`, evidence };
    }
    return { burning: false, evidence };
  };
}

/** One line for the gate summary. */
export function describeSlo(evidence: unknown): string {
  const e = evidence as SloEvidence | null;
  if (!e?.tiers?.length) return '';
  const fmt = (n: number | null) => (n === null ? '-' : Number(n.toPrecision(3)).toString());
  if (e.firing.length) {
    return e.firing.map((f) => {
      const t = e.tiers.find((x) => x.sli === f.sli && x.tier === f.tier)!;
      return `${f.sli} ${f.tier} burn (${f.severity}): ${fmt(t.longBurnRate)}× over ${t.longWindow} and ${fmt(t.shortBurnRate)}× over ${t.shortWindow} > ${t.factor}×`;
    }).join('; ');
  }
  return Object.entries(e.burnRates).map(([sli, r]) => `${sli} ${Object.entries(r).map(([w, v]) => `${w} ${fmt(v ?? null)}×`).join(', ')}`).join('; ');
}
