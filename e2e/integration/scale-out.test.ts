/**
 * Collector scale-out, run for real: the simulator's spans through (a) the load-balancing tier with two
 * backend collectors (trace-id routing) and (b) a Kafka tier (agent → topic → two gateway collectors in one
 * consumer group), each replica writing span metrics to one shared Prometheus and spans to one shared
 * Jaeger. Per tier, one run with every replica up (span-metric counts equal the simulator's ground truth
 * exactly) and one run with a replica crashed (SIGKILL) mid-run and restarted: the counts stay within the
 * bound the tier's delivery guarantee gives, and exemplar trace ids resolve in Jaeger. The Kafka runs also
 * read the gateway tier's consumer lag from Prometheus.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { PLATFORM_METRICS, PROM, PrometheusClient, eq, jaegerTraceApi, platformGauge } from '@api-observatory/telemetry-contract';
import { PLATFORM_PANELS, isProm } from '@api-observatory/telemetry-contract/grafana';
import { startLiveSimulator, type Summary } from '@api-observatory/traffic-simulator';
import { freePorts, startJaeger, startKafka, startPrometheus, type RunningJaeger, type RunningKafka, type RunningPrometheus } from '@api-observatory/local-stack';
import { eventually } from './helpers';
import { TIER_CONFIGS, replicaEnv, runLabelOverlay, startTierCollector, type TierCollector } from './tiers';

const RPS = 60;
const RUN_MS = 16_000;
const KILL_AT_MS = 6_000;
const RESTART_AT_MS = 9_000;
const TOPIC = 'otlp_spans';
const GROUP = 'api-observatory-gateway';
/** Kafka's smallest session timeout (group.min.session.timeout.ms): a crashed consumer's partitions move on after it. */
const SESSION_TIMEOUT = '6s';

const dir = mkdtempSync(path.join(os.tmpdir(), 'it-scale-out-'));
const logDir = path.join(dir, 'logs');
let prometheus: RunningPrometheus;
let jaeger: RunningJaeger;
let prom: PrometheusClient;
let runLabel: string;
const running: Array<{ stop(): Promise<unknown> }> = [];

before(async () => {
  const [promPort, jOtlpGrpc, jOtlpHttp, jQuery, jQueryGrpc] = await freePorts(5);
  [prometheus, jaeger] = await Promise.all([
    startPrometheus({ port: promPort!, dataDir: path.join(dir, 'prometheus'), logDir, scrapeInterval: '1s' }),
    startJaeger({ otlpGrpcPort: jOtlpGrpc!, otlpHttpPort: jOtlpHttp!, queryPort: jQuery!, queryGrpcPort: jQueryGrpc!, logDir }),
  ]);
  prom = new PrometheusClient(prometheus.url);
  runLabel = runLabelOverlay(dir);
});

after(async () => {
  for (const r of running.reverse()) await r.stop().catch(() => undefined);
  await prometheus?.stop();
  await jaeger?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const replicaEnvFor = (run: string, extra: NodeJS.ProcessEnv = {}) => replicaEnv({
  remoteWriteUrl: `${prometheus.url}/api/v1/write`,
  tracesOtlpEndpoint: jaeger.otlpGrpcEndpoint,
  extra: { TIER_RUN: run, ...extra },
});

async function start(o: Parameters<typeof startTierCollector>[0]): Promise<TierCollector> {
  const c = await startTierCollector(o);
  running.push(c);
  return c;
}

/** Drives the simulator at `entry` for RUN_MS; `midRun` runs KILL_AT_MS into it. Returns the ground truth. */
async function drive(entry: string, seed: number, midRun?: () => Promise<void>): Promise<{ summary: Summary; killAtMs?: number }> {
  const sim = await startLiveSimulator({ gateway: 'kong', rps: RPS, seed, port: 0, otlpEndpoint: entry });
  running.push(sim);
  let killAtMs: number | undefined;
  if (midRun) {
    await sleep(KILL_AT_MS);
    killAtMs = Date.now();
    await midRun();
    await sleep(RUN_MS - (Date.now() - killAtMs) - KILL_AT_MS);
  } else {
    await sleep(RUN_MS);
  }
  const summary = await sim.pause();
  assert.equal(summary.totals.pushErrors, 0, 'the tier refused spans');
  assert.equal(summary.totals.spansDropped, 0);
  assert.ok(summary.totals.requests > RPS * (RUN_MS / 1000) * 0.5, `too little traffic: ${summary.totals.requests}`);
  return { summary, ...(killAtMs !== undefined ? { killAtMs } : {}) };
}

/** apigw_traffic_calls_total of one run, summed, and per collector instance. */
async function spanCounts(run: string): Promise<{ total: number; perInstance: Map<string, number> }> {
  const rows = await prom.query(`sum by (collector_instance_id) (${PROM.trafficCalls}{run="${run}"})`);
  const perInstance = new Map(rows.map((r) => [r.metric.collector_instance_id ?? '', Number(r.value[1])]));
  return { total: [...perInstance.values()].reduce((a, b) => a + b, 0), perInstance };
}

/** Waits until the run's span-metric total stops changing (and is not 0); returns it. */
async function settledCounts(run: string, want?: number): Promise<{ total: number; perInstance: Map<string, number> }> {
  let last = -1;
  let stableSince = Date.now();
  return eventually(`span metrics of ${run} in Prometheus`, async () => {
    const c = await spanCounts(run);
    if (want !== undefined && c.total === want) return c;
    if (c.total !== last) {
      last = c.total;
      stableSince = Date.now();
      return undefined;
    }
    return want === undefined && c.total > 0 && Date.now() - stableSince > 6000 ? c : undefined;
  }, 60_000);
}

/** Requests the simulator started in [fromMs, toMs]. */
function sentBetween(summary: Summary, fromMs: number, toMs: number): number {
  const from = BigInt(Math.round(fromMs)) * 1_000_000n;
  const to = BigInt(Math.round(toMs)) * 1_000_000n;
  return summary.traces.filter((t) => BigInt(t.startUnixNano) >= from && BigInt(t.startUnixNano) <= to).length;
}

/** Exemplar trace ids of the run's span metrics resolve in Jaeger (a sample of them, from every instance). */
async function exemplarsResolve(t: TestContext, run: string, summary: Summary): Promise<void> {
  const ex = await prom.queryExemplars(`${PROM.trafficDuration}_bucket{run="${run}"}`, summary.startUnixMs / 1000 - 60, Date.now() / 1000);
  const byInstance = new Map<string, string[]>();
  for (const s of ex) {
    const id = s.seriesLabels.collector_instance_id ?? '';
    for (const e of s.exemplars) if (e.labels.trace_id) byInstance.set(id, [...(byInstance.get(id) ?? []), e.labels.trace_id]);
  }
  assert.ok(byInstance.size >= 2, `exemplars from ${byInstance.size} collector instance(s)`);
  const sent = new Set(summary.traces.map((x) => x.traceId));
  let checked = 0;
  for (const ids of byInstance.values()) {
    for (const id of [...new Set(ids)].slice(-6)) {
      assert.ok(sent.has(id), `exemplar trace id ${id} was never sent`);
      await eventually(`trace ${id} in Jaeger`, async () => {
        const res = await fetch(jaegerTraceApi({ jaegerUrl: jaeger.url, traceId: id }));
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { data: Array<{ traceID: string; spans: unknown[] }> };
        return body.data[0]?.traceID === id && body.data[0].spans.length >= 1 ? true : undefined;
      }, 15_000);
      checked++;
    }
  }
  t.diagnostic(`${checked} exemplar trace ids from ${byInstance.size} collector instances found in Jaeger`);
}

/**
 * With a replica crashed at killAtMs: what it had acknowledged but not yet flushed as span metrics is lost
 * (the connector flushes every second and keeps its aggregate in memory), and what the tier re-delivers
 * after the crash may be counted twice (Kafka: offsets are committed every second; load balancing: a batch
 * whose answer was lost is sent again). Both are bounded by the requests sent in the last few seconds
 * before the crash: flush or commit interval plus the pipeline's latency (batching, 2 s).
 */
const CRASH_WINDOW_MS = 4_000;

async function assertCrashBounded(t: TestContext, run: string, r: { summary: Summary; killAtMs?: number }): Promise<void> {
  const truth = r.summary.totals.requests;
  const got = await settledCounts(run);
  const bound = sentBetween(r.summary, r.killAtMs! - CRASH_WINDOW_MS, r.killAtMs!);
  t.diagnostic(`${run}: ${got.total} counted of ${truth} sent (${got.total - truth >= 0 ? '+' : ''}${got.total - truth}); bound ±${bound} (requests sent in the ${CRASH_WINDOW_MS / 1000} s before the crash); ${got.perInstance.size} instances`);
  // The killed replica restarts as a new instance: three instances wrote series.
  assert.equal(got.perInstance.size, 3, `instances: ${[...got.perInstance.entries()].map(([k, v]) => `${k}=${v}`).join(', ')}`);
  assert.ok(bound > 0 && bound < truth / 2, `bound ${bound} of ${truth}`);
  assert.ok(Math.abs(got.total - truth) <= bound, `${got.total} counted, ${truth} sent: off by more than ${bound}`);
  // The trace store: every trace the simulator sent, looked up by id.
  const ids = r.summary.traces.map((x) => x.traceId);
  assert.equal(r.summary.tracesTruncated, false);
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(ids.slice(i, i + 16).map(async (id) => {
      const res = await fetch(jaegerTraceApi({ jaegerUrl: jaeger.url, traceId: id }));
      await res.arrayBuffer();
      if (res.status !== 200) missing.push(id);
    }));
  }
  t.diagnostic(`${run}: ${ids.length - missing.length} of ${ids.length} traces in Jaeger (${missing.length} missing)`);
  assert.ok(missing.length <= bound, `${missing.length} traces missing from Jaeger, more than ${bound}`);
}

describe('load-balancing tier: two backends behind trace-id routing', () => {
  let backends: TierCollector[];
  let front: TierCollector;

  const startTier = async (run: string) => {
    backends = [];
    for (const i of [1, 2]) {
      backends.push(await start({ name: `${run}-backend-${i}`, configs: [TIER_CONFIGS.shared, runLabel], env: replicaEnvFor(run), logDir }));
    }
    front = await start({
      name: `${run}-front`,
      configs: [TIER_CONFIGS.loadBalancing],
      env: { LB_BACKENDS: `[${backends.map((b) => b.otlpGrpcEndpoint).join(', ')}]` },
      logDir,
    });
  };

  test('both backends up: span-metric counts summed over backends equal the ground truth', async (t) => {
    await startTier('lb-up');
    const { summary } = await drive(front.otlpHttpEndpoint, 101);
    const got = await settledCounts('lb-up', summary.totals.requests);
    assert.equal(got.total, summary.totals.requests);
    assert.equal(got.perInstance.size, 2, 'each backend writes its own series');
    for (const [id, n] of got.perInstance) assert.ok(n > summary.totals.requests * 0.2, `backend ${id} counted only ${n}: traces are not spread`);
    await exemplarsResolve(t, 'lb-up', summary);
    for (const c of [front, ...backends]) await c.stop();
  });

  test('a backend crashed mid-run and restarted: counts within the crash bound, exemplars resolve', async (t) => {
    await startTier('lb-crash');
    const r = await drive(front.otlpHttpEndpoint, 102, async () => {
      await backends[1]!.kill();
      await sleep(RESTART_AT_MS - KILL_AT_MS);
      await backends[1]!.restart();
    });
    await assertCrashBounded(t, 'lb-crash', r);
    await exemplarsResolve(t, 'lb-crash', r.summary);
    for (const c of [front, ...backends]) await c.stop();
  });
});

describe('Kafka tier: agent → topic → two gateway collectors in one consumer group', () => {
  let kafka: RunningKafka;
  let agent: TierCollector;
  let gateways: TierCollector[];

  before(async () => {
    kafka = await startKafka({ brokers: 1, dataDir: path.join(dir, 'kafka'), logDir, heap: '256m' });
    running.push(kafka);
  });

  const startTier = async (run: string) => {
    const topic = `${TOPIC}_${run.replace(/-/g, '_')}`;
    const admin = new Kafka({ clientId: 'it-scale-out', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const kafkaEnv = {
      KAFKA_BROKERS: `[${kafka.brokers.join(', ')}]`, KAFKA_TRACES_TOPIC: topic, KAFKA_GROUP_ID: `${GROUP}-${run}`,
      KAFKA_SESSION_TIMEOUT: SESSION_TIMEOUT, KAFKA_LAG_INTERVAL: '1s',
    };
    gateways = [];
    for (const i of [1, 2]) {
      // The lag overlay on exactly one replica, the one never crashed.
      const configs = [TIER_CONFIGS.shared, TIER_CONFIGS.kafkaGateway, ...(i === 1 ? [TIER_CONFIGS.kafkaLag] : []), runLabel];
      gateways.push(await start({ name: `${run}-gateway-${i}`, configs, env: replicaEnvFor(run, kafkaEnv), logDir }));
    }
    agent = await start({ name: `${run}-agent`, configs: [TIER_CONFIGS.kafkaAgent], env: kafkaEnv, logDir });
    return kafkaEnv.KAFKA_GROUP_ID;
  };

  const lagOf = (group: string) => platformGauge('kafkaConsumerGroupLagSum', { filter: { group: eq(group) } });
  const lag = async (group: string, at?: number) => {
    const rows = await prom.query(lagOf(group), at);
    return rows.length ? Number(rows[0]!.value[1]) : undefined;
  };

  test('both gateways up: span-metric counts equal the ground truth; consumer lag is in Prometheus and returns to 0', async (t) => {
    const group = await startTier('kafka-up');
    const { summary } = await drive(agent.otlpHttpEndpoint, 201);
    const got = await settledCounts('kafka-up', summary.totals.requests);
    assert.equal(got.total, summary.totals.requests);
    assert.equal(got.perInstance.size, 2, 'each gateway writes its own series');
    for (const [id, n] of got.perInstance) assert.ok(n > summary.totals.requests * 0.1, `gateway ${id} counted only ${n}: partitions are not shared`);
    await exemplarsResolve(t, 'kafka-up', summary);
    await eventually('consumer lag back to 0', async () => ((await lag(group)) === 0 ? true : undefined), 30_000);
    // The names the platform dashboard reads (collector/tiers/README.md).
    for (const key of ['kafkaConsumerGroupLagSum', 'kafkaConsumerGroupMembers'] as const) {
      assert.equal((await prom.query(platformGauge(key, { filter: { group: eq(group) } }))).length, 1, `${PLATFORM_METRICS[key].name} for ${group}`);
    }
    // The platform panel's own query has the group's row for the topic, drained.
    const panel = PLATFORM_PANELS.panels.kafkaConsumerLag.queries[0]!;
    assert.ok(isProm(panel));
    const row = (await prom.query(panel.expr)).find((r) => r.metric.group === group);
    assert.ok(row?.metric.topic, `no row for ${group} in ${panel.expr}`);
    assert.equal(Number(row.value[1]), 0);
    const members = await prom.query(platformGauge('kafkaConsumerGroupMembers', { filter: { group: eq(group) } }));
    assert.equal(Number(members[0]?.value[1]), 2, 'two gateway replicas in the group');
    for (const c of [agent, ...gateways]) await c.stop();
  });

  test('a gateway crashed mid-run and restarted: counts within the crash bound, exemplars resolve, lag rose and returns to 0', async (t) => {
    const group = await startTier('kafka-crash');
    const r = await drive(agent.otlpHttpEndpoint, 202, async () => {
      await gateways[1]!.kill();
      await sleep(RESTART_AT_MS - KILL_AT_MS);
      await gateways[1]!.restart();
    });
    await assertCrashBounded(t, 'kafka-crash', r);
    await exemplarsResolve(t, 'kafka-crash', r.summary);
    await eventually('consumer lag back to 0', async () => ((await lag(group)) === 0 ? true : undefined), 30_000);
    // While the crashed replica's partitions waited for the session timeout, their lag grew.
    const peak = await prom.query(`max_over_time(${lagOf(group)}[2m:1s])`);
    t.diagnostic(`peak consumer lag ${peak[0]?.value[1]} messages`);
    assert.ok(Number(peak[0]?.value[1]) > 0, 'lag never rose while a replica was down');
    for (const c of [agent, ...gateways]) await c.stop();
  });
});
