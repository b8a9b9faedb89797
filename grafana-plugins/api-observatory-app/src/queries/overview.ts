import {
  BURN_RATE_TIERS,
  CANARY_DECISION_CODES,
  PROM,
  SLO_LABEL,
  apiErrorRatio,
  apiRequestRate,
  canaryDecisionCode,
  metricSelector,
  recordedSum,
  requestRate,
  sloBurnRate,
  sloErrorRatio,
  sum,
} from '@api-observatory/telemetry-contract';
import { F, L } from './filters';
import { legend, type PanelSpec } from './spec';

/** Colours of the canary decisions (code = 1 + index in CANARY_DECISION_CODES). */
export const DECISION_COLORS: Record<(typeof CANARY_DECISION_CODES)[number], string> = { rollback: 'red', continue: 'yellow', promote: 'green' };
export const decisionMappings = CANARY_DECISION_CODES.map((d, i) => ({ value: i + 1, text: d, color: DECISION_COLORS[d] }));

/**
 * SLOs breaching now: an API/SLI pair for which any multi-window burn-rate tier of the pack's alerts
 * holds (both windows above the tier's factor), valued by the long-window burn rate. Built from the
 * contract's recorded SLO series and tiers; the same condition the SLO alerts fire on.
 */
export function breachingSlos(filter = F.api): string {
  return BURN_RATE_TIERS.map((t) => `(${sloBurnRate(t.longWindow, filter)} > ${t.factor} and ${sloBurnRate(t.shortWindow, filter)} > ${t.factor})`).join(' or ');
}

export function overviewPanels(): PanelSpec[] {
  return [
    {
      key: 'overview.traffic',
      title: 'Requests per second by API',
      description: `Requests per second the gateways served per API (all gateways, routes, consumers). Source: ${apiRequestRate('5m')} (recorded 5m rate of ${PROM.requests}).`,
      viz: 'timeseries',
      unit: 'reqps',
      w: 12,
      targets: [{ refId: 'A', expr: recordedSum(apiRequestRate('5m'), { filter: F.api, by: [L.api] }), legend: legend([L.api]) }],
    },
    {
      key: 'overview.errors',
      title: '5xx share by API',
      description: `Share of requests answered 5xx per API over 5 minutes (0–100 %). Source: ${apiErrorRatio('5m')} (recorded).`,
      viz: 'timeseries',
      unit: 'percentunit',
      w: 12,
      targets: [{ refId: 'A', expr: recordedSum(apiErrorRatio('5m'), { filter: F.api, by: [L.api] }), legend: legend([L.api]) }],
    },
    {
      key: 'overview.burn',
      title: 'Error-budget burn rate (1h) by API and SLI',
      description: `How fast each SLO spends its ${'30-day'} error budget: the 1h SLI error ratio divided by (1 − objective). 1 spends the budget in exactly 30 days; the fast-burn page fires above ${BURN_RATE_TIERS[0].factor}. Source: ${sloErrorRatio('1h')} (recorded).`,
      viz: 'timeseries',
      unit: 'none',
      w: 12,
      targets: [{ refId: 'A', expr: sloBurnRate('1h', F.api), legend: legend([L.api, SLO_LABEL]) }],
    },
    {
      key: 'overview.budget',
      title: 'Burn rate now per window',
      description: 'Burn rate of every SLO over the alert windows (5m, 1h, 6h), at the end of the range. Red above the fast-burn factor.',
      viz: 'bargauge',
      unit: 'none',
      w: 12,
      targets: (['5m', '1h', '6h'] as const).map((w, i) => ({ refId: 'ABC'[i]!, expr: sloBurnRate(w, F.api), legend: legend([L.api, SLO_LABEL], w), instant: true })),
    },
    {
      key: 'overview.breaching',
      title: 'APIs breaching their SLO',
      description: 'API and SLI pairs for which a multi-window burn-rate tier of the SLO alerts holds right now (both windows above the tier’s factor); the value is the long-window burn rate. Empty when every SLO is within budget.',
      viz: 'table',
      unit: 'none',
      w: 12,
      targets: [{ refId: 'A', expr: breachingSlos(), instant: true, table: true }],
    },
    {
      key: 'overview.canaries',
      title: 'Active canaries: gate verdicts',
      description: `Latest decision of the canary gate per API and canary version (${CANARY_DECISION_CODES.join(', ')}), from the decision series it exports (${PROM.canaryDecision}). Open the Canary page for the in-browser verdict with reasons.`,
      viz: 'table',
      w: 12,
      targets: [
        { refId: 'A', expr: canaryDecisionCode({ filter: F.api }), instant: true, table: true },
        { refId: 'B', expr: sum(metricSelector('canaryScore', F.api), [L.api, L.version, L.baselineVersion]), instant: true, table: true },
      ],
      mappings: decisionMappings,
    },
    {
      key: 'overview.total',
      title: 'Total requests per second',
      description: `All requests the gateways served, raw counters over $__rate_interval. Source: ${PROM.requests}.`,
      viz: 'stat',
      unit: 'reqps',
      w: 12,
      h: 5,
      targets: [{ refId: 'A', expr: requestRate({ filter: F.api }), instant: true }],
    },
  ];
}
