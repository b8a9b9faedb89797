import * as common from '@grafana/grafana-foundation-sdk/common';
import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { DEVELOPER_PANELS } from '@api-observatory/telemetry-contract/grafana';
import { DashboardDoc } from '../lib/spec';
import { PACK_TAG, packLinks } from '../lib/links';
import { vars } from '../lib/variables';

export const DEVELOPER_UID = DASHBOARD_UIDS.developer;

const P = DEVELOPER_PANELS.panels;

export function developerDashboard(): DashboardDoc {
  const d = new DashboardDoc({
    uid: DEVELOPER_UID,
    title: 'API Observatory / API developer',
    folder: 'developer',
    description: 'Per API and route: traffic, errors by status, latency split gateway vs upstream, exemplars to traces, trace-correlated logs and version comparison.',
    tags: [PACK_TAG, 'developer'],
    time: { from: 'now-3h', to: 'now' },
  });
  for (const variable of [vars.prometheus(), vars.loki(), vars.tempo(), vars.gateway(), vars.api(), vars.route(), vars.consumerAnyPlan(), vars.traceId(), vars.backstageUrl()]) {
    d.builder.withVariable(variable);
  }
  for (const l of packLinks({ backstage: true })) d.builder.link(l);

  // ── Traffic and errors ────────────────────────────────────────────────────────────────────────
  d.row('Traffic and errors');
  d.timeseries(P.requestsPerSecondByRoute);
  d.timeseries(P.responsesByStatusClass, (b) => b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)));
  d.timeseries(P.errorsByStatusCode);
  d.timeseries(P.errorShare);
  d.stat(P.apiP99Latency);

  // ── Latency ───────────────────────────────────────────────────────────────────────────────────
  d.row('Latency: gateway vs upstream');
  d.timeseries(P.requestLatency);
  d.timeseries(P.upstreamLatency);
  d.timeseries(P.gatewayLatency);
  d.timeseries(P.spanLatency, (b) => b.overrideByName('p99, all selected routes', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]));

  // ── Versions ──────────────────────────────────────────────────────────────────────────────────
  d.row('Version comparison');
  d.timeseries(P.requestsPerSecondByVersionAndRole);
  d.timeseries(P.errorShareByVersionAndRole);
  d.timeseries(P.p99LatencyByVersionAndRole);

  // ── Logs and traces ───────────────────────────────────────────────────────────────────────────
  d.row('Logs and traces');
  d.logs(P.gatewayLogs);
  d.traces(P.recentErrorTraces);
  return d;
}
