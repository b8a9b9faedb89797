import { existsSync } from 'node:fs';
import path from 'node:path';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { repoRoot } from './paths';

export interface OpaOptions {
  port: number;
  logDir: string;
  /** Policy and data files or folders to load. Default: the pack's governance policy (policies/governance) and policies/data.json. */
  paths?: string[];
  /** Log every decision to OPA's console; OPA then answers a decision_id with each decision. Default true. */
  decisionLogs?: boolean;
}

export interface RunningOpa {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The pack's policy bundle as OPA loads it: the Rego files and the shipped data. */
export function governancePolicyPaths(): string[] {
  const dir = path.join(repoRoot(), 'policies');
  return [path.join(dir, 'governance'), path.join(dir, 'data.json')];
}

/** Starts Open Policy Agent as a server on loopback with the governance policy (or `paths`). */
export async function startOpa(o: OpaOptions): Promise<RunningOpa> {
  const bin = path.join(repoRoot(), '.tools', 'bin', 'opa');
  if (!existsSync(bin)) throw new Error('opa is not built: run `npm run setup` (it builds OPA from its Go module)');
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess({
    name: 'opa',
    command: bin,
    args: [
      'run', '--server', '--addr', `127.0.0.1:${o.port}`, '--log-level', 'error',
      ...(o.decisionLogs === false ? [] : ['--set', 'decision_logs.console=true']),
      ...(o.paths ?? governancePolicyPaths()),
    ],
    logDir: o.logDir,
    ready: httpOk(`${url}/health?bundles`),
  });
  return { url, process: proc, stop: () => proc.stop() };
}
