/**
 * The HTTP surface of `canary-gate serve`, request by request: status, the JSON error (or body), and the
 * headers clients rely on. Each case is a raw HTTP/1.1 exchange (node:http request), so the framework's
 * defaults (trailing slashes, case, HEAD, OPTIONS, chunked bodies, charsets) are pinned down too.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startCanaryGateServer, type RunningCanaryGate } from '../src';
import { discover, source } from './helpers/canaries';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

function request(base: string, method: string, path: string, o: { body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined && !o.chunked) headers['content-length'] = String(Buffer.byteLength(o.body));
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (o.body !== undefined) {
      if (o.chunked) {
        const b = Buffer.from(o.body);
        for (let i = 0; i < b.length; i += 16_384) req.write(b.subarray(i, i + 16_384));
      } else req.write(o.body);
    }
    req.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const errorOf = (a: Answer) => a.json?.error as string | undefined;

describe('canary-gate HTTP surface (requests without discovery)', () => {
  let gate: RunningCanaryGate;
  const call = (method: string, path: string, o?: Parameters<typeof request>[3]) => request(gate.url, method, path, o);
  before(async () => {
    gate = await startCanaryGateServer({ port: 0, source, now: () => new Date('2026-11-29T10:00:00Z') });
  });
  after(() => gate.close());

  it('GET and HEAD /healthz; its headers', async () => {
    const r = await call('GET', '/healthz?probe=1');
    assert.equal(r.status, 200);
    assert.equal(r.text, '{\n  "status": "ok"\n}\n');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-powered-by'], undefined);
    assert.equal(r.headers.etag, undefined);
    const h = await call('HEAD', '/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.text, '');
  });

  it('GET /metrics in the Prometheus text format', async () => {
    const r = await call('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.text, /^# TYPE canary_gate_decision gauge$/m);
    assert.equal((await call('HEAD', '/metrics')).status, 200);
  });

  it('405 with Allow on a known path, for every other method', async () => {
    for (const [method, path, allow] of [
      ['POST', '/healthz', 'GET, HEAD'],
      ['DELETE', '/metrics', 'GET, HEAD'],
      ['GET', '/v1/evaluate', 'POST'],
      ['HEAD', '/v1/evaluate', 'POST'],
      ['PUT', '/v1/evaluate', 'POST'],
      ['OPTIONS', '/v1/evaluate', 'POST'],
      ['GET', '/v1/flagger/rollout', 'POST'],
      ['GET', '/v1/flagger/nope', 'POST'],
    ] as const) {
      const r = await call(method, path);
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, allow, `${method} ${path}`);
      if (method !== 'HEAD') assert.equal(errorOf(r), `method ${method} not allowed on ${path}; use ${allow.replace(', ', ' or ')}`);
    }
  });

  it('404 names the endpoints; paths are exact (case, trailing slash)', async () => {
    for (const path of ['/nope', '/Healthz', '/healthz/', '/v1/evaluate/', '/v1', '/']) {
      const r = await call('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(errorOf(r), `not found: ${path} (endpoints: POST /v1/evaluate, POST /v1/flagger/<hook>, GET /metrics, GET /healthz)`);
    }
    for (const [path, hook] of [
      ['/v1/flagger/nope', 'nope'],
      ['/v1/flagger/', ''],
      ['/v1/flagger/rollout/', 'rollout/'],
      ['/v1/flagger/a/b', 'a/b'],
      ['/v1/flagger/pre%2Drollout', 'pre%2Drollout'],
    ]) {
      const r = await call('POST', path!, { body: '{}', headers: JSON_TYPE });
      assert.equal(r.status, 404, path);
      assert.equal(errorOf(r), `unknown Flagger hook ${JSON.stringify(hook)} (hooks: pre-rollout, rollout, confirm-promotion)`);
    }
  });

  it('415 unless the content type is application/json (parameters and case aside)', async () => {
    for (const [type, shown] of [
      [undefined, 'none'],
      ['text/plain', 'text/plain'],
      ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
      ['application/merge-patch+json', 'application/merge-patch+json'],
    ] as const) {
      const r = await call('POST', '/v1/evaluate', { body: '{"api":"orders"}', headers: type ? { 'content-type': type } : {} });
      assert.equal(r.status, 415, String(type));
      assert.equal(errorOf(r), `content-type must be application/json, got ${JSON.stringify(shown)}`);
    }
    for (const type of ['Application/JSON', 'application/json; charset=utf-8']) {
      const r = await call('POST', '/v1/evaluate', { body: '{"api":"orders","canary":"v2","baseline":"v1"}', headers: { 'content-type': type } });
      assert.equal(r.status, 200, `${type}: ${r.text}`);
    }
  });

  it('400 for a body that is not JSON, with the parser\'s reason', async () => {
    for (const body of ['{"api": ', '', 'nope']) {
      const r = await call('POST', '/v1/evaluate', { body, headers: JSON_TYPE });
      assert.equal(r.status, 400, JSON.stringify(body));
      let reason = '';
      try {
        JSON.parse(body);
      } catch (e) {
        reason = (e as Error).message;
      }
      assert.equal(errorOf(r), `request body is not valid JSON: ${reason}`);
    }
  });

  it('400 names each bad field of the request', async () => {
    const cases: Array<[string, string[]]> = [
      ['"orders"', ['request must be an object, got a string']],
      ['null', ['request must be an object, got null']],
      ['[1]', ['request must be an object, got an array']],
      ['{"api":"orders","canary":"v2"}', ['baseline is required (a non-empty string)']],
      ['{"canary":"v2","baseline":1}', ['api is required (a non-empty string)', 'baseline must be a string, got a number']],
      ['{"api":"orders","canary":"v2","baseline":"v1","promql":"up"}', [
        'promql is not a known field (known fields: api, canary, baseline, interval, lookback, entityRef)',
        'promql is refused: queries come from the gate config (named contract queries), never from a request',
      ]],
      ['{"api":"orders","canary":"v2","baseline":"v1","interval":5}', ['interval must be a string, got a number']],
      ['{"api":"orders","canary":"v2","baseline":"v1","interval":" "}', ['interval must be a non-empty string']],
    ];
    for (const [body, messages] of cases) {
      const r = await call('POST', '/v1/evaluate', { body, headers: JSON_TYPE });
      assert.equal(r.status, 400, body);
      assert.deepEqual(r.json.issues.map((i: { message: string }) => i.message), messages, body);
      assert.equal(errorOf(r), messages.length === 1 ? `invalid request: ${messages[0]}` : `invalid request: ${messages.length} problems:\n${messages.map((m) => `  - ${m}`).join('\n')}`);
    }
  });

  it('413 over 64 KiB, declared or streamed, and the connection closes', async () => {
    const body = JSON.stringify({ api: 'orders', pad: 'x'.repeat(70_000) });
    const declared = await call('POST', '/v1/evaluate', { body, headers: JSON_TYPE });
    assert.equal(declared.status, 413);
    assert.equal(errorOf(declared), `request body too large: ${Buffer.byteLength(body)} bytes, at most 65536`);
    assert.equal(declared.headers.connection, 'close');
    const streamed = await call('POST', '/v1/evaluate', { body, headers: JSON_TYPE, chunked: true });
    assert.equal(streamed.status, 413);
    assert.equal(errorOf(streamed), 'request body too large: more than 65536 bytes');
    const atLimit = JSON.stringify({ api: 'orders', canary: 'v2', baseline: 'v1', interval: '1m' }).padEnd(65_536, ' ');
    assert.equal((await call('POST', '/v1/evaluate', { body: atLimit, headers: JSON_TYPE })).status, 200, 'a body of exactly 64 KiB is read');
  });

  it('Flagger hooks: 400 names the payload field; a server without discovery needs both versions', async () => {
    const bad = await call('POST', '/v1/flagger/rollout', { body: '{"name":"","metadata":{"query":"up"}}', headers: JSON_TYPE });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.issues.map((i: { message: string }) => i.message), [
      'name must be a non-empty string',
      'metadata.query is not a known field (known fields: api, canary, baseline, interval, lookback, entityRef)',
    ]);
    const noVersions = await call('POST', '/v1/flagger/rollout', { body: '{"name":"orders","namespace":"shop"}', headers: JSON_TYPE });
    assert.equal(noVersions.status, 400);
    assert.match(errorOf(noVersions)!, /metadata\.canary and metadata\.baseline are required/);
    const ok = await call('POST', '/v1/flagger/rollout', { body: '{"name":"orders","namespace":"shop","phase":"Progressing","metadata":{"canary":"v2","baseline":"v1"}}', headers: JSON_TYPE });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.canary, 'shop/orders');
  });
});

describe('canary-gate HTTP surface (discovery)', () => {
  let gate: RunningCanaryGate;
  before(async () => {
    gate = await startCanaryGateServer({ port: 0, source, discover, now: () => new Date('2026-11-29T10:00:00Z') });
  });
  after(() => gate.close());

  it('404 no_canary / no_baseline with the window; a discovered canary is judged', async () => {
    const none = await request(gate.url, 'POST', '/v1/evaluate', { body: '{"api":"ghost"}', headers: JSON_TYPE });
    assert.equal(none.status, 404);
    assert.deepEqual(Object.keys(none.json).sort(), ['api', 'code', 'error', 'window']);
    assert.equal(none.json.code, 'no_canary');
    assert.equal(none.json.window, '10m');
    const lonely = await request(gate.url, 'POST', '/v1/evaluate', { body: '{"api":"lonely","lookback":"20m"}', headers: JSON_TYPE });
    assert.equal(lonely.status, 404);
    assert.deepEqual([lonely.json.code, lonely.json.canaryVersion, lonely.json.window], ['no_baseline', 'v2', '20m']);
    const found = await request(gate.url, 'POST', '/v1/evaluate', { body: '{"api":"orders"}', headers: JSON_TYPE });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json.context, { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1' });
  });
});
