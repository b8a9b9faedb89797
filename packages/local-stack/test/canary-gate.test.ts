/**
 * The stack's canary gate: `canary-gate serve` started by startStack({ canaryGate: true }) on a free
 * loopback port, reading the stack's Prometheus. Skipped when the tools are not built (npm run setup).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, toolPath, type Stack } from '../src';

let skip: string | false = false;
try {
  for (const t of ['prometheus', 'otelcol', 'jaeger'] as const) toolPath(t);
} catch (e) {
  skip = (e as Error).message;
}

let stack: Stack | undefined;
before(async () => {
  if (!skip) stack = await startStack({ name: 'local-stack-canary-gate', simulator: null, loadRules: false, canaryGate: true });
});
after(async () => stack?.stop());

test('startStack({ canaryGate: true }) serves the canary gate over the stack\'s Prometheus, and stop() ends it', { skip }, async () => {
  const gate = stack!.canaryGate!;
  assert.equal(gate.url, `http://127.0.0.1:${stack!.ports.canaryGate}`);
  assert.equal((await fetch(`${gate.url}/healthz`)).status, 200);

  const evaluate = (body: unknown) =>
    fetch(`${gate.url}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Versions given: the stack's Prometheus answers, it has no such series, so the gate holds.
  const held = await evaluate({ api: 'orders', canary: 'v2.1', baseline: 'v2' });
  const report = (await held.json()) as { decision: string; context: { api: string } };
  assert.equal(held.status, 200, JSON.stringify(report));
  assert.equal(report.decision, 'continue');
  assert.equal(report.context.api, 'orders');
  // The API alone: discovery over the same Prometheus finds no canary.
  const none = await evaluate({ api: 'orders' });
  assert.equal(none.status, 404, await none.clone().text());
  assert.equal(((await none.json()) as { code: string }).code, 'no_canary');

  await stack!.stop();
  await assert.rejects(fetch(`${gate.url}/healthz`), 'the canary gate stopped with the stack');
  assert.ok(gate.process.exited());
  stack = undefined;
});
