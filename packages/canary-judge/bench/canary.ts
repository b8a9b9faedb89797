/**
 * Canary gate evaluation bench (not a test): how often each gate rolls back real regressions, rolls
 * back healthy canaries, promotes without data, and how fast it decides.
 *
 *   npm run bench:canary                       # 200 seeds per scenario
 *   npm run bench:canary -- --quick            # 30 seeds
 *   npm run bench:canary -- --seeds 100 --workers 2 --config path/to/gate.yaml
 *
 * Traffic comes from the simulator's TrafficGenerator (request-level events, one catalog per seed: the
 * API's error rate, latency and spread differ from seed to seed), aggregated into 1-minute intervals
 * (error ratio, p99 and p50 from Kong's latency histogram buckets). Every gate is evaluated at the end
 * of each interval over a 10-interval horizon (10 minutes). See gates.ts for the three gates.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { DEFAULT_GATE_CONFIG, judgeMetric, loadGateConfig, type Decision, type GateConfig } from '../src';
import { flaggerTimeline, judgeTimeline, kayentaTimeline, FLAGGER, KAYENTA, type GateOutcome } from './gates';
import { simulateRun, type BenchScenario } from './simulate';

const HORIZON = 10;
const LOOKBACK = 10;
const STANDARD = 300;
const LOW_VOLUME = 60;

export const SCENARIOS: BenchScenario[] = [
  { name: 'healthy', kind: 'healthy', scenario: 'healthy', requestsPerInterval: STANDARD },
  { name: 'healthy @60/interval', kind: 'healthy', scenario: 'healthy', requestsPerInterval: LOW_VOLUME },
  { name: 'noisy baseline (x3)', kind: 'healthy', scenario: 'noisy-baseline', scenarioParam: 3, requestsPerInterval: STANDARD },
  { name: 'errors +0.5pp', kind: 'regression', scenario: 'error-regression', scenarioParam: 0.5, requestsPerInterval: STANDARD },
  { name: 'errors +1pp', kind: 'regression', scenario: 'error-regression', scenarioParam: 1, requestsPerInterval: STANDARD },
  { name: 'errors +5pp', kind: 'regression', scenario: 'error-regression', scenarioParam: 5, requestsPerInterval: STANDARD },
  { name: 'errors +1pp @60/interval', kind: 'regression', scenario: 'error-regression', scenarioParam: 1, requestsPerInterval: LOW_VOLUME },
  { name: 'p99 +10%', kind: 'regression', scenario: 'latency-regression', scenarioParam: 10, requestsPerInterval: STANDARD },
  { name: 'p99 +30%', kind: 'regression', scenario: 'latency-regression', scenarioParam: 30, requestsPerInterval: STANDARD },
  { name: 'p99 +100%', kind: 'regression', scenario: 'latency-regression', scenarioParam: 100, requestsPerInterval: STANDARD },
  { name: 'p99 +30% @60/interval', kind: 'regression', scenario: 'latency-regression', scenarioParam: 30, requestsPerInterval: LOW_VOLUME },
  { name: 'low traffic (0.5% share)', kind: 'missing', scenario: 'low-traffic', scenarioParam: 0.5, requestsPerInterval: STANDARD },
  { name: 'missing data (no canary)', kind: 'missing', scenario: 'no-data', requestsPerInterval: STANDARD },
];

const GATES = ['judge', 'flagger', 'kayenta'] as const;
type GateName = (typeof GATES)[number];

interface Job {
  scenario: number;
  seed: number;
}
interface JobResult extends Job {
  outcomes: Record<GateName, GateOutcome>;
  canaryRequests: number;
}

function runJob(job: Job, config: GateConfig): JobResult {
  const s = SCENARIOS[job.scenario]!;
  const data = simulateRun(s, job.seed, HORIZON);
  return {
    ...job,
    outcomes: {
      judge: judgeTimeline(config, data, HORIZON, LOOKBACK),
      flagger: flaggerTimeline(data, HORIZON),
      kayenta: kayentaTimeline(data, HORIZON),
    },
    canaryRequests: data.canary.requests.reduce((a, b) => a + b, 0) / HORIZON,
  };
}

// ---------------------------------------------------------------------------------------------------
// worker

if (!isMainThread) {
  const { jobs, configPath } = workerData as { jobs: Job[]; configPath: string | null };
  const config = configPath ? loadGateConfig(configPath) : DEFAULT_GATE_CONFIG;
  parentPort!.postMessage(jobs.map((j) => runJob(j, config)));
}

// ---------------------------------------------------------------------------------------------------
// main

interface Row {
  scenario: BenchScenario;
  /** Intervals to decision of every decided run, per gate. */
  decidedAt: Record<GateName, number[]>;
  /** Intervals to rollback of every rolled-back run, per gate. */
  rolledBackAt: Record<GateName, number[]>;
  runs: number;
  canaryRequests: number;
  gates: Record<GateName, { rollback: number; promote: number; continue: number; medianAt: number | null }>;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function aggregate(results: JobResult[]): Row[] {
  return SCENARIOS.map((scenario, i) => {
    const rs = results.filter((r) => r.scenario === i);
    const gates = {} as Row['gates'];
    const decidedAt = {} as Row['decidedAt'];
    const rolledBackAt = {} as Row['rolledBackAt'];
    for (const g of GATES) {
      decidedAt[g] = rs.map((r) => r.outcomes[g].at).filter((a): a is number => a !== null);
      rolledBackAt[g] = rs.filter((r) => r.outcomes[g].decision === 'rollback').map((r) => r.outcomes[g].at as number);
      const count = (d: Decision) => rs.filter((r) => r.outcomes[g].decision === d).length / rs.length;
      gates[g] = {
        rollback: count('rollback'),
        promote: count('promote'),
        continue: count('continue'),
        medianAt: median(decidedAt[g]),
      };
    }
    return { scenario, decidedAt, rolledBackAt, runs: rs.length, canaryRequests: rs.reduce((a, r) => a + r.canaryRequests, 0) / Math.max(1, rs.length), gates };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const med = (x: number | null) => (x === null ? '-' : String(x));

function table(rows: string[][], rightFrom = 1): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

interface ScaleResult {
  perSide: number;
  wallMs: number;
  cpuMs: number;
}

/**
 * Time to judge one metric of the gate (its first latency metric) on `perSide` values per side: a rank
 * test, Hodges-Lehmann shift and CI over perSide² pairs. CPU time is the process' user + system time.
 */
function measureScale(config: GateConfig, perSide: number): ScaleResult {
  const metric = config.metrics.find((m) => m.name.startsWith('latency')) ?? config.metrics[0]!;
  let state = 12345;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
  // latency-like values on Kong's millisecond grid, so there are ties
  const side = (scale: number) => Array.from({ length: perSide }, () => Math.round(scale * 100 * Math.exp(-Math.log(1 - random()))) / 1000);
  const baseline = side(1);
  const canary = side(1.02);
  const cpu = process.cpuUsage();
  const started = performance.now();
  judgeMetric(metric, { baseline, canary }, config.early);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perSide, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function report(rows: Row[], seeds: number, configName: string, seconds: number, scale: ScaleResult[]): string {
  const head = ['scenario', 'canary req/int'];
  for (const g of GATES) head.push(`${g} rollback`, 'promote', 't');
  const body = rows.map((r) => {
    const cells = [r.scenario.name, String(Math.round(r.canaryRequests))];
    for (const g of GATES) cells.push(pct(r.gates[g].rollback), pct(r.gates[g].promote), med(r.gates[g].medianAt));
    return cells;
  });

  const of = (name: string) => rows.find((r) => r.scenario.name === name)!;
  const healthy = rows.filter((r) => r.scenario.kind === 'healthy');
  const decidedTimes = (g: GateName) => median(rows.flatMap((r) => r.decidedAt[g]));
  const summary: string[][] = [['measure (goal)', 'judge', 'flagger', 'kayenta']];
  const line = (label: string, f: (g: GateName) => string) => summary.push([label, ...GATES.map(f)]);
  line('detection errors +1pp, 300 req/int (>= 95%)', (g) => pct(of('errors +1pp').gates[g].rollback));
  line('detection p99 +30%, 300 req/int (>= 95%)', (g) => pct(of('p99 +30%').gates[g].rollback));
  line('detection errors +1pp, 60 req/int', (g) => pct(of('errors +1pp @60/interval').gates[g].rollback));
  line('detection p99 +30%, 60 req/int', (g) => pct(of('p99 +30% @60/interval').gates[g].rollback));
  line('false rollback, healthy 300 req/int (<= 1%)', (g) => pct(of('healthy').gates[g].rollback));
  line('false rollback, all healthy rows (<= 1%)', (g) => pct(healthy.reduce((a, r) => a + r.gates[g].rollback, 0) / healthy.length));
  line('promote on missing data (0%)', (g) => pct(of('missing data (no canary)').gates[g].promote));
  line('promote on low traffic', (g) => pct(of('low traffic (0.5% share)').gates[g].promote));
  line('median intervals to a decision (all decided runs)', (g) => med(decidedTimes(g)));
  for (const name of ['errors +5pp', 'p99 +100%']) {
    const row = of(name);
    line(`intervals to rollback, ${name} (median <= 2)`, (g) => med(median(row.rolledBackAt[g])));
    line(`rolled back within 2 intervals, ${name}`, (g) => pct(row.rolledBackAt[g].filter((t) => t <= 2).length / row.runs));
  }

  return [
    `canary gate bench: ${seeds} seeds per scenario, ${HORIZON} intervals of 1m, lookback ${LOOKBACK} intervals, judge gate "${configName}" (${seconds.toFixed(1)} s)`,
    `flagger: error ratio <= ${FLAGGER.maxErrorRatio * 100}%, p99 <= ${FLAGGER.maxP99Seconds * 1000} ms, rollback after ${FLAGGER.threshold} failed checks, promote after ${FLAGGER.promoteAfter} passed`,
    `kayenta: Mann-Whitney ${KAYENTA.confidenceLevel * 100}% CI, effect fraction ${KAYENTA.fraction}, pass ${KAYENTA.pass} / marginal ${KAYENTA.marginal}, a judgement every ${KAYENTA.analysisEvery} intervals`,
    '',
    table([head, ...body]),
    '(rollback / promote: share of runs; t: median intervals to a rollback or promote decision; the rest is continue / hold)',
    '',
    table(summary),
    '',
    table([
      ['scale: one metric judged (goal < 1 s at 100,000)', 'time', 'CPU time'],
      ...scale.map((x) => [`${x.perSide.toLocaleString('en-US')} values per side`, `${x.wallMs.toFixed(0)} ms`, `${x.cpuMs.toFixed(0)} ms`]),
    ]),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      seeds: { type: 'string' },
      workers: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const seeds = values.seeds ? Number(values.seeds) : values.quick ? 30 : 200;
  if (!(Number.isInteger(seeds) && seeds > 0)) throw new Error(`--seeds must be a positive integer, got ${values.seeds}`);
  const workers = values.workers ? Number(values.workers) : Math.max(1, Math.min(4, availableParallelism()));
  if (!(Number.isInteger(workers) && workers > 0)) throw new Error(`--workers must be a positive integer, got ${values.workers}`);
  const configPath = values.config ?? null;
  const config = configPath ? loadGateConfig(configPath) : DEFAULT_GATE_CONFIG;

  const jobs: Job[] = [];
  for (let seed = 1; seed <= seeds; seed++) for (let scenario = 0; scenario < SCENARIOS.length; scenario++) jobs.push({ scenario, seed });
  const started = performance.now();
  const chunks = Array.from({ length: workers }, (_, w) => jobs.filter((_, i) => i % workers === w));
  const results = (
    await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<JobResult[]>((resolve, reject) => {
            const worker = new Worker(__filename, { workerData: { jobs: chunk, configPath } });
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.once('exit', (code) => code !== 0 && reject(new Error(`bench worker exited with ${code}`)));
          }),
      ),
    )
  ).flat();
  const seconds = (performance.now() - started) / 1000;
  const rows = aggregate(results);
  const scale = [20_000, 100_000].map((n) => measureScale(config, n));
  if (values.json) {
    const json = rows.map(({ decidedAt: _omit, rolledBackAt: _omitToo, ...r }) => r);
    process.stdout.write(`${JSON.stringify({ seeds, config: config.name, seconds, rows: json, scale }, null, 2)}\n`);
  }
  else process.stdout.write(`${report(rows, seeds, config.name, seconds, scale)}\n`);
}

if (isMainThread && require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
