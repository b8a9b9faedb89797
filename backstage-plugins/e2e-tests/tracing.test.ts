/**
 * End-to-end: the pack's own traces. The real dev backend, started as scripts/serve.sh starts it (its
 * instrumentation file first) with OTEL_EXPORTER_OTLP_ENDPOINT set to the local stack's REAL collector,
 * exports its spans over OTLP/HTTP; the collector forwards them to the REAL Jaeger. A governance
 * transition (emma.orders requests a promotion of orders, carla.pm rejects it) and an observability
 * summary must show up in Jaeger as spans of the service `backstage` carrying the API's entity ref, the
 * action, the actor's entity ref and the decision, and never a token.
 *
 *   node --conditions=source --import tsx --test 'backstage-plugins/e2e-tests/tracing.test.ts'
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from '@api-observatory/local-stack';
import { startBackstage, type RunningBackstage } from './harness';

const SERVICE = 'backstage-e2e-tracing';
const ENTITY = 'api:default/orders';

interface JaegerSpan {
  operationName: string;
  tags: Array<{ key: string; value: unknown }>;
}

/**
 * Spans of the service named `operation` whose tags match, from Jaeger's query API (polled: export is
 * batched, and on a loaded CI machine the backend, the collector and Jaeger all queue). On a timeout the
 * error says what Jaeger does hold for the service, so a failure tells an export problem (no operations)
 * from a tagging one (the operation without these tags).
 */
async function findSpans(jaeger: string, operation: string, tags: Record<string, string>, timeoutMs = 120_000): Promise<JaegerSpan[]> {
  const q = new URLSearchParams({ service: SERVICE, operation, tags: JSON.stringify(tags), lookback: '1h', limit: '20' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${jaeger}/api/traces?${q}`);
    if (res.ok) {
      const body = (await res.json()) as { data?: Array<{ spans: JaegerSpan[] }> };
      const spans = (body.data ?? []).flatMap((t) => t.spans).filter((s) => s.operationName === operation);
      if (spans.length) return spans;
    }
    if (Date.now() > deadline) {
      const ops = await fetch(`${jaeger}/api/services/${SERVICE}/operations`).then((r) => r.text()).catch((e: Error) => e.message);
      const any = new URLSearchParams({ service: SERVICE, operation, lookback: '1h', limit: '5' });
      const untagged = await fetch(`${jaeger}/api/traces?${any}`)
        .then(async (r) => ((await r.json()) as { data?: Array<{ spans: JaegerSpan[] }> }).data ?? [])
        .then((d) => JSON.stringify(d.flatMap((t) => t.spans).filter((s) => s.operationName === operation).map(tagsOf)))
        .catch((e: Error) => e.message);
      throw new Error(`no ${operation} span with ${JSON.stringify(tags)} in Jaeger after ${timeoutMs} ms; operations of ${SERVICE}: ${ops}; ${operation} spans without the tag filter: ${untagged}`);
    }
    await sleep(1_000);
  }
}

const tagsOf = (s: JaegerSpan) => Object.fromEntries(s.tags.map((t) => [t.key, t.value]));

describe("the pack's own traces reach the trace store", () => {
  let stack: Stack | undefined;
  let backstage: RunningBackstage | undefined;

  before(async () => {
    stack = await startStack({ name: 'backstage-e2e-tracing', simulator: null, loadRules: false });
    backstage = await startBackstage({
      name: 'backend-tracing',
      config: { apiObservability: { prometheusUrl: stack.prometheus.url, cacheTtlSeconds: 1 } },
      env: {
        NODE_OPTIONS: '--conditions=source',
        OTEL_EXPORTER_OTLP_ENDPOINT: stack.collector.otlpHttpEndpoint,
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_BSP_SCHEDULE_DELAY: '500',
      },
    });
    await backstage.waitForApis(['orders']);
  });

  after(async () => {
    await backstage?.stop();
    await stack?.stop();
  });

  test('a governance transition: a span per change with the entity ref, action, actor ref and decision', async () => {
    const created = await backstage!.fetchAs('emma.orders', '/api/api-governance/requests', { method: 'POST', json: { entityRef: ENTITY, toEnvironment: 'production', comment: 'tracing e2e' } });
    assert.equal(created.status, 201, await created.clone().text());
    const request = (await created.json()) as { id: string };
    const self = await backstage!.fetchAs('emma.orders', `/api/api-governance/requests/${request.id}/reject`, { method: 'POST', json: { reason: 'mine' } });
    assert.equal(self.status, 403);
    const rejected = await backstage!.fetchAs('carla.pm', `/api/api-governance/requests/${request.id}/reject`, { method: 'POST', json: { reason: 'not now' } });
    assert.equal(rejected.status, 200, await rejected.clone().text());

    const [create] = await findSpans(stack!.jaeger.url, 'api-governance.create', { 'backstage.entity.ref': ENTITY, 'api_governance.request_id': request.id });
    const t = tagsOf(create!);
    const expected = {
      'api_governance.action': 'create',
      'api_governance.actor': 'user:default/emma.orders',
      'api_governance.decision': 'allow',
      'api_governance.state': 'requested',
      'api_governance.policy.engine': 'builtin',
      'api_governance.to_environment': 'production',
    };
    // Compared as one object so that a failure shows every tag the span carries.
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, t[k]])), expected, JSON.stringify(t));

    const rejects = (await findSpans(stack!.jaeger.url, 'api-governance.reject', { 'backstage.entity.ref': ENTITY, 'api_governance.request_id': request.id })).map(tagsOf);
    const byActor = Object.fromEntries(rejects.map((r) => [String(r['api_governance.actor']), r]));
    assert.equal(byActor['user:default/carla.pm']?.['api_governance.decision'], 'allow');
    assert.equal(byActor['user:default/carla.pm']?.['api_governance.state'], 'rejected');
    // The refused self-rejection is traced too, with the refusal's code (a refusal is not a server error).
    const refused = byActor['user:default/emma.orders'] ?? (await findSpans(stack!.jaeger.url, 'api-governance.reject', { 'api_governance.decision': 'SELF_APPROVAL' })).map(tagsOf)[0];
    assert.equal(refused?.['api_governance.decision'], 'SELF_APPROVAL');
    assert.notEqual(refused?.['otel.status_code'], 'ERROR');

    // Actor refs, never credentials.
    for (const span of [t, ...rejects]) {
      for (const [k, v] of Object.entries(span)) assert.doesNotMatch(`${k}=${v}`, /eyJ[A-Za-z0-9_-]{10,}|Bearer /, k);
    }
  });

  test('an observability summary: a span with the entity ref, the API name and the range', async () => {
    const res = await backstage!.fetchAs('emma.orders', '/api/api-observability/entity/api/default/orders/summary?range=15m');
    assert.equal(res.status, 200, await res.clone().text());
    const [span] = await findSpans(stack!.jaeger.url, 'api-observability.summary', { 'backstage.entity.ref': ENTITY, 'api_observability.range': '15m' });
    const t = tagsOf(span!);
    assert.equal(t['api_observability.api'], 'orders');
    assert.ok(['hit', 'miss'].includes(String(t['api_observability.cache'])));
  });
});
