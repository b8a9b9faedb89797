/**
 * Runs the collector scale-out tiers (collector/loadbalancing.yaml, collector/tiers/*.yaml) as real
 * processes on loopback, for the scale-out tests and the pipeline benchmark.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  COLLECTOR_FEATURE_GATES, collectorEnv, freePorts, httpOk, repoRoot, startProcess, toolPath, type ManagedProcess,
} from '@api-observatory/local-stack';

const collectorDir = path.join(repoRoot(), 'collector');
export const TIER_CONFIGS = {
  shared: path.join(collectorDir, 'config.yaml'),
  loadBalancing: path.join(collectorDir, 'loadbalancing.yaml'),
  kafkaAgent: path.join(collectorDir, 'tiers', 'kafka-agent.yaml'),
  kafkaGateway: path.join(collectorDir, 'tiers', 'kafka-gateway.yaml'),
  kafkaLag: path.join(collectorDir, 'tiers', 'kafka-lag.yaml'),
} as const;

/** Behind trace-id routing each replica writes its own span-metric series: keep collector.instance.id as a label. */
export const SCALED_OUT_SPANMETRICS_EXCLUDE = '[service.name, span.name, span.kind, status.code]';

export interface TierCollector {
  name: string;
  otlpHttpEndpoint: string;
  otlpGrpcEndpoint: string;
  selfMetricsTarget: string;
  process(): ManagedProcess;
  /** SIGKILL: a crash, nothing flushed. */
  kill(): Promise<void>;
  /** Starts it again on the same ports, configs and environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts one collector with the given configs; the listeners and self-metrics get free ports. */
export async function startTierCollector(o: {
  name: string;
  configs: string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
}): Promise<TierCollector> {
  const [grpc, http, health, self] = await freePorts(4);
  const env: NodeJS.ProcessEnv = {
    OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
    OTELCOL_SELF_METRICS_HOST: '127.0.0.1',
    OTELCOL_SELF_METRICS_PORT: String(self),
    OTELCOL_SELF_METRICS_LEVEL: 'detailed',
    ...o.env,
  };
  const launch = () => startProcess({
    name: o.name,
    command: toolPath('otelcol'),
    args: [...COLLECTOR_FEATURE_GATES.map((g) => `--feature-gates=${g}`), ...o.configs.flatMap((c) => ['--config', c])],
    env,
    logDir: o.logDir,
    ready: httpOk(`http://127.0.0.1:${health}/`),
  });
  let proc = await launch();
  return {
    name: o.name,
    otlpHttpEndpoint: `http://127.0.0.1:${http}`,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    selfMetricsTarget: `127.0.0.1:${self}`,
    process: () => proc,
    kill: () => proc.stop('SIGKILL'),
    async restart() {
      if (!proc.exited()) throw new Error(`${o.name} is still running`);
      proc = await launch();
    },
    stop: () => proc.stop(),
  };
}

/**
 * Environment of a collector running the shared config as a replica behind a tier: no gateway scrape
 * (one replica per gateway cluster scrapes; none here), span metrics flushed every second.
 */
export function replicaEnv(o: { remoteWriteUrl: string; tracesOtlpEndpoint: string; extra?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const base = collectorEnv({
    otlpGrpcPort: 0, otlpHttpPort: 0, healthPort: 0, selfMetricsPort: 0, logDir: '',
    remoteWriteUrl: o.remoteWriteUrl, tracesOtlpEndpoint: o.tracesOtlpEndpoint,
  });
  // Listener variables come from startTierCollector.
  for (const k of ['OTLP_GRPC_ENDPOINT', 'OTLP_HTTP_ENDPOINT', 'HEALTH_CHECK_ENDPOINT', 'OTELCOL_SELF_METRICS_HOST', 'OTELCOL_SELF_METRICS_PORT']) delete base[k];
  return { ...base, SPANMETRICS_FLUSH_INTERVAL: '1s', SPANMETRICS_EXCLUDE_DIMENSIONS: SCALED_OUT_SPANMETRICS_EXCLUDE, ...o.extra };
}

/**
 * A test-only overlay: every series a collector remote-writes carries `run="<value of TIER_RUN>"`, so
 * several runs can share one Prometheus and each be counted alone.
 */
export function runLabelOverlay(dir: string): string {
  const file = path.join(dir, 'run-label.yaml');
  writeFileSync(file, [
    'exporters:',
    '  prometheus_remote_write:',
    '    external_labels: {run: "${env:TIER_RUN}"}',
    '  prometheus_remote_write/gateways:',
    '    external_labels: {run: "${env:TIER_RUN}"}',
    '',
  ].join('\n'));
  return file;
}
