import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasConclusivePass,
  judgeGate,
  judgeIntervals,
  validateGateConfig,
  type GateConfig,
  type GateVerdict,
  type MetricConfigInput,
  type MetricSamples,
  type SampleSet,
  type SampleValue,
} from '../src';
import { Rng } from './helpers/prng';

const BASE = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11];
const same = (): MetricSamples => ({ baseline: BASE, canary: [...BASE] });
const worse = (): MetricSamples => ({ baseline: BASE, canary: BASE.map((v) => v * 3) });

function cfg(metrics: MetricConfigInput[], extra: object = {}): GateConfig {
  return validateGateConfig({ defaults: { minSamples: 5 }, metrics, ...extra });
}
const m = (name: string, over: Partial<MetricConfigInput> = {}): MetricConfigInput => ({ name, direction: 'increase', ...over });

test('all metrics pass with enough data: promote', () => {
  const v = judgeGate(cfg([m('a'), m('b')]), { a: same(), b: same() });
  assert.equal(v.classification, 'pass');
  assert.equal(v.score, 100);
  assert.equal(v.decision, 'promote');
});

test('a failing critical metric rolls back even when the score is high', () => {
  const c = cfg([m('a', { critical: true, weight: 1 }), m('b', { weight: 100 })]);
  const v = judgeGate(c, { a: worse(), b: same() });
  assert.ok(v.score > 99);
  assert.equal(v.classification, 'fail');
  assert.equal(v.decision, 'rollback');
  assert.ok(v.reasons.some((r) => /critical metric a failed/.test(r)));
});

test('score thresholds: marginal continues, fail rolls back, weights count', () => {
  const c = cfg([m('a', { weight: 1 }), m('b', { weight: 4 })], { thresholds: { pass: 95, marginal: 75 } });
  const marginal = judgeGate(c, { a: worse(), b: same() }); // 4/5 = 80
  assert.equal(marginal.score, 80);
  assert.equal(marginal.classification, 'marginal');
  assert.equal(marginal.decision, 'continue');
  const fail = judgeGate(c, { a: same(), b: worse() }); // 1/5 = 20
  assert.equal(fail.score, 20);
  assert.equal(fail.classification, 'fail');
  assert.equal(fail.decision, 'rollback');
});

test('onNoData: hold continues, fail rolls back; no data at all is classified nodata', () => {
  const metrics = [m('a'), m('b')];
  const hold = judgeGate(cfg(metrics), { a: same() });
  assert.equal(hold.decision, 'continue');
  const fail = judgeGate(cfg(metrics, { onNoData: 'fail' }), { a: same() });
  assert.equal(fail.decision, 'rollback');
  const none = judgeGate(cfg(metrics), {});
  assert.equal(none.classification, 'nodata');
  assert.equal(none.score, 0);
  assert.equal(none.decision, 'continue');
  // evidence of a failure beats missing data
  const failing = judgeGate(cfg([m('a', { critical: true }), m('b')]), { a: worse() });
  assert.equal(failing.decision, 'rollback');
});

test('hasConclusivePass rejects forged or incomplete verdicts', () => {
  const c = cfg([m('a'), m('b')]);
  const good = judgeGate(c, { a: same(), b: same() });
  assert.equal(hasConclusivePass(good.metrics, c), true);
  const forge = (f: (v: GateVerdict) => void) => {
    const copy = structuredClone(good);
    f(copy);
    return hasConclusivePass(copy.metrics, c);
  };
  assert.equal(forge((v) => (v.metrics[0]!.evidence.canary.n = 2)), false);
  assert.equal(forge((v) => (v.metrics[0]!.result = 'nodata')), false);
  assert.equal(forge((v) => (v.metrics[0]!.failed = true)), false);
  assert.equal(forge((v) => (v.metrics[1]!.evidence.pValue = NaN)), false);
  assert.equal(forge((v) => (v.metrics[1]!.evidence.ci = null)), false);
  assert.equal(forge((v) => (v.metrics[1]!.evidence.canary.infinite = 1)), false);
  assert.equal(forge((v) => (v.metrics[1]!.minSamples = 0)), false);
  assert.equal(forge((v) => v.metrics.pop()), false, 'a configured metric without a verdict');
  assert.equal(forge((v) => (v.metrics[1]!.metric = 'a')), false, 'a duplicated verdict');
  assert.equal(hasConclusivePass([]), false);
});

// ---------------------------------------------------------------------------------------------
// Safety property: missing, empty, NaN or infinite data can never produce "promote".
// ---------------------------------------------------------------------------------------------

type Damage = 'none' | 'missing-key' | 'undefined-side' | 'empty' | 'all-nan' | 'short' | 'nan-sprinkled' | 'infinite';
const DAMAGE: Damage[] = ['missing-key', 'undefined-side', 'empty', 'all-nan', 'short', 'nan-sprinkled', 'infinite'];

function randomConfig(rng: Rng): GateConfig {
  const n = rng.int(1, 4);
  const pass = rng.int(50, 100);
  return validateGateConfig({
    onNoData: rng.pick(['hold', 'fail'] as const),
    thresholds: { pass, marginal: rng.int(0, pass) },
    metrics: Array.from({ length: n }, (_, i) => {
      const mc: MetricConfigInput = {
        name: `m${i}`,
        direction: rng.pick(['increase', 'decrease', 'either'] as const),
        critical: rng.chance(0.4),
        weight: rng.int(1, 5),
        minSamples: rng.int(1, 12),
        confidenceLevel: rng.pick([0.8, 0.9, 0.95, 0.99]),
        tolerance: { relative: rng.pick([0, 0.05, 0.2]), absolute: rng.pick([0, 0.5]) },
      };
      if (rng.chance(0.3)) mc.guard = { max: rng.pick([15, 1000]), statistic: rng.pick(['median', 'max', 'mean', 'last'] as const) };
      return mc;
    }),
  });
}

function randomSide(rng: Rng, n: number): SampleValue[] {
  const shift = rng.chance(0.2) ? rng.normal(0, 3) : 0;
  return Array.from({ length: n }, () => Math.round((10 + shift + rng.normal(0, 1)) * 100) / 100);
}

/** Samples for one metric, damaged as requested. Returns what the test itself knows about adequacy. */
function randomSamples(rng: Rng, minSamples: number, damage: Damage): { samples?: MetricSamples; adequate: boolean } {
  const n = () => rng.int(minSamples, minSamples + 15);
  const good = (): SampleValue[] => randomSide(rng, n());
  const side = rng.pick(['baseline', 'canary'] as const);
  const damaged = (f: () => SampleValue[]): MetricSamples => (side === 'baseline' ? { baseline: f(), canary: good() } : { baseline: good(), canary: f() });
  switch (damage) {
    case 'none':
      return { samples: { baseline: good(), canary: good() }, adequate: true };
    case 'missing-key':
      return { adequate: false };
    case 'undefined-side':
      return { samples: damaged(() => undefined as unknown as SampleValue[]), adequate: false };
    case 'empty':
      return { samples: damaged(() => []), adequate: false };
    case 'all-nan':
      return { samples: damaged(() => Array.from({ length: n() }, () => (rng.chance(0.5) ? NaN : null))), adequate: false };
    case 'short':
      return { samples: damaged(() => randomSide(rng, rng.int(0, minSamples - 1))), adequate: false };
    case 'nan-sprinkled': {
      // enough values given, but after dropping NaN/null fewer than minSamples remain
      const values = randomSide(rng, n());
      const keep = rng.int(0, minSamples - 1);
      const idx = values.map((_, i) => i).sort(() => rng.float() - 0.5);
      for (const i of idx.slice(keep)) values[i] = rng.chance(0.5) ? NaN : null;
      return { samples: damaged(() => values), adequate: false };
    }
    case 'infinite': {
      const values = randomSide(rng, n());
      values[rng.int(0, values.length - 1)] = rng.pick([Infinity, -Infinity]);
      return { samples: damaged(() => values), adequate: false };
    }
  }
}

/** Finite values of a raw side, counted independently of the implementation. */
const finiteCount = (xs: readonly SampleValue[] | undefined) => (Array.isArray(xs) ? xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).length : 0);

test('safety property: no promote whenever any metric lacks enough finite data (2000 random gates)', () => {
  const rng = new Rng(0xc0ffee);
  let promotedWithFullData = 0;
  let damagedTrials = 0;
  for (let trial = 0; trial < 2000; trial++) {
    const config = randomConfig(rng);
    const damageSome = rng.chance(0.6);
    const victim = rng.int(0, config.metrics.length - 1);
    const samples: Record<string, MetricSamples> = {};
    let adequate = true;
    config.metrics.forEach((mc, i) => {
      const damage: Damage = damageSome && (i === victim || rng.chance(0.2)) ? rng.pick(DAMAGE) : 'none';
      const s = randomSamples(rng, mc.minSamples, damage);
      if (s.samples) samples[mc.name] = s.samples;
      // independent check of the raw data, not of the generator's intent
      const raw = samples[mc.name];
      const ok =
        raw !== undefined &&
        finiteCount(raw.baseline) >= mc.minSamples &&
        finiteCount(raw.canary) >= mc.minSamples &&
        [...(raw.baseline ?? []), ...(raw.canary ?? [])].every((x) => x === null || Number.isNaN(x) || Number.isFinite(x));
      assert.equal(ok, s.adequate, `generator and checker disagree on ${mc.name} (trial ${trial})`);
      adequate &&= ok;
    });
    const v = judgeGate(config, samples);
    if (!adequate) {
      damagedTrials++;
      assert.notEqual(v.decision, 'promote', `trial ${trial}: promoted with inadequate data`);
      if (config.onNoData === 'fail' && v.metrics.some((x) => x.result === 'nodata')) assert.equal(v.decision, 'rollback', `trial ${trial}`);
    }
    if (v.decision === 'promote') {
      for (const mv of v.metrics) {
        const raw = samples[mv.metric]!;
        const mc = config.metrics.find((x) => x.name === mv.metric)!;
        assert.ok(finiteCount(raw.baseline) >= mc.minSamples && finiteCount(raw.canary) >= mc.minSamples);
        assert.equal(mv.failed, false);
      }
      if (adequate) promotedWithFullData++;
    }
  }
  // the property is not vacuous: damaged inputs were common, and clean ones do get promoted
  assert.ok(damagedTrials > 800, `damaged trials: ${damagedTrials}`);
  assert.ok(promotedWithFullData > 200, `promotes with full data: ${promotedWithFullData}`);
});

test('safety property: dropping values below minSamples flips a promote to a non-promote', () => {
  const rng = new Rng(77);
  const config = cfg([m('a', { minSamples: 8 }), m('b', { minSamples: 8 })]);
  let checked = 0;
  for (let trial = 0; trial < 300; trial++) {
    const samples: Record<string, MetricSamples> = { a: { baseline: randomSide(rng, 10), canary: randomSide(rng, 10) }, b: { baseline: randomSide(rng, 10), canary: randomSide(rng, 10) } };
    if (judgeGate(config, samples).decision !== 'promote') continue;
    checked++;
    const key = rng.pick(['a', 'b'] as const);
    const sideName = rng.pick(['baseline', 'canary'] as const);
    const values = [...samples[key]![sideName]];
    for (let i = 0; i < 3; i++) values[rng.int(0, values.length - 1)] = NaN; // at least 1, at most 3 dropped
    const dropped = values.filter((x) => Number.isNaN(x)).length;
    const damaged: SampleSet = { ...samples, [key]: { ...samples[key]!, [sideName]: values } };
    const v = judgeGate(config, damaged);
    if (10 - dropped < 8) assert.notEqual(v.decision, 'promote', `trial ${trial}`);
  }
  assert.ok(checked > 50, `promotes checked: ${checked}`);
});

test('safety property over intervals: no promote unless the last K intervals all had enough data', () => {
  const rng = new Rng(4242);
  const config = cfg([m('a', { critical: true }), m('b')]);
  let promotes = 0;
  for (let trial = 0; trial < 400; trial++) {
    const k = rng.int(1, 4);
    const count = rng.int(0, 7);
    const adequacy: boolean[] = [];
    const verdicts = Array.from({ length: count }, () => {
      const damage = rng.chance(0.3) ? rng.pick(DAMAGE) : 'none';
      const sa = randomSamples(rng, 5, damage);
      const sb = randomSamples(rng, 5, 'none');
      adequacy.push(sa.adequate);
      const samples: Record<string, MetricSamples> = { b: sb.samples! };
      if (sa.samples) samples.a = sa.samples;
      return judgeGate(config, samples);
    });
    const j = judgeIntervals(verdicts, { promoteAfter: k });
    if (j.decision === 'promote') {
      promotes++;
      assert.ok(count >= k, `trial ${trial}: promoted after ${count} < ${k} intervals`);
      assert.ok(adequacy.slice(-k).every(Boolean), `trial ${trial}: promoted over an interval without enough data`);
    }
  }
  assert.ok(promotes > 20, `promotes: ${promotes}`);
});
