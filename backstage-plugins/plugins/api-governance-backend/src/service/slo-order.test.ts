/**
 * The SLO gate's evidence reads the same on every evaluation: burn-rate windows shortest first and SLIs
 * by name, whatever order Prometheus' answers (queried in parallel) and their samples arrive in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SLO_LABEL, SLO_WINDOWS, type Sample, type SloWindow } from '@api-observatory/telemetry-contract';
import { SLO_GATE_WINDOWS, burnRatesOf, describeSlo, evaluateTiers, type SloEvidence } from './slo';

const sample = (sli: string, v: number): Sample => ({ metric: { [SLO_LABEL]: sli }, value: [0, String(v)] });

test('the gate queries the windows shortest first (the contract order)', () => {
  assert.deepEqual(SLO_GATE_WINDOWS, ['5m', '30m', '1h', '6h', '3d']);
  assert.deepEqual(SLO_GATE_WINDOWS, SLO_WINDOWS.filter((w) => SLO_GATE_WINDOWS.includes(w)));
});

test('burn rates: windows shortest first, SLIs by name, in whatever order the answers came', () => {
  const arrival: SloWindow[] = ['3d', '1h', '30m', '6h', '5m'];
  const answers = arrival.map((w, i) => ({ window: w, samples: i % 2 ? [sample('latency', 0.1), sample('availability', 0.2)] : [sample('availability', 0.2), sample('latency', 0.1)] }));
  const burnRates = burnRatesOf(answers);
  assert.deepEqual(Object.keys(burnRates), ['availability', 'latency']);
  for (const sli of ['availability', 'latency']) assert.deepEqual(Object.keys(burnRates[sli]!), ['5m', '30m', '1h', '6h', '3d'], sli);
  assert.deepEqual(burnRates, burnRatesOf([...answers].reverse()), 'the same evidence for another arrival order');
  const evidence = { burnRates, tiers: evaluateTiers(burnRates), firing: [] } as unknown as SloEvidence;
  assert.equal(describeSlo(evidence), 'availability 5m 0.2×, 30m 0.2×, 1h 0.2×, 6h 0.2×, 3d 0.2×; latency 5m 0.1×, 30m 0.1×, 1h 0.1×, 6h 0.1×, 3d 0.1×');
});

test('a window without a sample of an SLI is left out; a non-numeric sample is null', () => {
  const burnRates = burnRatesOf([
    { window: '1h', samples: [sample('availability', 0.5)] },
    { window: '5m', samples: [{ metric: { [SLO_LABEL]: 'availability' }, value: [0, 'NaN'] }, sample('latency', 1)] },
  ]);
  assert.deepEqual(burnRates, { availability: { '5m': null, '1h': 0.5 }, latency: { '5m': 1 } });
});
