import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayService } from '@api-observatory/telemetry-contract';
import { decodeJwtPayload, SIMULATED_SECRET_MARKER } from '../src/credentials';
import { tracesUrl } from '../src/otlp-exporter';
import { buildTraceExport, type ExportTraceServiceRequest, type KeyValue, type OtlpSpan } from '../src/otlp-spans';
import { defaultProfile, findProfile, GATEWAY_RESOURCE_SERVICE_NAME, SPAN_KEYS } from '../src/profiles';
import { authenticated, TrafficGenerator, type SimRequest } from '../src/traffic';

const T0 = 1_764_374_400_000_000_000n;
const ID = { kongNodeId: '1b9c6a1e-0000-4000-a000-000000000001', apisixHostname: 'apisix-sim-0' };

function requests(n: number, gateways: Array<'kong' | 'apisix'>): SimRequest[] {
  const g = new TrafficGenerator({ seed: 21, gateways });
  return Array.from({ length: n }, () => g.next());
}

function exportOf(reqs: SimRequest[], leak: boolean, childSpans = true, apisixVersion?: string): ExportTraceServiceRequest {
  const timed = reqs.map((request, i) => ({ request, startUnixNano: T0 + BigInt(i) * 1_000_000n }));
  const profileOf = (g: 'kong' | 'apisix') => (g === 'apisix' ? findProfile('apisix', apisixVersion) : defaultProfile(g));
  // round-trip through JSON: what goes over the wire
  return JSON.parse(JSON.stringify(buildTraceExport(timed, { leakCredentials: leak, childSpans }, ID, profileOf)));
}

function attr(span: OtlpSpan, key: string): string | number | undefined {
  const kv = span.attributes.find((a: KeyValue) => a.key === key);
  if (!kv) return undefined;
  const v = kv.value as Record<string, unknown>;
  if ('stringValue' in v) return v.stringValue as string;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue as number;
  return undefined;
}

function spansOf(e: ExportTraceServiceRequest, serviceName: string): OtlpSpan[] {
  const rs = e.resourceSpans.find((r) => r.resource.attributes.some((a) => a.key === 'service.name' && (a.value as { stringValue?: string }).stringValue === serviceName));
  assert.ok(rs, `resource ${serviceName}`);
  return rs.scopeSpans.flatMap((s) => s.spans);
}

describe('OTLP/JSON export shape', () => {
  const reqs = requests(400, ['kong', 'apisix']);
  const e = exportOf(reqs, true);

  it('is an ExportTraceServiceRequest with one resource per gateway and gateway scopes', () => {
    assert.equal(e.resourceSpans.length, 2);
    const kong = e.resourceSpans.find((r) => r.scopeSpans[0]!.scope.name === 'kong-internal')!;
    const apisix = e.resourceSpans.find((r) => r.scopeSpans[0]!.scope.name === 'opentelemetry-lua')!;
    const res = (r: typeof kong) => Object.fromEntries(r.resource.attributes.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]));
    assert.deepEqual(res(kong), { 'service.name': GATEWAY_RESOURCE_SERVICE_NAME.kong, 'service.instance.id': ID.kongNodeId, 'service.version': '3.9.1' });
    assert.deepEqual(res(apisix), { hostname: ID.apisixHostname, 'service.name': 'APISIX' });
  });

  it('uses hex ids and unix-nano strings, end after start', () => {
    for (const rs of e.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) {
          assert.match(s.traceId, /^[0-9a-f]{32}$/);
          assert.match(s.spanId, /^[0-9a-f]{16}$/);
          assert.match(s.parentSpanId, /^([0-9a-f]{16})?$/);
          assert.match(s.startTimeUnixNano, /^\d{19}$/);
          assert.match(s.endTimeUnixNano, /^\d{19}$/);
          assert.ok(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano));
        }
  });

  it('emits one span per request for each root, with the request trace ids', () => {
    const roots = [...spansOf(e, 'kong'), ...spansOf(e, 'APISIX')].filter((s) => s.parentSpanId === '');
    assert.equal(roots.length, reqs.length);
    assert.deepEqual(new Set(roots.map((s) => s.traceId)), new Set(reqs.map((r) => r.traceId)));
  });

  it("Kong: root span 'kong' (SERVER) with old semconv and enrichment keys; 'kong.balancer' child (CLIENT)", () => {
    const byTrace = new Map(reqs.map((r) => [r.traceId, r]));
    const spans = spansOf(e, 'kong');
    const roots = spans.filter((s) => s.name === 'kong');
    assert.ok(roots.length > 100);
    for (const s of roots) {
      const r = byTrace.get(s.traceId)!;
      assert.equal(s.kind, 2);
      assert.equal(attr(s, 'http.method'), r.method);
      assert.equal(attr(s, 'http.status_code'), r.status);
      assert.equal(attr(s, 'http.route'), r.route.basePath);
      assert.equal(attr(s, 'http.host'), 'api.example.test');
      assert.equal(attr(s, 'http.scheme'), 'https');
      assert.equal(attr(s, 'http.flavor'), '1.1');
      assert.match(String(attr(s, 'net.peer.ip')), /^\d+\.\d+\.\d+\.\d+$/);
      assert.match(String(attr(s, 'kong.request.id')), /^[0-9a-f]{32}$/);
      const k = SPAN_KEYS.kong;
      assert.deepEqual(parseGatewayService(String(attr(s, k.service))), { api: r.api, version: r.version, role: r.role });
      assert.equal(attr(s, k.routeName), r.route.name);
      if (authenticated(r)) {
        assert.equal(attr(s, k.consumer), r.consumer.name);
        assert.equal(attr(s, k.jwtPlan), r.consumer.plan);
        assert.equal(attr(s, k.jwtAzp) ?? attr(s, k.jwtSub), r.consumer.tenant);
      } else {
        // rejected by authentication: the header_filter enrichment finds no consumer and no verified token
        for (const key of [k.consumer, k.jwtSub, k.jwtAzp, k.jwtPlan, k.email]) assert.equal(attr(s, key), undefined, key);
      }
      assert.equal(attr(s, k.country), r.country);
      assert.equal(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano) >= BigInt(r.requestMs) * 1_000_000n, true);
    }
    const children = spans.filter((s) => s.name === 'kong.balancer');
    assert.ok(children.length > 0);
    const rootIds = new Map(roots.map((s) => [s.spanId, s.traceId]));
    for (const c of children) {
      assert.equal(c.kind, 3);
      assert.equal(rootIds.get(c.parentSpanId), c.traceId, 'child belongs to its root');
      assert.equal(attr(c, 'try_count'), 1);
      assert.ok(attr(c, 'net.peer.ip'));
    }
    assert.equal(children.length, reqs.filter((r) => r.gateway === 'kong' && !r.gatewayGenerated).length);
  });

  it('APISIX: SERVER span "<METHOD> <uri>" with apisix.* keys; no status when APISIX answered itself', () => {
    const byTrace = new Map(reqs.map((r) => [r.traceId, r]));
    for (const s of spansOf(e, 'APISIX')) {
      const r = byTrace.get(s.traceId)!;
      assert.equal(s.kind, 2);
      assert.equal(s.name, `${r.method} ${r.route.matchedUri}`);
      assert.equal(attr(s, 'apisix.route_name'), r.route.name);
      assert.equal(attr(s, 'apisix.service_name'), r.service);
      assert.equal(attr(s, 'http.route'), r.route.matchedUri);
      assert.equal(attr(s, 'http_x_client_country'), r.country);
      assert.ok(attr(s, 'apisix.route_id'));
      assert.equal(attr(s, 'http.request.method'), r.method, '3.16 writes the stable keys too');
      if (r.gatewayGenerated) {
        // rejected in rewrite/access: the access-phase enrichment never ran, and there was no upstream status
        assert.equal(attr(s, SPAN_KEYS.apisix.consumer), undefined);
        assert.equal(attr(s, SPAN_KEYS.apisix.jwtPlan), undefined);
        assert.equal(attr(s, 'http.status_code'), undefined);
        assert.equal(attr(s, 'http.response.status_code'), undefined);
      } else {
        assert.equal(attr(s, SPAN_KEYS.apisix.consumer), r.consumer.name);
        assert.equal(attr(s, 'http.status_code'), r.status);
        assert.equal(attr(s, 'http.response.status_code'), r.status);
        assert.equal(s.status?.code, r.status >= 500 ? 2 : 0);
      }
    }
  });

  it('APISIX up to 3.15: only http.status_code, set in the body filter, so a response without a body has none', () => {
    const old = exportOf(reqs, true, true, '3.11');
    const byTrace = new Map(reqs.map((r) => [r.traceId, r]));
    let noBody = 0;
    for (const s of spansOf(old, 'APISIX')) {
      const r = byTrace.get(s.traceId)!;
      assert.equal(attr(s, 'http.response.status_code'), undefined);
      assert.equal(attr(s, 'http.request.method'), undefined, 'no stable keys before 3.16');
      const expected = r.gatewayGenerated || r.status === 204 ? undefined : r.status;
      if (r.status === 204) noBody++;
      assert.equal(attr(s, 'http.status_code'), expected);
    }
    assert.ok(noBody > 0, 'the run has 204 responses');
  });

  it('Kong 2.8 sends no spans (no opentelemetry plugin before 3.0)', () => {
    const timed = reqs.filter((r) => r.gateway === 'kong').map((request) => ({ request, startUnixNano: T0 }));
    assert.deepEqual(buildTraceExport(timed, { leakCredentials: true, childSpans: true }, ID, () => findProfile('kong', '2.8')).resourceSpans, []);
  });

  it('can leave out the Kong child span', () => {
    const e2 = exportOf(requests(50, ['kong']), true, false);
    assert.ok(spansOf(e2, 'kong').every((s) => s.name === 'kong'));
  });

  it('builds the OTLP/HTTP traces URL', () => {
    assert.equal(tracesUrl('http://127.0.0.1:4318'), 'http://127.0.0.1:4318/v1/traces');
    assert.equal(tracesUrl('http://c:4318/'), 'http://c:4318/v1/traces');
    assert.equal(tracesUrl('http://c:4318/v1/traces'), 'http://c:4318/v1/traces');
  });
});

describe('credential leaks', () => {
  const reqs = requests(200, ['kong', 'apisix']);

  it('puts the marker into the JWT, API key, cookie and email of every root span when on', () => {
    const e = exportOf(reqs, true);
    for (const [name, g] of [['kong', 'kong'], ['APISIX', 'apisix']] as const) {
      const k = SPAN_KEYS[g];
      for (const s of spansOf(e, name).filter((x) => x.parentSpanId === '')) {
        const auth = String(attr(s, k.authorization));
        assert.match(auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        assert.ok(auth.includes(SIMULATED_SECRET_MARKER));
        const claims = decodeJwtPayload(auth.slice('Bearer '.length));
        assert.ok(typeof claims.sub === 'string' && typeof claims.plan === 'string');
        assert.match(String(attr(s, k.url)), new RegExp(`[?&]apikey=${SIMULATED_SECRET_MARKER}`));
        assert.ok(String(attr(s, k.cookie)).includes(SIMULATED_SECRET_MARKER));
        if (attr(s, k.consumer) !== undefined) assert.match(String(attr(s, k.email)), new RegExp(`^[^@]*${SIMULATED_SECRET_MARKER}@example\\.com$`));
      }
    }
  });

  it('leaks nothing when off', () => {
    const text = JSON.stringify(exportOf(reqs, false));
    assert.ok(!text.includes(SIMULATED_SECRET_MARKER));
    assert.ok(!text.includes('apikey='));
    assert.ok(!text.includes('Bearer '));
  });
});
