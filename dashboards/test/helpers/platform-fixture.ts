/**
 * OpenMetrics for the series the traffic simulator does not produce: the platform's components
 * (Prometheus per-target series, collector self-telemetry, OPA, Keycloak, Alertmanager, Kafka consumer lag,
 * process metrics) and the
 * canary gate's decision series. Names, label names and the canary labels come from the contract and
 * the simulator's catalog; values follow a small scripted scenario (documented below) so that every
 * platform and canary panel has something to show and the tests can assert on it.
 *
 * Scenario over [start, end]:
 * - every target is up, except keycloak which is down for the 5 steps starting at 40 % of the range;
 * - the collector accepts spans steadily, refuses a few and drops (queue full) during 60–70 % of the range,
 *   its traces exporter queue fills to ~90 % there;
 * - OPA and Keycloak serve steady traffic with ~1 % 5xx; OPA also refuses a few malformed decisions (400);
 * - Alertmanager's webhook fails (serverError) during 60–70 % of the range, its email integration never;
 * - the gateway tier's consumer group lags behind during 60–70 % of the range, and the governance outbox's
 *   Kafka backlog grows then (the EventsService one stays at 0);
 * - the canary gate answers continue (metric results nodata, then pass) and promotes at 60 % of the range.
 */
import {
  CANARY_DECISION_CODES,
  CANARY_METRIC_RESULTS,
  COMPONENT_JOBS,
  LABELS,
  METRICS,
  OUTBOX_DESTINATIONS,
  PLATFORM_COMPONENT_METRICS,
  PLATFORM_METRICS,
  promName,
} from '@api-observatory/telemetry-contract';
import { escapeExpositionValue, type Catalog } from '@api-observatory/traffic-simulator';

export interface FixtureOptions {
  startMs: number;
  endMs: number;
  stepMs: number;
  /** The simulator catalog: the canary API and its versions come from it. */
  catalog: Catalog;
}

export interface CanaryFixture {
  api: string;
  canaryVersion: string;
  baselineVersion: string;
  /** Share of the range after which the gate decides promote. */
  promoteAt: number;
  gateMetrics: readonly string[];
}

/** Gate metrics of the default gate config (packages/canary-judge/config/default-gate.yaml). */
const GATE_METRICS = ['error_ratio', 'latency_p99_seconds', 'latency_p50_seconds'] as const;

export function canaryOf(catalog: Catalog): CanaryFixture {
  const api = catalog.apis.find((a) => a.deployments.some((d) => d.role === 'canary'));
  if (!api) throw new Error('the simulator catalog has no canary API');
  return {
    api: api.name,
    canaryVersion: api.deployments.find((d) => d.role === 'canary')!.version,
    baselineVersion: api.deployments.find((d) => d.role === 'baseline')!.version,
    promoteAt: 0.6,
    gateMetrics: GATE_METRICS,
  };
}

type Pairs = ReadonlyArray<readonly [string, string]>;
const labels = (pairs: Pairs) => `{${pairs.map(([k, v]) => `${k}="${escapeExpositionValue(v)}"`).join(',')}}`;
const ts = (ms: number) => String(ms / 1000);
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12))));

/** Writes the fixture as OpenMetrics text (ending with `# EOF`). */
export function platformFixture(o: FixtureOptions): string {
  const steps: number[] = [];
  for (let t = Math.ceil(o.startMs / o.stepMs) * o.stepMs; t <= o.endMs; t += o.stepMs) steps.push(t);
  const n = steps.length;
  const stepS = o.stepMs / 1000;
  const frac = (i: number) => i / Math.max(1, n - 1);
  const out: string[] = [];

  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const gauge = (name: string, pairs: Pairs, value: (i: number) => number) => {
    const l = labels(pairs);
    steps.forEach((t, i) => out.push(`${name}${l} ${fmt(value(i))} ${ts(t)}`));
  };
  /** Cumulative counter from per-second rates. */
  const counter = (name: string, pairs: Pairs, perSecond: (i: number) => number) => {
    const l = labels(pairs);
    let v = 0;
    steps.forEach((t, i) => {
      if (i > 0) v += Math.round(perSecond(i) * stepS);
      out.push(`${name}${l} ${fmt(v)} ${ts(t)}`);
    });
  };
  /** Cumulative histogram from a per-second rate and a fixed distribution over the bounds. */
  const histogram = (name: string, pairs: Pairs, bounds: readonly number[], shares: readonly number[], meanSeconds: number, perSecond: (i: number) => number) => {
    const cum = new Array<number>(bounds.length).fill(0);
    let count = 0;
    let total = 0;
    steps.forEach((t, i) => {
      const c = i === 0 ? 0 : Math.round(perSecond(i) * stepS);
      let acc = 0;
      bounds.forEach((_, b) => {
        acc += shares[b]!;
        cum[b]! += Math.round(c * Math.min(1, acc));
      });
      count += c;
      total += c * meanSeconds;
      bounds.forEach((b, k) => out.push(`${name}_bucket${labels([...pairs, ['le', fmt(b)]])} ${cum[k]} ${ts(t)}`));
      out.push(`${name}_bucket${labels([...pairs, ['le', '+Inf']])} ${count} ${ts(t)}`);
      out.push(`${name}_count${labels(pairs)} ${count} ${ts(t)}`);
      out.push(`${name}_sum${labels(pairs)} ${fmt(total)} ${ts(t)}`);
    });
  };
  const counterFamily = (name: string) => name.replace(/_total$/, '');
  const between = (i: number, a: number, b: number) => frac(i) >= a && frac(i) < b;

  const targets: ReadonlyArray<readonly [string, string]> = [
    [COMPONENT_JOBS.prometheus, 'prometheus-0:9090'],
    [COMPONENT_JOBS.collector, 'otelcol-0:8888'],
    [COMPONENT_JOBS.opa, 'opa-0:8181'],
    [COMPONENT_JOBS.keycloak, 'keycloak-0:9000'],
    [COMPONENT_JOBS.alertmanager, 'alertmanager-0:9093'],
  ];
  const keycloakDownFrom = Math.floor(0.4 * (n - 1));
  const isDown = (job: string, i: number) => job === COMPONENT_JOBS.keycloak && i >= keycloakDownFrom && i < keycloakDownFrom + 5;

  // Prometheus per-target series.
  family(PLATFORM_METRICS.up.name, 'gauge', PLATFORM_METRICS.up.description);
  for (const [job, instance] of targets) gauge(PLATFORM_METRICS.up.name, [['job', job], ['instance', instance]], (i) => (isDown(job, i) ? 0 : 1));
  const C = PLATFORM_COMPONENT_METRICS;
  family(C.scrapeDuration.name, 'gauge', C.scrapeDuration.description);
  targets.forEach(([job, instance], k) => gauge(C.scrapeDuration.name, [['job', job], ['instance', instance]], (i) => 0.01 * (k + 1) + 0.002 * (i % 3)));
  family(C.scrapeSamples.name, 'gauge', C.scrapeSamples.description);
  targets.forEach(([job, instance], k) => gauge(C.scrapeSamples.name, [['job', job], ['instance', instance]], () => 500 * (k + 1)));
  family(C.prometheusHeadSeries.name, 'gauge', C.prometheusHeadSeries.description);
  gauge(C.prometheusHeadSeries.name, [['job', COMPONENT_JOBS.prometheus], ['instance', targets[0]![1]]], (i) => 12000 + 10 * i);
  family(counterFamily(C.processCpu.name), 'counter', C.processCpu.description);
  targets.forEach(([job, instance], k) => counter(C.processCpu.name, [['job', job], ['instance', instance]], () => 0.05 * (k + 1)));
  family(C.processResidentMemory.name, 'gauge', C.processResidentMemory.description);
  targets.forEach(([job, instance], k) => gauge(C.processResidentMemory.name, [['job', job], ['instance', instance]], (i) => (100 + 50 * k) * 2 ** 20 + 1024 * i));

  // Collector self-telemetry.
  const col = [['job', COMPONENT_JOBS.collector], ['instance', targets[1]![1]]] as const;
  const P = PLATFORM_METRICS;
  const incident = (i: number) => between(i, 0.6, 0.7);
  const ctr = (key: keyof typeof P, extra: Pairs, perSecond: (i: number) => number) => {
    family(counterFamily(P[key].name), 'counter', P[key].description);
    counter(P[key].name, [...col, ...extra], perSecond);
  };
  ctr('collectorAcceptedSpans', [['receiver', 'otlp'], ['transport', 'http']], () => 120);
  ctr('collectorRefusedSpans', [['receiver', 'otlp'], ['transport', 'http']], (i) => (incident(i) ? 4 : 0.1));
  ctr('collectorRefusedMetricPoints', [['receiver', 'prometheus'], ['transport', 'http']], (i) => (incident(i) ? 20 : 0.2));
  ctr('collectorExporterSentSpans', [['exporter', 'otlp_grpc/traces']], (i) => (incident(i) ? 90 : 120));
  ctr('collectorExporterSendFailedSpans', [['exporter', 'otlp_grpc/traces']], (i) => (incident(i) ? 25 : 0.05));
  ctr('collectorExporterSentMetricPoints', [['exporter', 'prometheus_remote_write']], () => 3000);
  ctr('collectorExporterSendFailedMetricPoints', [['exporter', 'prometheus_remote_write']], (i) => (incident(i) ? 40 : 0.1));
  ctr('collectorExporterEnqueueFailedSpans', [['exporter', 'otlp_grpc/traces']], (i) => (incident(i) ? 6 : 0.02));
  ctr('collectorExporterEnqueueFailedMetricPoints', [['exporter', 'prometheus_remote_write']], (i) => (incident(i) ? 12 : 0.02));
  family(P.collectorExporterQueueSize.name, 'gauge', P.collectorExporterQueueSize.description);
  gauge(P.collectorExporterQueueSize.name, [...col, ['exporter', 'otlp_grpc/traces'], ['data_type', 'traces']], (i) => (incident(i) ? 920 : 40 + (i % 5)));
  gauge(P.collectorExporterQueueSize.name, [...col, ['exporter', 'prometheus_remote_write'], ['data_type', 'metrics']], (i) => 100 + (i % 7));
  family(P.collectorExporterQueueCapacity.name, 'gauge', P.collectorExporterQueueCapacity.description);
  gauge(P.collectorExporterQueueCapacity.name, [...col, ['exporter', 'otlp_grpc/traces'], ['data_type', 'traces']], () => 1000);
  gauge(P.collectorExporterQueueCapacity.name, [...col, ['exporter', 'prometheus_remote_write'], ['data_type', 'metrics']], () => 5000);

  // Prometheus rule evaluation.
  const prom = [['job', COMPONENT_JOBS.prometheus], ['instance', targets[0]![1]]] as const;
  family(counterFamily(P.prometheusRuleEvaluationFailures.name), 'counter', P.prometheusRuleEvaluationFailures.description);
  counter(P.prometheusRuleEvaluationFailures.name, [...prom, ['rule_group', 'api-slo']], (i) => (between(i, 0.2, 0.25) ? 0.05 : 0));
  family(counterFamily(P.prometheusRuleGroupIterationsMissed.name), 'counter', P.prometheusRuleGroupIterationsMissed.description);
  counter(P.prometheusRuleGroupIterationsMissed.name, [...prom, ['rule_group', 'api-latency']], (i) => (between(i, 0.2, 0.25) ? 0.02 : 0));

  // OPA: decisions and health checks, ~1 % 5xx on decisions.
  const opa = [['job', COMPONENT_JOBS.opa], ['instance', targets[2]![1]]] as const;
  const opaBounds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];
  family(C.opaRequestDuration.name, 'histogram', C.opaRequestDuration.description);
  histogram(C.opaRequestDuration.name, [...opa, ['code', '200'], ['handler', 'v1/data'], ['method', 'POST']], opaBounds, [0.3, 0.5, 0.15, 0.04, 0.01, 0, 0], 0.004, () => 80);
  histogram(C.opaRequestDuration.name, [...opa, ['code', '500'], ['handler', 'v1/data'], ['method', 'POST']], opaBounds, [0.1, 0.3, 0.3, 0.2, 0.1, 0, 0], 0.01, () => 0.8);
  histogram(C.opaRequestDuration.name, [...opa, ['code', '400'], ['handler', 'v1/data'], ['method', 'POST']], opaBounds, [1, 0, 0, 0, 0, 0, 0], 0.0003, () => 0.3);
  histogram(C.opaRequestDuration.name, [...opa, ['code', '200'], ['handler', 'health'], ['method', 'GET']], opaBounds, [0.9, 0.1, 0, 0, 0, 0, 0], 0.0008, () => 0.2);

  // Keycloak: token endpoint and userinfo (histograms enabled), ~1 % SERVER_ERROR.
  const kc = [['job', COMPONENT_JOBS.keycloak], ['instance', targets[3]![1]]] as const;
  const kcBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
  const token = '/realms/{realm}/protocol/openid-connect/token';
  family(C.keycloakRequests.name, 'histogram', C.keycloakRequests.description);
  const kcUp = (rate: number) => (i: number) => (isDown(COMPONENT_JOBS.keycloak, i) ? 0 : rate);
  histogram(C.keycloakRequests.name, [...kc, ['method', 'POST'], ['outcome', 'SUCCESS'], ['status', '200'], ['uri', token]], kcBounds, [0.05, 0.25, 0.4, 0.2, 0.08, 0.02, 0, 0], 0.022, kcUp(20));
  histogram(C.keycloakRequests.name, [...kc, ['method', 'POST'], ['outcome', 'CLIENT_ERROR'], ['status', '401'], ['uri', token]], kcBounds, [0.2, 0.5, 0.3, 0, 0, 0, 0, 0], 0.009, kcUp(1));
  histogram(C.keycloakRequests.name, [...kc, ['method', 'POST'], ['outcome', 'SERVER_ERROR'], ['status', '500'], ['uri', token]], kcBounds, [0, 0, 0.1, 0.3, 0.3, 0.2, 0.1, 0], 0.12, kcUp(0.2));
  family(C.keycloakActiveRequests.name, 'gauge', C.keycloakActiveRequests.description);
  gauge(C.keycloakActiveRequests.name, kc, (i) => 2 + (i % 4));

  // Alertmanager: webhook and email notifications; the webhook receiver fails during the incident.
  const am = [['job', COMPONENT_JOBS.alertmanager], ['instance', targets[4]![1]]] as const;
  family(counterFamily(C.alertmanagerNotifications.name), 'counter', C.alertmanagerNotifications.description);
  counter(C.alertmanagerNotifications.name, [...am, ['integration', 'webhook']], () => 0.5);
  counter(C.alertmanagerNotifications.name, [...am, ['integration', 'email']], () => 0.1);
  family(counterFamily(C.alertmanagerNotificationsFailed.name), 'counter', C.alertmanagerNotificationsFailed.description);
  counter(C.alertmanagerNotificationsFailed.name, [...am, ['integration', 'webhook'], ['reason', 'serverError']], (i) => (incident(i) ? 0.5 : 0));
  counter(C.alertmanagerNotificationsFailed.name, [...am, ['integration', 'email'], ['reason', 'serverError']], () => 0);

  // Kafka consumer lag of the gateway tier's group (remote-written by the collector: no job label).
  family(P.kafkaConsumerGroupLagSum.name, 'gauge', P.kafkaConsumerGroupLagSum.description);
  gauge(P.kafkaConsumerGroupLagSum.name, [['group', 'api-observatory-gateway'], ['topic', 'otlp_spans']], (i) => (incident(i) ? 5000 + 100 * i : 20 + (i % 10)));

  // Governance outbox backlog (scraped from the Backstage backend).
  const bs = [['job', COMPONENT_JOBS.backstage], ['instance', 'backstage-0:9464']] as const;
  family(P.governanceOutboxBacklog.name, 'gauge', P.governanceOutboxBacklog.description);
  gauge(P.governanceOutboxBacklog.name, [...bs, ['destination', OUTBOX_DESTINATIONS.events]], () => 0);
  gauge(P.governanceOutboxBacklog.name, [...bs, ['destination', OUTBOX_DESTINATIONS.kafka]], (i) => (incident(i) ? 3 * i : 0));

  // Canary gate (state sets as the gate exports them).
  const c = canaryOf(o.catalog);
  const promoted = (i: number) => frac(i) >= c.promoteAt;
  const gate = [
    [LABELS.api.label, c.api],
    [LABELS.apiVersion.label, c.canaryVersion],
    [LABELS.baselineVersion.label, c.baselineVersion],
  ] as const;
  const decisionName = promName(METRICS.canaryDecision);
  family(decisionName, 'gauge', METRICS.canaryDecision.description);
  for (const decision of CANARY_DECISION_CODES) {
    gauge(decisionName, [...gate, [LABELS.decision.label, decision]], (i) => ((promoted(i) ? 'promote' : 'continue') === decision ? 1 : 0));
  }
  const scoreName = promName(METRICS.canaryScore);
  family(scoreName, 'gauge', METRICS.canaryScore.description);
  gauge(scoreName, gate, (i) => Math.min(100, 80 + 30 * frac(i)));
  const resultName = promName(METRICS.canaryMetricResult);
  family(resultName, 'gauge', METRICS.canaryMetricResult.description);
  for (const metric of c.gateMetrics) {
    for (const result of CANARY_METRIC_RESULTS) {
      gauge(resultName, [...gate, [LABELS.gateMetric.label, metric], [LABELS.result.label, result]], (i) => ((frac(i) < 0.1 ? 'nodata' : 'pass') === result ? 1 : 0));
    }
  }
  const evalName = promName(METRICS.canaryEvaluations);
  family(counterFamily(evalName), 'counter', METRICS.canaryEvaluations.description);
  for (const decision of CANARY_DECISION_CODES) {
    counter(evalName, [[LABELS.api.label, c.api], [LABELS.apiVersion.label, c.canaryVersion], [LABELS.decision.label, decision]], (i) =>
      (promoted(i) ? 'promote' : 'continue') === decision ? 1 / 60 : 0,
    );
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
