/**
 * The typed client and the report reading against the real HTTP server (in process), fed by a sample
 * source that plays Prometheus' answers for a few canaries, and a discovery over fixed traffic.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CanaryGateClient,
  CanaryGateRequestError,
  CanaryGateServerError,
  CanaryGateTimeoutError,
  CanaryGateUnreachableError,
  readReport,
  startCanaryGateServer,
  type EvaluationReport,
  type RunningCanaryGate,
} from '../src';
import { discover, source } from './helpers/canaries';

describe('CanaryGateClient against canary-gate serve', () => {
  let gate: RunningCanaryGate;
  let client: CanaryGateClient;
  before(async () => {
    gate = await startCanaryGateServer({ port: 0, source, discover });
    client = new CanaryGateClient(gate.url, { timeoutMs: 5_000 });
  });
  after(() => gate.close());

  it('evaluate({ api }) discovers the versions and returns the typed report', async () => {
    const r: EvaluationReport = await client.evaluate({ api: 'orders' });
    assert.deepEqual(r.context, { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1' });
    assert.equal(r.decision, 'promote');
    const reading = readReport(r);
    assert.equal(reading.outcome, 'promote');
    assert.match(reading.summary, /^promote: canary v2 vs baseline v1 \(score 100\), conclusive in the last 3 evaluations$/);
  });

  it('a regression reads rollback with the judge’s reasons', async () => {
    const r = await client.evaluate({ api: 'orders', canary: 'v3' });
    assert.equal(r.context.baselineVersion, 'v1', 'baseline discovered, canary as named');
    const reading = readReport(r);
    assert.equal(reading.outcome, 'rollback');
    assert.match(reading.summary, /^rollback: canary v3 vs baseline v1 \(score [\d.]+\): .*error_ratio/);
    assert.ok(reading.reasons.some((x) => /critical metric error_ratio failed/.test(x)), reading.reasons.join('\n'));
  });

  it('thin traffic reads "not enough traffic to judge"; no canary requests read no data', async () => {
    const thin = readReport(await client.evaluate({ api: 'thin' }));
    assert.equal(thin.outcome, 'not-enough-traffic');
    assert.match(thin.summary, /^not enough traffic to judge canary v2 vs baseline v1: no samples for error_ratio, latency_p99_seconds, latency_p50_seconds$/);
    assert.ok(thin.reasons.some((x) => /served fewer than 50 requests/.test(x)), thin.reasons.join('\n'));
    const idle = readReport(await client.evaluate({ api: 'idle' }));
    assert.equal(idle.outcome, 'no-data');
  });

  it('a forged promote (not conclusive) reads hold', async () => {
    const r = await client.evaluate({ api: 'orders' });
    const forged = structuredClone(r);
    forged.judgement.intervals.at(-1)!.verdict.metrics[0]!.evidence.canary.n = 2;
    assert.equal(readReport(forged).outcome, 'hold');
    assert.match(readReport(forged).summary, /promote without conclusive evidence/);
  });

  it('typed errors: no canary / no baseline (404 with codes), bad request (400 with issues)', async () => {
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e;
      }
      assert.fail('expected an error');
    };
    const none = await err(client.evaluate({ api: 'ghost' }));
    assert.ok(none instanceof CanaryGateRequestError);
    assert.deepEqual([none.status, none.code], [404, 'no_canary']);
    assert.match(none.message, /canary-gate answered 404: API "ghost" has no canary: no deployment_role="canary" traffic over the last 10m/);
    const lonely = await err(client.evaluate({ api: 'lonely' }));
    assert.ok(lonely instanceof CanaryGateRequestError);
    assert.deepEqual([lonely.status, lonely.code, lonely.body?.canaryVersion], [404, 'no_baseline', 'v2']);
    const bad = await err(client.evaluate({ api: 'orders', lookback: '2m' }));
    assert.ok(bad instanceof CanaryGateRequestError);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.issues.map((i) => i.path), ['lookback']);
  });

  it('typed errors: unreachable, timeout, 5xx, and a 200 that is not a report', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(new CanaryGateClient(`http://127.0.0.1:${port}`).evaluate({ api: 'orders' }), (e: Error) => e instanceof CanaryGateUnreachableError && /is unreachable/.test(e.message));

    let answer: (res: http.ServerResponse) => void = () => {};
    const stub = http.createServer((_req, res) => answer(res));
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    try {
      answer = () => {}; // never answers
      await assert.rejects(new CanaryGateClient(url, { timeoutMs: 200 }).evaluate({ api: 'orders' }), (e: Error) => e instanceof CanaryGateTimeoutError && /within 200 ms/.test(e.message));
      answer = (res) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Prometheus at x is unreachable', kind: 'prometheus_unreachable' }));
      await assert.rejects(new CanaryGateClient(url).evaluate({ api: 'orders' }), (e: Error) => e instanceof CanaryGateServerError && e.status === 502 && e.kind === 'prometheus_unreachable');
      answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ decision: 'promote' }));
      await assert.rejects(new CanaryGateClient(url).evaluate({ api: 'orders' }), (e: Error) => e instanceof CanaryGateServerError && /not an evaluation report: context .* is missing; judgement is missing/.test(e.message));
    } finally {
      stub.closeAllConnections();
      await new Promise<void>((r) => stub.close(() => r()));
    }
  });
});
