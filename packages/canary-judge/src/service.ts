/**
 * Library entry points shared by the CLI, the standalone HTTP endpoint and the Backstage backends:
 * validate an evaluation request, find the canary and baseline versions it leaves out, run it against
 * a sample source, build the report.
 */
import type { GateConfig } from './config/types';
import { describeDiscovery, type CanaryDiscovery, type DiscoveryOptions } from './discovery';
import { parseDuration } from './duration';
import { checkEvaluationWindow, evaluate, type SampleSource } from './evaluate';
import { unresolvedQueries } from './query-names';
import { evaluationReport, type EvaluationReport } from './report';
import { Checker, ValidationError } from './validation';

/** Longest api / version string accepted (label values are not documents). */
export const MAX_NAME_LENGTH = 256;
export const DEFAULT_INTERVAL = '1m';
export const DEFAULT_LOOKBACK = '10m';
export const EVALUATE_REQUEST_FIELDS = ['api', 'canary', 'baseline', 'interval', 'lookback'] as const;

/** A validated evaluation request; a version left out is discovered (resolveVersions). */
export interface EvaluateRequest {
  api: string;
  /** Canary version (api_version of the canary). */
  canary?: string;
  /** Baseline version (api_version of the baseline). */
  baseline?: string;
  interval: string;
  lookback: string;
  intervalMs: number;
  lookbackMs: number;
}

/** A request whose canary and baseline versions are known. */
export type ResolvedEvaluateRequest = EvaluateRequest & { canary: string; baseline: string };

export interface ValidateOptions {
  /** Refuse a request without canary and baseline (a server that cannot discover them). Default false. */
  requireVersions?: boolean;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Fields that look like an attempt to pass a query: say why they are refused. */
const QUERY_LIKE = new Set(['query', 'promql', 'expr', 'expression', 'queries']);

function nameField(c: Checker, raw: unknown, path: string): string | undefined {
  if (raw === undefined) return c.fail(path, 'is required (a non-empty string)');
  const s = c.string(raw, path, { nonEmpty: true });
  if (s === undefined) return undefined;
  if (s.length > MAX_NAME_LENGTH) return c.fail(path, `must be at most ${MAX_NAME_LENGTH} characters, got ${s.length}`);
  if (CONTROL.test(s)) return c.fail(path, 'must not contain control characters');
  if (LONE_SURROGATE.test(s)) return c.fail(path, 'must be valid Unicode text');
  return s;
}

/**
 * Validate a parsed evaluation request ({api, canary, baseline, interval?, lookback?}) against a gate.
 * Throws a ValidationError whose issues name each bad field. PromQL is never accepted: unknown fields
 * are errors.
 */
export function validateEvaluateRequest(raw: unknown, config: GateConfig, options: ValidateOptions = {}): EvaluateRequest {
  const c = new Checker('request');
  const root = c.object(raw, '', EVALUATE_REQUEST_FIELDS);
  if (!root) {
    c.throwIfAny('request');
    throw new Error('unreachable');
  }
  for (const k of Object.keys(root)) {
    if (QUERY_LIKE.has(k)) c.fail(k, 'is refused: queries come from the gate config (named contract queries), never from a request');
  }
  const api = nameField(c, root.api, 'api');
  const version = (value: unknown, path: string) => (value === undefined && !options.requireVersions ? undefined : nameField(c, value, path));
  const canary = version(root.canary, 'canary');
  const baseline = version(root.baseline, 'baseline');
  const duration = (value: unknown, path: string, fallback: string, example: string) => {
    const s = c.optional(value, fallback, (v) => c.string(v, path, { nonEmpty: true }));
    if (s === undefined) return undefined;
    const ms = parseDuration(s);
    if (ms === null) return c.fail(path, `must be a duration such as ${example}, got ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}`);
    return { text: s, ms };
  };
  const interval = duration(root.interval, 'interval', DEFAULT_INTERVAL, '30s, 1m or 1h30m');
  const lookback = duration(root.lookback, 'lookback', DEFAULT_LOOKBACK, '10m or 1h');
  if (interval && lookback) {
    for (const p of checkEvaluationWindow(config, interval.ms, lookback.ms, { interval: 'interval', lookback: 'lookback' })) {
      c.issues.push({ path: p.startsWith('interval') ? 'interval' : 'lookback', message: p });
    }
  }
  c.throwIfAny('request');
  return {
    api: api!,
    ...(canary !== undefined ? { canary } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    interval: interval!.text,
    lookback: lookback!.text,
    intervalMs: interval!.ms,
    lookbackMs: lookback!.ms,
  };
}

/** Finds the live canary and baseline of an API (discoverCanary with a Prometheus client, usually). */
export type Discover = (api: string, options: DiscoveryOptions) => Promise<CanaryDiscovery>;

/** There is nothing to judge: the API has no canary, or its canary has no baseline, over the window. */
export class CanaryNotFoundError extends Error {
  override name = 'CanaryNotFoundError';
  /** Stable error code of the HTTP answer. */
  readonly code: 'no_canary' | 'no_baseline';
  constructor(readonly discovery: Exclude<CanaryDiscovery, { kind: 'found' }>) {
    super(describeDiscovery(discovery));
    this.code = discovery.kind === 'no-canary' ? 'no_canary' : 'no_baseline';
  }
}

/**
 * The request with both versions: as given, or discovered over the request's lookback (a version the
 * request names is kept). Throws CanaryNotFoundError when there is no canary or no baseline.
 */
export async function resolveVersions(request: EvaluateRequest, discover: Discover, end?: Date): Promise<ResolvedEvaluateRequest> {
  if (request.canary !== undefined && request.baseline !== undefined) return request as ResolvedEvaluateRequest;
  const d = await discover(request.api, {
    lookbackMs: request.lookbackMs,
    ...(end ? { end } : {}),
    ...(request.canary !== undefined ? { canaryVersion: request.canary } : {}),
    ...(request.baseline !== undefined ? { baselineVersion: request.baseline } : {}),
  });
  if (d.kind !== 'found') throw new CanaryNotFoundError(d);
  return { ...request, canary: d.canaryVersion, baseline: d.baselineVersion };
}

/** Throws a ValidationError when some gate metric has no named query (so it cannot be read from Prometheus). */
export function assertPrometheusGate(config: GateConfig, source?: string): void {
  const problems = unresolvedQueries(config.metrics);
  if (problems.length) throw new ValidationError('gate config', problems.map((message) => ({ path: 'metrics', message })), source);
}

export interface EvaluateCanaryDeps {
  source: SampleSource;
  config: GateConfig;
  /** Clock (default: now). */
  now?: () => Date;
}

/** Run a validated request against a sample source and build its report (the `--json` verdict). */
export async function evaluateCanary(request: ResolvedEvaluateRequest, deps: EvaluateCanaryDeps): Promise<EvaluationReport> {
  const now = deps.now?.() ?? new Date();
  const context = { api: request.api, canaryVersion: request.canary, baselineVersion: request.baseline };
  const evaluation = await evaluate({ ...context, config: deps.config, intervalMs: request.intervalMs, lookbackMs: request.lookbackMs, end: now }, deps.source);
  return evaluationReport(evaluation, context, deps.config, now);
}
