import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../src/prng';

describe('Rng', () => {
  it('repeats its sequence for the same seed and stream', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    assert.deepEqual(Array.from({ length: 50 }, () => a.nextUint32()), Array.from({ length: 50 }, () => b.nextUint32()));
  });

  it('differs across seeds and across streams', () => {
    const seq = (r: Rng) => Array.from({ length: 10 }, () => r.nextUint32());
    assert.notDeepEqual(seq(new Rng(42, 'x')), seq(new Rng(43, 'x')));
    assert.notDeepEqual(seq(new Rng(42, 'x')), seq(new Rng(42, 'y')));
  });

  it('draws uniforms in [0, 1) with the right mean', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const v = r.next();
      assert.ok(v >= 0 && v < 1);
      sum += v;
    }
    assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01, `mean ${sum / 20000}`);
  });

  it('honours weights', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.weightedIndex([1, 2, 7])]!++;
    assert.ok(Math.abs(counts[2]! / 30000 - 0.7) < 0.02, `share ${counts[2]! / 30000}`);
    assert.ok(Math.abs(counts[0]! / 30000 - 0.1) < 0.02);
  });

  it('gives log-normal samples with the requested median', () => {
    const r = new Rng(5);
    const xs = Array.from({ length: 20001 }, () => r.logNormal(50, 0.5)).sort((a, b) => a - b);
    assert.ok(Math.abs(xs[10000]! - 50) < 2.5, `median ${xs[10000]}`);
  });

  it('gives Poisson counts with the requested mean, small and large', () => {
    const r = new Rng(9);
    for (const mean of [0.3, 4, 120]) {
      let sum = 0;
      for (let i = 0; i < 5000; i++) sum += r.poisson(mean);
      assert.ok(Math.abs(sum / 5000 - mean) < Math.max(0.05, mean * 0.03), `mean ${mean}: ${sum / 5000}`);
    }
  });

  it('makes non-zero lower-case hex ids of the requested length', () => {
    const r = new Rng(11);
    for (let i = 0; i < 100; i++) {
      assert.match(r.hex(16), /^[0-9a-f]{32}$/);
      assert.match(r.hex(8), /^(?!0{16})[0-9a-f]{16}$/);
    }
  });
});
