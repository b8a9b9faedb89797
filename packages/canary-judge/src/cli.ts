#!/usr/bin/env node
/**
 * canary-gate: judge canary samples from a file, evaluate a live canary from Prometheus, or serve the
 * gate over HTTP. Exit codes: 0 promote, 1 rollback, 2 continue/hold, 3 error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PrometheusClient, PrometheusQueryError, PrometheusUnreachableError } from '@api-observatory/telemetry-contract';
import { DEFAULT_GATE_CONFIG } from './config/default';
import { loadGateConfig, loadSamplesDocument } from './files';
import type { GateConfig } from './config/types';
import type { Decision } from './decision';
import { parseDuration } from './duration';
import { discoverCanary } from './discovery';
import { buildRollbackEvent, hashGateConfig } from './event';
import { evaluate, checkEvaluationWindow, type Evaluation, type SampleSource } from './evaluate';
import { formatIntervalJudgement, formatVerdict } from './format';
import { judgeIntervals } from './intervals';
import { judgeGate } from './judge';
import { createPrometheusSource } from './prometheus/source';
import { unresolvedQueries } from './query-names';
import { evaluationReport, formatEvaluation } from './report';
import type { SamplesContext } from './samples';
import { startCanaryGateServer } from './server/server';
import { KAFKA_BROKERS_ENV, parseBrokers } from './server/kafka';
import { CanaryNotFoundError, resolveVersions, type Discover } from './service';
import { startTracing } from './telemetry/sdk';
import { evaluationSpan, tracedPrometheus } from './telemetry/spans';
import { ValidationError } from './validation';

export const EXIT = { promote: 0, rollback: 1, continue: 2, error: 3 } as const;

export const USAGE = `Usage:
  canary-gate judge --input samples.json [--config gate.yaml] [--json]
  canary-gate evaluate --prometheus URL --api NAME [--canary VERSION] [--baseline VERSION]
                       [--config gate.yaml] [--interval 1m] [--lookback 10m] [--json]
  canary-gate serve --prometheus URL [--port 8089] [--host 127.0.0.1] [--config gate.yaml]
                    [--webhook-url URL] [--kafka-brokers HOST:PORT,...] [--kafka-topic canary-gate.events]
                    [--kafka-create-topic]
  canary-gate --help

Commands:
  judge      judge baseline/canary samples from a JSON file ({"metrics": {...}} or {"intervals": [...]})
  evaluate   fetch samples of a live canary from Prometheus and judge them, once per interval
             (canary: deployment_role="canary", api_version=VERSION; baseline: deployment_role="baseline");
             a version left out is discovered: the busiest of its role over the lookback
  serve      HTTP endpoint: POST /v1/evaluate, POST /v1/flagger/<hook>, GET /metrics, GET /healthz;
             rollback events go to --webhook-url; with --kafka-brokers (or CANARY_GATE_KAFKA_BROKERS)
             every decision and rollback event goes to Kafka, keyed by the API entity ref, at least
             once while the process lives (an in-memory queue: a restart loses what is queued)

Options:
  --config FILE   gate config, YAML or JSON (default: the built-in default gate)
  --json          print the verdict as JSON instead of a table

Exit codes: 0 promote, 1 rollback, 2 continue (hold, need more data), 3 error`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliDeps {
  /** Builds the sample source for `evaluate` and `serve` from the --prometheus URL (default: the Prometheus source). */
  createPrometheusSource?: (prometheusUrl: string) => SampleSource;
  /** Builds the version discovery from the --prometheus URL (default: discoverCanary on Prometheus). */
  createDiscovery?: (prometheusUrl: string) => Discover;
  /** Clock for `evaluate` (default: now). */
  now?: () => Date;
  /** Stops `serve` when aborted (default: SIGINT or SIGTERM). */
  stopSignal?: AbortSignal;
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

/** Prometheus for the gate: its queries are child spans of the evaluation (no-ops unless tracing is on). */
const prometheusClient = (url: string) => tracedPrometheus(new PrometheusClient(url), url);

function discovery(url: string, deps: CliDeps): Discover {
  if (deps.createDiscovery) return deps.createDiscovery(url);
  const client = prometheusClient(url);
  return (api, o) => discoverCanary(client, api, o);
}

const defaultSource = (url: string): SampleSource => createPrometheusSource(url, { client: prometheusClient(url) });

function loadConfig(path: string | undefined): GateConfig {
  return path === undefined ? DEFAULT_GATE_CONFIG : loadGateConfig(path);
}

/** A gate read from Prometheus needs a named query for each metric. */
function loadPrometheusConfig(path: string | undefined): GateConfig {
  const config = loadConfig(path);
  const problems = unresolvedQueries(config.metrics);
  if (problems.length) {
    throw new ValidationError('gate config', problems.map((message) => ({ path: 'metrics', message })), path ?? 'default gate');
  }
  return config;
}

function httpUrl(flag: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--${flag} must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--${flag} must be an http(s) URL, got ${JSON.stringify(url)}`);
  return parsed;
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
  required(values, ['prometheus', 'api']);
  nonEmpty(values, ['prometheus', 'api', 'canary', 'baseline', 'config']);
  const url = values.prometheus as string;
  httpUrl('prometheus', url);
  const intervalMs = parseDuration(values.interval as string);
  const lookbackMs = parseDuration(values.lookback as string);
  if (intervalMs === null) throw new UsageError(`--interval must be a duration such as 30s, 1m or 1h30m, got ${JSON.stringify(values.interval)}`);
  if (lookbackMs === null) throw new UsageError(`--lookback must be a duration such as 10m or 1h, got ${JSON.stringify(values.lookback)}`);
  const config = loadPrometheusConfig(values.config as string | undefined);
  const problems = checkEvaluationWindow(config, intervalMs, lookbackMs);
  if (problems.length) throw new UsageError(problems.join('; '));

  const now = deps.now?.() ?? new Date();
  const request = {
    api: values.api as string,
    ...(values.canary !== undefined ? { canary: values.canary as string } : {}),
    ...(values.baseline !== undefined ? { baseline: values.baseline as string } : {}),
    interval: values.interval as string,
    lookback: values.lookback as string,
    intervalMs,
    lookbackMs,
  };
  const source = (deps.createPrometheusSource ?? defaultSource)(url);
  let evaluation!: Evaluation;
  let traced;
  try {
    traced = await evaluationSpan(
      'cli evaluate',
      request,
      () => resolveVersions(request, discovery(url, deps), now),
      async (versions) => {
        const context = { api: versions.api, canaryVersion: versions.canary, baselineVersion: versions.baseline };
        evaluation = await evaluate({ ...context, config, intervalMs, lookbackMs, end: now }, source);
        return evaluationReport(evaluation, context, config, now);
      },
    );
  } catch (e) {
    if (!(e instanceof CanaryNotFoundError)) throw e;
    // Nothing to judge is a hold, like a canary without series: never a promote.
    io.stderr(`canary-gate: ${e.message}`);
    return EXIT.continue;
  }
  const { report } = traced;
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2));
  } else {
    io.stdout(formatEvaluation(evaluation, report.context));
  }
  return exitFor(evaluation.decision);
}

async function serveCommand(args: string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values } = parse(args, {
    prometheus: { type: 'string' },
    port: { type: 'string', default: '8089' },
    host: { type: 'string', default: '127.0.0.1' },
    config: { type: 'string' },
    'webhook-url': { type: 'string' },
    'kafka-brokers': { type: 'string' },
    'kafka-topic': { type: 'string' },
    'kafka-create-topic': { type: 'boolean' },
  });
  required(values, ['prometheus']);
  nonEmpty(values, ['prometheus', 'host', 'config', 'webhook-url', 'kafka-brokers', 'kafka-topic']);
  const brokersText = (values['kafka-brokers'] as string | undefined) ?? (process.env[KAFKA_BROKERS_ENV] || undefined);
  let kafka: { brokers: string[]; topic?: string; createTopic?: boolean } | undefined;
  if (brokersText !== undefined) {
    try {
      kafka = { brokers: parseBrokers(brokersText, values['kafka-brokers'] !== undefined ? '--kafka-brokers' : KAFKA_BROKERS_ENV) };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (values['kafka-topic'] !== undefined) kafka.topic = values['kafka-topic'] as string;
    if (values['kafka-create-topic']) kafka.createTopic = true;
  } else if (values['kafka-topic'] !== undefined || values['kafka-create-topic']) {
    throw new UsageError(`--kafka-topic and --kafka-create-topic need --kafka-brokers (or ${KAFKA_BROKERS_ENV})`);
  }
  const url = values.prometheus as string;
  httpUrl('prometheus', url);
  const webhookUrl = values['webhook-url'] as string | undefined;
  if (webhookUrl !== undefined) httpUrl('webhook-url', webhookUrl);
  const portText = values.port as string;
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(portText)}`);
  const config = loadPrometheusConfig(values.config as string | undefined);
  const source = (deps.createPrometheusSource ?? defaultSource)(url);
  const log = (line: string) => io.stderr(`canary-gate: ${line}`);
  let running;
  try {
    running = await startCanaryGateServer({
      host: values.host as string,
      port,
      source,
      discover: discovery(url, deps),
      config,
      log,
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(kafka ? { kafka } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EADDRNOTAVAIL' ? 'the address is not available' : err.message;
    io.stderr(`canary-gate: error: cannot listen on ${values.host}:${port}: ${why}`);
    return EXIT.error;
  }
  io.stdout(`canary-gate: listening on ${running.url} (POST /v1/evaluate, POST /v1/flagger/<hook>, GET /metrics, GET /healthz); gate ${config.name}${webhookUrl ? ', rollback webhook set' : ''}${running.handler.kafka ? `, events to Kafka topic ${running.handler.kafka.topic}` : ''}`);
  await new Promise<void>((resolve) => {
    if (deps.stopSignal) {
      if (deps.stopSignal.aborted) resolve();
      else deps.stopSignal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  log('stopping');
  await running.close();
  return 0;
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
      case 'serve':
        return await serveCommand(rest, io, deps);
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
    } else if (e instanceof PrometheusUnreachableError) {
      io.stderr(`canary-gate: error: ${e.message}`);
    } else if (e instanceof PrometheusQueryError) {
      io.stderr(`canary-gate: error: Prometheus refused a query (${e.errorType}): ${e.message}`);
    } else {
      io.stderr(`canary-gate: error: ${(e as Error)?.message ?? String(e)}`);
    }
    return EXIT.error;
  }
}

if (require.main === module) {
  // Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; the buffered ones are flushed before exit.
  const tracing = startTracing();
  runCli(process.argv.slice(2))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`canary-gate: error: ${(e as Error)?.message ?? String(e)}\n`);
        process.exitCode = EXIT.error;
      },
    )
    .then(() => tracing?.shutdown())
    .catch((e: unknown) => process.stderr.write(`canary-gate: trace export: ${(e as Error)?.message ?? String(e)}\n`));
}
