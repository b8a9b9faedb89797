import { LABELS, aggregate, cmp, eq, metricSelector, requestRate, unless, type CanaryDecision, type CanaryMetricResult, type DeploymentRole } from '@api-observatory/telemetry-contract';
import { label, type AlertRule, type RuleFile, type Runbook } from './model';

const API = LABELS.api.label;
const VERSION = LABELS.apiVersion.label;
const BASELINE = LABELS.baselineVersion.label;
const GATE_METRIC = LABELS.gateMetric.label;
const perCanary = [API, VERSION, BASELINE];

const ROLLBACK: CanaryDecision = 'rollback';
const CONTINUE: CanaryDecision = 'continue';
const NODATA: CanaryMetricResult = 'nodata';
const CANARY: DeploymentRole = 'canary';

/** Tunables of the canary alerts. */
export const CANARY_SETTINGS = {
  /** How long a gate may keep answering `continue` before CanaryGateStuck fires. */
  stuckAfter: '2h',
  /** Window in which a canary under evaluation must have received at least one request. */
  trafficWindow: '10m',
} as const;

/** 1 while the gate's latest decision for a canary is `d` (the decision gauge is a state set). */
const decisionIs = (d: CanaryDecision) => cmp(aggregate('max', metricSelector('canaryDecision', { [LABELS.decision.label]: eq(d) }), perCanary), '==', 1);

export const CANARY_ALERTS: Record<string, AlertRule> = {
  CanaryRollbackDecided: {
    alert: 'CanaryRollbackDecided',
    expr: decisionIs(ROLLBACK),
    severity: 'ticket',
    persona: 'developer',
    summary: `Canary gate decided to roll back ${label(API)} ${label(VERSION)}`,
    description: `The canary gate compared ${label(API)} ${label(VERSION)} with baseline ${label(BASELINE)} and decided rollback: the canary is worse than its baseline on at least one gate metric.`,
  },
  CanaryGateStuck: {
    alert: 'CanaryGateStuck',
    expr: decisionIs(CONTINUE),
    for: CANARY_SETTINGS.stuckAfter,
    severity: 'ticket',
    persona: 'developer',
    summary: `Canary of ${label(API)} ${label(VERSION)} undecided for ${CANARY_SETTINGS.stuckAfter}`,
    description: `The canary gate has answered continue for ${label(API)} ${label(VERSION)} (baseline ${label(BASELINE)}) for ${CANARY_SETTINGS.stuckAfter}: the rollout neither promotes nor rolls back, usually for lack of traffic or an inconclusive metric.`,
  },
  CanaryGateMetricNoData: {
    alert: 'CanaryGateMetricNoData',
    expr: cmp(aggregate('max', metricSelector('canaryMetricResult', { [LABELS.result.label]: eq(NODATA) }), [...perCanary, GATE_METRIC]), '==', 1),
    for: '10m',
    severity: 'ticket',
    persona: 'developer',
    summary: `Canary gate metric ${label(GATE_METRIC)} has no data for ${label(API)} ${label(VERSION)}`,
    description: `Gate metric ${label(GATE_METRIC)} of the canary ${label(API)} ${label(VERSION)} (baseline ${label(BASELINE)}) has returned no data for 10 minutes, so the gate cannot judge it.`,
  },
  CanaryNoTraffic: {
    alert: 'CanaryNoTraffic',
    expr: unless(
      decisionIs(CONTINUE),
      cmp(requestRate({ filter: { [LABELS.deploymentRole.label]: eq(CANARY) }, by: [API, VERSION], window: CANARY_SETTINGS.trafficWindow }), '>', 0),
      [API, VERSION],
    ),
    for: '10m',
    severity: 'ticket',
    persona: 'developer',
    summary: `Canary ${label(API)} ${label(VERSION)} is under evaluation but gets no traffic`,
    description: `The canary gate is evaluating ${label(API)} ${label(VERSION)} but the gateways have sent no request to its canary deployment for 20 minutes: the traffic split is not applied, so the gate compares nothing.`,
  },
};

export function canaryRuleFile(): RuleFile {
  return {
    file: 'canary.yaml',
    title: 'Canary alerts from the canary gate\'s decision series and the gateways\' per-role request counters.',
    groups: [{ name: 'canary', rules: Object.values(CANARY_ALERTS) }],
  };
}

export function canaryRunbooks(): Record<string, Runbook> {
  const decision = (d: CanaryDecision) => `\`${metricSelector('canaryDecision', { [API]: eq('<api>'), [LABELS.decision.label]: eq(d) })}\``;
  return {
    CanaryRollbackDecided: {
      meaning: 'The canary gate\'s latest decision for a canary is rollback.',
      impact: 'The new version is worse than its baseline; users routed to the canary are affected until it is rolled back.',
      diagnosis: [
        `See the decision and score history: ${decision(ROLLBACK)} and \`${metricSelector('canaryScore', { [API]: eq('<api>') })}\`.`,
        `See which gate metrics failed: \`${metricSelector('canaryMetricResult', { [API]: eq('<api>') })} == 1\` (result high or low).`,
        'Compare canary and baseline on the canary dashboard; open exemplar traces of the canary.',
      ],
      mitigation: ['Make sure the rollout tool rolled back (or roll back by hand), then fix the regression before the next rollout.'],
    },
    CanaryGateStuck: {
      meaning: `The gate has answered continue for ${CANARY_SETTINGS.stuckAfter}.`,
      impact: 'The rollout is blocked; a canary may run for hours on part of the traffic.',
      diagnosis: [
        `Check the decision series: ${decision(CONTINUE)}.`,
        'Check the canary\'s traffic (CanaryNoTraffic) and gate metrics without data (CanaryGateMetricNoData): too little data keeps the gate undecided.',
      ],
      mitigation: ['Raise the canary\'s traffic share or lengthen the analysis window; promote or roll back by hand if the evidence is clear.'],
    },
    CanaryGateMetricNoData: {
      meaning: 'A metric of the gate configuration returns no data for the canary or the baseline.',
      impact: 'The gate cannot judge that metric; the rollout stalls or is judged on fewer metrics than intended.',
      diagnosis: [
        'Check that the canary and baseline deployments follow the service naming convention `<api>-<version>-<role>` so their series carry deployment_role.',
        'Check that the gate metric\'s query returns data in Grafana Explore for both roles.',
      ],
      mitigation: ['Fix the service name or the gate metric configuration.'],
    },
    CanaryNoTraffic: {
      meaning: `The gate is evaluating a canary, but the gateways sent it no request in the last ${CANARY_SETTINGS.trafficWindow} for 10 minutes.`,
      impact: 'The canary is not exercised: the gate has nothing to compare and will stall.',
      diagnosis: [
        `Check the canary's request rate: \`${requestRate({ filter: { [API]: eq('<api>'), [LABELS.deploymentRole.label]: eq(CANARY) }, by: [VERSION], window: CANARY_SETTINGS.trafficWindow })}\`.`,
        'Check the gateway\'s traffic-split (weighted upstream / traffic-split plugin) and the canary service name.',
      ],
      mitigation: ['Apply the traffic split, or end the rollout.'],
    },
  };
}
