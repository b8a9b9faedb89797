/**
 * Overview (Grafana app only): traffic, error-budget burn per API, APIs breaching their SLO, and
 * active canaries with their gate verdicts.
 */
import {
  BURN_RATE_TIERS,
  CANARY_DECISION_CODES,
  PROM,
  SLO_LABEL,
  apiErrorRatio,
  apiRequestRate,
  burnCondition,
  canaryDecisionCode,
  metricSelector,
  recordedSum,
  requestRate,
  sloBurnRate,
  sloErrorRatio,
  sum,
  type Matchers,
} from '../../index';
import { DECISION_MAPPINGS } from './canary';
import { L, legend, v } from '../names';
import { catalogue } from '../spec';

const API = L('api');
const apiFilter: Matchers = { [API]: v('api') };

/**
 * SLOs breaching now: an API/SLI pair for which any multi-window burn-rate tier of the pack's alerts
 * holds (both windows above the tier's factor), valued by the long-window burn rate. Each tier's
 * condition is slo-burn.ts's `burnCondition` over the recorded burn rates with the tier's factor, the
 * definition the SLO alerts (over error ratios) and the governance SLO gate (`burnConditionHolds`) use.
 */
export function breachingSlos(filter: Matchers = apiFilter): string {
  return BURN_RATE_TIERS.map((t) => `(${burnCondition(t, (w) => sloBurnRate(w, filter), t.factor)})`).join(' or ');
}

export const OVERVIEW_PANELS = catalogue('overview', {
  traffic: {
    kind: 'timeseries',
    title: 'Requests per second by API',
    doc: { what: 'Requests per second the gateways served per API (all gateways, routes, consumers).', unit: 'requests per second', window: '5m rate (recorded series)', source: `${apiRequestRate('5m')} (recorded from ${PROM.requests})` },
    unit: 'reqps',
    queries: [{ expr: recordedSum(apiRequestRate('5m'), { filter: apiFilter, by: [API] }), legend: legend([API]) }],
  },
  errors: {
    kind: 'timeseries',
    title: '5xx share by API',
    doc: { what: 'Share of requests answered 5xx per API (0–100 %).', unit: 'percent of requests', window: '5m (recorded series)', source: `${apiErrorRatio('5m')} (recorded)` },
    unit: 'percentunit',
    queries: [{ expr: recordedSum(apiErrorRatio('5m'), { filter: apiFilter, by: [API] }), legend: legend([API]) }],
  },
  burn: {
    kind: 'timeseries',
    title: 'Error-budget burn rate (1h) by API and SLI',
    doc: {
      what: `How fast each SLO spends its 30-day error budget: the 1h SLI error ratio divided by (1 − objective). 1 spends the budget in exactly 30 days; the fast-burn page fires above ${BURN_RATE_TIERS[0].factor}.`,
      unit: 'burn rate (1 = budget spent in 30 days)',
      window: '1h (recorded series)',
      source: `${sloErrorRatio('1h')} (recorded)`,
    },
    unit: 'none',
    queries: [{ expr: sloBurnRate('1h', apiFilter), legend: legend([API, SLO_LABEL]) }],
  },
  burnNow: {
    kind: 'bargauge',
    title: 'Burn rate now per window',
    doc: {
      what: 'Burn rate of every SLO over the alert windows (5m, 1h, 6h), at the end of the range. Red above the fast-burn factor.',
      unit: 'burn rate (1 = budget spent in 30 days)',
      window: '5m, 1h and 6h (recorded series), at the end of the range',
      source: `${sloErrorRatio('5m')}, ${sloErrorRatio('1h')}, ${sloErrorRatio('6h')} (recorded)`,
    },
    unit: 'none',
    queries: (['5m', '1h', '6h'] as const).map((w) => ({ expr: sloBurnRate(w, apiFilter), legend: legend([API, SLO_LABEL], w), instant: true })),
  },
  breaching: {
    kind: 'table',
    title: 'APIs breaching their SLO',
    doc: {
      what: 'API and SLI pairs for which a multi-window burn-rate tier of the SLO alerts holds right now (both windows above the tier’s factor); the value is the long-window burn rate. Empty when every SLO is within budget.',
      unit: 'burn rate',
      window: 'each tier’s long and short window (recorded series), at the end of the range',
      source: 'the recorded SLO error ratios and the SLO alerts’ burn-rate tiers',
    },
    unit: 'none',
    queries: [{ expr: breachingSlos(), instant: true, table: true }],
  },
  canaries: {
    kind: 'table',
    title: 'Active canaries: gate verdicts',
    doc: {
      what: `Latest decision of the canary gate per API and canary version (${CANARY_DECISION_CODES.join(', ')}) and its score. Open the Canary page for the in-browser verdict with reasons.`,
      unit: 'decision, score 0–100',
      window: 'as exported at the gate’s last evaluation',
      source: `${PROM.canaryDecision}, ${PROM.canaryScore} (canary gate)`,
    },
    queries: [
      { expr: canaryDecisionCode({ filter: apiFilter }), instant: true, table: true },
      { expr: sum(metricSelector('canaryScore', apiFilter), [API, L('apiVersion'), L('baselineVersion')]), instant: true, table: true },
    ],
    mappings: DECISION_MAPPINGS,
  },
  total: {
    kind: 'stat',
    title: 'Total requests per second',
    doc: { what: 'All requests the gateways served.', unit: 'requests per second', window: '$__rate_interval', source: `${PROM.requests} (raw counters)` },
    unit: 'reqps',
    h: 5,
    queries: [{ expr: requestRate({ filter: apiFilter }), instant: true }],
  },
});
