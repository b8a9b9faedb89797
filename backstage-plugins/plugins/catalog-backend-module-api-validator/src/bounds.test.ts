/**
 * Time and memory bounds of a validation, in both paths: inline (worker disabled, or the processor's
 * fallback when the worker cannot start) and in the worker thread. Each large case runs in a child
 * process of its own, so that its peak RSS is its own. Assertions are ceilings that hold on a busy
 * shared machine (the bound is enforced, the error is the clear one), not tight timings: those are the
 * benchmark's (`npm run bench`).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { validateDefinition } from './validate';
import { ValidatorWorker } from './isolate';
import { DEFAULT_LIMITS } from './types';
import { INPUTS, type ChildReport, type InputCase } from './__fixtures__/inputs';

/** The goal for any input up to maxBytes: it ends within this much memory (the whole child process). */
const MAX_RSS_MB = 512;
/** Ceiling of wall time for a validation bounded by the 5 s time budget, with room for a busy machine. */
const BOUNDED_WALL_MS = DEFAULT_LIMITS.timeBudgetMs + 3_000;
/** Acceptance runs get a time budget no busy machine exhausts: time goals are the benchmark's. */
const GENEROUS = { timeBudgetMs: 120_000 };

function child(name: InputCase, mode: 'inline' | 'worker', limits?: object): Promise<ChildReport> {
  const args = ['--conditions=source', '--import', 'tsx', path.join(__dirname, '__fixtures__', 'inputs.ts'), name, mode];
  if (limits) args.push(JSON.stringify(limits));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: path.resolve(__dirname, '..'), maxBuffer: 1 << 20, timeout: 180_000 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
      if (!line) return reject(new Error(`${name} ${mode}: no report (${err?.message ?? ''}) ${stderr.slice(-2000)}`));
      resolve(JSON.parse(line.slice('REPORT '.length)) as ChildReport);
    });
  });
}

const show = (r: ChildReport) => JSON.stringify({ ...r, findings: r.findings.map((f) => f.message) });

describe('hostile input ends within the time budget and 512 MB, with a clear error', () => {
  test('inline: a 4.8 MB flow list of 2.4 million items is refused before parsing', async () => {
    const r = await child('flowList', 'inline');
    assert.match(r.findings[0]?.message ?? '', /definition has more than 1000000 nodes; it was not parsed \(apiValidator\.limits\.maxNodes\)/, show(r));
    assert.ok(r.wallMs < BOUNDED_WALL_MS, show(r));
    assert.ok(r.rssMb < MAX_RSS_MB, show(r));
  });

  test('inline and worker: 12 MB of 950,000 map entries is accepted or stopped by the time budget', async () => {
    for (const mode of ['inline', 'worker'] as const) {
      const r = await child('blockKeys', mode);
      // a busy machine may spend the 5 s before the parse ends: then the budget stops it
      if (r.errors > 0) assert.match(r.findings[0]!.message, /validation exceeded its time budget of 5000 ms/, show(r));
      assert.ok(r.wallMs < BOUNDED_WALL_MS, `${mode}: ${show(r)}`);
      assert.ok(r.rssMb < MAX_RSS_MB, `${mode}: ${show(r)}`);
    }
  });

  test('parsing itself is stopped when the time budget runs out', () => {
    const text = INPUTS.paths60k();
    const t = performance.now();
    const r = validateDefinition({ type: 'openapi', definition: text }, { limits: { timeBudgetMs: 50 } });
    const ms = performance.now() - t;
    assert.match(r.findings[0]?.message ?? '', /validation exceeded its time budget of 50 ms while parsing \(apiValidator\.limits\.timeBudgetMs\)/, JSON.stringify(r.findings));
    assert.ok(ms < 3_000, `${ms} ms`);
  });

  test('in the worker thread too; the worker then serves the next validation', async () => {
    const worker = new ValidatorWorker({ timeoutMs: 60_000, maxHeapMb: 384 }, { limits: { timeBudgetMs: 50 } });
    try {
      const r = await worker.validate({ type: 'openapi', definition: INPUTS.paths60k() });
      assert.match(r.findings[0]?.message ?? '', /validation exceeded its time budget of 50 ms while parsing/, JSON.stringify(r.findings));
      const next = await worker.validate({ type: 'openapi', definition: 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths: {}\n' });
      assert.equal(next.errors, 0, JSON.stringify(next.findings));
    } finally {
      await worker.close();
    }
  });

  test('block nesting too deep for the parser names the limit, not the call stack', () => {
    const r = validateDefinition({ type: 'openapi', definition: INPUTS.blockDepth() });
    const f = r.findings.find((x) => x.rule === 'document-limits');
    assert.match(f?.message ?? '', /definition nests deeper than 64 levels \(apiValidator\.limits\.maxDepth\)/, JSON.stringify(r.findings));
    assert.doesNotMatch(f!.message, /call stack/i);
  });
});

describe('large valid definitions are accepted within 512 MB', () => {
  test('the default size limit is 20 MiB', () => {
    assert.equal(DEFAULT_LIMITS.maxBytes, 20 * 1024 * 1024);
  });

  test('inline: 60,000 paths (4.2 MB), 2,000 rich operations (7 MiB), 500 rich channels (4 MB)', async () => {
    for (const name of ['paths60k', 'richOpenApi', 'richAsyncApi'] as const) {
      const r = await child(name, 'inline', GENEROUS);
      assert.equal(r.errors, 0, `${name}: ${show(r)}`);
      assert.ok(r.rssMb < MAX_RSS_MB, `${name}: ${show(r)}`);
    }
  });

  test('worker thread with its default heap limit: 60,000 paths and 2,000 rich operations', async () => {
    for (const name of ['paths60k', 'richOpenApi'] as const) {
      const r = await child(name, 'worker', GENEROUS);
      assert.equal(r.errors, 0, `${name}: ${show(r)}`);
      assert.ok(r.rssMb < MAX_RSS_MB, `${name}: ${show(r)}`);
    }
  });
});
