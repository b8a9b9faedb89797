import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpOk, startProcess, type ManagedProcess } from './process';
import { repoRoot } from './paths';

export interface AlertmanagerOptions {
  port: number;
  dataDir: string;
  logDir: string;
  /** The configuration file's text (alerts/src generates the pack's routing). */
  config: string;
}

export interface RunningAlertmanager {
  url: string;
  /** host:port, for Prometheus' `alerting.alertmanagers` targets. */
  target: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export function alertmanagerPath(): string {
  const p = path.join(repoRoot(), '.tools', 'bin', 'alertmanager');
  if (!existsSync(p)) throw new Error('alertmanager is not built: run `npm run setup` (it builds Alertmanager from its Go module)');
  return p;
}

/**
 * Starts Alertmanager on 127.0.0.1, without clustering. Alertmanager refuses an invalid configuration at
 * start, so a configuration that starts is one `amtool check-config` accepts.
 */
export async function startAlertmanager(o: AlertmanagerOptions): Promise<RunningAlertmanager> {
  mkdirSync(o.dataDir, { recursive: true });
  const configFile = path.join(o.dataDir, 'alertmanager.yml');
  writeFileSync(configFile, o.config);
  const target = `127.0.0.1:${o.port}`;
  const url = `http://${target}`;
  const proc = await startProcess({
    name: 'alertmanager',
    command: alertmanagerPath(),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(o.dataDir, 'data')}`,
      `--web.listen-address=${target}`,
      '--cluster.listen-address=',
    ],
    logDir: o.logDir,
    ready: httpOk(`${url}/-/ready`),
  });
  return { url, target, process: proc, stop: () => proc.stop() };
}
