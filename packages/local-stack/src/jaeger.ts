import path from 'node:path';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot, toolPath } from './paths';

export interface JaegerOptions {
  otlpGrpcPort: number;
  otlpHttpPort: number;
  queryPort: number;
  queryGrpcPort: number;
  logDir: string;
}

export interface RunningJaeger {
  /** Jaeger UI and query API base URL. */
  url: string;
  otlpGrpcEndpoint: string;
  otlpHttpEndpoint: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts Jaeger v2 with in-memory storage: the local OTLP trace store with its query API. */
export async function startJaeger(o: JaegerOptions): Promise<RunningJaeger> {
  const url = `http://127.0.0.1:${o.queryPort}`;
  const proc = await startProcess({
    name: 'jaeger',
    command: toolPath('jaeger'),
    args: ['--config', path.join(repoRoot(), 'packages', 'local-stack', 'config', 'jaeger.yaml')],
    env: {
      JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${o.otlpGrpcPort}`,
      JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${o.otlpHttpPort}`,
      JAEGER_QUERY_ENDPOINT: `127.0.0.1:${o.queryPort}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${o.queryGrpcPort}`,
    },
    logDir: o.logDir,
    ready: httpOk(`${url}/api/services`),
  });
  return {
    url,
    otlpGrpcEndpoint: `127.0.0.1:${o.otlpGrpcPort}`,
    otlpHttpEndpoint: `http://127.0.0.1:${o.otlpHttpPort}`,
    process: proc,
    stop: () => proc.stop(),
  };
}
