import {
  CANARY_METRIC_RESULT_CODES,
  PROM,
  canaryMetricResultCode,
  errorRatio,
  latencyQuantile,
  oneOf,
  requestRate,
  type Matchers,
  type Window,
} from '@api-observatory/telemetry-contract';
import { F, L, v } from './filters';
import { legend, type PanelSpec } from './spec';

/** The two sides a canary gate compares; the stable deployment takes no part. */
export const SIDES = ['baseline', 'canary'] as const;
const sides: Matchers = { [L.api]: v.api, [L.role]: oneOf(SIDES) };
const sideBy = [L.api, L.version, L.role];

const RESULT_COLORS: Record<(typeof CANARY_METRIC_RESULT_CODES)[number], string> = { nodata: 'text', pass: 'green', high: 'red', low: 'blue' };
export const resultMappings = CANARY_METRIC_RESULT_CODES.map((r, i) => ({ value: i + 1, text: r, color: RESULT_COLORS[r] }));

/** Active canaries: APIs and versions serving canary (or baseline) traffic, one row per api × version × role. */
export function activeCanariesQuery(filter: Matchers = { [L.api]: v.api }, window?: Window): string {
  return requestRate({ filter: { ...filter, [L.role]: oneOf(SIDES) }, by: sideBy, ...(window ? { window } : {}) });
}

export function canaryPanels(): PanelSpec[] {
  return [
    {
      key: 'canary.active',
      title: 'Active canaries',
      description: `APIs with canary or baseline traffic right now, per version and role (requests per second). Source: ${PROM.requests}, deployment_role baseline / canary.`,
      viz: 'table',
      unit: 'reqps',
      w: 12,
      h: 7,
      targets: [{ refId: 'A', expr: activeCanariesQuery(), instant: true, table: true }],
    },
    {
      key: 'canary.gateResults',
      title: 'Gate per-metric results (exported by canary-gate)',
      description: `The deployed canary gate's latest result per gate metric (${CANARY_METRIC_RESULT_CODES.join(', ')}), from ${PROM.canaryMetricResult}; empty when no gate runs.`,
      viz: 'statetimeline',
      w: 12,
      h: 7,
      targets: [{ refId: 'A', expr: canaryMetricResultCode({ filter: F.api }), legend: legend([L.api, L.version, L.gateMetric]) }],
      mappings: resultMappings,
    },
    {
      key: 'canary.errorRatio',
      title: 'Error ratio: baseline vs canary',
      description: 'Share of responses answered 5xx for the canary and its baseline (the gate’s error_ratio metric).',
      viz: 'timeseries',
      unit: 'percentunit',
      w: 8,
      targets: [{ refId: 'A', expr: errorRatio({ filter: sides, by: sideBy }), legend: legend([L.role, L.version]) }],
    },
    {
      key: 'canary.p99',
      title: 'p99 latency: baseline vs canary',
      description: `99th percentile of total request latency for the canary and its baseline (latency_p99_seconds). Source: ${PROM.requestDuration}_bucket.`,
      viz: 'timeseries',
      unit: 's',
      w: 8,
      targets: [{ refId: 'A', expr: latencyQuantile(0.99, 'request', { filter: sides, by: sideBy }), legend: legend([L.role, L.version]) }],
    },
    {
      key: 'canary.p50',
      title: 'p50 latency: baseline vs canary',
      description: 'Median total request latency for the canary and its baseline (latency_p50_seconds).',
      viz: 'timeseries',
      unit: 's',
      w: 8,
      targets: [{ refId: 'A', expr: latencyQuantile(0.5, 'request', { filter: sides, by: sideBy }), legend: legend([L.role, L.version]) }],
    },
  ];
}
