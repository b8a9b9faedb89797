import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABELS, UNAUTHENTICATED_CONSUMER, parseGatewayService } from '@api-observatory/telemetry-contract';
import {
  APISIX_LATENCY_BUCKETS_MS,
  KONG_2_LATENCY_BUCKETS_MS,
  KONG_LATENCY_BUCKETS_MS,
  KONG_LATENCY_BUCKETS_MS_3_9,
  KONG_UPSTREAM_LATENCY_BUCKETS_MS,
} from '../src/profiles/buckets';
import { GroundTruth } from '../src/ground-truth';
import { findProfile, PROFILES, profileName, type GatewayProfile } from '../src/profiles';
import { escapeExpositionValue } from '../src/prom-registry';
import { authenticated, TrafficGenerator, type SimRequest } from '../src/traffic';
import { bucketBounds, checkHistogram, parseExposition, sumBy, type ParsedFamily } from './helpers/exposition-parser';

const ID = { kongNodeId: 'node-1', apisixHostname: 'apisix-1' };

function simulate(profile: GatewayProfile, n: number, seed = 11): { reqs: SimRequest[]; text: string; truth: GroundTruth } {
  const g = new TrafficGenerator({ seed, gateways: [profile.gateway] });
  const truth = new GroundTruth({ seed, scenario: 'healthy', scenarioParam: undefined, canaryApi: 'orders', gateways: [profile.gateway], profiles: [profile], rps: 1 });
  const exp = profile.exposition(ID);
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

const total = (f: ParsedFamily, name = f.name) => [...sumBy(f, name, []).values()][0] ?? 0;

/** Per profile: the family counting every request, the one with consumers, the latency families by type. */
const SHAPES: Record<string, { requests: string; consumers: string; latency: Record<'request' | 'upstream' | 'gateway', [string, string | undefined]>; bandwidth: [string, string] }> = {
  'kong@2.8': { requests: 'kong_http_status', consumers: 'kong_http_consumer_status', latency: { request: ['kong_latency', 'request'], upstream: ['kong_latency', 'upstream'], gateway: ['kong_latency', 'kong'] }, bandwidth: ['kong_bandwidth', 'type'] },
  'kong@3.4': { requests: 'kong_http_requests_total', consumers: 'kong_http_requests_total', latency: { request: ['kong_request_latency_ms', undefined], upstream: ['kong_upstream_latency_ms', undefined], gateway: ['kong_kong_latency_ms', undefined] }, bandwidth: ['kong_bandwidth_bytes', 'direction'] },
  'kong@3.9': { requests: 'kong_http_requests_total', consumers: 'kong_http_requests_total', latency: { request: ['kong_request_latency_ms', undefined], upstream: ['kong_upstream_latency_ms', undefined], gateway: ['kong_kong_latency_ms', undefined] }, bandwidth: ['kong_bandwidth_bytes', 'direction'] },
  'apisix@3.11': { requests: 'apisix_http_status', consumers: 'apisix_http_status', latency: { request: ['apisix_http_latency', 'request'], upstream: ['apisix_http_latency', 'upstream'], gateway: ['apisix_http_latency', 'apisix'] }, bandwidth: ['apisix_bandwidth', 'type'] },
  'apisix@3.16': { requests: 'apisix_http_status', consumers: 'apisix_http_status', latency: { request: ['apisix_http_latency', 'request'], upstream: ['apisix_http_latency', 'upstream'], gateway: ['apisix_http_latency', 'apisix'] }, bandwidth: ['apisix_bandwidth', 'type'] },
};

describe('every profile', () => {
  it('the registry has the versions the pack supports, newest last per gateway', () => {
    assert.deepEqual(PROFILES.map(profileName), ['kong@2.8', 'kong@3.4', 'kong@3.9', 'apisix@3.11', 'apisix@3.16']);
    assert.deepEqual(Object.keys(SHAPES), PROFILES.map(profileName));
  });

  for (const profile of PROFILES) {
    const name = profileName(profile);
    describe(name, () => {
      const { reqs, text, truth } = simulate(profile, 6000);
      const fams = parseExposition(text);
      const shape = SHAPES[name]!;
      const summary = truth.summary();

      it('has HELP and TYPE for every family and valid cumulative histograms', () => {
        for (const f of fams.values()) assert.ok(f.help && f.type, f.name);
        for (const f of [...fams.values()].filter((x) => x.type === 'histogram')) assert.ok(checkHistogram(f) > 5, f.name);
      });

      it('counts every request once, and the ground truth agrees', () => {
        const fam = fams.get(shape.requests)!;
        assert.equal(total(fam), reqs.length);
        assert.deepEqual(Object.fromEntries(sumBy(fam, fam.name, ['code'])), summary.counts[LABELS.statusCode.label]);
        assert.deepEqual(Object.fromEntries(sumBy(fam, fam.name, ['route'])), summary.counts[LABELS.route.label]);
        const byRole = new Map<string, number>();
        for (const [svc, v] of sumBy(fam, fam.name, ['service'])) {
          const role = parseGatewayService(svc).role;
          byRole.set(role, (byRole.get(role) ?? 0) + v);
        }
        assert.deepEqual(Object.fromEntries(byRole), summary.counts[LABELS.deploymentRole.label]);
      });

      it('records no consumer exactly for requests the authentication plugin rejected (401)', () => {
        const fam = fams.get(shape.consumers)!;
        const unauth = reqs.filter((r) => !authenticated(r)).length;
        assert.ok(unauth > 10, 'the run has 401s');
        const noConsumer = fam.samples.filter((s) => !s.labels.consumer).reduce((a, s) => a + s.value, 0);
        if (shape.consumers === shape.requests) assert.equal(noConsumer, unauth);
        else assert.equal(total(fam), reqs.length - unauth, 'only authenticated requests reach the per-consumer family');
        for (const s of fam.samples) if (!s.labels.consumer) assert.equal(s.labels.code, '401', JSON.stringify(s.labels));
        const byMetricConsumer = new Map<string, number>();
        for (const r of summary.breakdown) byMetricConsumer.set(r.metricConsumer, (byMetricConsumer.get(r.metricConsumer) ?? 0) + r.count);
        assert.equal(byMetricConsumer.get(UNAUTHENTICATED_CONSUMER), unauth);
      });

      it('observes every request in total and gateway latency, proxied ones in upstream latency', () => {
        const count = ([family, type]: [string, string | undefined]) => {
          const f = fams.get(family)!;
          return type === undefined ? total(f, `${family}_count`) : sumBy(f, `${family}_count`, ['type']).get(type);
        };
        assert.equal(count(shape.latency.request), reqs.length);
        assert.equal(count(shape.latency.gateway), reqs.length);
        assert.equal(count(shape.latency.upstream), reqs.filter((r) => !r.gatewayGenerated).length);
      });

      it('counts bandwidth by direction', () => {
        const [family, label] = shape.bandwidth;
        const bw = sumBy(fams.get(family)!, family, [label]);
        assert.equal(bw.get('ingress'), summary.totals.ingressBytes);
        assert.equal(bw.get('egress'), summary.totals.egressBytes);
      });
    });
  }
});

describe('Kong versions', () => {
  const fams = (v: string) => parseExposition(simulate(findProfile('kong', v), 4000).text);

  it('2.8: kong_http_status, kong_latency{type} and kong_bandwidth{type} without _total, one bucket list', () => {
    const f = fams('2.8');
    assert.deepEqual(labelNames(f.get('kong_http_status')!, 'kong_http_status'), ['service', 'route', 'code']);
    assert.deepEqual(labelNames(f.get('kong_http_consumer_status')!, 'kong_http_consumer_status'), ['service', 'route', 'code', 'consumer']);
    assert.deepEqual(labelNames(f.get('kong_latency')!, 'kong_latency_bucket'), ['service', 'route', 'type', 'le']);
    assert.deepEqual(labelNames(f.get('kong_bandwidth')!, 'kong_bandwidth'), ['service', 'route', 'type']);
    assert.deepEqual(bucketBounds(f.get('kong_latency')!), [...KONG_2_LATENCY_BUCKETS_MS, Infinity]);
    for (const gone of ['kong_http_requests_total', 'kong_request_latency_ms', 'kong_bandwidth_bytes']) assert.ok(!f.has(gone), gone);
    assert.equal(f.get('kong_http_status')!.type, 'counter');
  });

  it('3.4: no workspace label, kong_kong_latency_ms up to 1000 ms', () => {
    const f = fams('3.4');
    assert.deepEqual(labelNames(f.get('kong_http_requests_total')!, 'kong_http_requests_total'), ['service', 'route', 'code', 'source', 'consumer']);
    assert.deepEqual(labelNames(f.get('kong_request_latency_ms')!, 'kong_request_latency_ms_bucket'), ['service', 'route', 'le']);
    assert.deepEqual(bucketBounds(f.get('kong_kong_latency_ms')!), [...KONG_LATENCY_BUCKETS_MS, Infinity]);
  });

  it('3.9: workspace label, kong_kong_latency_ms adds 3000 and 6000 ms, source=kong exactly for gateway-generated responses', () => {
    const f = fams('3.9');
    assert.deepEqual(labelNames(f.get('kong_http_requests_total')!, 'kong_http_requests_total'), ['service', 'route', 'code', 'source', 'workspace', 'consumer']);
    assert.deepEqual(labelNames(f.get('kong_bandwidth_bytes')!, 'kong_bandwidth_bytes'), ['service', 'route', 'direction', 'workspace', 'consumer']);
    assert.deepEqual(labelNames(f.get('kong_request_latency_ms')!, 'kong_request_latency_ms_count'), ['service', 'route', 'workspace']);
    assert.deepEqual(bucketBounds(f.get('kong_kong_latency_ms')!), [...KONG_LATENCY_BUCKETS_MS_3_9, Infinity]);
    assert.deepEqual(bucketBounds(f.get('kong_upstream_latency_ms')!), [...KONG_UPSTREAM_LATENCY_BUCKETS_MS, Infinity]);
    assert.deepEqual(bucketBounds(f.get('kong_request_latency_ms')!), [...KONG_UPSTREAM_LATENCY_BUCKETS_MS, Infinity]);
    for (const s of f.get('kong_http_requests_total')!.samples) {
      assert.equal(s.labels.source === 'kong', ['401', '403', '429'].includes(s.labels.code!), JSON.stringify(s.labels));
      assert.equal(s.labels.workspace, 'default');
    }
  });
});

describe('APISIX versions', () => {
  const run = (v: string) => simulate(findProfile('apisix', v), 4000);

  it('3.11: APISIX label sets in APISIX order, default buckets, node empty without an upstream', () => {
    const f = parseExposition(run('3.11').text);
    assert.deepEqual(labelNames(f.get('apisix_http_status')!, 'apisix_http_status'), ['code', 'route', 'matched_uri', 'matched_host', 'service', 'consumer', 'node']);
    assert.deepEqual(labelNames(f.get('apisix_http_latency')!, 'apisix_http_latency_bucket'), ['type', 'route', 'service', 'consumer', 'node', 'le']);
    assert.deepEqual(labelNames(f.get('apisix_bandwidth')!, 'apisix_bandwidth'), ['type', 'route', 'service', 'consumer', 'node']);
    assert.deepEqual(bucketBounds(f.get('apisix_http_latency')!), [...APISIX_LATENCY_BUCKETS_MS, Infinity]);
    assert.equal(f.get('apisix_http_latency')?.help, 'HTTP request latency in milliseconds per service in APISIX');
    for (const s of f.get('apisix_http_status')!.samples) {
      assert.equal(s.labels.node === '', ['401', '403', '429'].includes(s.labels.code!), JSON.stringify(s.labels));
      assert.match(s.labels.matched_uri!, /^\/[a-z]+(\/\*)?$/);
    }
  });

  it('3.16: request_type and LLM model labels on the traffic series', () => {
    const f = parseExposition(run('3.16').text);
    assert.deepEqual(labelNames(f.get('apisix_http_status')!, 'apisix_http_status'), ['code', 'route', 'matched_uri', 'matched_host', 'service', 'consumer', 'node', 'request_type', 'request_llm_model', 'llm_model']);
    assert.ok(f.get('apisix_http_status')!.samples.every((s) => s.labels.request_type === 'traditional_http'));
  });

  it('reports fractional milliseconds (ngx.now() differences), not whole ones', () => {
    const f = parseExposition(run('3.11').text).get('apisix_http_latency')!;
    const sums = f.samples.filter((s) => s.name === 'apisix_http_latency_sum' && s.labels.type === 'request');
    assert.ok(sums.some((s) => !Number.isInteger(s.value)), 'fractional sums');
  });
});

describe('exposition escaping', () => {
  it('escapes backslash, quote and newline in label values', () => {
    assert.equal(escapeExpositionValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  });
});

