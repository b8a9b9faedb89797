/**
 * The canary gate's own telemetry through the real components (the local stack: Prometheus, the shared
 * collector config, Jaeger, `canary-gate serve` as a child process): Prometheus scrapes its /metrics
 * (prom-client) and the contract's canary series are queryable; an evaluation's spans reach Jaeger
 * through the collector, found by service name and the API attribute, with a child span per Prometheus
 * query; a CLI evaluation exports its spans before it exits, without the credentials of its URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LABELS, PrometheusClient, metricSelector } from '@api-observatory/telemetry-contract';
import { startStack, toolPath, type Stack } from '@api-observatory/local-stack';

const CLI = join(__dirname, '..', 'src', 'cli.ts');

let skip: string | false = false;
try {
  for (const t of ['prometheus', 'otelcol', 'jaeger'] as const) toolPath(t);
} catch (e) {
  skip = (e as Error).message;
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

interface JaegerTrace {
  traceID: string;
  spans: Array<{ spanID: string; operationName: string; references?: Array<{ refType: string; spanID: string }>; tags: Array<{ key: string; value: unknown }>; processID: string }>;
  processes: Record<string, { serviceName: string; tags?: Array<{ key: string; value: unknown }> }>;
}

/** Jaeger's search API: traces of a service whose spans carry the given tags. */
async function findTraces(jaegerUrl: string, service: string, tags: Record<string, string>): Promise<JaegerTrace[]> {
  const url = `${jaegerUrl}/api/traces?service=${encodeURIComponent(service)}&tags=${encodeURIComponent(JSON.stringify(tags))}&lookback=1h&limit=20`;
  const res = await fetch(url);
  if (!res.ok) return [];
  return ((await res.json()) as { data?: JaegerTrace[] }).data ?? [];
}

const tag = (s: JaegerTrace['spans'][number], key: string) => s.tags.find((t) => t.key === key)?.value;

describe('canary-gate telemetry with real Prometheus, collector and Jaeger', { skip, timeout: 240_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'canary-gate-telemetry', scrapeInterval: '1s', loadRules: false, simulator: null, canaryGate: true });
  });
  after(() => stack?.stop());

  it('evaluates (no series: holds), Prometheus scrapes the decision series, Jaeger has the trace', async () => {
    const gate = stack.canaryGate!;
    const res = await fetch(`${gate.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'orders', canary: 'v2.1', baseline: 'v2' }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { decision: string }).decision, 'continue');

    const prom = new PrometheusClient(stack.prometheus.url);
    const canary = { [LABELS.api.label]: 'orders', [LABELS.apiVersion.label]: 'v2.1', [LABELS.baselineVersion.label]: 'v2' };
    const decision = await eventually('canary_gate_decision in Prometheus', async () => {
      const rows = await prom.query(metricSelector('canaryDecision', canary));
      return rows.length === 3 ? rows : undefined;
    });
    const byDecision = Object.fromEntries(decision.map((r) => [r.metric[LABELS.decision.label], r.value[1]]));
    assert.deepEqual(byDecision, { promote: '0', continue: '1', rollback: '0' });
    assert.equal((await prom.query(metricSelector('canaryScore', canary)))[0]?.value[1], '0');
    const results = await prom.query(metricSelector('canaryMetricResult', { ...canary, [LABELS.result.label]: 'nodata' }));
    assert.deepEqual(results.map((r) => r.metric[LABELS.gateMetric.label]).sort(), ['error_ratio', 'latency_p50_seconds', 'latency_p99_seconds']);
    assert.ok(results.every((r) => r.value[1] === '1'));
    const evaluations = await prom.query(metricSelector('canaryEvaluations', { [LABELS.api.label]: 'orders', [LABELS.decision.label]: 'continue' }));
    assert.equal(evaluations[0]?.value[1], '1');

    const [trace] = await eventually('the evaluation trace in Jaeger', async () => {
      const found = await findTraces(stack.jaeger.url, 'canary-gate', { [LABELS.api.attribute]: 'orders' });
      return found.length ? found : undefined;
    });
    const root = trace!.spans.find((s) => s.operationName === 'canary-gate evaluate')!;
    assert.ok(root, trace!.spans.map((s) => s.operationName).join(', '));
    assert.equal(trace!.processes[root.processID]!.serviceName, 'canary-gate');
    assert.equal(tag(root, LABELS.api.attribute), 'orders');
    assert.equal(tag(root, LABELS.apiVersion.attribute), 'v2.1', 'the trace view links the span to the API entity by api and api_version');
    assert.equal(tag(root, LABELS.deploymentRole.attribute), 'canary');
    assert.equal(tag(root, LABELS.baselineVersion.attribute), 'v2');
    assert.equal(tag(root, LABELS.decision.attribute), 'continue');
    const queries = trace!.spans.filter((s) => s.operationName === 'prometheus query_range');
    // Per side: the gate's three metrics, the request rate and the latency buckets of the two quantiles' histogram.
    assert.ok(queries.length >= 6, `${queries.length} query spans`);
    for (const q of queries) {
      assert.equal(q.references?.[0]?.spanID, root.spanID, 'a query is a child of its evaluation');
      assert.equal(tag(q, 'db.system.name'), 'prometheus');
      assert.match(String(tag(q, 'db.query.text')), /api="orders"/);
    }
  });

  it('a CLI evaluation exports its spans before it exits, and no credential of its Prometheus URL', async () => {
    const url = new URL(stack.prometheus.url);
    url.username = 'gate';
    url.password = 'sekret-pw';
    const run = await new Promise<{ code: number | null; err: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', CLI, 'evaluate', '--prometheus', url.href, '--api', 'payments', '--canary', 'v3', '--baseline', 'v2'],
        { env: { ...process.env, NODE_TEST_CONTEXT: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: stack.collector.otlpHttpEndpoint }, encoding: 'utf8' },
        (error, _out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, err }),
      );
    });
    const [trace] = await eventually('the CLI evaluation trace in Jaeger', async () => {
      const found = await findTraces(stack.jaeger.url, 'canary-gate', { [LABELS.api.attribute]: 'payments' });
      return found.length ? found : undefined;
    });
    const root = trace!.spans.find((s) => s.operationName === 'canary-gate evaluate')!;
    assert.equal(tag(root, 'canary_gate.via'), 'cli evaluate', `exit ${run.code}: ${run.err}`);
    assert.doesNotMatch(JSON.stringify(trace), /sekret-pw/);
  });
});
