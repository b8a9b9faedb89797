import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LABELS } from '@api-observatory/telemetry-contract';
import type { Summary } from '../src/ground-truth';
import { startLiveSimulator } from '../src/live';
import { parseExposition, sumBy } from './helpers/exposition-parser';
import { startReceiver } from './helpers/otlp-receiver';

describe('live simulator', () => {
  it('serves both gateways, pushes spans and reports ground truth that matches the expositions', async (t) => {
    const receiver = await startReceiver();
    const dir = await mkdtemp(join(tmpdir(), 'sim-live-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const summaryFile = join(dir, 'summary.json');
    const progress: string[] = [];
    let summary: Summary | undefined;
    const sim = await startLiveSimulator({
      gateway: 'both',
      port: 0,
      otlpEndpoint: receiver.url,
      rps: 400,
      seed: 3,
      tickMs: 20,
      pushIntervalMs: 100,
      progressIntervalMs: 200,
      onProgress: (l) => progress.push(l),
      summaryFile,
    });
    try {
      assert.match(sim.metricsUrls.kong!, /\/metrics$/);
      assert.match(sim.metricsUrls.apisix!, /\/apisix\/prometheus\/metrics$/);
      await sleep(900);
      const res = await fetch(sim.metricsUrls.kong!);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.ok(parseExposition(await res.text()).has('kong_http_requests_total'));
      const apisixRes = await fetch(sim.metricsUrls.apisix!);
      assert.ok(parseExposition(await apisixRes.text()).has('apisix_http_status'));

      // same snapshot: expositions and ground truth read back to back
      const kongText = sim.exposition('kong');
      const apisixText = sim.exposition('apisix');
      const snap = sim.summary();
      const kongFam = parseExposition(kongText).get('kong_http_requests_total')!;
      const apisixFam = parseExposition(apisixText).get('apisix_http_status')!;
      const kongTotal = [...sumBy(kongFam, kongFam.name, []).values()][0]!;
      const apisixTotal = [...sumBy(apisixFam, apisixFam.name, []).values()][0]!;
      assert.equal(kongTotal, snap.counts[LABELS.gateway.label].kong);
      assert.equal(apisixTotal, snap.counts[LABELS.gateway.label].apisix);
      assert.equal(kongTotal + apisixTotal, snap.totals.requests);
      assert.ok(snap.totals.requests > 150, `requests ${snap.totals.requests}`);
    } finally {
      summary = await sim.stop();
      await receiver.close();
    }
    assert.deepEqual(await sim.stop(), summary, 'stop() is idempotent');
    // the rate is what was asked for (±35% for timer jitter on a loaded machine)
    const secs = (summary.endUnixMs - summary.startUnixMs) / 1000;
    assert.ok(Math.abs(summary.totals.requests / secs - 400) < 140, `rate ${summary.totals.requests / secs}`);

    // every request's trace reached the receiver, and the summary says so
    const received = receiver.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    assert.ok(receiver.paths.every((p) => p === '/v1/traces'));
    assert.ok(receiver.contentTypes.every((c) => c === 'application/json'));
    assert.equal(received.length, summary.totals.spansPushed);
    assert.equal(summary.totals.pushErrors, 0);
    const receivedTraceIds = new Set(received.map((s) => s.traceId));
    assert.equal(summary.traces.length, summary.totals.requests);
    for (const t of summary.traces) {
      assert.ok(t.pushed, `trace ${t.traceId} pushed`);
      assert.ok(receivedTraceIds.has(t.traceId));
    }
    // summary file = returned summary; counts are consistent
    assert.deepEqual(JSON.parse(await readFile(summaryFile, 'utf8')), summary);
    for (const dim of Object.keys(summary.counts) as Array<keyof Summary['counts']>) {
      const total = Object.values(summary.counts[dim]).reduce((a, b) => a + b, 0);
      assert.equal(total, summary.totals.requests, dim);
    }
    assert.equal(summary.breakdown.reduce((a, r) => a + r.count, 0), summary.totals.requests);
    assert.ok(progress.length >= 2 && progress.every((l) => /requests=\d+ spans_pushed=\d+ push_errors=\d+/.test(l)), progress.join('\n'));
  });

  it('counts push errors and does not mark traces pushed when the endpoint refuses', async () => {
    const receiver = await startReceiver(503);
    const sim = await startLiveSimulator({ gateway: 'kong', port: 0, otlpEndpoint: receiver.url, rps: 200, tickMs: 20, pushIntervalMs: 100 });
    await sleep(400);
    const summary = await sim.stop();
    await receiver.close();
    assert.ok(summary.totals.requests > 0);
    assert.ok(summary.totals.pushErrors > 0);
    assert.equal(summary.totals.spansPushed, 0);
    assert.ok(summary.traces.every((t) => !t.pushed));
  });

  it('stops by itself after the duration and closes its server', async () => {
    const sim = await startLiveSimulator({ gateway: 'apisix', port: 0, otlpEndpoint: null, rps: 100, durationMs: 300, tickMs: 20 });
    const summary = await sim.done;
    assert.ok(summary.totals.requests > 0);
    assert.equal(summary.totals.spansGenerated, 0);
    await assert.rejects(fetch(sim.url));
  });

  it('is deterministic: the same seed sends the same traces in the same order', async () => {
    const first = async () => {
      const sim = await startLiveSimulator({ gateway: 'kong', port: 0, otlpEndpoint: null, rps: 200, seed: 99, tickMs: 20 });
      await sleep(300);
      return (await sim.stop()).traces.map((t) => [t.traceId, t.api, t.route, t.statusCode]);
    };
    const a = await first();
    const b = await first();
    const n = Math.min(a.length, b.length);
    assert.ok(n > 20);
    assert.deepEqual(a.slice(0, n), b.slice(0, n));
  });
});
