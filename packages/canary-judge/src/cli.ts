#!/usr/bin/env node
/**
 * canary-gate: judge canary samples from a file, or (soon) evaluate a live canary from Prometheus.
 * Exit codes: 0 promote, 1 rollback, 2 continue/hold, 3 error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_GATE_CONFIG } from './config/default';
import { loadGateConfig } from './config/load';
import type { GateConfig } from './config/types';
import type { Decision } from './decision';
import { parseDuration } from './duration';
import { buildRollbackEvent, hashGateConfig } from './event';
import { evaluate, checkEvaluationWindow, type SampleSource } from './evaluate';
import { formatIntervalJudgement, formatVerdict } from './format';
import { judgeIntervals } from './intervals';
import { judgeGate } from './judge';
import { loadSamplesDocument, type SamplesContext } from './samples';
import { ValidationError } from './validation';

export const EXIT = { promote: 0, rollback: 1, continue: 2, error: 3 } as const;

export const USAGE = `Usage:
  canary-gate judge --input samples.json [--config gate.yaml] [--json]
  canary-gate evaluate --prometheus URL --api NAME --canary VERSION --baseline VERSION
                       [--config gate.yaml] [--interval 1m] [--lookback 10m] [--json]
  canary-gate --help

Commands:
  judge      judge baseline/canary samples from a JSON file ({"metrics": {...}} or {"intervals": [...]})
  evaluate   fetch samples of a live canary from Prometheus and judge them

Options:
  --config FILE   gate config, YAML or JSON (default: the built-in default gate)
  --json          print the verdict as JSON instead of a table

Exit codes: 0 promote, 1 rollback, 2 continue (hold, need more data), 3 error`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliDeps {
  /** Builds the sample source for `evaluate` from the --prometheus URL; absent until the Prometheus source is wired in. */
  createPrometheusSource?: (prometheusUrl: string) => SampleSource;
  /** Clock for `evaluate` (default: now). */
  now?: () => Date;
}

class UsageError extends Error {}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
};

function exitFor(decision: Decision): number {
  return EXIT[decision];
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function required(values: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''}: ${missing.map((n) => `--${n}`).join(', ')}`);
}

function nonEmpty(values: Record<string, unknown>, names: string[]): void {
  for (const n of names) if (typeof values[n] === 'string' && (values[n] as string).trim() === '') throw new UsageError(`--${n} must not be empty`);
}

function loadConfig(path: string | undefined): GateConfig {
  return path === undefined ? DEFAULT_GATE_CONFIG : loadGateConfig(path);
}

function contextComplete(c: SamplesContext): c is Required<SamplesContext> {
  return c.api !== undefined && c.canaryVersion !== undefined && c.baselineVersion !== undefined;
}

async function judgeCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { input: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } });
  required(values, ['input']);
  nonEmpty(values, ['input', 'config']);
  const config = loadConfig(values.config as string | undefined);
  const doc = loadSamplesDocument(values.input as string);

  const verdict = doc.kind === 'single' ? judgeGate(config, doc.metrics) : null;
  const judgement =
    doc.kind === 'intervals'
      ? judgeIntervals(
          doc.intervals.map((i) => (i.label === undefined ? { verdict: judgeGate(config, i.metrics) } : { label: i.label, verdict: judgeGate(config, i.metrics) })),
          config.intervals,
        )
      : null;
  const decision = (verdict ?? judgement)!.decision;

  if (values.json) {
    const out: Record<string, unknown> = { decision, context: doc.context, gate: config.name, gateConfigHash: hashGateConfig(config) };
    if (verdict) out.verdict = verdict;
    if (judgement) out.judgement = judgement;
    if (decision === 'rollback' && contextComplete(doc.context)) {
      out.rollbackEvent = buildRollbackEvent((verdict ?? judgement)!, { ...doc.context, config });
    }
    io.stdout(JSON.stringify(out, null, 2));
  } else {
    const who = [doc.context.api, doc.context.canaryVersion && `canary ${doc.context.canaryVersion}`, doc.context.baselineVersion && `baseline ${doc.context.baselineVersion}`]
      .filter(Boolean)
      .join(', ');
    if (who) io.stdout(`${who}\n`);
    io.stdout(verdict ? formatVerdict(verdict) : formatIntervalJudgement(judgement!));
  }
  return exitFor(decision);
}

async function evaluateCommand(args: string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values } = parse(args, {
    prometheus: { type: 'string' },
    api: { type: 'string' },
    canary: { type: 'string' },
    baseline: { type: 'string' },
    config: { type: 'string' },
    interval: { type: 'string', default: '1m' },
    lookback: { type: 'string', default: '10m' },
    json: { type: 'boolean' },
  });
  required(values, ['prometheus', 'api', 'canary', 'baseline']);
  nonEmpty(values, ['prometheus', 'api', 'canary', 'baseline', 'config']);
  const url = values.prometheus as string;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--prometheus must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--prometheus must be an http(s) URL, got ${JSON.stringify(url)}`);
  const intervalMs = parseDuration(values.interval as string);
  const lookbackMs = parseDuration(values.lookback as string);
  if (intervalMs === null) throw new UsageError(`--interval must be a duration such as 30s, 1m or 1h30m, got ${JSON.stringify(values.interval)}`);
  if (lookbackMs === null) throw new UsageError(`--lookback must be a duration such as 10m or 1h, got ${JSON.stringify(values.lookback)}`);
  const config = loadConfig(values.config as string | undefined);
  const problems = checkEvaluationWindow(config, intervalMs, lookbackMs);
  if (problems.length) throw new UsageError(problems.join('; '));

  if (!deps.createPrometheusSource) {
    io.stderr('canary-gate: error: Prometheus source not configured');
    return EXIT.error;
  }
  const context = { api: values.api as string, canaryVersion: values.canary as string, baselineVersion: values.baseline as string };
  const now = deps.now?.() ?? new Date();
  const { verdict, query } = await evaluate({ ...context, config, intervalMs, lookbackMs, end: now }, deps.createPrometheusSource(url));
  if (values.json) {
    const out: Record<string, unknown> = { decision: verdict.decision, context, window: { start: query.start, end: query.end, step: query.step }, gate: config.name, gateConfigHash: hashGateConfig(config), verdict };
    if (verdict.decision === 'rollback') out.rollbackEvent = buildRollbackEvent(verdict, { ...context, config, timestamp: now });
    io.stdout(JSON.stringify(out, null, 2));
  } else {
    io.stdout(`${context.api}, canary ${context.canaryVersion}, baseline ${context.baselineVersion}, ${query.start.toISOString()} to ${query.end.toISOString()} every ${query.step}\n`);
    io.stdout(formatVerdict(verdict));
  }
  return exitFor(verdict.decision);
}

/** Run the CLI on arguments (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo, deps: CliDeps = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'judge':
        return await judgeCommand(rest, io);
      case 'evaluate':
        return await evaluateCommand(rest, io, deps);
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return 0;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`canary-gate: error: ${e.message}\n\n${USAGE}`);
    } else if (e instanceof ValidationError) {
      io.stderr(`canary-gate: error: ${e.message}`);
    } else {
      io.stderr(`canary-gate: error: ${(e as Error)?.message ?? String(e)}`);
    }
    return EXIT.error;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`canary-gate: error: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
