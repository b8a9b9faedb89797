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
 * memory) serving the built frontend. `configFiles` are loaded after the app's own (see
 * backstage-plugins/README.md). Workspace packages load from their TypeScript sources, as the rest of the
 * sandbox does, so the backend never runs a stale build of them.
 */
export async function startBackstage(o: { port: number; logDir: string; configFiles?: string[]; env?: NodeJS.ProcessEnv }): Promise<RunningBackstage> {
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess({
    name: 'backstage',
    command: 'bash',
    args: [path.join(repoRoot(), 'backstage-plugins', 'scripts', 'serve.sh'), ...(o.configFiles ?? []).flatMap((f) => ['--config', f])],
    env: {
      BACKSTAGE_BACKEND_PORT: String(o.port),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=source`.trim(),
      NODE_TEST_CONTEXT: undefined,
      ...o.env,
    },
    logDir: o.logDir,
    ready: httpOk(`${url}/.backstage/health/v1/readiness`),
    // The backend compiles the workspace sources at start; a busy machine needs minutes.
    readyTimeoutMs: 240_000,
  });
  return { url, process: proc, stop: () => proc.stop() };
}
