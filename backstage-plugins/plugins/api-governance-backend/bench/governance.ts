/**
 * Benchmark (not a test) of the api-governance router: create and approve of promotion requests under
 * an open-loop load over real HTTP on loopback, on a SQLite file and on PostgreSQL.
 *
 *   npm run bench:governance -- [--rate=200] [--duration=10] [--warmup=3] [--concurrency=64]
 *                               [--db=sqlite,postgres] [--engine=builtin,opa] [--sqlite-pragmas=journal_mode=WAL,...] [--profile]
 *
 * The router runs in its own process (src/service/__testutils__/server-main.ts, the restart test's
 * child: the real createRouter with the test fakes of httpAuth, permissions (the shipped policy) and
 * catalog, the real gate evaluator, a real database migrated with the package's migrations). This
 * process is only the load generator.
 *
 * Policy engines (--engine): `builtin` (the TypeScript policy in the server) and `opa` (the server's
 * OpaPolicyEngine asks a real OPA, .tools/bin/opa started through @api-observatory/local-stack with the
 * pack's policies/governance bundle, data from the server's policy config, decision logging on as the
 * sandbox runs it). Each engine gets its own server on a fresh database; the rows sit side by side and
 * the output compares them (OPA's added p99, the ratio of server CPU per request, OPA's own CPU).
 *
 * Open loop: request k of a phase is scheduled at t0 + k / rate and sent on a timer whether or not
 * earlier requests have answered (at most --concurrency connections; a request waiting for a free
 * connection keeps waiting on the clock). Latency is measured from the SCHEDULED send time to the end
 * of the answer, so a stalled server is not hidden by the generator slowing down (no coordinated
 * omission). Phases per database, after a warm-up (mixed, not measured):
 *   create  --rate creates/s for --duration s, each on a distinct API entity (one open request per API)
 *   approve --rate approvals/s of the requests the create phase made (by 50 product managers)
 *   mixed   --rate requests/s, alternating creates and approvals of requests created in this phase
 * Every write carries an Idempotency-Key, as a client that retries would send.
 *
 * PostgreSQL: POSTGRES_* from the environment or a throwaway initdb cluster (the e2e harness's, which
 * runs with fsync=off and synchronous_commit=off); skipped with the reason when neither exists. The
 * SQLite database is a file in the OS temp folder in WAL mode, as the plugin sets it (src/service/sqlite.ts;
 * synchronous=FULL), unless --sqlite-pragmas says otherwise (e.g. journal_mode=DELETE: the driver's default).
 * --profile runs the server with --cpu-prof and prints where its CPU time went, by package.
 *
 * Goal: p99 <= 50 ms at 200 requests/s with either engine, OPA adding <= 10 ms of p99, and <= 1 ms of
 * server CPU per request. A miss is reported, not an exit code.
 */
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startOpa } from '@api-observatory/local-stack';
import { startServerProcess } from '../src/service/__testutils__/server-process';
import { TEST_CONFIG } from '../src/service/__testutils__/fixtures';
import { policyData } from '../src/service/config';
import { dropDatabases, pgQuery, postgresFromEnv, postgresSkipReason, startLocalPostgres, type LocalPostgres, type PostgresConnection } from '../../../e2e-tests/harness';

/** What the plugin sets on a SQLite file (src/service/sqlite.ts), so the default run measures the plugin. */
const PLUGIN_SQLITE_PRAGMAS = ['journal_mode=WAL'] as const;

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const GOAL = { p99Ms: 50, rate: 200, opaAddedP99Ms: 10, cpuMsPerRequest: 1 };
const DBS = ['sqlite', 'postgres'] as const;
type Db = (typeof DBS)[number];
const ENGINES = ['builtin', 'opa'] as const;
type Engine = (typeof ENGINES)[number];

const USAGE = `usage: npm run bench:governance -- [--rate=200] [--duration=10] [--warmup=3] [--concurrency=64]
                                    [--db=sqlite,postgres] [--engine=builtin,opa] [--sqlite-pragmas=journal_mode=WAL,synchronous=NORMAL] [--profile]`;

function usageError(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

interface Options {
  rate: number;
  duration: number;
  warmup: number;
  concurrency: number;
  dbs: Db[];
  engines: Engine[];
  pragmas: string[];
  profile: boolean;
}

function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, concurrency: { type: 'string' },
        db: { type: 'string' }, engine: { type: 'string' }, 'sqlite-pragmas': { type: 'string' }, profile: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (flag: string, def: number, min: number, max: number, integer = false): number => {
    const raw = values[flag];
    if (raw === undefined) return def;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      usageError(`--${flag}: ${JSON.stringify(raw)} is not ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    return n;
  };
  const dbs = String(values.db ?? DBS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const d of dbs) if (!(DBS as readonly string[]).includes(d)) usageError(`--db: unknown database ${JSON.stringify(d)} (sqlite, postgres)`);
  if (dbs.length === 0) usageError('--db: no database given');
  const engines = String(values.engine ?? ENGINES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of engines) if (!(ENGINES as readonly string[]).includes(e)) usageError(`--engine: unknown policy engine ${JSON.stringify(e)} (builtin, opa)`);
  if (engines.length === 0) usageError('--engine: no policy engine given');
  const pragmas = values['sqlite-pragmas'] === undefined ? [...PLUGIN_SQLITE_PRAGMAS] : String(values['sqlite-pragmas']).split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of pragmas) if (!/^[a-z_]+=[A-Za-z0-9_-]+$/.test(p)) usageError(`--sqlite-pragmas: ${JSON.stringify(p)} is not name=value`);
  return {
    rate: num('rate', 200, 1, 5000),
    duration: num('duration', 10, 1, 600),
    warmup: num('warmup', 3, 0, 120),
    concurrency: num('concurrency', 64, 1, 1024, true),
    dbs: [...new Set(dbs)] as Db[],
    engines: [...new Set(engines)] as Engine[],
    pragmas,
    profile: values.profile === true,
  };
}

// ---------------------------------------------------------------------------------------------------
// The server process

interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  profileDir?: string;
}

async function startServer(args: string[], env: Record<string, string>, profile: boolean): Promise<Server> {
  const profileDir = profile ? mkdtempSync(path.join(os.tmpdir(), 'gov-bench-prof-')) : undefined;
  const { url, child } = await startServerProcess(args, { env, cwd: REPO_ROOT, ipc: true, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
  return { url, child, stop, profileDir };
}

// ---------------------------------------------------------------------------------------------------
// The load generator

interface Sample {
  op: 'create' | 'approve';
  scheduled: number;
  sent: number;
  end: number;
  status: number; // 0: network error
  id?: string;
}

interface Client {
  post(pathname: string, token: string, body: unknown, key: string): Promise<{ status: number; text: string }>;
  close(): void;
}

function client(base: string, concurrency: number): Client {
  const u = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    post: (pathname, token, body, key) => new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request({
        host: u.hostname, port: u.port, method: 'POST', path: `${u.pathname.replace(/\/$/, '')}${pathname}`, agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'idempotency-key': key },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    }),
    close: () => agent.destroy(),
  };
}

interface Fire { op: Sample['op']; run: () => Promise<{ status: number; id?: string }> }

/** Sends `total` requests at `rate`/s on the clock (open loop); `next(k)` gives request k. */
async function openLoop(rate: number, total: number, next: (k: number) => Fire): Promise<Sample[]> {
  const samples: Sample[] = [];
  const inflight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  const t0 = performance.now() + 5;
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && t0 + k * interval <= now) {
        const scheduled = t0 + k * interval;
        const fire = next(k);
        k++;
        const sent = performance.now();
        const p = fire.run().then(
          (r) => { samples.push({ op: fire.op, scheduled, sent, end: performance.now(), status: r.status, id: r.id }); },
          () => { samples.push({ op: fire.op, scheduled, sent, end: performance.now(), status: 0 }); },
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(1, t0 + k * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(inflight);
  return samples;
}

const APPROVERS = Array.from({ length: 50 }, (_, i) => `pm${i}`);
const REQUESTERS = ['alice', 'bob'];

function workload(c: Client, runId: string) {
  let entity = 0;
  let n = 0;
  const create = (): Fire => {
    const i = entity++;
    const key = `${runId}-c-${n++}`;
    return {
      op: 'create',
      run: async () => {
        const r = await c.post('/requests', REQUESTERS[i % 2]!, { entityRef: `api:default/load-${i}`, toEnvironment: 'production', comment: `bench ${i}` }, key);
        return { status: r.status, id: r.status === 201 ? (JSON.parse(r.text) as { id: string }).id : undefined };
      },
    };
  };
  const approve = (id: string): Fire => {
    const key = `${runId}-a-${n++}`;
    const who = APPROVERS[n % APPROVERS.length]!;
    return {
      op: 'approve',
      run: async () => ({ status: (await c.post(`/requests/${id}/approve`, who, { reason: 'bench' }, key)).status }),
    };
  };
  /** Alternates creates and approvals of requests created (and answered) earlier in the same run. */
  const mixed = () => {
    const open: string[] = [];
    return (k: number): Fire => {
      if (k % 2 === 1 && open.length > 0) return approve(open.shift()!);
      const f = create();
      return {
        op: 'create',
        run: async () => {
          const r = await f.run();
          if (r.id) open.push(r.id);
          return r;
        },
      };
    };
  };
  return { create, approve, mixed, entitiesUsed: () => entity };
}

// ---------------------------------------------------------------------------------------------------
// Statistics

interface Row {
  db: string;
  engine: Engine;
  phase: string;
  op: string;
  requests: number;
  /** Offered rate of this operation: requests over the scheduled span. */
  offered: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  lagP99: number;
  errorCodes: string;
  /** Server event loop busy (%), CPU time per request, wall time blocked in SQLite calls per request. */
  use: ServerUse;
}

interface Stats {
  elu: { idle: number; active: number };
  cpuMs: number;
  sqliteMs: number;
  sqliteCalls: number;
}

/** Cumulative counters of the server process (over its IPC channel, see server-main.ts). */
function stats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if ((m as { type?: string })?.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(m as Stats);
    };
    child.on('message', onMessage);
    child.send('stats', (err) => { if (err) reject(err); });
  });
}

/** What the server did between two snapshots, per request (and OPA's CPU time per request, NaN without OPA). */
interface ServerUse { loopBusy: number; cpuPerRequest: number; sqlitePerRequest: number; opaCpuPerRequest: number }
function serverUse(a: Stats, b: Stats, requests: number, sqliteUsed: boolean, opaCpuPerRequest: number): ServerUse {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return {
    loopBusy: (100 * active) / (active + idle || 1),
    cpuPerRequest: (b.cpuMs - a.cpuMs) / requests,
    sqlitePerRequest: sqliteUsed ? (b.sqliteMs - a.sqliteMs) / requests : NaN,
    opaCpuPerRequest,
  };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(db: string, engine: Engine, phase: string, op: string, samples: Sample[], use: ServerUse): Row {
  const lat = samples.map((s) => s.end - s.scheduled).sort((a, b) => a - b);
  const lag = samples.map((s) => s.sent - s.scheduled).sort((a, b) => a - b);
  const first = Math.min(...samples.map((s) => s.scheduled));
  const lastScheduled = Math.max(...samples.map((s) => s.scheduled));
  const last = Math.max(...samples.map((s) => s.end));
  const bad = samples.filter((s) => s.status < 200 || s.status > 299);
  const codes = new Map<number, number>();
  for (const s of bad) codes.set(s.status, (codes.get(s.status) ?? 0) + 1);
  return {
    db, engine, phase, op,
    requests: samples.length,
    offered: samples.length / ((lastScheduled - first) / 1000 || 1),
    throughput: (samples.length - bad.length) / ((last - first) / 1000),
    p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN,
    errors: bad.length,
    lagP99: pct(lag, 99),
    use,
    errorCodes: [...codes].map(([s, n]) => `${s === 0 ? 'net' : s}×${n}`).join(' '),
  };
}

function table(rows: Row[]): string {
  const head = ['database', 'engine', 'phase', 'operation', 'requests', 'offered/s', 'ok/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'send lag p99 ms', 'server loop busy %', 'server CPU ms/req', 'in SQLite ms/req', 'OPA CPU ms/req'];
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
  const body = rows.map((r) => [r.db, r.engine, r.phase, r.op, String(r.requests), f(r.offered), f(r.throughput), f(r.p50), f(r.p95), f(r.p99), f(r.max), r.errors ? `${r.errors} (${r.errorCodes})` : '0', f(r.lagP99), f(r.use.loopBusy), f2(r.use.cpuPerRequest), f2(r.use.sqlitePerRequest), f2(r.use.opaCpuPerRequest)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// CPU profile summary (--profile)

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function category(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  const p = url.replace(/^file:\/\//, '');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p);
  if (nm) return nm[1]!;
  if (p.startsWith('node:')) return `node:${p.slice(5).split('/')[0]}`;
  const rel = path.relative(REPO_ROOT, p);
  if (rel.startsWith('..')) return p;
  return rel.split('/').slice(0, rel.startsWith('backstage-plugins') ? 3 : 2).join('/') + (rel.includes('/src/') ? `/${path.basename(rel)}` : '');
}

function summarizeProfile(dir: string, top = 14): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return '  (no profile written)';
  const prof = JSON.parse(readFileSync(path.join(dir, files[0]!), 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const cat = category(node.callFrame.url, node.callFrame.functionName);
    self.set(cat, (self.get(cat) ?? 0) + dt);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${cat}`;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + dt);
  });
  const busy = total - (self.get('(idle)') ?? 0);
  const fmt = (m: Map<string, number>) => [...m].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, ms]) => `  ${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${k}`).join('\n');
  return `  server CPU busy ${(busy / 1000).toFixed(1)} s of ${(total / 1000).toFixed(1)} s profiled (self time, whole run incl. start-up)\n  by package / file:\n${fmt(self)}\n  by function:\n${fmt(fnSelf)}`;
}

// ---------------------------------------------------------------------------------------------------

/** OPA for the `opa` rows: the pack's Rego bundle with the data of the server's policy config, decision logging on (as the sandbox runs it). */
interface Opa { url: string; pid: number; stop(): Promise<void> }
async function startBenchOpa(): Promise<Opa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-bench-opa-'));
  const dataFile = path.join(dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify({ api_observatory: { config: { governance: policyData(TEST_CONFIG.policy, TEST_CONFIG.gates) } } }));
  const opa = await startOpa({ port: await freePort(), logDir: dir, paths: [path.join(REPO_ROOT, 'policies', 'governance'), dataFile] });
  return { url: opa.url, pid: opa.process.pid, stop: async () => { await opa.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

/** CPU time (ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ of Linux /proc/<pid>/stat on every mainstream architecture

/** Where each engine's server keeps its database: a fresh SQLite file or PostgreSQL database per run. */
interface DbTarget { label: string; args(run: string): Promise<string[]>; env: Record<string, string>; cleanup(): Promise<void> }

async function dbTarget(db: Db, o: Options, entities: number): Promise<DbTarget> {
  if (db === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-bench-'));
    return {
      label: `sqlite file (${o.pragmas.length ? o.pragmas.join(', ') : 'driver defaults'})`,
      args: async (run) => ['sqlite', path.join(dir, `governance-${run}.sqlite`), `--entities=${entities}`, ...o.pragmas.map((p) => `--sqlite-pragma=${p}`)],
      env: {},
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const fromEnv = postgresFromEnv();
  const local: LocalPostgres | undefined = fromEnv ? undefined : await startLocalPostgres();
  const conn: PostgresConnection = fromEnv ?? local!;
  const prefix = `gov_bench_${randomBytes(4).toString('hex')}_`;
  const version = (await pgQuery<{ server_version: string }>(conn, 'show server_version'))[0]?.server_version.split(' ')[0];
  return {
    label: fromEnv ? `postgres ${version} (POSTGRES_*)` : `postgres ${version} (throwaway, fsync=off)`,
    args: async (run) => {
      const database = `${prefix}${run}`;
      await pgQuery(conn, `CREATE DATABASE "${database}"`);
      return ['pg', database, `--entities=${entities}`];
    },
    env: { GOV_PG_HOST: conn.host, GOV_PG_PORT: String(conn.port), GOV_PG_USER: conn.user, GOV_PG_PASSWORD: conn.password },
    cleanup: async () => { await dropDatabases(conn, prefix).catch(() => undefined); await local?.stop(); },
  };
}

async function benchDb(db: Db, o: Options, opa: Opa | undefined, rows: Row[], notes: string[]): Promise<void> {
  const entities = Math.ceil(o.rate * (o.warmup + 2 * o.duration)) + 100;
  const target = await dbTarget(db, o, entities);
  try {
    for (const engine of o.engines) {
      const label = target.label;
      const server = await startServer([...(await target.args(engine)), ...(engine === 'opa' ? [`--opa=${opa!.url}`] : [])], target.env, o.profile);
      const c = client(server.url, o.concurrency);
      const w = workload(c, randomBytes(4).toString('hex'));
      const child = server.child;
      const isSqlite = db === 'sqlite';
      /** The server's counters and, with OPA, OPA's CPU time. */
      const snap = async () => ({ s: await stats(child), opaMs: engine === 'opa' ? processCpuMs(opa!.pid) : NaN });
      const use = (a: Awaited<ReturnType<typeof snap>>, b: Awaited<ReturnType<typeof snap>>, n: number) => serverUse(a.s, b.s, n, isSqlite, (b.opaMs - a.opaMs) / n);
      try {
        if (o.warmup > 0) {
          process.stderr.write(`${label}, ${engine}: warm-up ${o.warmup} s\n`);
          await openLoop(o.rate, Math.round(o.rate * o.warmup), w.mixed());
        }
        const total = Math.round(o.rate * o.duration);
        process.stderr.write(`${label}, ${engine}: create ${o.duration} s\n`);
        let s0 = await snap();
        const creates = await openLoop(o.rate, total, () => w.create());
        let s1 = await snap();
        rows.push(summarize(label, engine, 'create', 'create', creates, use(s0, s1, creates.length)));
        const ids = creates.map((s) => s.id).filter((x): x is string => Boolean(x));
        if (ids.length < total) notes.push(`${label}, ${engine}: only ${ids.length} of ${total} creates succeeded, so the approve phase sends ${ids.length}`);
        process.stderr.write(`${label}, ${engine}: approve ${o.duration} s\n`);
        s0 = await snap();
        const approvals = await openLoop(o.rate, ids.length, (k) => w.approve(ids[k]!));
        s1 = await snap();
        if (approvals.length) rows.push(summarize(label, engine, 'approve', 'approve', approvals, use(s0, s1, approvals.length)));
        process.stderr.write(`${label}, ${engine}: mixed ${o.duration} s\n`);
        s0 = await snap();
        const mixed = await openLoop(o.rate, total, w.mixed());
        s1 = await snap();
        // The mixed phase's server use is per request of either operation (both ran together).
        const mixedUse = use(s0, s1, mixed.length);
        for (const op of ['create', 'approve'] as const) {
          const s = mixed.filter((m) => m.op === op);
          if (s.length) rows.push(summarize(label, engine, 'mixed', op, s, mixedUse));
        }
      } finally {
        c.close();
        await server.stop();
        if (server.profileDir) {
          notes.push(`CPU profile of the ${label} server, ${engine} engine:\n${summarizeProfile(server.profileDir)}`);
          rmSync(server.profileDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await target.cleanup();
  }
}

/** OPA against the built-in engine, per database and row: added p99 and the ratio of server CPU per request. */
function engineComparison(rows: Row[]): string[] {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.engine === 'opa')) {
    const b = rows.find((x) => x.engine === 'builtin' && x.db === r.db && x.phase === r.phase && x.op === r.op);
    if (!b) continue;
    const added = r.p99 - b.p99;
    // A server that did not keep up queues requests: its p99 is the queue's, not the engine's.
    const saturated = [b, r].filter((x) => x.throughput < x.offered * 0.95).map((x) => x.engine);
    // Likewise a builtin p99 over the goal is the machine's or the server's queue, not a baseline to subtract.
    const verdict = saturated.length
      ? `not comparable: ${saturated.join(' and ')} below the offered rate`
      : b.p99 > GOAL.p99Ms
        ? `not comparable: builtin p99 over the ${GOAL.p99Ms} ms goal`
        : `${added <= GOAL.opaAddedP99Ms ? 'within' : 'OVER'} ${GOAL.opaAddedP99Ms} ms`;
    out.push(`  ${r.db}  ${`${r.phase} ${r.op}`.padEnd(15)} p99 ${b.p99.toFixed(1)} → ${r.p99.toFixed(1)} ms (OPA adds ${added.toFixed(1)} ms: ${verdict})`
      + `, p50 ${b.p50.toFixed(1)} → ${r.p50.toFixed(1)} ms, server CPU ${b.use.cpuPerRequest.toFixed(2)} → ${r.use.cpuPerRequest.toFixed(2)} ms/req (×${(r.use.cpuPerRequest / b.use.cpuPerRequest).toFixed(2)}), OPA CPU ${r.use.opaCpuPerRequest.toFixed(2)} ms/req`);
  }
  return out.length ? ['OPA against the built-in engine (same database, same load):', ...out] : [];
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const rows: Row[] = [];
  const notes: string[] = [];
  const opa = o.engines.includes('opa') ? await startBenchOpa() : undefined;
  try {
    for (const db of o.dbs) {
      if (db === 'postgres') {
        const skip = postgresSkipReason();
        if (skip) {
          notes.push(`postgres skipped: ${skip}`);
          continue;
        }
      }
      await benchDb(db, o, opa, rows, notes);
    }
  } finally {
    await opa?.stop();
  }
  const out: string[] = [];
  out.push(`api-governance router, open loop: ${o.rate} requests/s per phase for ${o.duration} s after a ${o.warmup} s warm-up, at most ${o.concurrency} connections, loopback HTTP, ${os.cpus().length} CPU(s), Node ${process.version}.`);
  out.push('Latency = answer end − SCHEDULED send time (open loop on a timer: no coordinated omission); offered/s = requests per second as scheduled; ok/s = 2xx answers per second from the first scheduled send to the last answer; send lag = actual − scheduled send (the generator keeping up).');
  out.push('Server columns (from the server process, per phase; mixed: per request of either operation): event-loop utilization, CPU time per request, wall time per request inside synchronous better-sqlite3 calls (the event loop is blocked meanwhile). OPA CPU: the OPA process\'s CPU time per request (opa rows; it shares the machine\'s CPUs).');
  out.push(`Engines: builtin = the TypeScript policy in the server; opa = OpaPolicyEngine asking a local OPA (the pack's policies/governance bundle, decision logging on) before every change.`);
  out.push('');
  out.push(table(rows));
  out.push('');
  out.push(`load average (1/5/15 min) before: ${loadBefore}; after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  const goalRate = o.rate === GOAL.rate ? '' : ` (this run is at ${o.rate} requests/s, not ${GOAL.rate})`;
  for (const [db, engine] of new Map(rows.map((r) => [`${r.db}|${r.engine}`, [r.db, r.engine] as const])).values()) {
    const mine = rows.filter((r) => r.db === db && r.engine === engine);
    const worst = mine.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const slow = mine.filter((r) => r.throughput < r.offered * 0.95);
    const errs = mine.reduce((n, r) => n + r.errors, 0);
    const met = worst.p99 <= GOAL.p99Ms && slow.length === 0 && errs === 0;
    const cpu = Math.max(...mine.map((r) => r.use.cpuPerRequest));
    out.push(`goal p99 ≤ ${GOAL.p99Ms} ms at ${GOAL.rate} requests/s${goalRate}: ${db}, ${engine}: ${met ? 'MET' : 'NOT MET'} (worst p99 ${worst.p99.toFixed(1)} ms: ${worst.phase} ${worst.op}${slow.length ? `; throughput below the offered rate in ${slow.map((r) => `${r.phase} ${r.op}`).join(', ')}` : ''}${errs ? `; ${errs} errors` : ''})`
      + `; server CPU ≤ ${GOAL.cpuMsPerRequest} ms/request: ${cpu <= GOAL.cpuMsPerRequest ? 'MET' : 'NOT MET'} (worst ${cpu.toFixed(2)} ms)`);
  }
  out.push(...engineComparison(rows));
  const lag = Math.max(...rows.map((r) => r.lagP99));
  const busy = Math.max(Number(loadBefore.split(' ')[0]), os.loadavg()[0]!) > os.cpus().length;
  if (lag > 5 || busy) {
    out.push(`warning: the machine was busy (load average above ${os.cpus().length} CPUs, or the generator's send lag p99 ${lag.toFixed(1)} ms > 5 ms): latencies include waiting for a CPU; compare the server columns, or rerun on a quiet machine.`);
  }
  for (const n of notes) out.push(n);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
