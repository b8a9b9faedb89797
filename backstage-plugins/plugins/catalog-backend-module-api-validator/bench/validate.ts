/**
 * Benchmark (not a test): this module's validator vs Spectral's built-in rulesets (`spectral:oas`,
 * `spectral:asyncapi`, recommended rules, via @stoplight/spectral-core) on the same generated
 * documents: OpenAPI 3.0 with 10 / 200 / 2,000 operations, AsyncAPI 2.6 with 10 / 100 / 500 channels,
 * and the documents of large public APIs: 2,000 operations (about 7 MiB) and 500 channels (about 4 MB)
 * with realistic payload schemas and descriptions.
 * Each run is a child process that reads the document from a temp file, runs one tool once, and
 * reports the tool's time and the process's peak RSS (which includes Node itself and tsx).
 *
 *   node --conditions=source --import tsx bench/validate.ts [--quick] [--timeout=SECONDS] [--repeat=N]
 *
 * Each tool runs N times per document (default 3, each in a fresh process, so every run is cold);
 * the table shows the median time and the largest peak RSS. A timeout ends that tool's repeats.
 * --quick skips Spectral on the 2,000-operation documents (it takes minutes and well over 1 GB).
 * Goals for this module: the rich 2,000 operations validated and linted in <= 3 s and <= 512 MB, the rich
 * 500 channels in <= 1.5 s. Wall and CPU time are both printed: on a busy machine they differ.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateAsyncApi, generateOpenApi, generateRichAsyncApi, generateRichOpenApi } from './generate';

type Tool = 'ours' | 'spectral';
type Kind = 'openapi' | 'asyncapi';
interface Measure {
  ms: number;
  /** CPU time (user + system) of the child during the tool's run: less sensitive to a busy machine. */
  cpuMs: number;
  rssMb: number;
  errors: number;
  warnings: number;
}

async function child(tool: Tool, kind: Kind, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  let errors = 0;
  let warnings = 0;
  let ms: number;
  let cpu: NodeJS.CpuUsage;
  if (tool === 'ours') {
    const { validateDefinition } = await import('../src/validate');
    const t = performance.now();
    const c = process.cpuUsage();
    const r = validateDefinition({ type: kind, definition: text });
    cpu = process.cpuUsage(c);
    ms = performance.now() - t;
    errors = r.errors;
    warnings = r.warnings;
  } else {
    const { Spectral, Document } = await import('@stoplight/spectral-core');
    const Parsers = await import('@stoplight/spectral-parsers');
    const { oas, asyncapi } = await import('@stoplight/spectral-rulesets');
    const t = performance.now();
    const c = process.cpuUsage();
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[(kind === 'openapi' ? oas : asyncapi) as never, 'recommended']] });
    const results = await spectral.run(new Document(text, Parsers.Yaml, path.basename(file)));
    cpu = process.cpuUsage(c);
    ms = performance.now() - t;
    errors = results.filter((r) => r.severity === 0).length;
    warnings = results.filter((r) => r.severity === 1).length;
  }
  const out: Measure = { ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024, errors, warnings };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

function measure(tool: Tool, kind: Kind, file: string, timeoutMs: number): Promise<Measure | 'timeout' | string> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', __filename, '--child', tool, kind, file], {
      cwd: path.resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve('timeout');
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return resolve(`failed (exit ${code}): ${err.trim().split('\n').slice(-2).join(' ')}`);
      resolve(JSON.parse(line.slice(7)) as Measure);
    });
  });
}

const fmt = (m: Measure | string | undefined, timeoutS: number) => {
  if (m === undefined) return ['skipped (--quick)', '', '', ''];
  if (m === 'timeout') return [`timeout (>${timeoutS} s)`, '', '', ''];
  if (typeof m === 'string') return [m, '', '', ''];
  const t = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  return [t(m.ms), t(m.cpuMs), `${m.rssMb.toFixed(0)} MB`, `${m.errors} / ${m.warnings}`];
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Tool, args[2] as Kind, args[3]!);
  const quick = args.includes('--quick');
  const timeoutS = Number(args.find((a) => a.startsWith('--timeout='))?.split('=')[1] ?? 180);
  const repeat = Math.max(1, Number(args.find((a) => a.startsWith('--repeat='))?.split('=')[1] ?? 3));
  const repeated = async (tool: Tool, kind: Kind, file: string): Promise<Measure | string> => {
    const runs: Measure[] = [];
    for (let i = 0; i < repeat; i++) {
      const m = await measure(tool, kind, file, timeoutS * 1000);
      if (typeof m === 'string') return m;
      runs.push(m);
    }
    runs.sort((a, b) => a.ms - b.ms);
    const median = runs[Math.floor((runs.length - 1) / 2)]!;
    return { ...median, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'api-validator-bench-'));
  interface Case {
    kind: Kind;
    n: number;
    label: string;
    generate: (n: number) => string;
    /** Goal for this module on this document. */
    goal?: { ms: number; rssMb: number };
  }
  const cases: Case[] = [
    ...[10, 200, 2000].map((n) => ({ kind: 'openapi' as const, n, label: `OpenAPI 3.0, ${n} operations`, generate: generateOpenApi })),
    ...[10, 100, 500].map((n) => ({ kind: 'asyncapi' as const, n, label: `AsyncAPI 2.6, ${n} channels`, generate: generateAsyncApi })),
    { kind: 'openapi', n: 2000, label: 'OpenAPI 3.0, 2000 operations, rich payloads', generate: generateRichOpenApi, goal: { ms: 3000, rssMb: 512 } },
    { kind: 'asyncapi', n: 500, label: 'AsyncAPI 2.6, 500 channels, rich payloads', generate: generateRichAsyncApi, goal: { ms: 1500, rssMb: 512 } },
  ];
  const rows: string[][] = [];
  const goals: Array<{ c: Case; m: Measure | string }> = [];
  try {
    for (const [i, c] of cases.entries()) {
      const text = c.generate(c.n);
      const file = path.join(dir, `${i}-${c.kind}-${c.n}.yaml`);
      writeFileSync(file, text);
      const size = Buffer.byteLength(text);
      process.stderr.write(`${c.label} (${(size / 1024).toFixed(0)} KiB): ours...`);
      const ours = await repeated('ours', c.kind, file);
      if (c.goal) goals.push({ c, m: ours });
      let spectral: Measure | string | undefined;
      if (!(quick && c.kind === 'openapi' && c.n === 2000)) {
        process.stderr.write(' spectral...');
        spectral = await repeated('spectral', c.kind, file);
      }
      process.stderr.write(' done\n');
      rows.push([c.label, size >= 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MiB` : `${(size / 1024).toFixed(0)} KiB`, ...fmt(ours, timeoutS), ...fmt(spectral, timeoutS)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['document', 'size', 'validator time', 'validator CPU', 'validator peak RSS', 'validator errors / warnings', 'Spectral time', 'Spectral CPU', 'Spectral peak RSS', 'Spectral errors / warnings'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nMedian of ${repeat} cold runs, each in a fresh child process; peak RSS is the largest of the whole child process (Node + tsx + the tool). Machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
  for (const { c, m } of goals) {
    const g = c.goal!;
    if (typeof m !== 'object') {
      console.log(`Goal (${c.label} in <= ${g.ms / 1000} s and <= ${g.rssMb} MB): NOT met (${m})`);
      continue;
    }
    const verdict = (ms: number) => (ms <= g.ms && m.rssMb <= g.rssMb ? 'met' : 'NOT met');
    console.log(
      `Goal (${c.label} in <= ${g.ms / 1000} s and <= ${g.rssMb} MB): ${verdict(m.ms)} by wall time (${(m.ms / 1000).toFixed(2)} s), ` +
        `${verdict(m.cpuMs)} by CPU time (${(m.cpuMs / 1000).toFixed(2)} s); peak RSS ${m.rssMb.toFixed(0)} MB.`,
    );
  }
  console.log('On a busy machine wall time exceeds CPU time by the time the process waited for a core.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
