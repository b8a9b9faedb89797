import {
  API_ROUTE_STATUS_CLASS_REQUEST_RATE, BASE_WINDOW, BURN_RATE_TIERS, ERROR_STATUS_CLASS, LABELS, SLO_ERRORS_RATE, SLO_LABEL, SLO_OBJECTIVE, SLO_PERIOD_HOURS, SLO_REQUESTS_RATE, SLO_WINDOWS,
  apiErrorRatio, apiLatencyBucketRate, apiRequestRate, burnCondition, burnThreshold, eq, oneOf, recordedSelector, sloErrorRatio, sum,
  avgOverTime, cmp, div, minus, num, or, plus, times, unless,
  type BurnRateTier, type Matcher, type Sli,
} from '@api-observatory/telemetry-contract';
import { label, type AlertRule, type RecordingRule, type RuleFile, type RuleGroup, type Runbook } from './model';
import { SLO_OBJECTIVE_LABEL, SLO_THRESHOLD_LABEL, sloTargets, type SloConfig, type SloTarget } from './slo-config';

const API = LABELS.api.label;
const LE = 'le';
const INF = '+Inf';

/** The matcher on `api` a target's rules use: one API, or every API not listed in slo.yaml. */
export function apiMatcher(t: SloTarget): Matcher | undefined {
  if (t.scope.kind === 'api') return eq(t.scope.api);
  if (t.scope.listed.length === 0) return undefined;
  return { op: '!~', value: oneOf(t.scope.listed).value };
}

/**
 * Spellings of a bucket bound as an `le` value: Prometheus 3 writes whole numbers with `.0` on scrape
 * (`1.0`), remote-written OTel histograms without (`1`). Matching both keeps the SLI independent of the path.
 */
export function leSpellings(seconds: number): string[] {
  const plain = String(seconds);
  return Number.isInteger(seconds) ? [plain, `${plain}.0`] : [plain];
}

export const TIER_NAME: Record<BurnRateTier['tier'], string> = { fast: 'Fast', sustained: 'Sustained', slow: 'Slow' };
const SLI_NAME: Record<Sli, string> = { availability: 'Availability', latency: 'Latency' };

/** Alert name of a burn-rate tier of an SLI, e.g. ApiAvailabilityFastBurn. */
export const burnAlertName = (sli: Sli, tier: BurnRateTier): string => `Api${SLI_NAME[sli]}${TIER_NAME[tier.tier]}Burn`;
export const LATENCY_BUCKET_MISSING = 'ApiLatencySliBucketMissing';
/** `for` of the bucket-missing guard. */
export const LATENCY_BUCKET_MISSING_FOR = '15m';

const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;
const hoursToText = (h: number): string => (h >= 48 ? `${Number((h / 24).toPrecision(3))} days` : `${Number(h.toPrecision(3))} hours`);

/** Targets that share SLI, objective, threshold and labels: one alert rule per tier covers them all. */
export interface SloAlertGroup {
  sli: Sli;
  objective: number;
  thresholdSeconds?: number;
  labels: Record<string, string>;
  targets: SloTarget[];
}

const groupKey = (t: SloTarget) => JSON.stringify([t.sli, t.objective, t.thresholdSeconds ?? null, Object.entries(t.labels).sort()]);

export function sloAlertGroups(config: SloConfig): SloAlertGroup[] {
  const groups = new Map<string, SloAlertGroup>();
  for (const t of sloTargets(config)) {
    const k = groupKey(t);
    const g = groups.get(k);
    if (g) g.targets.push(t);
    else groups.set(k, { sli: t.sli, objective: t.objective, ...(t.thresholdSeconds !== undefined ? { thresholdSeconds: t.thresholdSeconds } : {}), labels: t.labels, targets: [t] });
  }
  return [...groups.values()];
}

export function alertGroupOf(config: SloConfig, target: SloTarget): SloAlertGroup {
  const k = groupKey(target);
  const g = sloAlertGroups(config).find((x) => groupKey(x.targets[0]!) === k);
  if (!g) throw new Error(`no alert group for ${target.id} ${target.sli}`);
  return g;
}

/**
 * The `api` matcher covering a set of targets: the named APIs, or — when the unlisted APIs are among
 * them — every API except the listed ones outside the set.
 */
export function coverMatcher(targets: readonly SloTarget[]): Matcher | undefined {
  const named = targets.flatMap((t) => (t.scope.kind === 'api' ? [t.scope.api] : []));
  const unlisted = targets.find((t) => t.scope.kind === 'unlisted');
  if (!unlisted || unlisted.scope.kind !== 'unlisted') return named.length === 1 ? eq(named[0]!) : oneOf(named);
  const exclude = unlisted.scope.listed.filter((a) => !named.includes(a));
  return exclude.length ? { op: '!~', value: oneOf(exclude).value } : undefined;
}

const orAll = (exprs: readonly string[]): string => exprs.reduce((acc, e) => (acc ? or(acc, e) : e), '');

function availabilityRecording(targets: readonly SloTarget[]): RecordingRule[] {
  if (!targets.length) return [];
  const labels = { [SLO_LABEL]: 'availability' };
  const m = coverMatcher(targets);
  return [
    ...SLO_WINDOWS.map((w) => ({ record: sloErrorRatio(w), expr: recordedSelector(apiErrorRatio(w), { [API]: m }), labels })),
    {
      record: SLO_OBJECTIVE,
      expr: orAll(targets.map((t) => plus(times(0, recordedSelector(apiRequestRate(BASE_WINDOW), { [API]: apiMatcher(t) })), num(t.objective / 100)))),
      labels,
    },
  ];
}

function latencyRecording(targets: readonly SloTarget[]): RecordingRule[] {
  if (!targets.length) return [];
  const sli: Sli = 'latency';
  const labels = { [SLO_LABEL]: sli };
  const bucket = apiLatencyBucketRate('request');
  const total = (m: Matcher | undefined) => sum(recordedSelector(bucket, { [API]: m, [LE]: INF }), [API]);
  const fast = (t: SloTarget) => sum(recordedSelector(bucket, { [API]: apiMatcher(t), [LE]: oneOf(leSpellings(t.thresholdSeconds!)) }), [API]);
  const own = { [SLO_LABEL]: sli };
  const rules: RecordingRule[] = [
    { record: SLO_REQUESTS_RATE, expr: total(coverMatcher(targets)), labels },
    { record: SLO_ERRORS_RATE, expr: orAll(targets.map((t) => minus(total(apiMatcher(t)), fast(t)))), labels },
  ];
  for (const w of SLO_WINDOWS) {
    const expr = w === BASE_WINDOW
      ? div(recordedSelector(SLO_ERRORS_RATE, own), recordedSelector(SLO_REQUESTS_RATE, own))
      : div(avgOverTime(recordedSelector(SLO_ERRORS_RATE, own), w), avgOverTime(recordedSelector(SLO_REQUESTS_RATE, own), w));
    rules.push({ record: sloErrorRatio(w), expr, labels });
  }
  rules.push({
    record: SLO_OBJECTIVE,
    expr: orAll(targets.map((t) => plus(times(0, recordedSelector(SLO_REQUESTS_RATE, { [API]: apiMatcher(t), ...own })), num(t.objective / 100)))),
    labels,
  });
  return rules;
}

function badEvents(g: SloAlertGroup): string {
  return g.sli === 'availability' ? 'were answered 5xx' : `took longer than ${g.thresholdSeconds}s`;
}

/** Static labels of an SLO alert: the SLI, its objective (and threshold), then slo.yaml's labels. */
function sloAlertLabels(g: SloAlertGroup): Record<string, string> {
  return {
    [SLO_LABEL]: g.sli,
    [SLO_OBJECTIVE_LABEL]: String(g.objective),
    ...(g.thresholdSeconds !== undefined ? { [SLO_THRESHOLD_LABEL]: `${g.thresholdSeconds}s` } : {}),
    ...g.labels,
  };
}

export function burnAlert(g: SloAlertGroup, tier: BurnRateTier): AlertRule {
  const own = { [API]: coverMatcher(g.targets), [SLO_LABEL]: g.sli };
  const threshold = burnThreshold(g.objective, tier);
  const budget = 1 - g.objective / 100;
  const exhaustHours = SLO_PERIOD_HOURS / tier.factor;
  return {
    alert: burnAlertName(g.sli, tier),
    expr: burnCondition(tier, (w) => recordedSelector(sloErrorRatio(w), own), threshold),
    severity: tier.severity,
    persona: 'developer',
    labels: sloAlertLabels(g),
    summary: `${label(API)}: ${g.sli} error budget burning ${tier.factor}× too fast`,
    description:
      `More than ${pct(threshold)} of ${label(API)}'s requests ${badEvents(g)} over the last ${tier.longWindow} and the last ${tier.shortWindow}; ` +
      `the ${g.objective}% ${g.sli} objective (30 days) allows ${pct(budget)}. ` +
      `At ${tier.factor}× the 30-day error budget lasts ${hoursToText(exhaustHours)}; ${pct(tier.budgetSpent)} of it is spent every ${tier.longWindow}.`,
  };
}

export function bucketMissingAlert(g: SloAlertGroup): AlertRule {
  const bucket = apiLatencyBucketRate('request');
  const spellings = leSpellings(g.thresholdSeconds!);
  const m = coverMatcher(g.targets);
  return {
    alert: LATENCY_BUCKET_MISSING,
    expr: unless(
      cmp(sum(recordedSelector(bucket, { [API]: m, [LE]: INF }), [API]), '>', 0),
      sum(recordedSelector(bucket, { [API]: m, [LE]: oneOf(spellings) }), [API]),
    ),
    for: LATENCY_BUCKET_MISSING_FOR,
    severity: 'ticket',
    persona: 'platform',
    labels: sloAlertLabels(g),
    summary: `${label(API)}: latency SLI threshold ${g.thresholdSeconds}s is not a histogram bucket`,
    description:
      `${label(API)} has request-latency histograms but no bucket le="${spellings.join('" or le="')}", so its latency SLI (${g.objective}% within ${g.thresholdSeconds}s) ` +
      `has no data and its latency burn-rate alerts cannot fire. Set threshold_seconds in alerts/slo.yaml to one of the gateway's bucket bounds.`,
  };
}

export const SLO_RECORDING_GROUP = 'api-slo';
export const SLO_ALERT_GROUP = 'api-slo-alerts';

export function sloGroups(config: SloConfig): RuleGroup[] {
  const targets = sloTargets(config);
  const alerts: AlertRule[] = [];
  for (const g of sloAlertGroups(config)) {
    alerts.push(...BURN_RATE_TIERS.map((tier) => burnAlert(g, tier)));
    if (g.sli === 'latency') alerts.push(bucketMissingAlert(g));
  }
  return [
    {
      name: SLO_RECORDING_GROUP,
      rules: [...availabilityRecording(targets.filter((t) => t.sli === 'availability')), ...latencyRecording(targets.filter((t) => t.sli === 'latency'))],
    },
    { name: SLO_ALERT_GROUP, rules: alerts },
  ];
}

export function sloRuleFile(config: SloConfig): RuleFile {
  return {
    file: 'api-slo.yaml',
    title: 'Per-API SLOs from alerts/slo.yaml: SLI error ratios per window and multi-window multi-burn-rate alerts (30-day objective).',
    groups: sloGroups(config),
  };
}

export function sloRunbooks(): Record<string, Runbook> {
  const out: Record<string, Runbook> = {};
  for (const sli of ['availability', 'latency'] as const) {
    for (const tier of BURN_RATE_TIERS) {
      const what = sli === 'availability' ? 'requests answered 5xx' : 'requests slower than the API\'s latency threshold';
      const ratioQuery = (w: (typeof SLO_WINDOWS)[number]) => recordedSelector(sloErrorRatio(w), { [API]: eq('<api>'), [SLO_LABEL]: sli });
      out[burnAlertName(sli, tier)] = {
        meaning:
          `Over both the last ${tier.longWindow} and the last ${tier.shortWindow}, the share of ${what} is above ${tier.factor}× the error budget (1 − objective): ` +
          `at that rate ${pct(tier.budgetSpent)} of the 30-day budget burns every ${tier.longWindow}. The short window makes the alert stop soon after the problem stops.`,
        impact:
          tier.severity === 'page'
            ? `Consumers of the API see ${sli === 'availability' ? 'failures' : 'slow responses'} now; at this rate the 30-day error budget is gone in ${hoursToText(SLO_PERIOD_HOURS / tier.factor)}.`
            : `A slow, steady burn: the 30-day error budget will be gone before the period ends if nothing changes.`,
        diagnosis: [
          `Check the error ratio per window: \`${ratioQuery(tier.longWindow)}\` and \`${ratioQuery(tier.shortWindow)}\`.`,
          sli === 'availability'
            ? `Find the failing routes: \`${recordedSelector(API_ROUTE_STATUS_CLASS_REQUEST_RATE, { [API]: eq('<api>'), [LABELS.statusClass.label]: ERROR_STATUS_CLASS })}\`, then the API's dashboard (upstream vs gateway latency, exemplar traces).`
            : `Compare upstream and gateway latency on the API's dashboard to tell a slow backend from a slow gateway.`,
          'Look at recent deployments and canary decisions for the API (CanaryRollbackDecided, the canary dashboard).',
          'Open an exemplar trace from the latency panel to see where time or errors come from.',
        ],
        mitigation: [
          'Roll back the last change to the API or its backend if it lines up with the start of the burn.',
          sli === 'availability' ? 'If a dependency fails, fail over or shed the failing route.' : 'Scale the backend or the gateway if saturation explains the latency.',
          'If the objective is wrong for this API, change it in alerts/slo.yaml and regenerate (do not silence for long).',
        ],
      };
    }
  }
  out[LATENCY_BUCKET_MISSING] = {
    meaning: 'A latency SLI is configured with a threshold that is not a bucket bound of the API\'s request-latency histogram, so the SLI has no data.',
    impact: 'The API\'s latency burn-rate alerts cannot fire: latency regressions go unnoticed.',
    diagnosis: [
      `List the API's bucket bounds: \`${recordedSelector(apiLatencyBucketRate('request'), { [API]: eq('<api>') })}\` (the le label).`,
      'Kong and APISIX have different default buckets; bounds both have: 0.05, 0.1, 1, 2, 5, 10 s.',
    ],
    mitigation: ['Set threshold_seconds in alerts/slo.yaml to an existing bound and regenerate, or add the bound to the gateway\'s histogram buckets.'],
  };
  return out;
}
