import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { runCli } from '../src/cli';
import * as canaries from './helpers/canaries';
import type { SampleQuery } from '../src';

const PKG = join(__dirname, '..');
const ex = (f: string) => join(PKG, 'examples', f);
const tmp = mkdtempSync(join(tmpdir(), 'canary-gate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A port that nothing listens on (bound, read, closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Run the CLI as a child process, as a user would (through tsx, from source). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(PKG, 'src', 'cli.ts'), ...args], { cwd: PKG, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('judge: exit 0 on promote, 1 on rollback, 2 on hold, with a readable summary', () => {
  const p = cli('judge', '--input', ex('samples-promote.json'));
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /PROMOTE/);
  assert.match(p.out, /METRIC\s+RESULT/);
  assert.match(p.out, /error_ratio \*\s+pass/);
  const r = cli('judge', '--input', ex('samples-rollback.json'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /ROLLBACK/);
  assert.match(r.out, /critical metric error_ratio failed/);
  const h = cli('judge', '--input', ex('samples-hold.json'));
  assert.equal(h.code, 2, h.err);
  assert.match(h.out, /CONTINUE/);
  assert.match(h.out, /error_ratio \*\s+nodata/);
});

test('judge: --config changes the gate (onNoData: fail turns the hold into a rollback)', () => {
  const r = cli('judge', '--input', ex('samples-hold.json'), '--config', ex('gate-strict.yaml'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /gate strict: ROLLBACK/);
  assert.equal(cli('judge', '--input', ex('samples-hold.json'), '--config', join(PKG, 'config', 'default-gate.yaml')).code, 2);
});

test('judge --json prints the verdict and, on rollback, the rollback event', () => {
  const r = cli('judge', '--input', ex('samples-rollback.json'), '--json');
  assert.equal(r.code, 1, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.decision, 'rollback');
  assert.equal(out.verdict.metrics[0].metric, 'error_ratio');
  assert.equal(out.rollbackEvent.type, 'canary.rollback');
  assert.equal(out.rollbackEvent.api, 'orders');
  assert.equal(out.rollbackEvent.gateConfigHash, out.gateConfigHash);
  const p = JSON.parse(cli('judge', '--input', ex('samples-promote.json'), '--json').out);
  assert.equal(p.decision, 'promote');
  assert.equal(p.rollbackEvent, undefined);
});

test('judge: interval input is judged with the interval rules', () => {
  const r = cli('judge', '--input', ex('samples-intervals.json'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /intervals: PROMOTE after 3 interval/);
  // the strict gate needs 5 passing intervals: hold
  const s = cli('judge', '--input', ex('samples-intervals.json'), '--config', ex('gate-strict.yaml'), '--json');
  assert.equal(s.code, 2, s.err);
  assert.equal(JSON.parse(s.out).judgement.consecutivePasses, 3);
});

test('malformed samples or config: exit 3 naming the field', () => {
  const badSamples = join(tmp, 'bad-samples.json');
  writeFileSync(badSamples, JSON.stringify({ metrics: { error_ratio: { baseline: [0.1], canary: [0.1, 'oops'] } } }));
  const s = cli('judge', '--input', badSamples);
  assert.equal(s.code, 3);
  assert.match(s.err, /metrics\.error_ratio\.canary\[1\] must be a number/);
  const badConfig = join(tmp, 'bad-gate.yaml');
  writeFileSync(badConfig, 'metrics:\n  - name: a\n    direction: increase\n  - name: b\n    direction: increase\n  - name: c\n    direction: increase\n    tolerance:\n      relative: -0.5\n');
  const c = cli('judge', '--input', ex('samples-promote.json'), '--config', badConfig);
  assert.equal(c.code, 3);
  assert.match(c.err, /metrics\[2\]\.tolerance\.relative must be a number >= 0/);
  const notJson = join(tmp, 'not.json');
  writeFileSync(notJson, '{"metrics": ');
  assert.match(cli('judge', '--input', notJson).err, /samples is not valid JSON/);
  const missing = cli('judge', '--input', join(tmp, 'nope.json'));
  assert.equal(missing.code, 3);
  assert.match(missing.err, /file not found/);
});

test('unknown flags, missing flags or commands: exit 3 with usage', () => {
  for (const args of [['judge', '--input', ex('samples-promote.json'), '--verbose'], ['judge'], [], ['frobnicate'], ['judge', '--input']]) {
    const r = cli(...args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /Usage:/, args.join(' '));
  }
  assert.match(cli('judge').err, /missing required option: --input/);
  const help = cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /canary-gate evaluate --prometheus URL/);
});

test('evaluate: validates its flags, then queries Prometheus (unreachable: exit 3 naming it)', async () => {
  const port = await closedPort();
  const valid = ['evaluate', '--prometheus', `http://127.0.0.1:${port}`, '--api', 'orders', '--canary', 'v2', '--baseline', 'v1'];
  const r = cli(...valid);
  assert.equal(r.code, 3);
  assert.match(r.err, new RegExp(`Prometheus at http://127\\.0\\.0\\.1:${port} is unreachable`));
  assert.doesNotMatch(r.err, /Usage:/);
  const cases: [string[], RegExp][] = [
    [['evaluate', '--api', 'orders', '--canary', 'v2', '--baseline', 'v1'], /missing required option: --prometheus/],
    [['evaluate', '--prometheus', 'http://127.0.0.1:9090'], /missing required option: --api/],
    [[...valid.slice(0, 2), 'not a url', ...valid.slice(3)], /--prometheus must be an http\(s\) URL/],
    [[...valid.slice(0, 2), 'ftp://127.0.0.1', ...valid.slice(3)], /--prometheus must be an http\(s\) URL/],
    [[...valid, '--interval', 'soon'], /--interval must be a duration/],
    [[...valid, '--lookback', '10'], /--lookback must be a duration/],
    [[...valid, '--lookback', '5m'], /fewer than minSamples 8/],
    [[...valid, '--api', ''], /--api must not be empty/],
    [[...valid, '--step', '1m'], /Unknown option '--step'/],
    [[...valid, '--config', ex('gate-strict.yaml')], /fewer than intervals\.promoteAfter 5.*lengthen --lookback to at least 12m/],
    [[...valid, '--interval', '1s', '--lookback', '1h'], /gives 3600 intervals, more than 200/],
  ];
  for (const [args, re] of cases) {
    const c = cli(...args);
    assert.equal(c.code, 3, args.join(' '));
    assert.match(c.err, re, args.join(' '));
    assert.doesNotMatch(c.err, /unreachable/, 'flags are validated first');
  }
  // a gate metric without a named query cannot be read from Prometheus
  const custom = join(tmp, 'custom-gate.yaml');
  writeFileSync(custom, 'metrics:\n  - name: saturation\n    direction: increase\n');
  const u = cli(...valid, '--config', custom);
  assert.equal(u.code, 3);
  assert.match(u.err, /metrics\[0\] \("saturation"\) has no query: set its query field to one of errorRatio/);
});

test('evaluate: a Prometheus query error exits 3 with its message', async () => {
  const bodies: string[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(decodeURIComponent(body.replace(/\+/g, ' ')));
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', join(PKG, 'src', 'cli.ts'), 'evaluate', '--prometheus', url, '--api', 'orders', '--canary', 'v2', '--baseline', 'v1'], { cwd: PKG }, (e, _out, err) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, err }),
    );
  });
  srv.close();
  assert.equal(r.code, 3);
  assert.match(r.err, /Prometheus refused a query \(execution\): query processing would load too many samples/);
  assert.ok(bodies.some((b) => b.includes('query=sum (rate(apigw_requests_total{api="orders",api_version="v2",deployment_role="canary"}[1m]))')), bodies[0]);
  assert.ok(bodies.every((b) => /step=60/.test(b)), 'query_range at step = --interval');
});

test('serve: flags are validated (exit 3 with usage)', () => {
  const cases: [string[], RegExp][] = [
    [['serve'], /missing required option: --prometheus/],
    [['serve', '--prometheus', 'http://127.0.0.1:9090', '--port', 'http'], /--port must be an integer from 0 to 65535/],
    [['serve', '--prometheus', 'http://127.0.0.1:9090', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['serve', '--prometheus', 'http://127.0.0.1:9090', '--webhook-url', 'ftp://127.0.0.1/hook'], /--webhook-url must be an http\(s\) URL/],
  ];
  for (const [args, re] of cases) {
    const c = cli(...args);
    assert.equal(c.code, 3, args.join(' '));
    assert.match(c.err, re, args.join(' '));
  }
});

test('evaluate with an injected sample source: exit code follows the decision', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const good = [0.01, 0.011, 0.009, 0.01, 0.012, 0.01, 0.011, 0.009, 0.01, 0.01];
  const lat = [0.3, 0.31, 0.29, 0.3, 0.32, 0.3, 0.31, 0.29, 0.3, 0.3];
  let query: SampleQuery | undefined;
  const source = (url: string) => async (q: SampleQuery) => {
    assert.equal(url, 'http://127.0.0.1:9090');
    query = q;
    const errors = q.canaryVersion === 'bad' ? good.map((v) => v * 10) : good;
    return {
      error_ratio: { baseline: good, canary: errors },
      latency_p99_seconds: { baseline: lat, canary: lat },
      latency_p50_seconds: { baseline: lat, canary: lat },
    };
  };
  const args = (canary: string) => ['evaluate', '--prometheus', 'http://127.0.0.1:9090', '--api', 'orders', '--canary', canary, '--baseline', 'v1', '--lookback', '15m', '--json'];
  const now = () => new Date('2026-11-29T10:00:00Z');
  assert.equal(await runCli(args('v2'), io, { createPrometheusSource: source, now }), 0, err.join('\n'));
  assert.equal(query!.start.toISOString(), '2026-11-29T09:45:00.000Z');
  assert.equal(await runCli(args('bad'), io, { createPrometheusSource: source, now }), 1, err.join('\n'));
  const last = JSON.parse(out[out.length - 1]!);
  assert.equal(last.rollbackEvent.canaryVersion, 'bad');
  assert.equal(last.rollbackEvent.timestamp, '2026-11-29T10:00:00.000Z');
  const failing = () => async () => {
    throw new Error('Prometheus at http://127.0.0.1:9090 is unreachable');
  };
  assert.equal(await runCli(args('v2'), io, { createPrometheusSource: failing }), 3);
  assert.match(err[err.length - 1]!, /unreachable/);
});

test('serve: a request with only the API gets the versions discovered (the sandbox and Backstage send only {api})', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const stop = new AbortController();
  const urls: string[] = [];
  const running = runCli(['serve', '--prometheus', 'http://127.0.0.1:9090', '--port', '0'], io, {
    createPrometheusSource: () => canaries.source,
    createDiscovery: (url) => {
      urls.push(url);
      return canaries.discover;
    },
    stopSignal: stop.signal,
  });
  try {
    for (let i = 0; i < 100 && !out.some((l) => /listening on/.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
    const base = /listening on (http:\/\/\S+)/.exec(out.join('\n'))![1]!;
    const res = await fetch(`${base}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'orders' }) });
    const body = (await res.json()) as { decision: string; context: unknown };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.context, { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1' });
    assert.deepEqual(urls, ['http://127.0.0.1:9090']);
  } finally {
    stop.abort();
    assert.equal(await running, 0, err.join('\n'));
  }
});

test('evaluate without --canary / --baseline discovers them; nothing to judge holds (exit 2) and says why', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
  const deps = { createPrometheusSource: () => canaries.source, createDiscovery: () => canaries.discover };
  const args = (api: string) => ['evaluate', '--prometheus', 'http://127.0.0.1:9090', '--api', api, '--json'];
  assert.equal(await runCli(args('orders'), io, deps), 0, err.join('\n'));
  assert.deepEqual(JSON.parse(out.at(-1)!).context, { api: 'orders', canaryVersion: 'v2', baselineVersion: 'v1' });
  assert.equal(await runCli([...args('orders'), '--canary', 'v3'], io, deps), 1, 'a named canary, its baseline discovered');
  assert.equal(await runCli(args('ghost'), io, deps), 2);
  assert.match(err.at(-1)!, /^canary-gate: API "ghost" has no canary: no deployment_role="canary" traffic over the last 10m$/);
  assert.equal(await runCli(args('lonely'), io, deps), 2);
  assert.match(err.at(-1)!, /runs canary v2 but has no baseline/);
});
