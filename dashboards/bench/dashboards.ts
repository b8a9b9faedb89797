/**
 * Dashboard query benchmark (not a test): per dashboard and panel, the median query time of each
 * target as shipped (recorded series where they exist) next to its raw equivalent (the contract's query
 * over the raw series), on a real Prometheus holding at least 100k series.
 *
 * Data: simulator backfill for both gateways (6 APIs, 12 consumers: about 117k series; consumers and countries scaled up
 * further if --series asks for more), 30 minutes at a 60 s step, plus the same 30 minutes one week earlier
 * (week-over-week panels), the platform / canary fixture and the alerts' recording rules backfilled
 * with promtool (see test/helpers/dataset.ts). After loading, the bench waits for Prometheus to compact
 * the many small rule blocks (vertical compaction) so that timings reflect a settled TSDB.
 *
 * Queries run as Grafana would send them for a 30-minute dashboard at a 60 s step (instant targets at
 * the end of the window), every variable at "All" (the widest selection), $__rate_interval = 4m.
 * Each query runs once to warm up, then RUNS times; the median wall time of the HTTP call is reported.
 *
 * Usage: node --conditions=source --import tsx dashboards/bench/dashboards.ts [--series 100000]
 *        [--minutes 30] [--runs 7] [--keep]
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDir } from '@api-observatory/local-stack';
import { queryCatalog, type CatalogEntry } from '../src';
import { buildDataset, type Dataset } from '../test/helpers/dataset';
import { committedDashboards } from '../test/helpers/committed';
import { interpolate, type TimeContext } from '../test/helpers/interpolate';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SERIES = arg('series', 100_000);
const MINUTES = arg('minutes', 30);
const RUNS = arg('runs', 7);
const STEP_MS = 60_000;
const GOAL_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function blocksLoaded(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^prometheus_tsdb_blocks_loaded (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Waits until Prometheus has merged the overlapping blocks (the count unchanged for a minute), up to 6 minutes. */
async function waitForCompaction(url: string, log: (s: string) => void): Promise<number> {
  let last = await blocksLoaded(url);
  log(`blocks loaded: ${last}; waiting for compaction`);
  let stable = 0;
  for (let i = 0; i < 24 && stable < 4; i++) {
    await sleep(15_000);
    const n = await blocksLoaded(url);
    stable = n === last ? stable + 1 : 0;
    if (n !== last) log(`blocks loaded: ${n}`);
    last = n;
  }
  return last;
}

async function timeQuery(ds: Dataset, expr: string, instant: boolean): Promise<{ ms: number; series: number }> {
  const t0 = performance.now();
  const r = instant ? await ds.client.query(expr, ds.endMs / 1000) : await ds.client.queryRange(expr, ds.startMs / 1000, ds.endMs / 1000, STEP_MS / 1000);
  return { ms: performance.now() - t0, series: r.length };
}

async function measure(ds: Dataset, expr: string, instant: boolean): Promise<{ median: number; series: number }> {
  const warm = await timeQuery(ds, expr, instant);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timeQuery(ds, expr, instant)).ms);
  return { median: median(times), series: warm.series };
}

async function main(): Promise<void> {
  const log = (s: string) => console.error(`[bench] ${s}`);
  const dir = runDir('dashboards-bench');
  const t0 = Date.now();
  const ds = await buildDataset({
    dir,
    endMs: Date.now() - 5 * 60_000,
    rangeMs: MINUTES * 60_000,
    stepMs: STEP_MS,
    sim: { apis: 6, consumers: 12, rps: 400, seed: 1, seriesTarget: SERIES },
    weekAgo: { rangeMs: MINUTES * 60_000, consumers: 12, seriesTarget: SERIES },
    log,
  });
  try {
    log(`dataset ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(ds.timings)}`);
    const blocks = await waitForCompaction(ds.url, log);
    const total = await ds.client.query('count({__name__=~".+"})', ds.endMs / 1000);
    const raw = await ds.client.query('count({__name__=~".+", __name__!~".+:.+"})', ds.endMs / 1000);
    const seriesNow = Number(total[0]?.value[1] ?? 0);
    log(`series at the window's end: ${seriesNow} (${raw[0]?.value[1]} raw); ${blocks} blocks`);

    const dashboards = committedDashboards().map((d) => d.json);
    const time: TimeContext = { rangeSeconds: MINUTES * 60, rateInterval: `${(4 * STEP_MS) / 60_000}m`, interval: `${STEP_MS / 1000}s` };
    const rows: Array<CatalogEntry & { shippedMs: number; rawMs: number; series: number }> = [];
    for (const e of queryCatalog().filter((x) => x.datasource === 'prometheus')) {
      const d = dashboards.find((x) => x.uid === e.dashboard)!;
      const shipped = await measure(ds, interpolate(e.expr, d.templating.list, {}, time), e.instant);
      const rawM = e.recorded ? await measure(ds, interpolate(e.raw, d.templating.list, {}, time), e.instant) : shipped;
      rows.push({ ...e, shippedMs: shipped.median, rawMs: rawM.median, series: shipped.series });
    }

    const fmt = (x: number) => x.toFixed(1);
    const lines = [
      `Dataset: ${ds.current.series} simulator series in the current window (+ ${ds.weekAgo?.series ?? 0} a week earlier), ${seriesNow} series in total at the window's end incl. recorded and fixture series; ${MINUTES} min at ${STEP_MS / 1000} s; ${blocks} blocks after compaction.`,
      `Range targets: ${MINUTES} min at a ${STEP_MS / 1000} s step; instant targets at the end; variables at All; median of ${RUNS} runs after a warm-up.`,
      '',
      '| dashboard | panel | ref | reads | shipped ms | raw ms | raw / shipped | ≤ 50 ms |',
      '| --- | --- | --- | --- | ---: | ---: | ---: | :---: |',
      ...rows.map((r) =>
        `| ${r.dashboard.replace('apiobs-', '')} | ${r.panel} | ${r.refId} | ${r.recorded ? 'recorded' : 'raw'} | ${fmt(r.shippedMs)} | ${r.recorded ? fmt(r.rawMs) : '–'} | ${r.recorded ? `${(r.rawMs / r.shippedMs).toFixed(1)}×` : '–'} | ${r.shippedMs <= GOAL_MS ? 'yes' : '**no**'} |`,
      ),
    ];
    const panels = new Map<string, number>();
    for (const r of rows) panels.set(`${r.dashboard}/${r.panel}`, Math.max(panels.get(`${r.dashboard}/${r.panel}`) ?? 0, r.shippedMs));
    const slow = [...panels].filter(([, ms]) => ms > GOAL_MS);
    lines.push('', `${panels.size} panels, ${rows.length} Prometheus targets; panels whose slowest target exceeds ${GOAL_MS} ms: ${slow.length ? slow.map(([p, ms]) => `${p} (${fmt(ms)} ms)`).join(', ') : 'none'}.`);
    const recorded = rows.filter((r) => r.recorded);
    if (recorded.length) lines.push(`Recorded targets: median speed-up ${median(recorded.map((r) => r.rawMs / r.shippedMs)).toFixed(1)}× over their raw equivalents.`);
    console.log(lines.join('\n'));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ seriesNow, blocks, minutes: MINUTES, stepMs: STEP_MS, runs: RUNS, rows }, null, 2));
    log(`results also in ${path.join(dir, 'results.json')}`);
  } finally {
    await ds.stop();
    if (!process.argv.includes('--keep')) rmSync(path.join(dir, 'tsdb'), { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
