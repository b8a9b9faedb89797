import {
  BURN_RATE_TIERS, GATEWAYS, LABELS, metricSelector, statusClassOf, type BurnRateTier, type Sli,
} from '@api-observatory/telemetry-contract';
import type { SloConfig, SloTarget } from '../slo-config';
import { sloTargets } from '../slo-config';
import { LATENCY_BUCKET_MISSING, LATENCY_BUCKET_MISSING_FOR, alertGroupOf, bucketMissingAlert, burnAlert, burnAlertName, leSpellings } from '../slo';
import { alertTest, counterValues, expectAlert, type AlertRuleTest, type InputSeries, type TestGroup } from './promtool-file';
import { TIE, seconds, simulateSli, type SimResult, type SliInput } from './sim';

/**
 * Burn-rate scenarios. Each API gets constant traffic with a bad-event share that changes by segment;
 * the expected alerts at every checked minute come from the simulator (sim.ts), and each scenario also
 * states what must happen (`fires` / `never` per tier), which the generator verifies against the
 * simulation before writing a test — so a scenario cannot silently stop proving its claim.
 */

/** Requests per minute in every scenario (1000/min keeps shares like 0.2% whole numbers). */
export const TRAFFIC_PER_MINUTE = 1000;
const GATEWAY = GATEWAYS[0];
const A = LABELS.api.label;

export type Expectation = 'fires' | 'never';
export interface ApiProfile {
  api: string;
  sli: Sli;
  /** [minutes, share of bad events] segments from t=0. */
  segments: ReadonlyArray<readonly [number, number]>;
  expect: Partial<Record<BurnRateTier['tier'], Expectation>>;
  /** For latency: which `le` spelling the input uses (both must work). */
  leSpelling?: 0 | 1;
}
export interface SloScenario {
  name: string;
  /** Minutes at which to check every SLO alert besides each first firing (and the minute before). */
  landmarks: number[];
  apis: ApiProfile[];
}

export interface SimulatedApi {
  profile: ApiProfile;
  target: SloTarget;
  sim: SimResult;
  incidentStartMinute: number;
}

/** The target an API's SLI falls under: its own entry in slo.yaml, or the unlisted-APIs defaults. */
export function targetFor(targets: readonly SloTarget[], api: string, sli: Sli): SloTarget | undefined {
  return (
    targets.find((t) => t.sli === sli && t.scope.kind === 'api' && t.scope.api === api) ??
    targets.find((t) => t.sli === sli && t.scope.kind === 'unlisted' && !t.scope.listed.includes(api))
  );
}

/** Representative API names: an unlisted one when defaults apply to unlisted APIs, else the first listed. */
export function representative(config: SloConfig, sli: Sli): { api: string; target: SloTarget } | undefined {
  const targets = sloTargets(config);
  const t = targets.find((x) => x.sli === sli && x.scope.kind === 'unlisted') ?? targets.find((x) => x.sli === sli);
  if (!t) return undefined;
  if (t.scope.kind === 'api') return { api: t.scope.api, target: t };
  let api = `example-${sli}-api`;
  while (t.scope.listed.includes(api)) api = `${api}-x`;
  return { api, target: t };
}

function inputSeries(p: ApiProfile, target: SloTarget): { series: InputSeries[]; sli: SliInput } {
  const clean = (x: number) => Number(x.toPrecision(12));
  const total = p.segments.map(([n]) => [n, TRAFFIC_PER_MINUTE] as const);
  const bad = p.segments.map(([n, share]) => [n, clean(share * TRAFFIC_PER_MINUTE)] as const);
  const good = p.segments.map(([n, share]) => [n, clean(TRAFFIC_PER_MINUTE - share * TRAFFIC_PER_MINUTE)] as const);
  if (p.sli === 'availability') {
    const sel = (code: number) =>
      metricSelector('requests', { [A]: p.api, [LABELS.gateway.label]: GATEWAY, [LABELS.statusCode.label]: String(code), [LABELS.statusClass.label]: statusClassOf(code) });
    const ok = counterValues(good);
    const err = counterValues(bad);
    return { series: [{ series: sel(200), values: ok }, { series: sel(503), values: err }], sli: { total: [ok, err], bad: [err] } };
  }
  const le = leSpellings(target.thresholdSeconds!);
  const spelled = le[Math.min(p.leSpelling ?? 0, le.length - 1)]!;
  const bucket = (l: string) => metricSelector('requestDuration', { [A]: p.api, [LABELS.gateway.label]: GATEWAY, le: l }, 'bucket');
  const all = counterValues(total);
  const fast = counterValues(good);
  return { series: [{ series: bucket(spelled), values: fast }, { series: bucket('+Inf'), values: all }], sli: { total: [all], good: [fast] } };
}

export function simulateScenario(config: SloConfig, s: SloScenario, evalMinutes: number): { series: InputSeries[]; apis: SimulatedApi[] } {
  const targets = sloTargets(config);
  const end = Math.max(...s.landmarks, ...s.apis.map((a) => a.segments.reduce((m, [n]) => m + n, 0)));
  const series: InputSeries[] = [];
  const apis: SimulatedApi[] = [];
  for (const p of s.apis) {
    const target = targetFor(targets, p.api, p.sli);
    if (!target) throw new Error(`${s.name}: no ${p.sli} SLO applies to ${p.api}`);
    const { series: ss, sli } = inputSeries(p, target);
    series.push(...ss);
    const sim = simulateSli(sli, { scrapeSeconds: 60, evalSeconds: evalMinutes * 60, endSeconds: end * 60, objective: target.objective });
    if (sim.minMargin < TIE) throw new Error(`${s.name}: ${p.api} comes within float noise of a threshold; change the scenario`);
    for (const tier of BURN_RATE_TIERS) {
      const want = p.expect[tier.tier];
      const got = sim.firstFire[tier.tier];
      if (want === 'fires' && got === undefined) throw new Error(`${s.name}: expected ${burnAlertName(p.sli, tier)} to fire for ${p.api}, the simulation says it never does`);
      if (want === 'never' && got !== undefined) throw new Error(`${s.name}: expected ${burnAlertName(p.sli, tier)} never to fire for ${p.api}, the simulation says it fires at ${got / 60}m`);
    }
    const incidentStartMinute = p.segments.length > 1 ? p.segments[0]![0] : 0;
    apis.push({ profile: p, target, sim, incidentStartMinute });
  }
  return { series, apis };
}

/** Builds the promtool test group of a scenario: every SLO alert at every landmark and around each first firing. */
export function sloTestGroup(config: SloConfig, s: SloScenario, evalMinutes: number, interval = '1m'): { group: TestGroup; apis: SimulatedApi[] } {
  const { series, apis } = simulateScenario(config, s, evalMinutes);
  const times = new Set<number>(s.landmarks);
  for (const a of apis) {
    for (const tier of BURN_RATE_TIERS) {
      const ff = a.sim.firstFire[tier.tier];
      if (ff === undefined) continue;
      const m = ff / 60;
      times.add(m);
      if (m - evalMinutes >= 0) times.add(m - evalMinutes);
    }
  }
  for (const t of times) if (t % evalMinutes !== 0) throw new Error(`${s.name}: check time ${t}m is off the ${evalMinutes}m evaluation grid`);
  const tests: AlertRuleTest[] = [];
  const slis = [...new Set(apis.map((a) => a.profile.sli))];
  for (const t of [...times].sort((a, b) => a - b)) {
    for (const sli of slis) {
      for (const tier of BURN_RATE_TIERS) {
        const firing = apis.filter((a) => a.profile.sli === sli && a.sim.firing[tier.tier][a.sim.times.indexOf(t * 60)]);
        tests.push(alertTest(burnAlertName(sli, tier), t, firing.map((a) => expectAlert(burnAlert(alertGroupOf(config, a.target), tier), { [A]: a.profile.api }, config.runbookBaseUrl))));
      }
    }
  }
  return { group: { name: s.name, interval, input_series: series, alert_rule_test: tests }, apis };
}

/** The latency SLI guard: an API whose histogram has no bucket at the threshold fires; with the bucket it does not. */
export function bucketMissingGroups(config: SloConfig): TestGroup[] {
  const rep = representative(config, 'latency');
  if (!rep) return [];
  const T = rep.target.thresholdSeconds!;
  const per = [[120, TRAFFIC_PER_MINUTE]] as const;
  const bucket = (l: string) => metricSelector('requestDuration', { [A]: rep.api, [LABELS.gateway.label]: GATEWAY, le: l }, 'bucket');
  const guard = bucketMissingAlert(alertGroupOf(config, rep.target));
  const expected = [expectAlert(guard, { [A]: rep.api }, config.runbookBaseUrl)];
  // Bucket rates exist from t=1m (two samples); the guard holds from then and fires `for` later.
  const fireAt = 1 + seconds(LATENCY_BUCKET_MISSING_FOR) / 60;
  return [
    {
      name: `${LATENCY_BUCKET_MISSING}: threshold ${T}s is not a bucket of ${rep.api}`,
      interval: '1m',
      input_series: [
        { series: bucket(String(T * 2)), values: counterValues(per) },
        { series: bucket('+Inf'), values: counterValues(per) },
      ],
      alert_rule_test: [alertTest(LATENCY_BUCKET_MISSING, fireAt - 1, []), alertTest(LATENCY_BUCKET_MISSING, fireAt, expected), alertTest(LATENCY_BUCKET_MISSING, 100, expected)],
    },
    {
      name: `${LATENCY_BUCKET_MISSING}: threshold ${T}s is a bucket of ${rep.api}`,
      interval: '1m',
      input_series: [
        { series: bucket(leSpellings(T)[0]!), values: counterValues(per) },
        { series: bucket('+Inf'), values: counterValues(per) },
      ],
      alert_rule_test: [alertTest(LATENCY_BUCKET_MISSING, fireAt, []), alertTest(LATENCY_BUCKET_MISSING, 100, [])],
    },
  ];
}
