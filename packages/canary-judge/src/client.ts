/**
 * A typed client of the canary-gate HTTP API (`canary-gate serve`). `evaluate` returns the evaluation
 * report; every failure is a CanaryGateError subclass that says what went wrong:
 *
 * - CanaryGateRequestError: a 4xx answer (`status`, the server's stable `code` such as `no_canary` or
 *   `no_baseline`, and `issues` for a 400);
 * - CanaryGateServerError: a 5xx answer (`kind` such as `prometheus_unreachable`), or an answer that is
 *   not an evaluation report;
 * - CanaryGateUnreachableError: no answer (connection refused, DNS, reset);
 * - CanaryGateTimeoutError: no answer within the timeout.
 *
 * Uses only `fetch`, so it runs in Node and in browsers.
 */
import type { Decision } from './decision';
import type { EvaluationReport } from './report';

/** What the server is asked; canary and baseline are discovered by the server when left out. */
export interface EvaluateCall {
  api: string;
  canary?: string;
  baseline?: string;
  interval?: string;
  lookback?: string;
  /** The API's entity ref (api:<namespace>/<name>): the key of the evaluation's Kafka events. */
  entityRef?: string;
}

/** The error body of the canary-gate server. */
export interface CanaryGateErrorBody {
  error: string;
  code?: string;
  kind?: string;
  issues?: Array<{ path: string; message: string }>;
  [k: string]: unknown;
}

export class CanaryGateError extends Error {
  override name = 'CanaryGateError';
}
export class CanaryGateRequestError extends CanaryGateError {
  override name = 'CanaryGateRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: CanaryGateErrorBody | undefined,
  ) {
    super(message);
  }
  get issues(): Array<{ path: string; message: string }> {
    return this.body?.issues ?? [];
  }
}
export class CanaryGateServerError extends CanaryGateError {
  override name = 'CanaryGateServerError';
  constructor(
    message: string,
    readonly status: number,
    readonly kind: string | undefined,
  ) {
    super(message);
  }
}
export class CanaryGateUnreachableError extends CanaryGateError {
  override name = 'CanaryGateUnreachableError';
}
export class CanaryGateTimeoutError extends CanaryGateError {
  override name = 'CanaryGateTimeoutError';
}

export interface CanaryGateClientOptions {
  /** Per-request timeout, ms (default 30 s: an evaluation runs a dozen range queries). */
  timeoutMs?: number;
  /** Extra headers (e.g. an Authorization header for a proxy in front of the server). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

const DECISIONS: readonly Decision[] = ['promote', 'continue', 'rollback'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws unless `v` has the fields of an evaluation report that its readers rely on. */
export function assertEvaluationReport(v: unknown): asserts v is EvaluationReport {
  const problems: string[] = [];
  if (!isObject(v)) throw new TypeError('not an evaluation report: not a JSON object');
  if (!DECISIONS.includes(v.decision as Decision)) problems.push(`decision ${JSON.stringify(v.decision)} is not one of ${DECISIONS.join(', ')}`);
  const ctx = v.context;
  if (!isObject(ctx) || typeof ctx.api !== 'string' || typeof ctx.canaryVersion !== 'string' || typeof ctx.baselineVersion !== 'string') problems.push('context {api, canaryVersion, baselineVersion} is missing');
  const j = v.judgement;
  if (!isObject(j) || !DECISIONS.includes(j.decision as Decision) || !Array.isArray(j.intervals) || !Array.isArray(j.reasons) || !isObject(j.rules)) problems.push('judgement is missing or incomplete');
  const verdict = v.verdict;
  if (!isObject(verdict) || !Array.isArray(verdict.metrics) || typeof verdict.score !== 'number' || !Array.isArray(verdict.reasons)) problems.push('verdict is missing or incomplete');
  if (!Array.isArray(v.notes)) problems.push('notes is missing');
  if (problems.length) throw new TypeError(`not an evaluation report: ${problems.join('; ')}`);
}

export class CanaryGateClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: CanaryGateClientOptions = {},
  ) {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`canary-gate URL must be http(s): ${baseUrl}`);
    this.base = u.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** POST /v1/evaluate. */
  async evaluate(call: EvaluateCall): Promise<EvaluationReport> {
    const body: Record<string, string> = { api: call.api };
    for (const k of ['canary', 'baseline', 'interval', 'lookback', 'entityRef'] as const) if (call[k] !== undefined) body[k] = call[k]!;
    const json = await this.post('/v1/evaluate', body);
    try {
      assertEvaluationReport(json);
    } catch (e) {
      throw new CanaryGateServerError(`canary-gate at ${this.base} answered 200 with ${(e as Error).message}`, 200, 'invalid_report');
    }
    return json;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new CanaryGateTimeoutError(`canary-gate at ${this.base} did not answer within ${this.timeoutMs} ms`);
      throw new CanaryGateUnreachableError(`canary-gate at ${this.base} is unreachable: ${String((err as { cause?: unknown }).cause ?? err.message)}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new CanaryGateTimeoutError(`canary-gate at ${this.base} did not finish its answer within ${this.timeoutMs} ms`);
      throw new CanaryGateUnreachableError(`canary-gate at ${this.base} broke off its answer: ${err.message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) {
      if (json === undefined) throw new CanaryGateServerError(`canary-gate at ${this.base} answered ${res.status} without JSON: ${text.slice(0, 200)}`, res.status, 'invalid_report');
      return json;
    }
    const err = isObject(json) && typeof json.error === 'string' ? (json as CanaryGateErrorBody) : undefined;
    const message = `canary-gate answered ${res.status}: ${err?.error ?? (text.slice(0, 200) || res.statusText)}`;
    if (res.status >= 500) throw new CanaryGateServerError(message, res.status, err?.kind);
    throw new CanaryGateRequestError(message, res.status, err?.code, err);
  }
}
