import { BURN_RATE_TIERS, burnThreshold, type BurnRateTier } from '@api-observatory/telemetry-contract';
import type { SloConfig, SloTarget } from '../slo-config';
import { sloTargets } from '../slo-config';
import { representative, type ApiProfile, type SloScenario } from './slo-tests';

/**
 * The burn-rate scenarios the tests run, derived from slo.yaml: shares are multiples of each target's
 * error budget, so the scenarios keep proving the same things when objectives change.
 */

const clean = (x: number) => Number(x.toPrecision(12));
const budget = (t: SloTarget) => clean(1 - t.objective / 100);
const SIX_HOURS = 360;
/** Burn rates of the sustained (between 6× and 14.4×) and slow (between 1× and 6×) scenarios. */
export const SUSTAINED_BURN = 8;
export const SLOW_BURN = 2;
/**
 * The 3-day scenarios are evaluated every 5 minutes; starting the incident 2 minutes off that grid keeps
 * the 3d average from landing exactly on the threshold (at exactly 2× it would, after 1.5 days), where
 * float rounding could decide the comparison either way. The generator rejects such ties.
 */
const OFF_GRID = 2;
const THREE_DAYS = 3 * 24 * 60;

export interface Scenarios {
  /** Evaluated every minute (fast and sustained tiers, thresholds, latency). */
  minute: SloScenario[];
  /** Evaluated every 5 minutes, with 3 days of clean history (the slow tier). */
  long: SloScenario[];
}

/** The scenarios that the README's detection table reports, by id. */
export interface Headline {
  id: string;
  scenario: string;
  api: string;
  sli: ApiProfile['sli'];
  share: number;
  target: SloTarget;
  tiers: ReadonlyArray<BurnRateTier['tier']>;
  evalMinutes: number;
}

export function buildScenarios(config: SloConfig): { scenarios: Scenarios; headlines: Headline[] } {
  const av = representative(config, 'availability');
  const lat = representative(config, 'latency');
  if (!av) throw new Error('slo.yaml defines no availability SLO: the burn-rate tests need one');
  const minute: SloScenario[] = [];
  const long: SloScenario[] = [];
  const headlines: Headline[] = [];
  const pct = (x: number) => `${Number((x * 100).toPrecision(4))}%`;

  for (const rep of [av, ...(lat ? [lat] : [])]) {
    const { api, target } = rep;
    const sli = target.sli;
    const bad = sli === 'availability' ? '5xx' : `slower than ${target.thresholdSeconds}s`;
    const slo = `${target.objective}% ${sli}`;

    const outage = `${sli}: 100% ${bad} after 6h clean, against ${slo}`;
    minute.push({
      name: outage,
      landmarks: [SIX_HOURS, SIX_HOURS + 1, SIX_HOURS + 60],
      apis: [{ api, sli, segments: [[SIX_HOURS, 0], [60, 1]], expect: { fast: 'fires', sustained: 'fires' }, leSpelling: 1 }],
    });
    headlines.push({ id: `${sli}-outage`, scenario: outage, api, sli, share: 1, target, tiers: ['fast', 'sustained'], evalMinutes: 1 });

    const eight = clean(Math.min(1, SUSTAINED_BURN * budget(target)));
    const sustained = `${sli}: ${pct(eight)} ${bad} (${SUSTAINED_BURN}× burn) after 6h clean, against ${slo}`;
    minute.push({
      name: sustained,
      landmarks: [SIX_HOURS, SIX_HOURS + 60, SIX_HOURS + 420],
      apis: [{ api, sli, segments: [[SIX_HOURS, 0], [420, eight]], expect: { fast: 'never', sustained: 'fires' } }],
    });
    headlines.push({ id: `${sli}-sustained`, scenario: sustained, api, sli, share: eight, target, tiers: ['fast', 'sustained'], evalMinutes: 1 });

    const half = clean(0.5 * budget(target));
    minute.push({
      name: `${sli}: ${pct(half)} ${bad} (0.5× burn) after 6h clean never alerts, against ${slo}`,
      landmarks: [SIX_HOURS, SIX_HOURS + 5, SIX_HOURS + 30, SIX_HOURS + 60, SIX_HOURS + 240],
      apis: [{ api, sli, segments: [[SIX_HOURS, 0], [240, half]], expect: { fast: 'never', sustained: 'never', slow: 'never' } }],
    });

    const two = clean(SLOW_BURN * budget(target));
    const slow = `${sli}: ${pct(two)} ${bad} (${SLOW_BURN}× burn) after 3d clean, against ${slo}`;
    long.push({
      name: slow,
      landmarks: [THREE_DAYS, THREE_DAYS + 5, THREE_DAYS + 60, THREE_DAYS + 360, THREE_DAYS + 720, THREE_DAYS + 1440, THREE_DAYS + 2880],
      apis: [{ api, sli, segments: [[THREE_DAYS + OFF_GRID, 0], [2880 - OFF_GRID, two]], expect: { fast: 'never', sustained: 'never', slow: 'fires' } }],
    });
    headlines.push({ id: `${sli}-slow`, scenario: slow, api, sli, share: two, target, tiers: ['fast', 'sustained', 'slow'], evalMinutes: 5 });

    if (sli === 'availability') {
      const outage3d = `${sli}: 100% ${bad} after 3d clean, against ${slo}`;
      long.push({
        name: outage3d,
        landmarks: [THREE_DAYS, THREE_DAYS + 60],
        apis: [{ api, sli, segments: [[THREE_DAYS, 0], [60, 1]], expect: { fast: 'fires', sustained: 'fires', slow: 'fires' } }],
      });
      headlines.push({ id: `${sli}-outage-3d`, scenario: outage3d, api, sli, share: 1, target, tiers: ['slow'], evalMinutes: 5 });
    }
  }

  // Every target's own threshold: steady bad share just above and just below the fast tier's threshold.
  const fast = BURN_RATE_TIERS[0];
  const targets = sloTargets(config);
  const apiOf = (t: SloTarget): string => {
    if (t.scope.kind === 'api') return t.scope.api;
    const r = representative(config, t.sli);
    return r!.api;
  };
  for (const [factor, expect] of [[1.2, 'fires'], [0.8, 'never']] as const) {
    const apis: ApiProfile[] = targets.map((t) => {
      const thr = burnThreshold(t.objective, fast);
      const share = clean(factor > 1 ? Math.min(thr * factor, (1 + thr) / 2) : thr * factor);
      return { api: apiOf(t), sli: t.sli, segments: [[90, share]], expect: { fast: expect } };
    });
    minute.push({ name: `every SLO at ${factor}× its own fast-burn threshold (${expect === 'fires' ? 'pages' : 'does not page'})`, landmarks: [70, 90], apis });
  }
  return { scenarios: { minute, long }, headlines };
}
