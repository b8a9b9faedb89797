// The local trace store: Jaeger v2 with packages/local-stack/config/jaeger.yaml takes an OTLP/HTTP
// span and answers GET /api/traces/<id> with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePorts, repoRoot } from './helpers';

const jaegerPath = process.env.JAEGER_BIN ?? path.join(repoRoot, '.tools', 'bin', 'jaeger');
const jaegerConfig = path.join(repoRoot, 'packages', 'local-stack', 'config', 'jaeger.yaml');
const skip = existsSync(jaegerPath) ? false : `${path.relative(repoRoot, jaegerPath)} is not built yet: run scripts/tools/build-go-tools.sh jaeger`;

test('Jaeger (local-stack config) stores an OTLP span and serves it at /api/traces/<id>', { skip, timeout: 60_000 }, async () => {
  const [grpc, http, query, queryGrpc] = await freePorts(4);
  const proc = spawn(jaegerPath, ['--config', jaegerConfig], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      JAEGER_QUERY_ENDPOINT: `127.0.0.1:${query}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpc}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    const base = `http://127.0.0.1:${query}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) assert.fail(`jaeger exited with ${proc.exitCode}:\n${out}`);
      const ok = await fetch(`${base}/api/services`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) assert.fail(`jaeger not ready after 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kong' } }] },
        scopeSpans: [{
          scope: { name: 'test' },
          spans: [{
            traceId, spanId: '00f067aa0ba902b7', name: 'kong', kind: 2,
            startTimeUnixNano: String(now - 5_000_000n), endTimeUnixNano: String(now),
            attributes: [{ key: 'http.route', value: { stringValue: 'orders-list' } }],
          }],
        }],
      }],
    };
    const push = await fetch(`http://127.0.0.1:${http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(push.status, 200, await push.text());
    const res = await fetch(`${base}/api/traces/${traceId}`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as any;
    const span = doc.data[0].spans[0];
    assert.equal(doc.data[0].traceID, traceId);
    assert.equal(span.operationName, 'kong');
    assert.ok(span.tags.some((t: any) => t.key === 'http.route' && t.value === 'orders-list'));
    assert.equal(doc.data[0].processes[span.processID].serviceName, 'kong');
    // Unknown ids: 404, not an error.
    assert.equal((await fetch(`${base}/api/traces/0123456789abcdef0123456789abcdef`)).status, 404);
    // No self-tracing export attempts (would go to the OTLP default port, i.e. into a local collector).
    assert.ok(!out.includes('traces export'), out);
  } finally {
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
});
