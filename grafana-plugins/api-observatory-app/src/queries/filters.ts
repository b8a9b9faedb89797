import { LABELS, grafanaVar, type Matchers } from '@api-observatory/telemetry-contract';
import { VAR } from '../constants';

/** Prometheus label names of the contract keys the pages filter and group by. */
export const L = {
  gateway: LABELS.gateway.label,
  api: LABELS.api.label,
  version: LABELS.apiVersion.label,
  role: LABELS.deploymentRole.label,
  route: LABELS.route.label,
  consumer: LABELS.consumer.label,
  plan: LABELS.plan.label,
  tenant: LABELS.tenant.label,
  country: LABELS.country.label,
  statusClass: LABELS.statusClass.label,
  statusCode: LABELS.statusCode.label,
  baselineVersion: LABELS.baselineVersion.label,
  decision: LABELS.decision.label,
  gateMetric: LABELS.gateMetric.label,
} as const;

/** `label=~"$var"` matchers: Grafana interpolates the (escaped) variable values. */
export const v = {
  api: grafanaVar(VAR.api),
  route: grafanaVar(VAR.route),
  consumer: grafanaVar(VAR.consumer),
  plan: grafanaVar(VAR.plan),
  version: grafanaVar(VAR.version),
};

/** Filters by what each family of series carries. */
export const F = {
  api: { [L.api]: v.api } as Matchers,
  apiVersion: { [L.api]: v.api, [L.version]: v.version } as Matchers,
  /** Recorded per-route series carry api and route only. */
  apiRoute: { [L.api]: v.api, [L.route]: v.route } as Matchers,
  /** Gateway request counters: api, version, route, consumer. */
  requests: { [L.api]: v.api, [L.version]: v.version, [L.route]: v.route, [L.consumer]: v.consumer } as Matchers,
  /** Gateway latency histograms carry no consumer. */
  latency: { [L.api]: v.api, [L.version]: v.version, [L.route]: v.route } as Matchers,
  /** Recorded consumer × plan series. */
  consumerPlan: { [L.plan]: v.plan, [L.consumer]: v.consumer } as Matchers,
  /** Span-derived series carry every business dimension. */
  span: { [L.api]: v.api, [L.plan]: v.plan, [L.consumer]: v.consumer } as Matchers,
};
