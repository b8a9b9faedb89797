import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABELS, parseGatewayService } from '@api-observatory/telemetry-contract';
import { ApisixExposition } from '../src/apisix-exposition';
import { APISIX_LATENCY_BUCKETS_MS, KONG_LATENCY_BUCKETS_MS, KONG_UPSTREAM_LATENCY_BUCKETS_MS } from '../src/gateway-buckets';
import { GroundTruth } from '../src/ground-truth';
import { KongExposition } from '../src/kong-exposition';
import { escapeExpositionValue } from '../src/prom-registry';
import { TrafficGenerator, type SimRequest } from '../src/traffic';
import { bucketBounds, checkHistogram, parseExposition, sumBy, type ParsedFamily } from './helpers/exposition-parser';

function simulate(gateway: 'kong' | 'apisix', n: number, seed = 11): { reqs: SimRequest[]; text: string; truth: GroundTruth } {
  const g = new TrafficGenerator({ seed, gateways: [gateway] });
  const truth = new GroundTruth({ seed, scenario: 'healthy', scenarioParam: undefined, canaryApi: 'orders', gateways: [gateway], rps: 1 });
  const exp = gateway === 'kong' ? new KongExposition('node-1') : new ApisixExposition('apisix-1');
  const reqs: SimRequest[] = [];
  for (let i = 0; i < n; i++) {
    const r = g.next();
    reqs.push(r);
    exp.record(r);
    truth.record(r, BigInt(i));
  }
  return { reqs, text: exp.render(), truth };
}

function labelNames(f: ParsedFamily, sampleName: string): string[] {
  const s = f.samples.find((x) => x.name === sampleName);
  assert.ok(s, `no ${sampleName} sample`);
  return Object.keys(s.labels);
}

describe('Kong exposition', () => {
  const { reqs, text, truth } = simulate('kong', 8000);
  const fams = parseExposition(text);

  it('has HELP and TYPE for every family, with Kong 3.x names and types', () => {
    for (const f of fams.values()) {
      assert.ok(f.help && f.help.length > 0, `HELP for ${f.name}`);
      assert.ok(f.type, `TYPE for ${f.name}`);
    }
    assert.equal(fams.get('kong_http_requests_total')?.type, 'counter');
    assert.equal(fams.get('kong_bandwidth_bytes')?.type, 'counter');
    for (const h of ['kong_request_latency_ms', 'kong_upstream_latency_ms', 'kong_kong_latency_ms']) assert.equal(fams.get(h)?.type, 'histogram', h);
    assert.equal(fams.get('kong_http_requests_total')?.help, 'HTTP status codes per consumer/service/route in Kong');
  });

  it('uses Kong label sets in Kong order', () => {
    assert.deepEqual(labelNames(fams.get('kong_http_requests_total')!, 'kong_http_requests_total'), ['service', 'route', 'code', 'source', 'workspace', 'consumer']);
    assert.deepEqual(labelNames(fams.get('kong_bandwidth_bytes')!, 'kong_bandwidth_bytes'), ['service', 'route', 'direction', 'workspace', 'consumer']);
    assert.deepEqual(labelNames(fams.get('kong_request_latency_ms')!, 'kong_request_latency_ms_bucket'), ['service', 'route', 'workspace', 'le']);
    assert.deepEqual(labelNames(fams.get('kong_request_latency_ms')!, 'kong_request_latency_ms_count'), ['service', 'route', 'workspace']);
  });

  it("uses Kong's bucket bounds", () => {
    assert.deepEqual(bucketBounds(fams.get('kong_kong_latency_ms')!), [...KONG_LATENCY_BUCKETS_MS, Infinity]);
    assert.deepEqual(bucketBounds(fams.get('kong_upstream_latency_ms')!), [...KONG_UPSTREAM_LATENCY_BUCKETS_MS, Infinity]);
    assert.deepEqual(bucketBounds(fams.get('kong_request_latency_ms')!), [...KONG_UPSTREAM_LATENCY_BUCKETS_MS, Infinity]);
  });

  it('has cumulative, monotonic buckets with +Inf equal to _count', () => {
    for (const h of ['kong_request_latency_ms', 'kong_upstream_latency_ms', 'kong_kong_latency_ms']) assert.ok(checkHistogram(fams.get(h)!) > 10);
  });

  it('sets source=kong exactly for gateway-generated responses', () => {
    for (const s of fams.get('kong_http_requests_total')!.samples) {
      assert.equal(s.labels.source === 'kong', ['401', '403', '429'].includes(s.labels.code!), JSON.stringify(s.labels));
      assert.equal(s.labels.workspace, 'default');
    }
  });

  it('counters equal the ground truth', () => {
    const summary = truth.summary();
    const fam = fams.get('kong_http_requests_total')!;
    const total = [...sumBy(fam, fam.name, []).values()][0];
    assert.equal(total, summary.totals.requests);
    assert.equal(total, reqs.length);
    const byCode = sumBy(fam, fam.name, ['code']);
    assert.deepEqual(Object.fromEntries(byCode), summary.counts[LABELS.statusCode.label]);
    const byConsumer = sumBy(fam, fam.name, ['consumer']);
    assert.deepEqual(Object.fromEntries(byConsumer), summary.counts[LABELS.consumer.label]);
    const byRole = new Map<string, number>();
    for (const [svc, v] of sumBy(fam, fam.name, ['service'])) {
      const role = parseGatewayService(svc).role;
      byRole.set(role, (byRole.get(role) ?? 0) + v);
    }
    assert.deepEqual(Object.fromEntries(byRole), summary.counts[LABELS.deploymentRole.label]);
    const byRoute = sumBy(fam, fam.name, ['route']);
    assert.deepEqual(Object.fromEntries(byRoute), summary.counts[LABELS.route.label]);
    // histogram counts: every request observed once in request/kong latency, proxied ones in upstream
    const count = (h: string) => [...sumBy(fams.get(h)!, `${h}_count`, []).values()][0];
    assert.equal(count('kong_request_latency_ms'), reqs.length);
    assert.equal(count('kong_kong_latency_ms'), reqs.length);
    assert.equal(count('kong_upstream_latency_ms'), reqs.filter((r) => !r.gatewayGenerated).length);
    const bw = sumBy(fams.get('kong_bandwidth_bytes')!, 'kong_bandwidth_bytes', ['direction']);
    assert.equal(bw.get('ingress'), summary.totals.ingressBytes);
    assert.equal(bw.get('egress'), summary.totals.egressBytes);
  });
});

describe('APISIX exposition', () => {
  const { reqs, text, truth } = simulate('apisix', 8000);
  const fams = parseExposition(text);

  it('has HELP and TYPE for every family, with APISIX names (no _total on counters)', () => {
    for (const f of fams.values()) assert.ok(f.help && f.type, f.name);
    assert.equal(fams.get('apisix_http_status')?.type, 'counter');
    assert.equal(fams.get('apisix_bandwidth')?.type, 'counter');
    assert.equal(fams.get('apisix_http_latency')?.type, 'histogram');
    assert.equal(fams.get('apisix_http_latency')?.help, 'HTTP request latency in milliseconds per service in APISIX');
  });

  it('uses APISIX label sets in APISIX order', () => {
    assert.deepEqual(labelNames(fams.get('apisix_http_status')!, 'apisix_http_status'), ['code', 'route', 'matched_uri', 'matched_host', 'service', 'consumer', 'node']);
    assert.deepEqual(labelNames(fams.get('apisix_http_latency')!, 'apisix_http_latency_bucket'), ['type', 'route', 'service', 'consumer', 'node', 'le']);
    assert.deepEqual(labelNames(fams.get('apisix_bandwidth')!, 'apisix_bandwidth'), ['type', 'route', 'service', 'consumer', 'node']);
  });

  it("uses APISIX's default buckets and valid histograms", () => {
    assert.deepEqual(bucketBounds(fams.get('apisix_http_latency')!), [...APISIX_LATENCY_BUCKETS_MS, Infinity]);
    assert.ok(checkHistogram(fams.get('apisix_http_latency')!) > 10);
  });

  it('counters and latency counts equal the ground truth', () => {
    const summary = truth.summary();
    const status = fams.get('apisix_http_status')!;
    assert.deepEqual(Object.fromEntries(sumBy(status, status.name, ['code'])), summary.counts[LABELS.statusCode.label]);
    assert.deepEqual(Object.fromEntries(sumBy(status, status.name, ['route'])), summary.counts[LABELS.route.label]);
    const lat = fams.get('apisix_http_latency')!;
    const byType = sumBy(lat, 'apisix_http_latency_count', ['type']);
    assert.equal(byType.get('request'), reqs.length);
    assert.equal(byType.get('apisix'), reqs.length);
    assert.equal(byType.get('upstream'), reqs.filter((r) => !r.gatewayGenerated).length);
    const bw = sumBy(fams.get('apisix_bandwidth')!, 'apisix_bandwidth', ['type']);
    assert.equal(bw.get('ingress'), summary.totals.ingressBytes);
    assert.equal(bw.get('egress'), summary.totals.egressBytes);
  });

  it('leaves node empty when APISIX answered without an upstream', () => {
    for (const s of fams.get('apisix_http_status')!.samples) {
      assert.equal(s.labels.node === '', ['401', '403', '429'].includes(s.labels.code!), JSON.stringify(s.labels));
      assert.match(s.labels.matched_uri!, /^\/[a-z]+(\/\*)?$/);
    }
  });
});

describe('exposition escaping', () => {
  it('escapes backslash, quote and newline in label values', () => {
    assert.equal(escapeExpositionValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  });
});
