/**
 * The Canary page's discovery: the recorded answers of canary-gate's discovery query, read with the
 * judge's pickCanary (the page and `canary-gate serve` find the same versions).
 */
import { discoveryQuery } from '@api-observatory/canary-judge/browser';
import { canaryFixture } from '../test/fixtures';
import { promFrames } from '../test/frames';
import { discoverFromFrames } from './canaryEval';

const LOOKBACK_MS = 600_000;
const recorded = canaryFixture.canaries[0]!;
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;
const frames = (keep: (metric: Record<string, string>) => boolean) => {
  const data = recorded.discover.response.data!;
  return promFrames({ ...recorded.discover.response, data: { ...data, result: (data.result as Vector).filter((s) => keep(s.metric)) } }, { refId: 'discover' });
};

describe('canary discovery on the page', () => {
  it('runs canary-gate’s discovery query, as recorded from the real rig', () => {
    expect(recorded.discover.expr).toBe(discoveryQuery(recorded.api, LOOKBACK_MS));
  });

  it('finds the recorded canary and baseline', () => {
    const found = discoverFromFrames(recorded.api, frames(() => true), LOOKBACK_MS);
    expect(found).toMatchObject({ kind: 'found', canaryVersion: recorded.canaryVersion, baselineVersion: recorded.baselineVersion });
  });

  it('a canary without baseline, or no canary, says so; an unknown wanted version falls back to the busiest canary', () => {
    expect(discoverFromFrames(recorded.api, frames((m) => m.deployment_role === 'canary'), LOOKBACK_MS).kind).toBe('no-baseline');
    expect(discoverFromFrames(recorded.api, frames((m) => m.deployment_role === 'baseline'), LOOKBACK_MS).kind).toBe('no-canary');
    expect(discoverFromFrames(recorded.api, frames(() => true), LOOKBACK_MS, 'v-none')).toMatchObject({ kind: 'found', canaryVersion: recorded.canaryVersion });
  });
});
