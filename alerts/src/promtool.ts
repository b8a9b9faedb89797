import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root: the first parent of alerts/ holding scripts/tools/versions.env. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'scripts', 'tools', 'versions.env'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(__dirname, '..', '..');
    dir = up;
  }
}

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** promtool from the project's `.tools/bin` first, then from PATH; undefined when neither has it. */
export function findPromtool(): string | undefined {
  const local = path.join(repoRoot(), '.tools', 'bin', 'promtool');
  if (executable(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'promtool');
    if (executable(p)) return p;
  }
  return undefined;
}

export interface PromtoolRun {
  ok: boolean;
  status: number | null;
  output: string;
}

function run(promtool: string, args: string[], cwd: string): PromtoolRun {
  const r = spawnSync(promtool, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60 * 1000 });
  if (r.error) return { ok: false, status: null, output: `could not run ${promtool}: ${r.error.message}` };
  return { ok: r.status === 0, status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `promtool check rules --lint=all --lint-fatal` on the given files. */
export function checkRules(promtool: string, files: string[], cwd: string): PromtoolRun {
  return run(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', ...files], cwd);
}

export interface TestCaseResult {
  suite: string;
  name: string;
  failure?: string;
}

const unescapeXml = (s: string) =>
  s.replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Parses promtool's JUnit report into one result per test group. */
export function parseJunit(xml: string): TestCaseResult[] {
  const out: TestCaseResult[] = [];
  const suiteRe = /<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g;
  for (let s = suiteRe.exec(xml); s; s = suiteRe.exec(xml)) {
    const suite = unescapeXml(/\bname="([^"]*)"/.exec(s[1]!)?.[1] ?? '');
    const caseRe = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
    for (let c = caseRe.exec(s[2]!); c; c = caseRe.exec(s[2]!)) {
      const name = unescapeXml(/\bname="([^"]*)"/.exec(c[1]!)?.[1] ?? '');
      const failure = c[2] ? /<failure\b[^>]*>([\s\S]*?)<\/failure>/.exec(c[2])?.[1] : undefined;
      const err = c[2] ? /<error\b[^>]*>([\s\S]*?)<\/error>/.exec(c[2])?.[1] : undefined;
      out.push({ suite, name, ...(failure !== undefined || err !== undefined ? { failure: unescapeXml(failure ?? err ?? '') } : {}) });
    }
  }
  return out;
}

export interface TestRulesResult extends PromtoolRun {
  cases: TestCaseResult[];
}

/** `promtool test rules` on the given files, with per-group results from its JUnit report. */
export function testRules(promtool: string, files: string[], cwd: string): TestRulesResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alerts-promtool-'));
  try {
    const junit = path.join(dir, 'junit.xml');
    const r = run(promtool, ['test', 'rules', `--junit=${junit}`, ...files], cwd);
    const cases = existsSync(junit) ? parseJunit(readFileSync(junit, 'utf8')) : [];
    return { ...r, cases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
