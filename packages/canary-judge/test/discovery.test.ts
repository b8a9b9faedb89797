import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDiscovery, discoverCanary, discoveryQuery, pickCanary, versionsByRole, type InstantQueryClient } from '../src/browser';

const sample = (version: string, role: string, rps: number | string) => ({ metric: { api_version: version, deployment_role: role }, value: [0, String(rps)] as [number, string] });

describe('canary discovery', () => {
  it('asks for the request rate by version and role over the whole lookback, with the api escaped', () => {
    const q = discoveryQuery('orders', 600_000);
    assert.match(q, /\[600s\]/, 'the window is the lookback, not 1m');
    assert.match(q, /sum by \(api, api_version, deployment_role\)/);
    assert.match(q, /deployment_role=~"baseline\|canary"/);
    assert.match(discoveryQuery('a"} or vector(1) or {x="', 60_000), /api="a\\"} or vector\(1\) or \{x=\\""/);
  });

  it('picks the busiest canary and baseline; a slow baseline is still a baseline', () => {
    const seen = versionsByRole([sample('v2', 'canary', 3), sample('v3', 'canary', 5), sample('v1', 'baseline', 0.02), sample('', 'canary', 9), sample('v9', 'stable', 50), sample('v4', 'canary', 'NaN'), sample('v5', 'canary', 0)]);
    assert.deepEqual(seen.canary.map((c) => c.version), ['v3', 'v2']);
    const d = pickCanary('orders', seen, { lookbackMs: 600_000 });
    assert.equal(d.kind, 'found');
    assert.deepEqual([d.kind === 'found' && d.canaryVersion, d.kind === 'found' && d.baselineVersion], ['v3', 'v1']);
  });

  it('ties go to the version that sorts first (stable answers)', () => {
    const d = pickCanary('orders', versionsByRole([sample('b', 'canary', 1), sample('a', 'canary', 1), sample('z', 'baseline', 1)]), { lookbackMs: 60_000 });
    assert.equal(d.kind === 'found' && d.canaryVersion, 'a');
  });

  it('no canary, or a canary without baseline, say so; a named canary must have traffic', () => {
    const noCanary = pickCanary('orders', versionsByRole([sample('v1', 'baseline', 2)]), { lookbackMs: 600_000 });
    assert.equal(noCanary.kind, 'no-canary');
    assert.match(describeDiscovery(noCanary), /API "orders" has no canary: no deployment_role="canary" traffic over the last 10m/);
    const noBaseline = pickCanary('orders', versionsByRole([sample('v2', 'canary', 2)]), { lookbackMs: 600_000 });
    assert.equal(noBaseline.kind, 'no-baseline');
    assert.match(describeDiscovery(noBaseline), /runs canary v2 but has no baseline/);
    assert.equal(pickCanary('orders', versionsByRole([sample('v2', 'canary', 2), sample('v1', 'baseline', 2)]), { lookbackMs: 60_000, canaryVersion: 'v7' }).kind, 'no-canary');
    const pinned = pickCanary('orders', versionsByRole([sample('v2', 'canary', 2)]), { lookbackMs: 60_000, baselineVersion: 'v1' });
    assert.equal(pinned.kind === 'found' && pinned.baselineVersion, 'v1');
  });

  it('discoverCanary runs one instant query at the window end', async () => {
    const calls: Array<[string, unknown]> = [];
    const client: InstantQueryClient = {
      async query(promql, time) {
        calls.push([promql, time]);
        return [sample('v2', 'canary', 1), sample('v1', 'baseline', 1)];
      },
    };
    const end = new Date('2026-12-01T10:00:00Z');
    const d = await discoverCanary(client, 'orders', { lookbackMs: 600_000, end });
    assert.equal(d.kind, 'found');
    assert.deepEqual(calls, [[discoveryQuery('orders', 600_000), end]]);
  });
});
