import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startProcess, httpOk, type ManagedProcess } from './process';
import { toolPath } from './paths';

export interface PrometheusOptions {
  port: number;
  dataDir: string;
  logDir: string;
  /** Extra scrape jobs: name → host:port targets (e.g. the collector's own telemetry). */
  scrapeJobs?: Record<string, string[]>;
  scrapeInterval?: string;
  /** Rule files to load. */
  ruleFiles?: string[];
  /** Alertmanagers (host:port) that receive the rules' alerts. */
  alertmanagers?: string[];
}

export interface RunningPrometheus {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Prometheus configuration: itself plus the given jobs. Gateway metrics arrive by remote write. */
export function prometheusConfig(o: Pick<PrometheusOptions, 'port' | 'scrapeJobs' | 'scrapeInterval' | 'ruleFiles' | 'alertmanagers'>): string {
  const jobs = { prometheus: [`127.0.0.1:${o.port}`], ...o.scrapeJobs };
  const lines = [
    'global:',
    `  scrape_interval: ${o.scrapeInterval ?? '15s'}`,
    `  evaluation_interval: ${o.scrapeInterval ?? '15s'}`,
  ];
  // Remote-written data that the collector retries after an outage may arrive out of order per series.
  lines.push('storage:', '  tsdb:', '    out_of_order_time_window: 30m');
  if (o.ruleFiles?.length) lines.push('rule_files:', ...o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`));
  if (o.alertmanagers?.length) lines.push('alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: ${JSON.stringify(o.alertmanagers)}`);
  lines.push('scrape_configs:');
  for (const [job, targets] of Object.entries(jobs)) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    static_configs:', `      - targets: ${JSON.stringify(targets)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts Prometheus with the remote-write receiver, exemplar storage and start-time zero ingestion on 127.0.0.1. */
export async function startPrometheus(o: PrometheusOptions): Promise<RunningPrometheus> {
  mkdirSync(o.dataDir, { recursive: true });
  const configFile = path.join(o.dataDir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(o));
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess({
    name: 'prometheus',
    command: toolPath('prometheus'),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(o.dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${o.port}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=exemplar-storage',
      // A remote-written start time becomes a zero sample, so that a counter series first seen at 1
      // counts that 1 (collector/README.md, first occurrences).
      '--enable-feature=created-timestamp-zero-ingestion',
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=2d',
    ],
    logDir: o.logDir,
    ready: httpOk(`${url}/-/ready`),
  });
  return { url, process: proc, stop: () => proc.stop() };
}
