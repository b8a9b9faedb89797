/**
 * The standalone HTTP endpoint of the canary gate (`canary-gate serve`):
 *
 * - POST /v1/evaluate  {api, canary?, baseline?, interval?, lookback?} → the evaluation report (the same
 *   JSON as `canary-gate evaluate --json`); versions left out are discovered from Prometheus (404 with
 *   code no_canary / no_baseline when there is nothing to judge); 400 names the bad field; PromQL is
 *   never accepted.
 * - POST /v1/flagger/<pre-rollout|rollout|confirm-promotion>  a Flagger webhook payload → 200 when
 *   Flagger may proceed, 409 when not (see flagger.ts)
 * - GET /metrics       the contract's canary decision series (Prometheus text format)
 * - GET /healthz       liveness
 *
 * On a rollback decision the rollback event is POSTed to the webhook, in the background, with retries.
 * The handler is built from library functions (validateEvaluateRequest, resolveVersions,
 * evaluateCanary, CanaryGateMetrics, postRollbackEvent) that programs embedding the gate reuse.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusClient, PrometheusQueryError, PrometheusUnreachableError } from '@api-observatory/telemetry-contract';
import type { GateConfig } from '../config/types';
import { DEFAULT_GATE_CONFIG } from '../config/default';
import type { SampleSource } from '../evaluate';
import { discoverCanary } from '../discovery';
import { createPrometheusSource } from '../prometheus/source';
import type { EvaluationReport } from '../report';
import { assertPrometheusGate, CanaryNotFoundError, evaluateCanary, resolveVersions, validateEvaluateRequest, type Discover, type EvaluateRequest } from '../service';
import { ValidationError } from '../validation';
import { answerFromNotFound, answerFromReport, flaggerRequest, FLAGGER_HOOKS, isFlaggerHook } from './flagger';
import { CanaryGateMetrics, METRICS_CONTENT_TYPE } from './metrics';
import { postRollbackEvent, type WebhookOptions, type WebhookResult } from './webhook';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const FLAGGER_PREFIX = '/v1/flagger/';

/** Never called: without discovery, validation requires both versions. */
const noDiscovery: Discover = () => Promise.reject(new Error('this server cannot discover canary versions'));

export interface CanaryGateServerOptions {
  /** Prometheus base URL; used to build the sample source unless `source` is given. */
  prometheusUrl?: string;
  /** Sample source (default: the Prometheus source of prometheusUrl). */
  source?: SampleSource;
  /**
   * Finds canary and baseline versions a request leaves out (default: discoverCanary on prometheusUrl).
   * Without it and without prometheusUrl, requests must name both versions.
   */
  discover?: Discover;
  /** Gate config (default: the built-in default gate). */
  config?: GateConfig;
  /** Where rollback events are POSTed. */
  webhookUrl?: string;
  webhook?: WebhookOptions;
  /** Largest accepted request body (default 64 KiB). */
  maxBodyBytes?: number;
  /** Evaluations running at once; more get 503 (default 8). */
  maxConcurrent?: number;
  /** Log lines (default: none). */
  log?: (line: string) => void;
  now?: () => Date;
}

export interface CanaryGateHandler {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  metrics: CanaryGateMetrics;
  /** Resolves when every webhook delivery started so far has finished. */
  drainWebhooks(): Promise<WebhookResult[]>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, `request body too large: ${declared} bytes, at most ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `request body too large: more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
  });
}

/** Build the request handler (no listening socket): for embedding, and for `startCanaryGateServer`. */
export function createCanaryGateHandler(options: CanaryGateServerOptions): CanaryGateHandler {
  const config = options.config ?? DEFAULT_GATE_CONFIG;
  if (!options.source && !options.prometheusUrl) throw new TypeError('createCanaryGateHandler: give prometheusUrl or source');
  // The Prometheus source needs a named query for every gate metric (an injected source maps them itself).
  if (!options.source) assertPrometheusGate(config);
  const source = options.source ?? createPrometheusSource(options.prometheusUrl!);
  const discovery = options.prometheusUrl ? new PrometheusClient(options.prometheusUrl) : undefined;
  const discover: Discover | undefined = options.discover ?? (discovery ? (api, o) => discoverCanary(discovery, api, o) : undefined);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxConcurrent = options.maxConcurrent ?? 8;
  const log = options.log ?? (() => {});
  const metrics = new CanaryGateMetrics();
  const deliveries = new Set<Promise<WebhookResult>>();
  let running = 0;

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, `content-type must be application/json, got ${JSON.stringify(type || 'none')}`);
    const text = await readBody(req, limit);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`);
    }
  }

  /** Discover missing versions, evaluate, record, post a rollback event. */
  async function run(request: EvaluateRequest, via: string): Promise<EvaluationReport> {
    if (running >= maxConcurrent) throw new HttpError(503, `too many evaluations in progress (${maxConcurrent}); retry later`);
    running++;
    let report;
    let resolved;
    try {
      const now = options.now?.() ?? new Date();
      resolved = await resolveVersions(request, discover ?? noDiscovery, now);
      report = await evaluateCanary(resolved, { source, config, now: () => now });
    } finally {
      running--;
    }
    metrics.record(report);
    log(
      `${via} api=${JSON.stringify(resolved.api)} canary=${JSON.stringify(resolved.canary)} baseline=${JSON.stringify(resolved.baseline)}` +
        `${request.canary === undefined || request.baseline === undefined ? ' (discovered)' : ''} interval=${resolved.interval} lookback=${resolved.lookback}: ${report.decision}`,
    );
    if (report.rollbackEvent && options.webhookUrl) {
      const delivery = postRollbackEvent(options.webhookUrl, report.rollbackEvent, { log, ...options.webhook });
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
    return report;
  }

  async function evaluateRoute(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const request = validateEvaluateRequest(await readJson(req), config, { requireVersions: !discover });
    send(res, 200, await run(request, 'evaluate'));
  }

  async function flaggerRoute(hook: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!isFlaggerHook(hook)) throw new HttpError(404, `unknown Flagger hook ${JSON.stringify(hook.slice(0, 40))} (hooks: ${FLAGGER_HOOKS.join(', ')})`);
    const { request, canary } = flaggerRequest(await readJson(req), config);
    if (!discover && (request.canary === undefined || request.baseline === undefined)) {
      throw new ValidationError('Flagger webhook payload', [{ path: 'metadata', message: 'metadata.canary and metadata.baseline are required: this server cannot discover versions (no Prometheus)' }]);
    }
    try {
      const answer = answerFromReport(hook, canary, await run(request, `flagger ${hook}`));
      send(res, answer.status, answer.body);
    } catch (e) {
      if (!(e instanceof CanaryNotFoundError)) throw e;
      const answer = answerFromNotFound(hook, canary, e);
      log(`flagger ${hook} api=${JSON.stringify(request.api)}: ${e.message}`);
      send(res, answer.status, answer.body);
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) throw new HttpError(405, `method ${method} not allowed on ${path}; use ${methods.join(' or ')}`, { allow: methods.join(', ') });
    };
    switch (path) {
      case '/v1/evaluate':
        allow(['POST']);
        return evaluateRoute(req, res);
      case '/metrics':
        allow(['GET', 'HEAD']);
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(method === 'HEAD' ? undefined : metrics.render());
        return;
      case '/healthz':
        allow(['GET', 'HEAD']);
        return send(res, 200, { status: 'ok' });
      default:
        if (path.startsWith(FLAGGER_PREFIX)) {
          allow(['POST']);
          return flaggerRoute(path.slice(FLAGGER_PREFIX.length), req, res);
        }
        throw new HttpError(404, `not found: ${path} (endpoints: POST /v1/evaluate, POST ${FLAGGER_PREFIX}<hook>, GET /metrics, GET /healthz)`);
    }
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        const headers: Record<string, string> = {};
        if (e.extra.allow) headers.allow = String(e.extra.allow);
        if (e.status === 413) headers.connection = 'close';
        if (e.status === 503) headers['retry-after'] = '5';
        send(res, e.status, { error: e.message }, headers);
        if (e.status === 413) res.on('finish', () => req.destroy());
        return;
      }
      if (e instanceof CanaryNotFoundError) {
        send(res, 404, { error: e.message, code: e.code, api: e.discovery.api, window: e.discovery.window, ...(e.discovery.kind === 'no-baseline' ? { canaryVersion: e.discovery.canaryVersion } : {}) });
        return;
      }
      if (e instanceof ValidationError) {
        send(res, 400, { error: e.message, issues: e.issues });
        return;
      }
      if (e instanceof PrometheusUnreachableError) {
        log(`evaluate failed: ${e.message}`);
        send(res, 502, { error: e.message, kind: 'prometheus_unreachable' });
        return;
      }
      if (e instanceof PrometheusQueryError) {
        log(`evaluate failed: Prometheus query error (${e.errorType}): ${e.message}`);
        send(res, 502, { error: `Prometheus query error (${e.errorType}): ${e.message}`, kind: 'prometheus_query_error' });
        return;
      }
      log(`internal error: ${(e as Error)?.stack ?? String(e)}`);
      send(res, 500, { error: 'internal error' });
    });
  }

  return {
    handle,
    metrics,
    drainWebhooks: () => Promise.all([...deliveries]),
  };
}

export interface StartOptions extends CanaryGateServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8089; 0 picks a free port. */
  port?: number;
}

export interface RunningCanaryGate {
  url: string;
  server: http.Server;
  handler: CanaryGateHandler;
  /** Stop accepting connections, finish open requests and webhook deliveries. */
  close(): Promise<void>;
}

/** Start the HTTP endpoint; resolves once it listens. */
export async function startCanaryGateServer(options: StartOptions): Promise<RunningCanaryGate> {
  const handler = createCanaryGateHandler(options);
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000 }, handler.handle);
  server.maxHeadersCount = 100;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8089, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    server,
    handler,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await handler.drainWebhooks();
    },
  };
}
