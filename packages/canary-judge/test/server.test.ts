import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeExpositionValue } from '@api-observatory/telemetry-contract';
import {
  CanaryGateMetrics,
  DEFAULT_GATE_CONFIG,
  escapeExpositionLabel,
  ValidationError,
  createPrometheusSource,
  postRollbackEvent,
  startCanaryGateServer,
  validateEvaluateRequest,
  type RollbackEvent,
  type RunningCanaryGate,
  type SampleQuery,
} from '../src';

const good = [0.01, 0.011, 0.009, 0.01, 0.012, 0.01, 0.011, 0.009, 0.01, 0.01];
const lat = [0.3, 0.31, 0.29, 0.3, 0.32, 0.3, 0.31, 0.29, 0.3, 0.3];

/** A fake source: canary "bad" has 10x the errors, api "ghost" has no series. */
async function fakeSource(q: SampleQuery) {
  if (q.api !== 'orders') return {};
  const errors = q.canaryVersion === 'bad' ? good.map((v) => v * 10) : good;
  return {
    error_ratio: { baseline: good, canary: errors },
    latency_p99_seconds: { baseline: lat, canary: lat },
    latency_p50_seconds: { baseline: lat, canary: lat },
  };
}

/** A webhook receiver that fails the first `failures` deliveries with 503. */
async function receiver(failures = 0) {
  const events: RollbackEvent[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      attempts++;
      if (attempts <= failures) {
        res.writeHead(503).end();
        return;
      }
      events.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    events,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

describe('validateEvaluateRequest', () => {
  const issues = (raw: unknown) => {
    try {
      validateEvaluateRequest(raw, DEFAULT_GATE_CONFIG);
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      return e.issues.map((i) => `${i.path}: ${i.message}`);
    }
    assert.fail('expected a ValidationError');
  };

  it('accepts a request and fills the window defaults', () => {
    assert.deepEqual(validateEvaluateRequest({ api: 'orders', canary: 'v2.1', baseline: 'v2' }, DEFAULT_GATE_CONFIG), {
      api: 'orders',
      canary: 'v2.1',
      baseline: 'v2',
      interval: '1m',
      lookback: '10m',
      intervalMs: 60_000,
      lookbackMs: 600_000,
    });
  });

  it('names each bad field, refuses unknown fields and queries', () => {
    assert.deepEqual(issues({ canary: 'v2', baseline: 1 }), ['api: api is required (a non-empty string)', 'baseline: baseline must be a string, got a number']);
    assert.match(issues({ api: ' ', canary: 'v2', baseline: 'v1' })[0]!, /^api: api must be a non-empty string$/);
    assert.match(issues({ api: 'a\nb', canary: 'v2', baseline: 'v1' })[0]!, /api must not contain control characters/);
    assert.match(issues({ api: 'x'.repeat(300), canary: 'v2', baseline: 'v1' })[0]!, /api must be at most 256 characters, got 300/);
    assert.match(issues({ api: 'a\ud800', canary: 'v2', baseline: 'v1' })[0]!, /api must be valid Unicode text/);
    const q = issues({ api: 'orders', canary: 'v2', baseline: 'v1', query: 'up' });
    assert.ok(q.some((m) => /^query: query is not a known field \(known fields: api, canary, baseline, interval, lookback, entityRef\)$/.test(m)), q.join('\n'));
    assert.ok(q.some((m) => /query is refused: queries come from the gate config/.test(m)), q.join('\n'));
    assert.match(issues({ api: 'orders', canary: 'v2', baseline: 'v1', interval: 'soon' })[0]!, /^interval: interval must be a duration such as 30s, 1m or 1h30m, got "soon"$/);
    assert.match(issues({ api: 'orders', canary: 'v2', baseline: 'v1', lookback: '5m' })[0]!, /^lookback: lookback 5m at interval 1m yields at most 5 value\(s\) per side, fewer than minSamples 8/);
    assert.match(issues({ api: 'orders', canary: 'v2', baseline: 'v1', interval: '1500ms' }).join(), /interval: interval must be a whole number of seconds/);
    assert.match(issues([])[0]!, /request must be an object, got an array/);
  });
});

describe('CanaryGateMetrics', () => {
  it('renders state sets, the score and the counter, with escaped label values and bounded memory', async () => {
    const m = new CanaryGateMetrics(2);
    const verdict = (decision: 'promote' | 'rollback', result: 'pass' | 'high') => ({
      score: decision === 'promote' ? 100 : 40,
      metrics: [{ metric: 'error_ratio', result }],
    });
    const rec = (api: string, decision: 'promote' | 'rollback') =>
      m.record({ context: { api, canaryVersion: 'v2', baselineVersion: 'v1' }, decision, judgement: { decidedAt: null, intervals: [] }, verdict: verdict(decision, decision === 'promote' ? 'pass' : 'high') } as any);
    rec('orders', 'promote');
    rec('orders', 'rollback');
    rec('we"ird\\api\n', 'promote');
    const text = await m.render();
    assert.match(text, /^# HELP canary_gate_decision /m);
    assert.match(text, /^# TYPE canary_gate_decision gauge$/m);
    assert.match(text, /^# TYPE canary_gate_evaluations_total counter$/m);
    assert.match(text, /^canary_gate_decision\{api="orders",api_version="v2",baseline_version="v1",decision="rollback"\} 1$/m);
    assert.match(text, /^canary_gate_decision\{api="orders",api_version="v2",baseline_version="v1",decision="promote"\} 0$/m);
    assert.match(text, /^canary_gate_score\{api="orders",api_version="v2",baseline_version="v1"\} 40$/m);
    assert.match(text, /^canary_gate_metric_result\{api="orders",api_version="v2",baseline_version="v1",gate_metric="error_ratio",result="high"\} 1$/m);
    assert.match(text, /^canary_gate_evaluations_total\{api="orders",api_version="v2",decision="promote"\} 1$/m);
    assert.match(text, /^canary_gate_decision\{api="we\\"ird\\\\api\\n",api_version="v2",baseline_version="v1",decision="promote"\} 1$/m);
    rec('third', 'promote');
    assert.equal(m.size, 2, 'least recently evaluated canary dropped');
    assert.doesNotMatch(await m.render(), /canary_gate_score\{api="orders"/);
  });
  it('writes label values as the contract escapes them (escapeExpositionLabel is the contract function)', async () => {
    assert.equal(escapeExpositionLabel, escapeExpositionValue);
    const values = ['we"ird\\api\n', 'tab\there\rcr', '\\n literal', 'é ✓ "q"', 'a\\"b'];
    const m = new CanaryGateMetrics(values.length);
    for (const api of values) m.record({ context: { api, canaryVersion: 'v2', baselineVersion: 'v1' }, decision: 'promote', judgement: { decidedAt: null, intervals: [] }, verdict: { score: 100, metrics: [] } } as any);
    const text = await m.render();
    for (const api of values) {
      assert.ok(text.includes(`canary_gate_score{api="${escapeExpositionLabel(api)}",api_version="v2",baseline_version="v1"} 100\n`), `${JSON.stringify(api)} as prom-client writes it:\n${text}`);
    }
    assert.equal(escapeExpositionLabel('a"b\\c\nd\te'), 'a\\"b\\\\c\\nd\te');
  });
});

describe('postRollbackEvent', () => {
  const event = { api: 'orders', canaryVersion: 'v2' } as RollbackEvent;
  it('retries with backoff until the receiver accepts', async () => {
    const r = await receiver(2);
    const log: string[] = [];
    const result = await postRollbackEvent(r.url, event, { initialDelayMs: 10, log: (l) => log.push(l) });
    await r.close();
    assert.deepEqual([result.delivered, result.attempts, r.events.length], [true, 3, 1]);
    assert.equal(log.filter((l) => /retrying in/.test(l)).length, 2);
  });
  it('gives up after the attempts, without throwing, and does not retry a 4xx', async () => {
    const log: string[] = [];
    const down = await postRollbackEvent('http://127.0.0.1:9/hook', event, { attempts: 2, initialDelayMs: 5, log: (l) => log.push(l) });
    assert.deepEqual([down.delivered, down.attempts], [false, 2]);
    assert.match(log.at(-1)!, /giving up .* after 2 attempt/);
    const srv = http.createServer((_req, res) => res.writeHead(400).end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const bad = await postRollbackEvent(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`, event, { initialDelayMs: 5 });
    srv.close();
    assert.deepEqual([bad.delivered, bad.attempts, bad.status], [false, 1, 400]);
  });
});

describe('HTTP endpoint (injected sample source)', () => {
  let gate: RunningCanaryGate;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const log: string[] = [];

  before(async () => {
    hook = await receiver(1);
    gate = await startCanaryGateServer({
      port: 0,
      source: fakeSource,
      webhookUrl: hook.url,
      webhook: { initialDelayMs: 10 },
      log: (l) => log.push(l),
      now: () => new Date('2026-11-29T10:00:00Z'),
    });
  });
  after(async () => {
    await gate.close();
    await hook.close();
  });

  it('GET /healthz', async () => {
    const res = await fetch(`${gate.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('POST /v1/evaluate returns the report; a rollback posts the event (retried) and /metrics shows both', async () => {
    const ok = await post(`${gate.url}/v1/evaluate`, { api: 'orders', canary: 'v2', baseline: 'v1', lookback: '12m' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.decision, 'promote');
    assert.deepEqual(ok.json.context, { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1' });
    assert.equal(ok.json.window.step, '1m');
    assert.equal(ok.json.judgement.decision, 'promote');
    assert.equal(ok.json.rollbackEvent, undefined);

    const bad = await post(`${gate.url}/v1/evaluate`, { api: 'orders', canary: 'bad', baseline: 'v1' });
    assert.equal(bad.json.decision, 'rollback');
    assert.equal(bad.json.rollbackEvent.type, 'canary.rollback');
    const delivered = await gate.handler.drainWebhooks();
    assert.equal(delivered[0]?.delivered, true);
    assert.equal(hook.attempts(), 2, 'first delivery failed with 503, second succeeded');
    assert.deepEqual(hook.events, [bad.json.rollbackEvent]);

    const metrics = await (await fetch(`${gate.url}/metrics`)).text();
    assert.match(metrics, /^canary_gate_decision\{api="orders",api_version="v2",baseline_version="v1",decision="promote"\} 1$/m);
    assert.match(metrics, /^canary_gate_decision\{api="orders",api_version="bad",baseline_version="v1",decision="rollback"\} 1$/m);
    assert.match(metrics, /^canary_gate_evaluations_total\{api="orders",api_version="bad",decision="rollback"\} 1$/m);
    assert.ok(log.some((l) => /evaluate api="orders" canary="bad" .*: rollback/.test(l)));
  });

  it('an API without series holds (continue), it is not an error', async () => {
    const r = await post(`${gate.url}/v1/evaluate`, { api: 'ghost', canary: 'v2', baseline: 'v1' });
    assert.equal(r.status, 200);
    assert.equal(r.json.decision, 'continue');
    assert.ok(r.json.verdict.metrics.every((m: { result: string }) => m.result === 'nodata'));
  });

  it('400 names the field; 413, 415, 404 and 405 are explicit', async () => {
    const missing = await post(`${gate.url}/v1/evaluate`, { api: 'orders', canary: 'v2' });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error, /baseline is required/);
    assert.deepEqual(missing.json.issues.map((i: { path: string }) => i.path), ['baseline']);
    const promql = await post(`${gate.url}/v1/evaluate`, { api: 'orders', canary: 'v2', baseline: 'v1', query: 'sum(up)' });
    assert.equal(promql.status, 400);
    assert.match(promql.json.error, /query is refused/);
    const notJson = await post(`${gate.url}/v1/evaluate`, '{"api": ');
    assert.equal(notJson.status, 400);
    assert.match(notJson.json.error, /request body is not valid JSON/);
    const big = await post(`${gate.url}/v1/evaluate`, JSON.stringify({ api: 'orders', canary: 'v2', baseline: 'v1', pad: 'x'.repeat(70_000) }));
    assert.equal(big.status, 413);
    assert.match(big.json.error, /too large/);
    const form = await post(`${gate.url}/v1/evaluate`, 'api=orders', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.equal((await fetch(`${gate.url}/nope`)).status, 404);
    const get = await fetch(`${gate.url}/v1/evaluate`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('the server still answers after all of that', async () => {
    assert.equal((await fetch(`${gate.url}/healthz`)).status, 200);
  });
});

describe('HTTP endpoint with Prometheus down', () => {
  it('answers 502 naming Prometheus, and keeps serving', async () => {
    const gate = await startCanaryGateServer({ port: 0, source: createPrometheusSource('http://127.0.0.1:9') });
    try {
      const r = await post(`${gate.url}/v1/evaluate`, { api: 'orders', canary: 'v2', baseline: 'v1' });
      assert.equal(r.status, 502);
      assert.equal(r.json.kind, 'prometheus_unreachable');
      assert.match(r.json.error, /Prometheus at http:\/\/127\.0\.0\.1:9 is unreachable/);
      assert.equal((await fetch(`${gate.url}/healthz`)).status, 200);
    } finally {
      await gate.close();
    }
  });
});
