import path from 'node:path';
import { GATEWAYS, type Gateway } from '@api-observatory/telemetry-contract';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot, toolPath } from './paths';

export interface CollectorOptions {
  otlpGrpcPort: number;
  otlpHttpPort: number;
  healthPort: number;
  selfMetricsPort: number;
  /** Prometheus remote-write URL, e.g. http://127.0.0.1:9090/api/v1/write */
  remoteWriteUrl: string;
  /** OTLP/gRPC endpoint of the trace store (host:port). */
  tracesOtlpEndpoint: string;
  /** host:port of each gateway's metrics endpoint the collector scrapes (its per-gateway receiver). */
  gatewayTargets?: Partial<Record<Gateway, string[]>>;
  scrapeInterval?: string;
  /** Debug exporter verbosity: basic | normal | detailed. */
  debugVerbosity?: 'basic' | 'normal' | 'detailed';
  /** Extra config files merged after collector/config.yaml. */
  overlays?: string[];
  /** Extra environment (e.g. queue sizes, retry windows for tests). */
  env?: NodeJS.ProcessEnv;
  logDir: string;
}

export interface RunningCollector {
  otlpHttpEndpoint: string;
  otlpGrpcEndpoint: string;
  healthUrl: string;
  selfMetricsTarget: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Feature gates collector/config.yaml needs: remote write 2, which carries start times (first occurrences). */
export const COLLECTOR_FEATURE_GATES = ['exporter.prometheusremotewritexporter.enableSendingRW2'] as const;

/** Environment for collector/config.yaml; the names are documented in collector/README.md. */
export function collectorEnv(o: CollectorOptions): NodeJS.ProcessEnv {
  return {
    OTLP_GRPC_ENDPOINT: `127.0.0.1:${o.otlpGrpcPort}`,
    OTLP_HTTP_ENDPOINT: `127.0.0.1:${o.otlpHttpPort}`,
    HEALTH_CHECK_ENDPOINT: `127.0.0.1:${o.healthPort}`,
    OTELCOL_SELF_METRICS_HOST: '127.0.0.1',
    OTELCOL_SELF_METRICS_PORT: String(o.selfMetricsPort),
    // Self-telemetry feeds the platform dashboard and the collector alerts.
    OTELCOL_SELF_METRICS_LEVEL: 'detailed',
    PROMETHEUS_REMOTE_WRITE_URL: o.remoteWriteUrl,
    TRACES_OTLP_ENDPOINT: o.tracesOtlpEndpoint,
    // <GATEWAY>_METRICS_TARGETS / _PATH per gateway of the contract (collector/README.md): the simulator
    // serves every flavour at /metrics; a real gateway may use its own path (the config's default).
    ...Object.fromEntries(GATEWAYS.flatMap((g) => [
      [`${g.toUpperCase()}_METRICS_TARGETS`, JSON.stringify(o.gatewayTargets?.[g] ?? [])],
      [`${g.toUpperCase()}_METRICS_PATH`, '/metrics'],
    ])),
    GATEWAY_SCRAPE_INTERVAL: o.scrapeInterval ?? '15s',
    DEBUG_VERBOSITY: o.debugVerbosity ?? 'basic',
    ...o.env,
  };
}

/** Starts the custom collector build with the shared config (and overlays) on loopback. */
export async function startCollector(o: CollectorOptions): Promise<RunningCollector> {
  const configs = [path.join(repoRoot(), 'collector', 'config.yaml'), ...(o.overlays ?? [])];
  const healthUrl = `http://127.0.0.1:${o.healthPort}/`;
  const proc = await startProcess({
    name: 'otelcol',
    command: toolPath('otelcol'),
    args: [...COLLECTOR_FEATURE_GATES.map((g) => `--feature-gates=${g}`), ...configs.flatMap((c) => ['--config', c])],
    env: collectorEnv(o),
    logDir: o.logDir,
    ready: httpOk(healthUrl),
  });
  return {
    otlpHttpEndpoint: `http://127.0.0.1:${o.otlpHttpPort}`,
    otlpGrpcEndpoint: `127.0.0.1:${o.otlpGrpcPort}`,
    healthUrl,
    selfMetricsTarget: `127.0.0.1:${o.selfMetricsPort}`,
    process: proc,
    stop: () => proc.stop(),
  };
}
