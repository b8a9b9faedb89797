/**
 * A real Prometheus loaded with simulator backfill, the platform/canary fixture and the alerts'
 * recording rules, for the dashboard tests and the benchmark.
 *
 * 1. The traffic simulator's `writeBackfill` writes OpenMetrics in the contract's names for both
 *    gateways at once (`gateway="kong"` and `gateway="apisix"` series side by side), for the current
 *    window (scaled up to a series target if asked) and, with fewer consumers, for the same window one
 *    week earlier (week-over-week panels and "new consumers"). The stream is split into one file per
 *    gateway and `promtool tsdb create-blocks-from openmetrics` turns the files into blocks, in
 *    parallel (promtool parses a file once per block range, single-threaded; at 100k+ series this is
 *    the dominant cost). The files are deleted once converted.
 * 2. platform-fixture.ts adds the series the simulator does not emit (platform components, canary gate).
 * 3. Prometheus evaluates rules only on live data, never over backfilled blocks, so the recording rules
 *    are backfilled with `promtool tsdb create-blocks-from rules`, which evaluates them through the
 *    Prometheus query API over a past range. A rule that reads another rule's output (e.g. the 5xx ratio
 *    reads the recorded 5m rates) can only be evaluated once that output is in the TSDB, so the rules
 *    are sorted into dependency levels and backfilled level by level, restarting Prometheus after each
 *    level so that it loads the new blocks. Evaluation times are multiples of the eval interval, so the
 *    recorded value at the window's end equals the raw query at that instant.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import YAML from 'yaml';
import { PROM, PrometheusClient } from '@api-observatory/telemetry-contract';
import { freePort, httpOk, recordingRuleLevels, repoRoot, startProcess, toolPath, type ManagedProcess } from '@api-observatory/local-stack';
import { TrafficGenerator, writeBackfill, type BackfillResult, type ScenarioName } from '@api-observatory/traffic-simulator';
import { platformFixture } from './platform-fixture';

export const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface SimulatorOptions {
  apis: number;
  consumers: number;
  rps: number;
  seed: number;
  scenario?: ScenarioName;
  /** Scale consumers and countries up to at least this many series (benchmark). */
  seriesTarget?: number;
}

export interface DatasetOptions {
  /** Work folder (emptied first). */
  dir: string;
  /** End of the current window (aligned down to the step and to the rule eval interval). */
  endMs: number;
  rangeMs: number;
  stepMs: number;
  sim: SimulatorOptions;
  /**
   * Also backfill [end - 1w - weekAgoRangeMs, end - 1w] with `consumers` consumers, at `stepMs`
   * (default: the current window's), scaled up to `seriesTarget` series if given (the current window's
   * target is not inherited), its span histogram trimmed if `trimSpanHistogram` (default: as the
   * current window).
   */
  weekAgo?: { rangeMs: number; consumers: number; stepMs?: number; seriesTarget?: number; trimSpanHistogram?: boolean };
  /**
   * Keep only 2xx series of the span-derived latency histogram and a subset of its buckets (the
   * dominant family: 17 series per consumer × status code × country stream). Keeps a TSDB at a few
   * thousand series; quantiles stay valid (a histogram with fewer bounds).
   */
  trimSpanHistogram?: boolean;
  /** Rule files to backfill (default: every alerts/rules/*.yaml). */
  ruleFiles?: string[];
  evalIntervalMs?: number;
  log?: (line: string) => void;
}

export interface WindowInfo {
  startMs: number;
  endMs: number;
  backfill: BackfillResult;
  /** Bytes of OpenMetrics written (after trimming). */
  bytes: number;
  /** Series written (after trimming). */
  series: number;
}

export interface Dataset {
  url: string;
  client: PrometheusClient;
  startMs: number;
  endMs: number;
  stepMs: number;
  evalIntervalMs: number;
  current: WindowInfo;
  weekAgo?: WindowInfo;
  /** The seeded model the current window was generated from. */
  generator: TrafficGenerator;
  /** The model of the week-ago window. */
  weekAgoGenerator?: TrafficGenerator;
  timings: Record<string, number>;
  /** Peak resident memory of the running Prometheus so far (VmHWM, Linux), or undefined. */
  prometheusPeakRssBytes(): number | undefined;
  stop(): Promise<void>;
}

/** Buckets kept by trimSpanHistogram (seconds, as the contract renders them) plus +Inf. */
const KEPT_SPAN_BOUNDS = new Set(['0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf']);

/**
 * Sink for the simulator's OpenMetrics: optionally trims the span histogram (trimSpanHistogram), counts
 * the series written (by their sample at the first step) and splits the samples into one file per
 * gateway (`gateway="kong"` / `gateway="apisix"`; `# HELP` / `# TYPE` lines go to every file, each file
 * ends with `# EOF`), so that promtool can turn the files into blocks in parallel.
 */
class OpenMetricsSplitter extends Writable {
  private rest = '';
  private family = '';
  private readonly firstSample: string;
  private readonly outs: WriteStream[];
  series = 0;
  bytes = 0;
  /** `firstMs`: time of the first sample; series are counted by their sample at that time. */
  constructor(private readonly trim: boolean, firstMs: number, readonly files: readonly string[], private readonly route: (line: string) => number) {
    super();
    this.firstSample = ` ${firstMs / 1000}`;
    this.outs = files.map((f) => createWriteStream(f));
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop()!;
    this.emit_(lines).then(() => done(), done);
  }
  override _final(done: (e?: Error | null) => void): void {
    const last = this.rest && this.rest !== '# EOF' ? [this.rest] : [];
    this.rest = '';
    this.emit_(last)
      .then(() => Promise.all(this.outs.map((o) => new Promise<void>((resolve, reject) => o.end('# EOF\n', () => resolve()).once('error', reject)))))
      .then(() => done(), done);
  }
  private async emit_(lines: string[]): Promise<void> {
    const parts: string[][] = this.outs.map(() => []);
    const span = PROM.trafficDuration;
    for (const line of lines) {
      if (line === '# EOF' || line === '') continue;
      if (line.startsWith('#')) {
        const m = /^# TYPE (\S+)/.exec(line);
        if (m) this.family = m[1]!;
        for (const p of parts) p.push(line);
        continue;
      }
      if (this.trim && this.family === span) {
        if (!line.includes('status_class="2xx"')) continue;
        const le = /,le="([^"]+)"/.exec(line);
        if (le && !KEPT_SPAN_BOUNDS.has(le[1]!)) continue;
      }
      if (line.endsWith(this.firstSample)) this.series++;
      parts[this.route(line)]!.push(line);
    }
    await Promise.all(
      parts.map(async (p, i) => {
        if (p.length === 0) return;
        const text = `${p.join('\n')}\n`;
        this.bytes += text.length;
        if (!this.outs[i]!.write(text)) await once(this.outs[i]!, 'drain');
      }),
    );
  }
}

function run(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
    child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} exited ${code}:\n${output}`))));
  });
}

const GATEWAYS = ['kong', 'apisix'] as const;

interface SimulatorWindow {
  startMs: number;
  endMs: number;
  consumers: number;
  stepMs: number;
  seriesTarget?: number;
  trim: boolean;
}

/** Writes one window of simulator backfill as one OpenMetrics file per gateway (`<prefix>-<gateway>.om`). */
async function writeSimulatorWindow(prefix: string, o: DatasetOptions, win: SimulatorWindow): Promise<WindowInfo & { files: string[] }> {
  const { startMs, endMs, consumers, stepMs } = win;
  const files = GATEWAYS.map((g) => `${prefix}-${g}.om`);
  const filter = new OpenMetricsSplitter(win.trim, Math.ceil(startMs / stepMs) * stepMs, files, (line) => (line.includes('gateway="apisix"') ? 1 : 0));
  const done = finished(filter);
  const backfill = await writeBackfill(filter, {
    gateways: GATEWAYS,
    apis: o.sim.apis,
    consumers,
    seed: o.sim.seed,
    scenario: o.sim.scenario ?? 'healthy',
    startMs,
    endMs,
    stepMs,
    rps: o.sim.rps,
    ...(win.seriesTarget !== undefined ? { seriesTarget: win.seriesTarget } : {}),
  });
  filter.end();
  await done;
  return { startMs, endMs, backfill, bytes: filter.bytes, series: filter.series, files };
}

/** Recording rules of the given files, each with its dependency level (1 = reads raw series only). */
export { recordingRuleLevels };

export function defaultRuleFiles(): string[] {
  const dir = path.join(repoRoot(), 'alerts', 'rules');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

interface PromServer {
  url: string;
  proc: ManagedProcess;
}

async function startServer(dataDir: string, logDir: string, port: number): Promise<PromServer> {
  const config = path.join(dataDir, 'prometheus.yml');
  // No scrape jobs: the TSDB holds exactly the backfilled data, so results are deterministic.
  writeFileSync(config, 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'prometheus-dashboards',
    command: toolPath('prometheus'),
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--enable-feature=exemplar-storage',
      '--query.max-samples=200000000',
      '--log.level=warn',
    ],
    logDir,
    ready: httpOk(`${url}/-/ready`),
    readyTimeoutMs: 120_000,
  });
  return { url, proc };
}

function moveBlocks(from: string, tsdb: string): number {
  if (!existsSync(from)) return 0;
  let n = 0;
  for (const e of readdirSync(from)) {
    const p = path.join(from, e);
    if (statSync(p).isDirectory() && existsSync(path.join(p, 'meta.json'))) {
      renameSync(p, path.join(tsdb, e));
      n++;
    }
  }
  return n;
}

export async function buildDataset(o: DatasetOptions): Promise<Dataset> {
  const log = o.log ?? (() => {});
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings[name] = (timings[name] ?? 0) + (Date.now() - t0);
    }
  };
  const evalIntervalMs = o.evalIntervalMs ?? 60_000;
  const align = Math.max(o.stepMs, evalIntervalMs);
  const endMs = Math.floor(o.endMs / align) * align;
  const startMs = endMs - o.rangeMs;
  rmSync(o.dir, { recursive: true, force: true });
  const tsdb = path.join(o.dir, 'tsdb');
  const work = path.join(o.dir, 'work');
  mkdirSync(tsdb, { recursive: true });
  mkdirSync(work, { recursive: true });
  const promtool = toolPath('promtool');

  // Each file into its own output folder (concurrent promtool runs must not share one), then the
  // blocks are moved into the TSDB. The per-gateway files of a window are converted in parallel.
  let blockDirs = 0;
  const blocks = async (...files: string[]) => {
    await Promise.all(
      files.map(async (file) => {
        const out = path.join(work, `blocks-${blockDirs++}`);
        mkdirSync(out, { recursive: true });
        // One 54 h block range: promtool parses the whole file once per block range its samples span (plus
        // once for the time range), so a window across a 2 h boundary would cost a third pass.
        await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', '--max-block-duration=54h', file, out]);
        rmSync(file);
        moveBlocks(out, tsdb);
      }),
    );
  };

  const trim = o.trimSpanHistogram === true;
  const current = await timed('simulator backfill', () =>
    writeSimulatorWindow(path.join(work, 'current'), o, { startMs, endMs, consumers: o.sim.consumers, stepMs: o.stepMs, trim, ...(o.sim.seriesTarget !== undefined ? { seriesTarget: o.sim.seriesTarget } : {}) }),
  );
  log(`current window: ${current.series} series (${current.backfill.consumers} consumers, ${current.backfill.countriesPerConsumer} countries each), ${(current.bytes / 1e6).toFixed(0)} MB of OpenMetrics`);
  await timed('promtool openmetrics', () => blocks(...current.files));
  let weekAgo: WindowInfo | undefined;
  if (o.weekAgo) {
    const wa = o.weekAgo;
    const w = await timed('simulator backfill', () =>
      writeSimulatorWindow(path.join(work, 'week-ago'), o, {
        startMs: endMs - WEEK_MS - wa.rangeMs,
        endMs: endMs - WEEK_MS,
        consumers: wa.consumers,
        stepMs: wa.stepMs ?? o.stepMs,
        trim: wa.trimSpanHistogram ?? trim,
        ...(wa.seriesTarget !== undefined ? { seriesTarget: wa.seriesTarget } : {}),
      }),
    );
    log(`week-ago window: ${w.series} series, ${(w.bytes / 1e6).toFixed(0)} MB`);
    await timed('promtool openmetrics', () => blocks(...w.files));
    weekAgo = w;
  }
  const generator = new TrafficGenerator({ gateways: ['kong', 'apisix'], apis: o.sim.apis, consumers: current.backfill.consumers, seed: o.sim.seed, scenario: o.sim.scenario ?? 'healthy' });
  const weekAgoGenerator = o.weekAgo
    ? new TrafficGenerator({ gateways: ['kong', 'apisix'], apis: o.sim.apis, consumers: weekAgo!.backfill.consumers, seed: o.sim.seed, scenario: o.sim.scenario ?? 'healthy' })
    : undefined;
  const fixtureFile = path.join(work, 'platform.om');
  writeFileSync(fixtureFile, platformFixture({ startMs, endMs, stepMs: o.stepMs, catalog: generator.catalog }));
  await timed('promtool openmetrics', () => blocks(fixtureFile));

  const port = await freePort();
  const logDir = path.join(o.dir, 'logs');
  let server = await timed('prometheus start', () => startServer(o.dir, logDir, port));
  const restart = async () => {
    await server.proc.stop();
    server = await timed('prometheus start', () => startServer(o.dir, logDir, port));
  };

  // Recording rules, level by level, over each window.
  const rules = recordingRuleLevels(o.ruleFiles ?? defaultRuleFiles());
  const maxLevel = Math.max(...rules.map((r) => r.level));
  const windows = [{ startMs, endMs }, ...(weekAgo ? [{ startMs: weekAgo.startMs, endMs: weekAgo.endMs }] : [])];
  for (let level = 1; level <= maxLevel; level++) {
    const levelRules = rules.filter((r) => r.level === level).map(({ record, expr, labels }) => ({ record, expr, ...(labels ? { labels } : {}) }));
    const file = path.join(work, `rules-level-${level}.yaml`);
    writeFileSync(file, YAML.stringify({ groups: [{ name: `level-${level}`, rules: levelRules }] }));
    const out = path.join(work, `rule-blocks-${level}`);
    await timed('promtool rules', async () => {
      for (const w of windows) {
        await run(promtool, [
          'tsdb', 'create-blocks-from', 'rules', '--quiet',
          `--url=${server.url}`,
          `--start=${Math.floor(w.startMs / 1000)}`,
          `--end=${Math.floor(w.endMs / 1000)}`,
          `--eval-interval=${evalIntervalMs / 1000}s`,
          `--output-dir=${out}`,
          file,
        ]);
      }
    });
    const moved = moveBlocks(out, tsdb);
    log(`recording rules level ${level}: ${levelRules.length} rules, ${moved} blocks`);
    await restart();
  }

  return {
    get url() {
      return server.url;
    },
    client: new PrometheusClient(server.url, 60_000),
    startMs,
    endMs,
    stepMs: o.stepMs,
    evalIntervalMs,
    current,
    ...(weekAgo ? { weekAgo } : {}),
    generator,
    ...(weekAgoGenerator ? { weekAgoGenerator } : {}),
    timings,
    prometheusPeakRssBytes: () => {
      try {
        const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    stop: () => server.proc.stop(),
  };
}
