import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { PLATFORM_PANELS } from '@api-observatory/telemetry-contract/grafana';
import { DashboardDoc } from '../lib/spec';
import { PACK_TAG, packLinks } from '../lib/links';
import { vars } from '../lib/variables';

export const PLATFORM_UID = DASHBOARD_UIDS.platform;

const P = PLATFORM_PANELS.panels;

export function platformDashboard(): DashboardDoc {
  const d = new DashboardDoc({
    uid: PLATFORM_UID,
    title: 'API Observatory / Platform engineering',
    folder: 'platform',
    description: 'Health of the API platform: gateways, the OpenTelemetry Collector pipeline, Prometheus, OPA, Keycloak, Alertmanager, Kafka and their saturation.',
    tags: [PACK_TAG, 'platform'],
    time: { from: 'now-3h', to: 'now' },
  });
  d.builder.withVariable(vars.prometheus()).withVariable(vars.gateway()).withVariable(vars.backstageUrl());
  for (const l of packLinks({ backstage: false })) d.builder.link(l);

  // ── Gateways ──────────────────────────────────────────────────────────────────────────────────
  d.row('Gateways');
  d.timeseries(P.requestsPerSecondByGateway);
  d.timeseries(P.errorShareByGateway);
  d.timeseries(P.requestLatencyP50P99ByGateway);
  d.timeseries(P.latencyAddedByTheGatewayP99);
  d.statetimeline(P.gatewaysReporting);
  d.timeseries(P.bandwidthByDirection);

  // ── Collector ─────────────────────────────────────────────────────────────────────────────────
  d.row('OpenTelemetry Collector');
  d.timeseries(P.spansAcceptedRefused);
  d.timeseries(P.metricPointsSentRefused);
  d.timeseries(P.droppedExporterQueueFull);
  d.timeseries(P.exporterSendFailures);
  d.timeseries(P.exporterQueueSizeVsCapacity);
  d.timeseries(P.exporterQueueUtilisation, (b) => b.max(1).min(0));

  // ── Prometheus ────────────────────────────────────────────────────────────────────────────────
  d.row('Prometheus');
  d.statetimeline(P.scrapeTargetsUp);
  d.timeseries(P.scrapeDurationByJob);
  d.timeseries(P.ruleEvaluationFailuresAndMissedIterations);
  d.timeseries(P.activeSeriesTsdbHead);

  // ── OPA & Keycloak ────────────────────────────────────────────────────────────────────────────
  d.row('OPA and Keycloak');
  d.timeseries(P.opaRequestsPerSecondByHandler);
  d.timeseries(P.opaErrorShare);
  d.timeseries(P.opaLatencyP99ByHandler);
  d.timeseries(P.policyDecisionLatencyP50P99);
  d.timeseries(P.policyDecisionErrors);
  d.timeseries(P.keycloakRequestsPerSecondByOutcome);
  d.timeseries(P.keycloakServerErrorShare);
  d.timeseries(P.keycloakLatencyMeanAndP95);

  // ── Alerting and event delivery ───────────────────────────────────────────────────────────────
  d.row('Alerting and event delivery');
  d.timeseries(P.alertmanagerNotificationFailures);
  d.timeseries(P.kafkaConsumerLag);
  d.timeseries(P.governanceOutboxBacklog);

  // ── Saturation ────────────────────────────────────────────────────────────────────────────────
  d.row('Saturation');
  d.timeseries(P.cpuByComponent);
  d.timeseries(P.residentMemoryByComponent);
  d.timeseries(P.keycloakRequestsInProgress);
  return d;
}
