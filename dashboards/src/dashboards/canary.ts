import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { CANARY_PANELS } from '@api-observatory/telemetry-contract/grafana';
import { DashboardDoc } from '../lib/spec';
import { PACK_TAG, packLinks } from '../lib/links';
import { vars } from '../lib/variables';

export const CANARY_UID = DASHBOARD_UIDS.canary;

const P = CANARY_PANELS.panels;

export function canaryDashboard(): DashboardDoc {
  const d = new DashboardDoc({
    uid: CANARY_UID,
    title: 'API Observatory / Canary',
    folder: 'canary',
    description: 'Canary vs baseline per gate metric, and the canary gate’s recorded decisions, scores and per-metric results.',
    tags: [PACK_TAG, 'canary'],
    time: { from: 'now-3h', to: 'now' },
  });
  for (const variable of [vars.prometheus(), vars.canaryApi(), vars.backstageUrl()]) d.builder.withVariable(variable);
  for (const l of packLinks({ backstage: true })) d.builder.link(l);

  d.row('Gate verdicts');
  d.statetimeline(P.gateDecision);
  d.statetimeline(P.perMetricResults);
  d.timeseries(P.gateScore, (b) => b.min(0).max(100));

  d.row('Canary vs baseline');
  d.timeseries(P.errorRatio);
  d.timeseries(P.p99Latency);
  d.timeseries(P.p50Latency);
  d.timeseries(P.trafficSplit);
  d.stat(P.evaluationsByDecision, (b) => b.decimals(0));
  return d;
}
