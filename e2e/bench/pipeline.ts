/**
 * Collector pipeline bench (not a test): what each collector layout costs at one fixed load of the
 * simulator's Kong spans, how far the full pipeline goes on this machine, and how many span-metric series
 * it writes as consumers grow. One run prints three tables.
 *
 *   npm run bench:pipeline                                   # defaults below
 *   npm run bench:pipeline -- --rps 1000 --seconds 30 --sweep 500,1000,2500 --consumers 10,100,1000
 *   npm run bench:pipeline -- --only layouts                 # table 1 only
 *   npm run bench:pipeline -- --only layouts --layouts b,c   # some layouts only
 *   npm run bench:pipeline -- --self-metrics DIR             # keep each collector's own metrics (level detailed) at the end of its run
 *
 * The collectors' own metrics are at level basic (the receivers' span counts the drain waits on); the shipped
 * configs default to none. Level detailed (--self-metrics) adds per-call timings to every component, which
 * costs most where calls are small (the Kafka replicas get one message, about two spans, per call).
 *
 * A simulated request gives about two spans (Kong's server span and, when proxied, its kong.balancer
 * child), so --rps 1000 is about 2,000 spans/s.
 *
 * 1. Layouts at --rps for --seconds each: (a) a bare OTLP pass-through collector (otlp in, otlp to the trace
 *    store, nothing else), (b) the pack's full single collector (collector/config.yaml), (c) the
 *    load-balancing tier (front + two backends running config.yaml), (d) the Kafka tier (agent + two gateway
 *    replicas; the broker's own CPU is not counted). Ratios are against (a). Per-core throughput (spans per
 *    CPU-second of all the layout's collectors) is given against (b): CPU per span of (b) over the layout's.
 *    For the tiers, CPU per span is also split between the front or agent and the replicas.
 * 2. Rate sweep: (b) at each rate of --sweep (requests/s) for --sweep-seconds.
 * 3. Consumers: (b) at --rps with each number of --consumers, and once more with the most consumers and
 *    --low-limit as SPANMETRICS_CARDINALITY_LIMIT, so the limit engages.
 *
 * Every run gets the same simulator (seed 42), then a drain: until the layout's pipeline collectors accepted
 * every span pushed (at most 3 minutes; the progress line says when not), then the flush interval plus 8 s; and
 * its collectors are stopped. Span metrics are flushed at the shipped interval (15 s) unless --flush says
 * otherwise. Per run: collector CPU (user + system from /proc/<pid>/stat of every collector process of the
 * layout, over the run and its drain) per span pushed, peak memory (VmHWM from /proc/<pid>/status, summed
 * over the layout's processes), spans refused (the collectors' otelcol_receiver_refused_spans plus spans the
 * simulator could not push or dropped), and the span-metric series in Prometheus: calls series, duration
 * bucket series, the most of either for one API, the overflow series (otel_metric_overflow="true"), and the
 * calls counted (overflow included) against the server spans pushed.
 */
import { mkdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { PROM, PrometheusClient, SPAN_METRICS_OVERFLOW_LABEL } from '@api-observatory/telemetry-contract';
import { startLiveSimulator } from '@api-observatory/traffic-simulator';
import { freePorts, startJaeger, startKafka, startPrometheus, type RunningKafka } from '@api-observatory/local-stack';
import { TIER_CONFIGS, replicaEnv, runLabelOverlay, startTierCollector, type TierCollector } from '../integration/tiers';

const { values: args } = parseArgs({
  options: {
    rps: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    sweep: { type: 'string', default: '500,1000,2500' },
    'sweep-seconds': { type: 'string', default: '20' },
    consumers: { type: 'string', default: '10,100,1000' },
    'low-limit': { type: 'string', default: '2000' },
    flush: { type: 'string', default: '15' },
    only: { type: 'string' },
    'self-metrics': { type: 'string' },
    layouts: { type: 'string', default: 'a,b,c,d' },
  },
});
const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
};
const list = (name: string, v: string): number[] => v.split(',').filter((x) => x.trim() !== '').map((x) => positive(name, x.trim()));
const RPS = positive('rps', args.rps!);
const SECONDS = positive('seconds', args.seconds!);
const SWEEP = list('sweep', args.sweep!);
const SWEEP_SECONDS = positive('sweep-seconds', args['sweep-seconds']!);
const CONSUMERS = list('consumers', args.consumers!).map(Math.round);
const LOW_LIMIT = Math.round(positive('low-limit', args['low-limit']!));
const FLUSH_S = positive('flush', args.flush!);
const TABLES = ['layouts', 'sweep', 'consumers'] as const;
const ONLY = (args.only ?? TABLES.join(',')).split(',').map((x) => x.trim());
const LAYOUTS = args.layouts!.split(',').map((x) => x.trim());
for (const l of LAYOUTS) if (!['a', 'b', 'c', 'd'].includes(l)) throw new RangeError(`--layouts takes a comma-separated list of a, b, c, d; got ${JSON.stringify(l)}`);
const SELF_METRICS_LEVEL = args['self-metrics'] ? 'detailed' : 'basic';
for (const t of ONLY) if (!(TABLES as readonly string[]).includes(t)) throw new RangeError(`--only takes a comma-separated list of ${TABLES.join(', ')}; got ${JSON.stringify(t)}`);
// The last flush, then the batch processor's 2 s, the remote write and Prometheus' ingestion.
const DRAIN_MS = (FLUSH_S + 8) * 1000;
/** How long a drain waits for the pipeline's collectors to take every span before it gives up (and says so). */
const SETTLE_LIMIT_MS = 180_000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function cpuSeconds(pid: number): number {
  // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Sum of one self-metric (all its series) of a collector. */
async function selfMetric(c: TierCollector, name: string): Promise<number> {
  const text = await (await fetch(`http://${c.selfMetricsTarget}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) n += Number(line.split(' ').pop());
  return n;
}

/** Polls until the collectors that run the pipeline accepted `spans` spans (or `limitMs` passed); the seconds it took. */
async function settle(workers: TierCollector[], spans: number, limitMs: number): Promise<number | undefined> {
  const t0 = Date.now();
  for (;;) {
    let accepted = 0;
    for (const c of workers) accepted += await selfMetric(c, 'otelcol_receiver_accepted_spans');
    if (accepted >= spans) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > limitMs) return undefined;
    await sleep(1000);
  }
}

interface Row {
  label: string;
  seconds: number;
  spans: number;
  serverSpans: number;
  cpuS: number;
  /** CPU of the entry collector when it is not one of the workers (tier front or agent). */
  entryCpuS?: number;
  peakMiB: number;
  refused: number;
  callSeries: number;
  durationSeries: number;
  maxCallSeriesPerApi: number;
  maxDurationSeriesPerApi: number;
  overflowSeries: number;
  callsCounted: number;
}

/** entry takes the simulator's spans; workers run the shared pipeline (they must accept every span); all are measured. */
type Layout = (run: string) => Promise<{ entry: TierCollector; workers: TierCollector[]; all: TierCollector[] }>;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const logDir = path.join(dir, 'logs');
  const [promPort, jg, jh, jq, jqg] = await freePorts(5);
  const prometheus = await startPrometheus({ port: promPort!, dataDir: path.join(dir, 'prometheus'), logDir, scrapeInterval: '5s' });
  const jaeger = await startJaeger({ otlpGrpcPort: jg!, otlpHttpPort: jh!, queryPort: jq!, queryGrpcPort: jqg!, logDir });
  const prom = new PrometheusClient(prometheus.url);
  const runLabel = runLabelOverlay(dir);
  let kafka: RunningKafka | undefined;
  const bare = path.join(dir, 'bare.yaml');
  writeFileSync(bare, [
    'receivers: {otlp: {protocols: {grpc: {endpoint: "${env:OTLP_GRPC_ENDPOINT}"}, http: {endpoint: "${env:OTLP_HTTP_ENDPOINT}"}}}}',
    'exporters: {otlp_grpc/traces: {endpoint: "${env:TRACES_OTLP_ENDPOINT}", tls: {insecure: true}}}',
    'extensions: {health_check: {endpoint: "${env:HEALTH_CHECK_ENDPOINT}"}}',
    'service:',
    '  extensions: [health_check]',
    '  telemetry: {metrics: {level: "${env:OTELCOL_SELF_METRICS_LEVEL}", readers: [{pull: {exporter: {prometheus: {host: 127.0.0.1, port: "${env:OTELCOL_SELF_METRICS_PORT}"}}}}]}}',
    '  pipelines: {traces: {receivers: [otlp], exporters: [otlp_grpc/traces]}}',
    '',
  ].join('\n'));

  const env = (run: string, extra: NodeJS.ProcessEnv = {}) => ({
    ...replicaEnv({ remoteWriteUrl: `${prometheus.url}/api/v1/write`, tracesOtlpEndpoint: jaeger.otlpGrpcEndpoint, extra: { TIER_RUN: run } }),
    SPANMETRICS_FLUSH_INTERVAL: `${FLUSH_S}s`,
    OTELCOL_SELF_METRICS_LEVEL: SELF_METRICS_LEVEL,
    ...extra,
  });
  // One collector: its span-metric series need no instance label (the shared config's default).
  const single = (extra: NodeJS.ProcessEnv = {}): Layout => async (run) => {
    const c = await startTierCollector({ name: run, configs: [TIER_CONFIGS.shared, runLabel], env: env(run, { SPANMETRICS_EXCLUDE_DIMENSIONS: '[service.name, span.name, span.kind, status.code, collector.instance.id]', ...extra }), logDir });
    return { entry: c, workers: [c], all: [c] };
  };

  const layouts: Array<{ key: string; name: string; start: Layout }> = [
    {
      key: 'a',
      name: '(a) bare OTLP pass-through',
      async start(run) {
        const c = await startTierCollector({ name: run, configs: [bare], env: { TRACES_OTLP_ENDPOINT: jaeger.otlpGrpcEndpoint, OTELCOL_SELF_METRICS_LEVEL: SELF_METRICS_LEVEL }, logDir });
        return { entry: c, workers: [c], all: [c] };
      },
    },
    { key: 'b', name: '(b) full single collector', start: single() },
    {
      key: 'c',
      name: '(c) load-balancing tier (1+2)',
      async start(run) {
        const backends = [];
        for (const i of [1, 2]) backends.push(await startTierCollector({ name: `${run}-backend-${i}`, configs: [TIER_CONFIGS.shared, runLabel], env: env(run), logDir }));
        const front = await startTierCollector({ name: `${run}-front`, configs: [TIER_CONFIGS.loadBalancing], env: { LB_BACKENDS: `[${backends.map((b) => b.otlpGrpcEndpoint).join(', ')}]`, OTELCOL_SELF_METRICS_LEVEL: SELF_METRICS_LEVEL }, logDir });
        return { entry: front, workers: backends, all: [front, ...backends] };
      },
    },
    {
      key: 'd',
      name: '(d) Kafka tier (1+2, broker not counted)',
      async start(run) {
        kafka = await startKafka({ brokers: 1, dataDir: path.join(dir, 'kafka'), logDir, heap: '256m' });
        const topic = 'bench_spans';
        const admin = new Kafka({ clientId: 'bench-pipeline', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
        await admin.disconnect();
        const kenv = { KAFKA_BROKERS: `[${kafka.brokers.join(', ')}]`, KAFKA_TRACES_TOPIC: topic, KAFKA_GROUP_ID: 'bench' };
        const gws = [];
        for (const i of [1, 2]) gws.push(await startTierCollector({ name: `${run}-gateway-${i}`, configs: [TIER_CONFIGS.shared, TIER_CONFIGS.kafkaGateway, runLabel], env: env(run, kenv), logDir }));
        const agent = await startTierCollector({ name: `${run}-agent`, configs: [TIER_CONFIGS.kafkaAgent], env: { ...kenv, OTELCOL_SELF_METRICS_LEVEL: SELF_METRICS_LEVEL }, logDir });
        return { entry: agent, workers: gws, all: [agent, ...gws] };
      },
    },
  ];

  let runNo = 0;
  const scalar = async (q: string) => Number((await prom.query(q))[0]?.value[1] ?? 0);
  async function measure(label: string, layout: Layout, o: { rps: number; seconds: number; consumers?: number }): Promise<Row> {
    const run = `bench-${runNo++}`;
    process.stdout.write(`${label}: `);
    const { entry, workers, all } = await layout(run);
    try {
      const cpu0 = all.map((c) => cpuSeconds(c.process().pid));
      const sim = await startLiveSimulator({ gateway: 'kong', rps: o.rps, seed: 42, port: 0, otlpEndpoint: entry.otlpHttpEndpoint, ...(o.consumers ? { consumers: o.consumers } : {}) });
      await sleep(o.seconds * 1000);
      const summary = await sim.stop();
      // Drain: until the pipeline's collectors took every span (Kafka consumption, load-balancing queues),
      // then the last span-metric flush and its export; the same window for all after that.
      const settledS = await settle(workers, summary.totals.spansPushed, SETTLE_LIMIT_MS);
      await sleep(DRAIN_MS);
      const cpuEach = all.map((c, k) => cpuSeconds(c.process().pid) - cpu0[k]!);
      const cpuS = cpuEach.reduce((a, x) => a + x, 0);
      const entryAt = workers.includes(entry) ? -1 : all.indexOf(entry);
      const peakMiB = all.reduce((a, c) => a + peakRssMiB(c.process().pid), 0);
      if (args['self-metrics']) {
        mkdirSync(args['self-metrics'], { recursive: true });
        for (const c of all) writeFileSync(path.join(args['self-metrics'], `${c.name}.prom`), await (await fetch(`http://${c.selfMetricsTarget}/metrics`)).text());
      }
      let refused = summary.totals.pushErrors + summary.totals.spansDropped;
      for (const c of all) refused += await selfMetric(c, 'otelcol_receiver_refused_spans');
      const calls = `${PROM.trafficCalls}{run="${run}"}`;
      const buckets = `${PROM.trafficDuration}_bucket{run="${run}"}`;
      const row: Row = {
        label,
        seconds: o.seconds,
        spans: summary.totals.spansPushed,
        serverSpans: summary.totals.requests,
        cpuS,
        ...(entryAt >= 0 ? { entryCpuS: cpuEach[entryAt]! } : {}),
        peakMiB,
        refused,
        callSeries: await scalar(`count(${calls})`),
        durationSeries: await scalar(`count(${buckets})`),
        maxCallSeriesPerApi: await scalar(`max(count by (api) (${calls}))`),
        maxDurationSeriesPerApi: await scalar(`max(count by (api) (${buckets}))`),
        overflowSeries: await scalar(`count({__name__=~"${PROM.trafficCalls}|${PROM.trafficDuration}_bucket", run="${run}", ${SPAN_METRICS_OVERFLOW_LABEL}="true"})`),
        callsCounted: await scalar(`sum(${calls})`),
      };
      process.stdout.write(`${row.spans} spans, ${cpuS.toFixed(2)} CPU-s, ${settledS === undefined ? `NOT all spans taken within ${SETTLE_LIMIT_MS / 1000} s` : `all spans taken ${settledS.toFixed(0)} s after the run`}\n`);
      return row;
    } finally {
      for (const c of all) await c.stop();
      if (kafka) { await kafka.stop(); kafka = undefined; }
    }
  }

  const layoutRows: Row[] = [];
  const sweepRows: Row[] = [];
  const consumerRows: Array<Row & { consumers: number; limit: string }> = [];
  try {
    if (ONLY.includes('layouts')) for (const l of layouts.filter((x) => LAYOUTS.includes(x.key))) layoutRows.push(await measure(l.name, l.start, { rps: RPS, seconds: SECONDS }));
    if (ONLY.includes('sweep')) for (const rps of SWEEP) sweepRows.push(await measure(`(b) at ${rps} requests/s`, single(), { rps, seconds: SWEEP_SECONDS }));
    if (ONLY.includes('consumers') && CONSUMERS.length > 0) {
      for (const n of CONSUMERS) consumerRows.push({ ...(await measure(`(b) with ${n} consumers`, single(), { rps: RPS, seconds: SWEEP_SECONDS, consumers: n })), consumers: n, limit: 'shipped' });
      const most = Math.max(...CONSUMERS);
      consumerRows.push({ ...(await measure(`(b) with ${most} consumers, limit ${LOW_LIMIT}`, single({ SPANMETRICS_CARDINALITY_LIMIT: String(LOW_LIMIT) }), { rps: RPS, seconds: SWEEP_SECONDS, consumers: most })), consumers: most, limit: String(LOW_LIMIT) });
    }
  } finally {
    if (kafka) await kafka.stop();
    await prometheus.stop();
    await jaeger.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const perSpan = (r: Row) => (r.cpuS / r.spans) * 1e6;
  const us = (cpuS: number, r: Row) => ((cpuS / r.spans) * 1e6).toFixed(1);
  const table = (head: string[], rows: string[][]) => {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    console.log(head.map((h, i) => (i === 0 ? h.padEnd(w[i]!) : h.padStart(w[i]!))).join('  '));
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
  };
  const counted = (r: Row) => (r.serverSpans > 0 ? `${((r.callsCounted / r.serverSpans) * 100).toFixed(1)} %` : '-');

  if (layoutRows.length > 0) {
    const base = layoutRows.find((r) => r.label.startsWith('(a)'));
    const full = layoutRows.find((r) => r.label.startsWith('(b)'));
    const ratio = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));
    console.log(`\n1. Layouts: ${RPS} requests/s for ${SECONDS} s each (simulator, kong, seed 42), span metrics flushed every ${FLUSH_S} s;`);
    console.log('   CPU = user + system of the layout\'s collector processes over the run and its drain; ratios against (a);');
    console.log('   per core vs (b) = spans per CPU-second of the layout / those of (b) (goal for the tiers: >= 80 %);');
    console.log('   front / agent and replicas = the tier\'s CPU per span split between its entry collector and its two replicas;');
    console.log('   counted = calls in Prometheus (overflow series included) / server spans pushed');
    table(
      ['layout', 'spans', 'spans/s', 'CPU µs/span', 'x (a)', 'per core vs (b)', 'front / agent', 'replicas', 'peak MiB', 'x (a)', 'refused', 'calls series', 'duration bucket series', 'counted'],
      layoutRows.map((r) => [
        r.label, String(r.spans), (r.spans / r.seconds).toFixed(0), perSpan(r).toFixed(1), ratio(base && perSpan(r) / perSpan(base), 2),
        full ? `${((perSpan(full) / perSpan(r)) * 100).toFixed(0)} %` : '-',
        r.entryCpuS === undefined ? '-' : us(r.entryCpuS, r), r.entryCpuS === undefined ? '-' : us(r.cpuS - r.entryCpuS, r),
        r.peakMiB.toFixed(0), ratio(base && r.peakMiB / base.peakMiB, 2), String(r.refused), String(r.callSeries), String(r.durationSeries), r === base ? '-' : counted(r),
      ]),
    );
  }
  if (sweepRows.length > 0) {
    console.log(`\n2. Rate sweep: (b) for ${SWEEP_SECONDS} s per rate; cores = CPU seconds (run and drain) / run seconds`);
    table(
      ['run', 'spans', 'spans/s', 'CPU µs/span', 'cores', 'peak MiB', 'refused', 'counted'],
      sweepRows.map((r) => [r.label, String(r.spans), (r.spans / r.seconds).toFixed(0), perSpan(r).toFixed(1), (r.cpuS / r.seconds).toFixed(2), r.peakMiB.toFixed(0), String(r.refused), counted(r)]),
    );
  }
  if (consumerRows.length > 0) {
    console.log(`\n3. Span-metric series by consumers: (b) at ${RPS} requests/s for ${SWEEP_SECONDS} s; per API = the API with the most;`);
    console.log('   counted = calls in Prometheus (overflow series included) / server spans pushed');
    table(
      ['consumers', 'limit', 'calls series', 'max per API', 'duration bucket series', 'max per API', 'overflow series', 'counted', 'CPU µs/span', 'refused'],
      consumerRows.map((r) => [
        String(r.consumers), r.limit, String(r.callSeries), String(r.maxCallSeriesPerApi), String(r.durationSeries), String(r.maxDurationSeriesPerApi),
        String(r.overflowSeries), counted(r), perSpan(r).toFixed(1), String(r.refused),
      ]),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
