/**
 * The trace store readers without a stack: Tempo's HTTP API mocked with msw (no Tempo binary is
 * obtainable here; the real Tempo runs only in the Docker stack), in the response shape Tempo
 * documents for `GET /api/traces/<id>` (OTLP JSON `{ batches: [ResourceSpans] }`, ids base64 as in
 * protobuf's JSON mapping, kinds and status codes as enum names). The Jaeger reader runs against the
 * real Jaeger in router.test.ts.
 *
 *   node --conditions=source --import tsx --test backstage-plugins/plugins/api-observability-backend/src/service/traces.test.ts
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  TraceNotFoundError,
  TraceStoreFailedError,
  TraceStoreUnreachableError,
  buildTraceView,
  fetchStoredTrace,
  parseJaegerTrace,
  type StoredSpan,
} from './traces';

const TEMPO = 'http://tempo.test:3200';
const TRACE = '5b8efff798038103d269b633813fc700';
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const ROOT = 'eee19b7ec3c1b100';
const CHILD = 'eee19b7ec3c1b101';
const T0 = 1689969302000000000n;

/** Two services: the gateway (contract attributes set by the collector) and an upstream named by the convention. */
const tempoBody = {
  batches: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kong' } }] },
      scopeSpans: [
        {
          scope: { name: 'kong-internal', version: '0.1.0' },
          spans: [
            {
              traceId: b64(TRACE),
              spanId: b64(ROOT),
              name: 'kong',
              kind: 'SPAN_KIND_SERVER',
              startTimeUnixNano: String(T0),
              endTimeUnixNano: String(T0 + 250_000_000n),
              attributes: [
                { key: 'api', value: { stringValue: 'payments' } },
                { key: 'api_version', value: { stringValue: 'v1' } },
                { key: 'deployment_role', value: { stringValue: 'canary' } },
                { key: 'http.response.status_code', value: { intValue: '503' } },
                { key: 'url.query', value: { stringValue: 'apikey=[REDACTED]' } },
              ],
              status: { code: 'STATUS_CODE_ERROR', message: 'upstream 503' },
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ledger-v3' } }, { key: 'host.name', value: { stringValue: 'ledger-1' } }] },
      scopeSpans: [
        {
          scope: { name: 'io.opentelemetry.http' },
          spans: [
            {
              traceId: b64(TRACE),
              spanId: b64(CHILD),
              parentSpanId: b64(ROOT),
              name: 'POST /ledger',
              kind: 'SPAN_KIND_CLIENT',
              startTimeUnixNano: String(T0 + 10_000_000n),
              endTimeUnixNano: String(T0 + 200_000_000n),
              attributes: [{ key: 'retry', value: { boolValue: true } }, { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } }],
              status: {},
            },
          ],
        },
      ],
    },
  ],
};

const server = setupServer();
const seen: Array<{ url: string; accept: string | null }> = [];
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
after(() => server.close());

const tempo = { type: 'tempo' as const, url: TEMPO };
function answer(respond: () => Response) {
  server.use(
    http.get(`${TEMPO}/api/traces/:id`, ({ request }) => {
      seen.push({ url: request.url, accept: request.headers.get('accept') });
      return respond();
    }),
  );
}

describe('Tempo trace store (msw, documented response shape)', () => {
  test('reads base64 ids, enum kinds and status, nanosecond times; lays out the waterfall with APIs', async () => {
    answer(() => HttpResponse.json(tempoBody));
    const spans = await fetchStoredTrace(tempo, TRACE, 1000);
    assert.deepEqual(seen, [{ url: `${TEMPO}/api/traces/${TRACE}`, accept: 'application/json' }]);
    const asked: string[][] = [];
    const view = await buildTraceView(spans, {
      traceId: TRACE,
      store: 'tempo',
      config: { grafanaUrl: 'http://grafana.test', tempoDatasourceUid: 'tempo' },
      resolveApis: async (apis) => {
        asked.push(apis);
        return new Map([['payments', 'api:default/payments']]);
      },
    });
    assert.deepEqual(asked, [['payments', 'ledger']]);
    assert.equal(view.store, 'tempo');
    assert.equal(view.startTime, new Date(Number(T0 / 1_000_000n)).toISOString());
    assert.equal(view.durationMicros, 250_000);
    assert.deepEqual(view.services, ['kong', 'ledger-v3']);
    assert.equal(view.errorCount, 1);
    const [root, child] = view.spans;
    assert.deepEqual(
      { id: root!.spanId, parent: root!.parentSpanId, kind: root!.kind, status: root!.status, msg: root!.statusMessage, depth: root!.depth, off: root!.startOffsetMicros, dur: root!.durationMicros },
      { id: ROOT, parent: null, kind: 'server', status: 'error', msg: 'upstream 503', depth: 0, off: 0, dur: 250_000 },
    );
    assert.deepEqual(root!.api, { api: 'payments', version: 'v1', role: 'canary', entityRef: 'api:default/payments' });
    assert.ok(root!.attributes.some((a) => a.key === 'http.response.status_code' && a.value === '503'));
    assert.ok(root!.attributes.some((a) => a.key === 'url.query' && a.value === 'apikey=[REDACTED]'), 'attributes as stored');
    assert.deepEqual(
      { id: child!.spanId, parent: child!.parentSpanId, kind: child!.kind, status: child!.status, depth: child!.depth, off: child!.startOffsetMicros, dur: child!.durationMicros, service: child!.service },
      { id: CHILD, parent: ROOT, kind: 'client', status: 'unset', depth: 1, off: 10_000, dur: 190_000, service: 'ledger-v3' },
    );
    // Named by the convention, but no catalog API carries the name: no entity link.
    assert.deepEqual(child!.api, { api: 'ledger', version: 'v3', role: 'stable' });
    assert.deepEqual(child!.attributes, [{ key: 'retry', value: 'true' }, { key: 'tags', value: '["a","2"]' }]);
    assert.deepEqual(child!.resource, [{ key: 'service.name', value: 'ledger-v3' }, { key: 'host.name', value: 'ledger-1' }]);
    assert.ok(view.links.grafana?.startsWith('http://grafana.test/explore?'));
    assert.equal(view.links.jaegerUi, undefined);
  });

  test('the older instrumentationLibrarySpans, hex ids and numeric enums are read too', async () => {
    answer(() =>
      HttpResponse.json({
        batches: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
            instrumentationLibrarySpans: [{ spans: [{ spanId: ROOT, name: 'op', kind: 2, startTimeUnixNano: '1000', endTimeUnixNano: '5000', status: { code: 2 } }] }],
          },
        ],
      }),
    );
    const [s] = await fetchStoredTrace(tempo, TRACE, 1000);
    assert.deepEqual([s!.spanId, s!.kind, s!.status, s!.durationMicros], [ROOT, 'server', 'error', 4]);
  });

  const cases: Array<[string, () => Response, new (...a: never[]) => Error]> = [
    ['404 is TraceNotFoundError', () => new HttpResponse('trace not found', { status: 404 }), TraceNotFoundError],
    ['an empty trace is TraceNotFoundError', () => HttpResponse.json({ batches: [] }), TraceNotFoundError],
    ['500 is TraceStoreUnreachableError', () => new HttpResponse('boom', { status: 500 }), TraceStoreUnreachableError],
    ['503 is TraceStoreUnreachableError', () => new HttpResponse('', { status: 503 }), TraceStoreUnreachableError],
    ['a network error is TraceStoreUnreachableError', () => HttpResponse.error(), TraceStoreUnreachableError],
    ['400 is TraceStoreFailedError', () => new HttpResponse('bad', { status: 400 }), TraceStoreFailedError],
    ['HTML is TraceStoreFailedError', () => new HttpResponse('<html>proxy</html>', { status: 200 }), TraceStoreFailedError],
    ['JSON without batches is TraceStoreFailedError', () => HttpResponse.json({ data: [] }), TraceStoreFailedError],
    [
      'a malformed time is TraceStoreFailedError',
      () => HttpResponse.json({ batches: [{ scopeSpans: [{ spans: [{ spanId: ROOT, name: 'x', startTimeUnixNano: 'soon', endTimeUnixNano: '1' }] }] }] }),
      TraceStoreFailedError,
    ],
  ];
  for (const [name, respond, type] of cases) {
    test(name, async () => {
      answer(respond);
      await assert.rejects(fetchStoredTrace(tempo, TRACE, 1000), (e: unknown) => e instanceof type);
    });
  }

  test('a malformed id never reaches the store', async () => {
    answer(() => HttpResponse.json(tempoBody));
    for (const bad of ['', 'xyz', `${TRACE}/../../status`, '0'.repeat(32), `${TRACE}0`]) {
      await assert.rejects(fetchStoredTrace(tempo, bad, 1000), RangeError);
    }
    assert.deepEqual(seen, []);
  });
});

describe('waterfall layout', () => {
  const span = (id: string, parent: string | null, start: number, extra: Partial<StoredSpan> = {}): StoredSpan => ({
    spanId: id, parentSpanId: parent, name: id, service: 'svc', kind: 'internal', startMicros: start, durationMicros: 10, status: 'unset', attributes: [], resource: [], ...extra,
  });
  const opts = { traceId: TRACE, store: 'jaeger' as const, config: {}, resolveApis: async () => new Map<string, string>() };

  test('depth-first, children by start time; an orphan is a root; a parent cycle is still shown', async () => {
    const view = await buildTraceView(
      [span('c2', 'r', 30), span('r', null, 0), span('c1', 'r', 20), span('g', 'c1', 25), span('orphan', 'missing', 5), span('x', 'y', 50), span('y', 'x', 60)],
      opts,
    );
    assert.deepEqual(view.spans.map((s) => `${s.spanId}@${s.depth}`), ['r@0', 'c1@1', 'g@2', 'c2@1', 'orphan@0', 'x@0', 'y@1']);
  });

  test('Jaeger JSON: kind, status and scope tags become fields; process tags the resource', () => {
    const spans = parseJaegerTrace({
      data: [
        {
          traceID: TRACE,
          spans: [
            {
              spanID: ROOT, operationName: 'kong', references: [], startTime: 1000, duration: 500, processID: 'p1',
              tags: [
                { key: 'span.kind', type: 'string', value: 'server' },
                { key: 'otel.status_code', type: 'string', value: 'ERROR' },
                { key: 'otel.status_description', type: 'string', value: 'bad gateway' },
                { key: 'error', type: 'bool', value: true },
                { key: 'http.response.status_code', type: 'int64', value: 502 },
              ],
            },
          ],
          processes: { p1: { serviceName: 'kong', tags: [{ key: 'service.version', type: 'string', value: '3.9.1' }] } },
        },
      ],
    });
    assert.deepEqual(spans, [
      {
        spanId: ROOT, parentSpanId: null, name: 'kong', service: 'kong', kind: 'server', startMicros: 1000, durationMicros: 500, status: 'error', statusMessage: 'bad gateway',
        attributes: [{ key: 'http.response.status_code', value: '502' }], resource: [{ key: 'service.version', value: '3.9.1' }],
      },
    ]);
  });
});
