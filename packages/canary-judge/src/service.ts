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
import { evaluateRequestSchema, EVALUATE_REQUEST_FIELDS, parseWith, throwIfAny } from './request-schema';
import { ValidationError } from './validation';

export { MAX_NAME_LENGTH, EVALUATE_REQUEST_FIELDS } from './request-schema';
export const DEFAULT_INTERVAL = '1m';
export const DEFAULT_LOOKBACK = '10m';

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
  /** The API's entity ref (api:<namespace>/<name>) when the caller knows it: the Kafka key of its events. */
  entityRef?: string;
}

/** A request whose canary and baseline versions are known. */
export type ResolvedEvaluateRequest = EvaluateRequest & { canary: string; baseline: string };

export interface ValidateOptions {
  /** Refuse a request without canary and baseline (a server that cannot discover them). Default false. */
  requireVersions?: boolean;
}

/**
 * Validate a parsed evaluation request ({api, canary, baseline, interval?, lookback?}) against a gate:
 * its schema (request-schema.ts), then the window (durations, enough intervals for the gate). Throws a
 * ValidationError whose issues name each bad field. PromQL is never accepted: unknown fields are errors.
 */
export function validateEvaluateRequest(raw: unknown, config: GateConfig, options: ValidateOptions = {}): EvaluateRequest {
  const parsed = parseWith(evaluateRequestSchema({ requireVersions: options.requireVersions ?? false }), raw, 'request', EVALUATE_REQUEST_FIELDS);
  const issues = [...parsed.issues];
  const fields = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  // The window is checked whenever its two fields are well-formed strings, whatever the other fields.
  const duration = (path: 'interval' | 'lookback', fallback: string, example: string) => {
    if (issues.some((i) => i.path === path)) return undefined;
    const value = fields[path];
    const text = value === undefined ? fallback : typeof value === 'string' ? value : undefined;
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === null) {
      issues.push({ path, message: `${path} must be a duration such as ${example}, got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}` });
      return undefined;
    }
    return { text, ms };
  };
  const interval = duration('interval', DEFAULT_INTERVAL, '30s, 1m or 1h30m');
  const lookback = duration('lookback', DEFAULT_LOOKBACK, '10m or 1h');
  // Unknown fields first, then field by field, then the window as a whole.
  const order = (path: string) => (EVALUATE_REQUEST_FIELDS as readonly string[]).indexOf(path);
  issues.sort((x, y) => order(x.path) - order(y.path));
  if (interval && lookback) {
    for (const p of checkEvaluationWindow(config, interval.ms, lookback.ms, { interval: 'interval', lookback: 'lookback' })) {
      issues.push({ path: p.startsWith('interval') ? 'interval' : 'lookback', message: p });
    }
  }
  throwIfAny('request', issues);
  const r = parsed.value!;
  return {
    api: r.api,
    ...(r.canary !== undefined ? { canary: r.canary } : {}),
    ...(r.baseline !== undefined ? { baseline: r.baseline } : {}),
    interval: interval!.text,
    lookback: lookback!.text,
    intervalMs: interval!.ms,
    lookbackMs: lookback!.ms,
    ...(r.entityRef !== undefined ? { entityRef: r.entityRef } : {}),
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
