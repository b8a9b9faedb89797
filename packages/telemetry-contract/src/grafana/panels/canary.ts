/**
 * Canary: canary vs baseline per gate metric, and the canary gate's exported decisions, scores and
 * per-metric results.
 */
import {
  CANARY_DECISION_CODES,
  CANARY_METRIC_RESULT_CODES,
  PROM,
  canaryDecisionCode,
  canaryMetricResultCode,
  errorRatio,
  increase,
  latencyQuantile,
  latencySource,
  metricSelector,
  oneOf,
  requestRate,
  sum,
  type Matchers,
  type Window,
} from '../../index';
import { L, legend, v } from '../names';
import { catalogue, type ValueMapping } from '../spec';

const API = L('api');
const VERSION = L('apiVersion');
const BASELINE = L('baselineVersion');
const ROLE = L('deploymentRole');
const DECISION = L('decision');
const GATE_METRIC = L('gateMetric');

const apiFilter: Matchers = { [API]: v('api') };
/** The two sides a canary gate compares; the stable deployment takes no part. */
export const SIDES = ['baseline', 'canary'] as const;
const sides: Matchers = { ...apiFilter, [ROLE]: oneOf(SIDES) };
const sideBy = [API, VERSION, ROLE];

const DECISION_COLORS: Record<(typeof CANARY_DECISION_CODES)[number], string> = { rollback: 'red', continue: 'yellow', promote: 'green' };
const RESULT_COLORS: Record<(typeof CANARY_METRIC_RESULT_CODES)[number], string> = { nodata: 'text', pass: 'green', high: 'red', low: 'blue' };
/** Codes of the contract's state-set encodings (1 + index), as state names and colours. */
export const DECISION_MAPPINGS: readonly ValueMapping[] = CANARY_DECISION_CODES.map((s, i) => ({ value: i + 1, text: s, color: DECISION_COLORS[s] }));
export const RESULT_MAPPINGS: readonly ValueMapping[] = CANARY_METRIC_RESULT_CODES.map((s, i) => ({ value: i + 1, text: s, color: RESULT_COLORS[s] }));

/** Active canaries: APIs and versions serving canary (or baseline) traffic, one row per api × version × role. */
export function activeCanariesQuery(filter: Matchers = apiFilter, window?: Window): string {
  return requestRate({ filter: { ...filter, [ROLE]: oneOf(SIDES) }, by: sideBy, ...(window ? { window } : {}) });
}

export const CANARY_PANELS = catalogue('canary', {
  activeCanaries: {
    kind: 'table',
    title: 'Active canaries',
    doc: {
      what: 'APIs with canary or baseline traffic right now, per version and role.',
      unit: 'requests per second',
      window: '$__rate_interval, at the end of the range',
      source: `${PROM.requests} (gateway scrape), deployment_role baseline / canary`,
    },
    unit: 'reqps',
    w: 24,
    h: 7,
    queries: [{ expr: activeCanariesQuery(), instant: true, table: true }],
  },
  gateDecision: {
    kind: 'statetimeline',
    title: 'Gate decision',
    doc: {
      what: `The canary gate’s latest decision per canary version over time: ${CANARY_DECISION_CODES.join(', ')} (a state set the gate exports; one row per API, canary version and baseline version).`,
      unit: 'state',
      window: 'as exported at each evaluation',
      source: `${PROM.canaryDecision} (canary gate)`,
    },
    w: 24,
    h: 6,
    queries: [{ expr: canaryDecisionCode({ filter: apiFilter }), legend: `${legend([API, VERSION])} vs ${legend([BASELINE])}` }],
    mappings: DECISION_MAPPINGS,
  },
  perMetricResults: {
    kind: 'statetimeline',
    title: 'Per-metric results',
    doc: {
      what: `The gate’s latest result per gate metric: ${CANARY_METRIC_RESULT_CODES.join(', ')} (high = canary worse than baseline beyond tolerance for an “increase is bad” metric).`,
      unit: 'state',
      window: 'as exported at each evaluation',
      source: `${PROM.canaryMetricResult} (canary gate)`,
    },
    w: 16,
    h: 8,
    queries: [{ expr: canaryMetricResultCode({ filter: apiFilter }), legend: legend([API, VERSION, GATE_METRIC]) }],
    mappings: RESULT_MAPPINGS,
  },
  gateScore: {
    kind: 'timeseries',
    title: 'Gate score',
    doc: { what: 'The gate’s latest score per canary (0–100; at or above the pass threshold the interval passes).', unit: 'score 0–100', window: 'as exported at each evaluation', source: `${PROM.canaryScore} (canary gate)` },
    unit: 'none',
    w: 8,
    h: 8,
    queries: [{ expr: sum(metricSelector('canaryScore', apiFilter), [API, VERSION, BASELINE]), legend: legend([API, VERSION]) }],
  },
  errorRatio: {
    kind: 'timeseries',
    title: 'Error ratio: canary vs baseline',
    doc: { what: 'Share of responses answered 5xx for the canary and its baseline (0–100 %): the gate’s error_ratio metric.', unit: 'percent of requests', window: '$__rate_interval', source: `${PROM.requests} (gateway scrape), deployment_role baseline / canary` },
    unit: 'percentunit',
    w: 8,
    queries: [{ expr: errorRatio({ filter: sides, by: sideBy }), legend: legend([ROLE, VERSION]) }],
  },
  p99Latency: {
    kind: 'timeseries',
    title: 'p99 latency: canary vs baseline',
    doc: { what: '99th percentile of total request latency for the canary and its baseline: the gate’s latency_p99_seconds metric.', unit: 'seconds', window: '$__rate_interval', source: latencySource('request', sideBy) },
    unit: 's',
    w: 8,
    queries: [{ expr: latencyQuantile(0.99, 'request', { filter: sides, by: sideBy }), legend: legend([ROLE, VERSION]) }],
  },
  p50Latency: {
    kind: 'timeseries',
    title: 'p50 latency: canary vs baseline',
    doc: { what: 'Median total request latency for the canary and its baseline: the gate’s latency_p50_seconds metric.', unit: 'seconds', window: '$__rate_interval', source: latencySource('request', sideBy) },
    unit: 's',
    w: 8,
    queries: [{ expr: latencyQuantile(0.5, 'request', { filter: sides, by: sideBy }), legend: legend([ROLE, VERSION]) }],
  },
  trafficSplit: {
    kind: 'timeseries',
    title: 'Traffic split: requests per second by role',
    doc: { what: 'Requests per second per rollout role (stable, baseline, canary) of the selected APIs: the canary and baseline must get traffic for the gate to judge.', unit: 'requests per second', window: '$__rate_interval', source: `${PROM.requests} (gateway scrape)` },
    unit: 'reqps',
    w: 12,
    queries: [{ expr: requestRate({ filter: apiFilter, by: sideBy }), legend: legend([ROLE, VERSION]) }],
  },
  evaluationsByDecision: {
    kind: 'stat',
    title: 'Gate evaluations in range by decision',
    doc: { what: 'Evaluations the gate ran within the dashboard time range, by the decision they produced.', unit: 'evaluations', window: 'increase over $__range', source: `${PROM.canaryEvaluations} (canary gate)` },
    unit: 'short',
    w: 12,
    queries: [{ expr: sum(increase(metricSelector('canaryEvaluations', apiFilter), '$__range'), [DECISION]), legend: legend([DECISION]), instant: true }],
  },
});
