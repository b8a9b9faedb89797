/**
 * Collector pipeline bench (not a test): what each collector layout costs at one fixed load of the
 * simulator's spans, side by side in one run.
 *
 *   npm run bench:pipeline                    # 100 requests/s for 30 s per layout
 *   npm run bench:pipeline -- --rps 200 --seconds 60
 *
 * Layouts: (a) a bare OTLP pass-through collector (otlp in, otlp to the trace store, nothing else),
 * (b) the pack's full single collector (collector/config.yaml), (c) the load-balancing tier (front + two
 * backends running config.yaml), (d) the Kafka tier (agent + two gateway replicas; the broker's own CPU is
 * not counted). Each gets the same simulator run (same seed, rate and length) and a 5 s drain, then is
 * stopped; span metrics are flushed every second in every layout.
 *
 * Per layout: collector CPU (user + system, from /proc/<pid>/stat of every collector process of the layout,
 * over the run and its drain) per span, peak memory (VmHWM from /proc/<pid>/status, summed over the
 * layout's processes), spans refused (the collectors' otelcol_receiver_refused_spans plus spans the
 * simulator could not push) and span-metric series produced (series of apigw_traffic_* in Prometheus).
 * Ratios are against (a).
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { PROM, PrometheusClient } from '@api-observatory/telemetry-contract';
import { startLiveSimulator } from '@api-observatory/traffic-simulator';
import { freePorts, startJaeger, startKafka, startPrometheus, type RunningKafka } from '@api-observatory/local-stack';
import { TIER_CONFIGS, replicaEnv, runLabelOverlay, startTierCollector, type TierCollector } from '../integration/tiers';

const { values: args } = parseArgs({ options: { rps: { type: 'string', default: '100' }, seconds: { type: 'string', default: '30' } } });
const RPS = Number(args.rps);
const SECONDS = Number(args.seconds);
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

async function refusedSpans(c: TierCollector): Promise<number> {
  const text = await (await fetch(`http://${c.selfMetricsTarget}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith('otelcol_receiver_refused_spans')) n += Number(line.split(' ').pop());
  return n;
}

interface Row {
  layout: string;
  spans: number;
  cpuS: number;
  peakMiB: number;
  refused: number;
  series: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const logDir = path.join(dir, 'logs');
  const [promPort, jg, jh, jq, jqg] = await freePorts(5);
  const prometheus = await startPrometheus({ port: promPort!, dataDir: path.join(dir, 'prometheus'), logDir, scrapeInterval: '5s' });
  const jaeger = await startJaeger({ otlpGrpcPort: jg!, otlpHttpPort: jh!, queryPort: jq!, queryGrpcPort: jqg!, logDir });
  const prom = new PrometheusClient(prometheus.url);
  const runLabel = runLabelOverlay(dir);
  let kafka: RunningKafka | undefined;
  const rows: Row[] = [];
  const bare = path.join(dir, 'bare.yaml');
  writeFileSync(bare, [
    'receivers: {otlp: {protocols: {grpc: {endpoint: "${env:OTLP_GRPC_ENDPOINT}"}, http: {endpoint: "${env:OTLP_HTTP_ENDPOINT}"}}}}',
    'exporters: {otlp_grpc/traces: {endpoint: "${env:TRACES_OTLP_ENDPOINT}", tls: {insecure: true}}}',
    'extensions: {health_check: {endpoint: "${env:HEALTH_CHECK_ENDPOINT}"}}',
    'service:',
    '  extensions: [health_check]',
    '  telemetry: {metrics: {level: detailed, readers: [{pull: {exporter: {prometheus: {host: 127.0.0.1, port: "${env:OTELCOL_SELF_METRICS_PORT}"}}}}]}}',
    '  pipelines: {traces: {receivers: [otlp], exporters: [otlp_grpc/traces]}}',
    '',
  ].join('\n'));

  const env = (run: string, extra: NodeJS.ProcessEnv = {}) => replicaEnv({
    remoteWriteUrl: `${prometheus.url}/api/v1/write`, tracesOtlpEndpoint: jaeger.otlpGrpcEndpoint, extra: { TIER_RUN: run, ...extra },
  });

  const layouts: Array<{ name: string; start(run: string): Promise<{ entry: TierCollector; all: TierCollector[] }> }> = [
    {
      name: '(a) bare OTLP pass-through',
      async start(run) {
        const c = await startTierCollector({ name: `${run}`, configs: [bare], env: { TRACES_OTLP_ENDPOINT: jaeger.otlpGrpcEndpoint }, logDir });
        return { entry: c, all: [c] };
      },
    },
    {
      name: '(b) full single collector',
      async start(run) {
        // One collector: its span-metric series need no instance label (the shared config's default).
        const c = await startTierCollector({ name: `${run}`, configs: [TIER_CONFIGS.shared, runLabel], env: env(run, { SPANMETRICS_EXCLUDE_DIMENSIONS: '[service.name, span.name, span.kind, status.code, collector.instance.id]' }), logDir });
        return { entry: c, all: [c] };
      },
    },
    {
      name: '(c) load-balancing tier (1+2)',
      async start(run) {
        const backends = [];
        for (const i of [1, 2]) backends.push(await startTierCollector({ name: `${run}-backend-${i}`, configs: [TIER_CONFIGS.shared, runLabel], env: env(run), logDir }));
        const front = await startTierCollector({ name: `${run}-front`, configs: [TIER_CONFIGS.loadBalancing], env: { LB_BACKENDS: `[${backends.map((b) => b.otlpGrpcEndpoint).join(', ')}]` }, logDir });
        return { entry: front, all: [front, ...backends] };
      },
    },
    {
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
        const agent = await startTierCollector({ name: `${run}-agent`, configs: [TIER_CONFIGS.kafkaAgent], env: kenv, logDir });
        return { entry: agent, all: [agent, ...gws] };
      },
    },
  ];

  try {
    for (const [i, layout] of layouts.entries()) {
      const run = `bench-${i}`;
      process.stdout.write(`${layout.name}: `);
      const { entry, all } = await layout.start(run);
      const cpu0 = all.map((c) => cpuSeconds(c.process().pid));
      const sim = await startLiveSimulator({ gateway: 'kong', rps: RPS, seed: 42, port: 0, otlpEndpoint: entry.otlpHttpEndpoint });
      await sleep(SECONDS * 1000);
      const summary = await sim.stop();
      // Drain: batches, span-metric flushes (every second in every layout) and Kafka consumption; the same window for all.
      await sleep(5_000);
      const cpuS = all.reduce((a, c, k) => a + cpuSeconds(c.process().pid) - cpu0[k]!, 0);
      const peakMiB = all.reduce((a, c) => a + peakRssMiB(c.process().pid), 0);
      let refused = summary.totals.pushErrors + summary.totals.spansDropped;
      for (const c of all) refused += await refusedSpans(c);
      const series = await prom.query(`count({__name__=~"${PROM.trafficCalls}|${PROM.trafficDuration}_bucket", run="${run}"})`);
      rows.push({ layout: layout.name, spans: summary.totals.spansPushed, cpuS, peakMiB, refused, series: Number(series[0]?.value[1] ?? 0) });
      process.stdout.write(`${summary.totals.spansPushed} spans, ${cpuS.toFixed(2)} CPU-s\n`);
      for (const c of all) await c.stop();
      if (kafka) { await kafka.stop(); kafka = undefined; }
    }
  } finally {
    if (kafka) await kafka.stop();
    await prometheus.stop();
    await jaeger.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const base = rows[0]!;
  const perSpan = (r: Row) => (r.cpuS / r.spans) * 1e6;
  console.log(`\n${RPS} requests/s for ${SECONDS} s per layout (simulator, kong, seed 42); CPU = user + system of the layout's collector processes`);
  console.log(['layout'.padEnd(42), 'spans', 'CPU µs/span', 'x (a)', 'peak MiB', 'x (a)', 'refused', 'span-metric series'].join('  '));
  for (const r of rows) {
    console.log([
      r.layout.padEnd(42), String(r.spans).padStart(5), perSpan(r).toFixed(1).padStart(11), (perSpan(r) / perSpan(base)).toFixed(2).padStart(5),
      r.peakMiB.toFixed(0).padStart(8), (r.peakMiB / base.peakMiB).toFixed(2).padStart(5), String(r.refused).padStart(7), String(r.series).padStart(18),
    ].join('  '));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
