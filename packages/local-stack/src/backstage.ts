import path from 'node:path';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot } from './paths';

export interface RunningBackstage {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Backstage dev app production-style on one loopback port: the real backend (SQLite in
 * memory) serving the built frontend. See backstage-plugins/README.md.
 */
export async function startBackstage(o: { port: number; logDir: string; env?: NodeJS.ProcessEnv }): Promise<RunningBackstage> {
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess({
    name: 'backstage',
    command: 'bash',
    args: [path.join(repoRoot(), 'backstage-plugins', 'scripts', 'serve.sh')],
    env: { BACKSTAGE_BACKEND_PORT: String(o.port), ...o.env },
    logDir: o.logDir,
    ready: httpOk(`${url}/.backstage/health/v1/readiness`),
    readyTimeoutMs: 120_000,
  });
  return { url, process: proc, stop: () => proc.stop() };
}
