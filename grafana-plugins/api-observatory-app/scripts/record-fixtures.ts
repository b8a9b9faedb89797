/**
 * Records the jest fixtures from a real Prometheus. Run from the repository root:
 *
 *   node --conditions=source --import tsx grafana-plugins/api-observatory-app/scripts/record-fixtures.ts
 *
 * (or `npm run record-fixtures -w grafana-plugins/api-observatory-app`; needs `.tools/bin/prometheus`
 * and `promtool` from `npm run setup`). About a minute on two cores.
 *
 * 1. Test rig data: the traffic simulator's backfill (Kong and APISIX, 2 APIs, 8 consumers, 100 req/s,
 *    2 h at 30 s, canary of `orders` in the healthy scenario), the same window one week earlier (WoW),
 *    and a second canary, `checkout`, in the error-regression scenario (+5 pp of 5xx) over the last
 *    20 minutes; `promtool tsdb create-blocks-from openmetrics` turns them into blocks.
 * 2. A real Prometheus (local-stack's process manager and the project's built binary) on that data,
 *    scraping itself (the platform page's Prometheus series); the pack's recording rules
 *    (alerts/rules/*.yaml) are backfilled with `promtool tsdb create-blocks-from rules`, level by level.
 * 3. The real canary gate (canary-judge's `evaluate` on this Prometheus) every 5 minutes of the last hour
 *    for both canaries; its exported decision series (CanaryGateMetrics) are backfilled too.
 * 4. Every Prometheus target of every page (the plugin's own panel specs, i.e. the same builders), with
 *    Grafana variables at "All", as range queries over the window (60 s step) or instant queries at its
 *    end; the variables' label values; the Canary page's discovery and sample queries (the plugin's
 *    `plannedQueries`) for both canaries; and `canary-gate evaluate --json` (the CLI's runCli with the
 *    clock at the window's end) for both. Responses are written verbatim to src/test/fixtures/.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import YAML from 'yaml';
import { PROM, escapeLabelValue } from '@api-observatory/telemetry-contract';
import { freePort, httpOk, recordingRuleLevels, repoRoot, runDir, startProcess, toolPath, type ManagedProcess } from '@api-observatory/local-stack';
import { TrafficGenerator, writeBackfill } from '@api-observatory/traffic-simulator';
import {
  CanaryGateMetrics,
  DEFAULT_GATE_CONFIG,
  createPrometheusSource,
  evaluate,
  evaluationReport,
} from '@api-observatory/canary-judge';
// The CLI's own entry point (argv parsing and all), with an injected clock; not part of the package's exports.
import { runCli } from '../../../packages/canary-judge/src/cli';
import { ALL_VALUE, L, activeCanariesQuery } from '@api-observatory/telemetry-contract/grafana';
import { pagePanels } from '../src/panels';
import { PLUGIN_VARIABLE_QUERIES } from '../src/variableQueries';
import { plannedQueries, alignedWindow } from '../src/lib/canaryPlan';

const STEP_MS = 30_000;
const RANGE_MS = 2 * 3600_000;
const QUERY_STEP_S = 60;
const RATE_INTERVAL = '2m'; // 4 × the data step, as Grafana's $__rate_interval would be
const WEEK_MS = 7 * 24 * 3600_000;
const CANARY_INTERVAL_MS = 60_000;
const CANARY_LOOKBACK_MS = 10 * 60_000;
const SECOND_CANARY = 'checkout';
const FIXTURES = path.join(__dirname, '..', 'src', 'test', 'fixtures');
const log = (m: string) => process.stderr.write(`[record-fixtures] ${m}\n`);

function run(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (out = (out + d).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} exited ${code}:\n${out}`))));
  });
}

/** Keeps 2xx series and a few bounds of the span latency histogram (the dominant family), renames APIs. */
class Shape extends Transform {
  private rest = '';
  private family = '';
  constructor(private readonly o: { keepFamilies?: ReadonlySet<string>; renameApi?: [string, string] }) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback) {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop()!;
    done(null, this.lines(lines));
  }
  override _flush(done: TransformCallback) {
    done(null, this.rest ? this.lines([this.rest]) : '');
  }
  private lines(lines: string[]): string {
    const out: string[] = [];
    for (const line of lines) {
      const fam = /^# (?:HELP|TYPE) (\S+)/.exec(line);
      if (fam) this.family = fam[1]!;
      if (line === '# EOF') this.family = '';
      if (this.o.keepFamilies && this.family && !this.o.keepFamilies.has(this.family)) continue;
      if (!line.startsWith('#') && this.family === PROM.trafficDuration) {
        if (!line.includes('status_class="2xx"')) continue;
        const le = /,le="([^"]+)"/.exec(line);
        if (le && !['0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'].includes(le[1]!)) continue;
      }
      out.push(this.o.renameApi ? line.replace(new RegExp(`([{,])api="${this.o.renameApi[0]}"`), `$1api="${this.o.renameApi[1]}"`) : line);
    }
    return out.length ? `${out.join('\n')}\n` : '';
  }
}

async function backfill(file: string, shape: Shape, o: Parameters<typeof writeBackfill>[1]): Promise<void> {
  const done = pipeline(shape, createWriteStream(file));
  await writeBackfill(shape, o);
  shape.end();
  await done;
}

function moveBlocks(from: string, tsdb: string) {
  if (!existsSync(from)) return;
  for (const e of readdirSync(from)) {
    const p = path.join(from, e);
    if (statSync(p).isDirectory() && existsSync(path.join(p, 'meta.json'))) renameSync(p, path.join(tsdb, e));
  }
}

async function startServer(dir: string, port: number): Promise<ManagedProcess> {
  const config = path.join(dir, 'prometheus.yml');
  // Scrapes only itself (job "prometheus"): the platform page's Prometheus series; the rest is backfilled.
  writeFileSync(config, `global:\n  scrape_interval: 5s\n  evaluation_interval: 1m\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`);
  return startProcess({
    name: 'prometheus-grafana-app-fixtures',
    command: toolPath('prometheus'),
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d', // keeps the week-ago blocks
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    logDir: path.join(dir, 'logs'),
    ready: httpOk(`http://127.0.0.1:${port}/-/ready`),
    readyTimeoutMs: 120_000,
  });
}

/** POSTs to the Prometheus HTTP API and returns the parsed body verbatim. */
async function api(url: string, p: string, params: Record<string, string | string[]>): Promise<{ status: string; data?: unknown; error?: string; errorType?: string }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const res = await fetch(`${url}${p}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return (await res.json()) as { status: string; data?: unknown };
}

/** Interpolates Grafana variables as Grafana's Prometheus datasource does with every variable at "All". */
function interpolate(expr: string, rangeSeconds: number): string {
  return expr
    .replace(/\$__rate_interval/g, RATE_INTERVAL)
    .replace(/\$__interval/g, `${QUERY_STEP_S}s`)
    .replace(/\$__range/g, `${rangeSeconds}s`)
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      if (name.startsWith('__')) throw new Error(`uninterpolated Grafana variable ${m} in ${expr}`);
      return escapeLabelValue(ALL_VALUE);
    });
}

async function main() {
  const root = repoRoot();
  const dir = runDir('grafana-app-fixtures');
  rmSync(dir, { recursive: true, force: true });
  const tsdb = path.join(dir, 'tsdb');
  const work = path.join(dir, 'work');
  mkdirSync(tsdb, { recursive: true });
  mkdirSync(work, { recursive: true });
  const promtool = toolPath('promtool');
  const t0 = Date.now();

  const endMs = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
  const startMs = endMs - RANGE_MS;
  const sim = { gateways: ['kong', 'apisix'] as const, apis: 2, consumers: 8, seed: 1, rps: 100, stepMs: STEP_MS };
  const blocks = async (file: string) => {
    await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, tsdb]);
    rmSync(file);
  };

  log('simulator backfill: current window, week-ago window, second canary');
  const current = path.join(work, 'current.om');
  await backfill(current, new Shape({}), { ...sim, gateways: [...sim.gateways], scenario: 'healthy', startMs, endMs });
  await blocks(current);
  const weekAgo = path.join(work, 'week-ago.om');
  await backfill(weekAgo, new Shape({}), { ...sim, gateways: [...sim.gateways], consumers: 6, scenario: 'healthy', startMs: endMs - WEEK_MS - 3600_000, endMs: endMs - WEEK_MS, stepMs: 60_000 });
  await blocks(weekAgo);
  const checkout = path.join(work, 'checkout.om');
  const keep = new Set([PROM.requests.replace(/_total$/, ''), PROM.requestDuration, PROM.upstreamDuration, PROM.gatewayDuration]);
  await backfill(checkout, new Shape({ keepFamilies: keep, renameApi: ['orders', SECOND_CANARY] }), {
    gateways: ['kong'],
    apis: 1,
    consumers: 2,
    seed: 3,
    canaryApi: 'orders',
    scenario: 'error-regression',
    scenarioParam: 5,
    startMs: endMs - 20 * 60_000,
    endMs,
    stepMs: 15_000,
    rps: 200,
  });
  await blocks(checkout);

  const port = await freePort();
  let server = await startServer(dir, port);
  const url = `http://127.0.0.1:${port}`;
  const restart = async () => {
    await server.stop();
    server = await startServer(dir, port);
  };

  log('recording rules, level by level');
  const ruleDir = path.join(root, 'alerts', 'rules');
  const rules = recordingRuleLevels(readdirSync(ruleDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(ruleDir, f)));
  const maxLevel = Math.max(...rules.map((r) => r.level));
  for (let level = 1; level <= maxLevel; level++) {
    const file = path.join(work, `rules-${level}.yaml`);
    writeFileSync(file, YAML.stringify({ groups: [{ name: `level-${level}`, rules: rules.filter((r) => r.level === level).map(({ level: _l, ...r }) => r) }] }));
    const out = path.join(work, `rule-blocks-${level}`);
    for (const [s, e] of [
      [startMs, endMs],
      [endMs - WEEK_MS - 3600_000, endMs - WEEK_MS],
    ] as const) {
      await run(promtool, ['tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${url}`, `--start=${s / 1000}`, `--end=${e / 1000}`, '--eval-interval=60s', `--output-dir=${out}`, file]);
    }
    moveBlocks(out, tsdb);
    await restart();
  }

  // The two canaries of the rig: the simulator's canary API and the renamed regression.
  const generator = new TrafficGenerator({ gateways: [...sim.gateways], apis: sim.apis, consumers: sim.consumers, seed: sim.seed, scenario: 'healthy' });
  const canaryApi = generator.catalog.apis.find((a) => a.deployments.some((d) => d.role === 'canary'))!;
  const versions = {
    canaryVersion: canaryApi.deployments.find((d) => d.role === 'canary')!.version,
    baselineVersion: canaryApi.deployments.find((d) => d.role === 'baseline')!.version,
  };
  const canaries = [
    { api: canaryApi.name, ...versions },
    { api: SECOND_CANARY, ...versions },
  ];

  log('the canary gate, every 5 minutes of the last hour, exported as its decision series');
  const gate = DEFAULT_GATE_CONFIG;
  const source = createPrometheusSource(url);
  const lines: string[] = [];
  const families = new Map<string, string[]>();
  const metrics = new CanaryGateMetrics();
  for (let t = endMs - 55 * 60_000; t <= endMs; t += 5 * 60_000) {
    for (const c of canaries) {
      const e = await evaluate({ ...c, config: gate, intervalMs: CANARY_INTERVAL_MS, lookbackMs: CANARY_LOOKBACK_MS, end: new Date(t) }, source);
      metrics.record(evaluationReport(e, c, gate, new Date(t)));
    }
    let family = '';
    for (const line of (await metrics.render()).split('\n')) {
      const m = /^# (TYPE|HELP) (\S+)/.exec(line);
      if (m) {
        family = m[2]!;
        if (!families.has(family)) families.set(family, [line.replace(/_total /, ' ')]);
        continue;
      }
      if (line.trim()) families.get(family)!.push(`${line} ${t / 1000}`);
    }
  }
  for (const [fam, ls] of families) {
    const type = /# TYPE \S+ (\w+)/.exec(ls.find((l) => l.startsWith('# TYPE')) ?? '')?.[1];
    lines.push(`# TYPE ${fam.replace(/_total$/, '')} ${type ?? 'gauge'}`, ...ls.filter((l) => !l.startsWith('#')));
  }
  const gateFile = path.join(work, 'canary-gate.om');
  writeFileSync(gateFile, `${lines.join('\n')}\n# EOF\n`);
  await blocks(gateFile);
  await restart();
  // Let Prometheus scrape itself for a while: the platform page's live series.
  await new Promise((r) => setTimeout(r, 30_000));
  const liveEnd = Math.floor(Date.now() / 15_000) * 15_000;
  const buildInfo = (await (await fetch(`${url}/api/v1/status/buildinfo`)).json()) as { data?: { version?: string } };

  log('recording every panel target');
  const rangeSeconds = RANGE_MS / 1000;
  const queries: Record<string, unknown> = {};
  const byExpr: Record<string, string> = {};
  for (const [page, specs] of Object.entries(pagePanels())) {
    for (const spec of specs) {
      if (spec.datasource !== 'prometheus') continue;
      for (const t of spec.targets) {
        const key = `${spec.key}/${t.refId}`;
        const interpolated = interpolate(t.expr, rangeSeconds);
        const end = page === 'platform' ? liveEnd : endMs;
        const kind = t.instant ? 'instant' : 'range';
        const response = t.instant
          ? await api(url, '/api/v1/query', { query: interpolated, time: String(end / 1000) })
          : await api(url, '/api/v1/query_range', { query: interpolated, start: String(startMs / 1000), end: String(end / 1000), step: String(QUERY_STEP_S) });
        if (response.status !== 'success') throw new Error(`Prometheus refused ${key}: ${response.error}\n${interpolated}`);
        queries[key] = { page, panel: spec.title, refId: t.refId, kind, expr: t.expr, interpolated, start: startMs, end, step: QUERY_STEP_S, response };
        byExpr[`${kind}|${t.expr}`] = key;
      }
    }
  }

  log('variables');
  const variables: Record<string, unknown> = {};
  for (const [key, q] of Object.entries(PLUGIN_VARIABLE_QUERIES)) {
    const selector = interpolate(q.selector, rangeSeconds);
    const qs = new URLSearchParams({ 'match[]': selector, start: String(startMs / 1000), end: String(endMs / 1000) });
    const response = await (await fetch(`${url}/api/v1/label/${q.label}/values?${qs}`)).json();
    variables[key] = { name: q.name, label: q.label, selector: q.selector, interpolated: selector, response };
  }

  log('canary page queries and the CLI verdicts');
  const canaryFixtures: unknown[] = [];
  for (const c of canaries) {
    const w = { intervalMs: CANARY_INTERVAL_MS, lookbackMs: CANARY_LOOKBACK_MS, end: new Date(endMs) };
    const { start, end } = alignedWindow(endMs, CANARY_INTERVAL_MS, CANARY_LOOKBACK_MS);
    const discoverExpr = activeCanariesQuery({ [L('api')]: { op: '=', value: c.api } }, `${CANARY_LOOKBACK_MS / 1000}s`);
    const discover = await api(url, '/api/v1/query', { query: discoverExpr, time: String(end.getTime() / 1000) });
    const samples: Record<string, unknown> = {};
    for (const p of plannedQueries(c, gate, w)) {
      samples[p.promql] = await api(url, '/api/v1/query_range', {
        query: p.promql,
        start: String(start.getTime() / 1000),
        end: String(end.getTime() / 1000),
        step: String(CANARY_INTERVAL_MS / 1000),
      });
    }
    let out = '';
    const code = await runCli(
      ['evaluate', '--prometheus', url, '--api', c.api, '--canary', c.canaryVersion, '--baseline', c.baselineVersion, '--interval', '1m', '--lookback', '10m', '--json'],
      { stdout: (s: string) => (out += s), stderr: (s: string) => process.stderr.write(`${s}\n`) },
      { now: () => new Date(endMs) },
    );
    canaryFixtures.push({ ...c, end: endMs, interval: '1m', lookback: '10m', discover: { expr: discoverExpr, response: discover }, samples, cli: { exitCode: code, report: JSON.parse(out) } });
  }

  await server.stop();
  mkdirSync(FIXTURES, { recursive: true });
  const meta = {
    recordedAt: new Date().toISOString(),
    prometheus: buildInfo.data?.version ?? 'unknown',
    simulator: { ...sim, weekAgo: { consumers: 6, rangeMs: 3600_000, stepMs: 60_000 }, secondCanary: { api: SECOND_CANARY, scenario: 'error-regression', scenarioParam: 5 } },
    window: { start: startMs, end: endMs, liveEnd, step: QUERY_STEP_S, rateInterval: RATE_INTERVAL },
    variables: `every variable at All (${ALL_VALUE})`,
  };
  writeFileSync(path.join(FIXTURES, 'prometheus.json'), `${JSON.stringify({ meta, queries, byExpr, variables }, null, 1)}\n`);
  writeFileSync(path.join(FIXTURES, 'canaries.json'), `${JSON.stringify({ meta, canaries: canaryFixtures }, null, 1)}\n`);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${Object.keys(queries).length} targets, ${Object.keys(variables).length} variables, ${canaries.length} canaries`);
}

main().catch((e) => {
  process.stderr.write(`[record-fixtures] ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
