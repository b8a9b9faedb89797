import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { COLLECTOR_FEATURE_GATES } from '@api-observatory/local-stack';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const collectorDir = path.join(repoRoot, 'collector');
export const configPath = path.join(collectorDir, 'config.yaml');
export const lokiOverlayPath = path.join(collectorDir, 'config.loki.yaml');
export const loadBalancingPath = path.join(collectorDir, 'loadbalancing.yaml');
/** The collector built by scripts/tools/build-go-tools.sh (OTELCOL_BIN overrides it). */
export const otelcolPath = process.env.OTELCOL_BIN ?? path.join(repoRoot, '.tools', 'bin', 'otelcol');

/** Reason to skip the tests that run the collector binary, or false when it is there. */
export const skipWithoutOtelcol: string | false = existsSync(otelcolPath)
  ? false
  : `${path.relative(repoRoot, otelcolPath)} is not built yet: run scripts/tools/build-go-tools.sh otelcol`;

export type Yaml = Record<string, any>;

export function loadYaml(file: string): Yaml {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Yaml;
}

/** Env vars the shared config needs to validate (values are never contacted by `validate`). */
export const VALIDATE_ENV: Record<string, string> = {
  PROMETHEUS_REMOTE_WRITE_URL: 'http://127.0.0.1:9/api/v1/write',
  TRACES_OTLP_ENDPOINT: '127.0.0.1:9',
  KONG_METRICS_TARGETS: '[127.0.0.1:8100]',
  APISIX_METRICS_TARGETS: '[127.0.0.1:9091]',
  LOKI_OTLP_ENDPOINT: 'http://127.0.0.1:3100/otlp',
  LB_BACKENDS: '[127.0.0.1:14317, 127.0.0.1:24317]',
};

/** A child env without the config's variables, so only what a test passes is seen. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir() };
  return { ...env, ...extra };
}

export interface RunResult {
  status: number | null;
  output: string;
}

/** `otelcol validate --config A [--config B ...]`. */
export function validate(configs: string[], env: Record<string, string> = VALIDATE_ENV): RunResult {
  const args = ['validate', ...collectorArgs(configs)];
  const r = spawnSync(otelcolPath, args, { env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * A compression variable of a config: a codec the component knows validates, an unknown one is refused by
 * `otelcol validate` with an error naming the setting and the value.
 */
export function assertCompressionSetting(configs: string[], env: Record<string, string>, variable: string): void {
  const ok = validate(configs, { ...env, [variable]: 'zstd' });
  assert.equal(ok.status, 0, ok.output);
  const bad = validate(configs, { ...env, [variable]: 'lzma' });
  assert.notEqual(bad.status, 0, `validated with ${variable}=lzma`);
  assert.match(bad.output, /compression.*lzma/);
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a variant of the shared config (text edited by `edit`) and returns its path. */
export function writeVariant(dir: string, name: string, edit: (text: string) => string): string {
  const text = readFileSync(configPath, 'utf8');
  const out = edit(text);
  if (out === text) throw new Error(`variant ${name}: the edit changed nothing`);
  const file = path.join(dir, name);
  writeFileSync(file, out);
  return file;
}

// Free loopback ports, the same way the local stack picks them.
export { freePorts } from '@api-observatory/local-stack';

/** The collector's arguments for these config files, with the feature gates collector/config.yaml needs. */
function collectorArgs(configs: string[]): string[] {
  return [...COLLECTOR_FEATURE_GATES.map((g) => `--feature-gates=${g}`), ...configs.flatMap((c) => ['--config', c])];
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export function serve(handler: http.RequestListener): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const srv = http.createServer(handler);
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      resolve({
        port,
        close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
      });
    });
  });
}

/** Receives OTLP/HTTP JSON (what an otlp_http exporter with `encoding: json` sends) and keeps it. */
export interface OtlpCapture extends HttpServer {
  traces: any[];
  metrics: any[];
  logs: any[];
  /** Every body received, as text (to search for leaked secrets). */
  raw: string[];
}

export async function otlpCapture(): Promise<OtlpCapture> {
  const cap = { traces: [] as any[], metrics: [] as any[], logs: [] as any[], raw: [] as string[] };
  const srv = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      cap.raw.push(body);
      try {
        const doc = JSON.parse(body);
        if (req.url === '/v1/traces') cap.traces.push(doc);
        else if (req.url === '/v1/metrics') cap.metrics.push(doc);
        else if (req.url === '/v1/logs') cap.logs.push(doc);
      } catch {
        // not JSON: kept in raw only
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return Object.assign(srv, cap);
}

/** Writes an overlay that sends the given pipelines' output to a capture server instead of their exporters. */
export function captureOverlay(dir: string, capture: OtlpCapture, pipelines: readonly string[]): string {
  const file = path.join(dir, 'capture.yaml');
  writeFileSync(file, [
    'exporters:',
    '  otlp_http/capture:',
    `    endpoint: http://127.0.0.1:${capture.port}`,
    '    encoding: json',
    '    compression: none',
    '    retry_on_failure: {enabled: false}',
    'service:',
    '  pipelines:',
    ...pipelines.map((p) => `    ${p}: {exporters: [otlp_http/capture]}`),
    '',
  ].join('\n'));
  return file;
}

export interface RunningCollector {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the collector and waits until its health check answers 200. */
export async function startCollector(configs: string[], env: Record<string, string>, healthUrl: string): Promise<RunningCollector> {
  const proc = spawn(otelcolPath, collectorArgs(configs), { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`collector exited with ${proc.exitCode}:\n${out}`);
    try {
      const res = await fetch(healthUrl);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`collector not healthy after 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, output: () => out, stop };
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** OTLP JSON attribute list -> plain object (ints come as strings in OTLP JSON). */
export function attrs(list: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    if ('stringValue' in v) out[kv.key] = v.stringValue;
    else if ('intValue' in v) out[kv.key] = Number(v.intValue);
    else if ('doubleValue' in v) out[kv.key] = v.doubleValue;
    else if ('boolValue' in v) out[kv.key] = v.boolValue;
    else out[kv.key] = v;
  }
  return out;
}

export interface FlatSpan {
  resource: Record<string, unknown>;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

export function flatSpans(docs: any[]): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const d of docs) {
    for (const rs of d.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          out.push({ resource: attrs(rs.resource?.attributes), name: s.name, kind: s.kind, traceId: s.traceId, spanId: s.spanId, attributes: attrs(s.attributes) });
        }
      }
    }
  }
  return out;
}

export interface FlatPoint {
  metric: string;
  unit: string;
  type: 'sum' | 'histogram' | 'gauge' | 'other';
  resource: Record<string, unknown>;
  attributes: Record<string, unknown>;
  value?: number;
  count?: number;
  sum?: number;
  bounds?: number[];
  bucketCounts?: number[];
  exemplars?: any[];
}

export function flatPoints(docs: any[]): FlatPoint[] {
  const out: FlatPoint[] = [];
  for (const d of docs) {
    for (const rm of d.resourceMetrics ?? []) {
      const resource = attrs(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const base = { metric: m.name as string, unit: (m.unit ?? '') as string, resource };
          if (m.sum) {
            for (const p of m.sum.dataPoints ?? []) {
              out.push({ ...base, type: 'sum', attributes: attrs(p.attributes), value: Number(p.asDouble ?? p.asInt ?? 0) });
            }
          } else if (m.histogram) {
            for (const p of m.histogram.dataPoints ?? []) {
              out.push({
                ...base, type: 'histogram', attributes: attrs(p.attributes), count: Number(p.count ?? 0), sum: Number(p.sum ?? 0),
                bounds: (p.explicitBounds ?? []).map(Number), bucketCounts: (p.bucketCounts ?? []).map(Number), exemplars: p.exemplars ?? [],
              });
            }
          } else if (m.gauge) {
            for (const p of m.gauge.dataPoints ?? []) {
              out.push({ ...base, type: 'gauge', attributes: attrs(p.attributes), value: Number(p.asDouble ?? p.asInt ?? 0) });
            }
          } else {
            out.push({ ...base, type: 'other', attributes: {} });
          }
        }
      }
    }
  }
  return out;
}
