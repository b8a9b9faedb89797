import path from 'node:path';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot } from './paths';

export interface CanaryGateOptions {
  port: number;
  /** The Prometheus the gate reads canary and baseline series from. */
  prometheusUrl: string;
  /** Gate config file (default: the canary judge's built-in default gate). */
  configFile?: string;
  /** OTLP/HTTP base URL its evaluation spans go to (OTEL_EXPORTER_OTLP_ENDPOINT); none: tracing off. */
  otlpEndpoint?: string;
  logDir: string;
}

export interface RunningCanaryGate {
  /** Base URL: POST /v1/evaluate, GET /metrics, GET /healthz. */
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The canary judge's CLI, run from its TypeScript source like the rest of the sandbox. */
export function canaryGateCommand(): { command: string; args: string[] } {
  const cli = path.join(repoRoot(), 'packages', 'canary-judge', 'src', 'cli.ts');
  return { command: process.execPath, args: ['--conditions=source', '--import', 'tsx', cli] };
}

/** Starts `canary-gate serve` on 127.0.0.1:<port>, reading the given Prometheus. */
export async function startCanaryGate(o: CanaryGateOptions): Promise<RunningCanaryGate> {
  const url = `http://127.0.0.1:${o.port}`;
  const { command, args } = canaryGateCommand();
  const proc = await startProcess({
    name: 'canary-gate',
    command,
    args: [...args, 'serve', '--prometheus', o.prometheusUrl, '--host', '127.0.0.1', '--port', String(o.port), ...(o.configFile ? ['--config', o.configFile] : [])],
    // tsx resolves from the working directory; a test runner's marker must not reach a server.
    cwd: repoRoot(),
    env: { NODE_TEST_CONTEXT: undefined, ...(o.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint } : {}) },
    logDir: o.logDir,
    ready: httpOk(`${url}/healthz`),
  });
  return { url, process: proc, stop: () => proc.stop() };
}
