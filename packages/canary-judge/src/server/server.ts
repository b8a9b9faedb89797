/**
 * The standalone HTTP endpoint of the canary gate (`canary-gate serve`):
 *
 * - POST /v1/evaluate  {api, canary?, baseline?, interval?, lookback?, entityRef?} → the evaluation report (the same
 *   JSON as `canary-gate evaluate --json`); versions left out are discovered from Prometheus (404 with
 *   code no_canary / no_baseline when there is nothing to judge); 400 names the bad field; PromQL is
 *   never accepted.
 * - POST /v1/flagger/<pre-rollout|rollout|confirm-promotion>  a Flagger webhook payload → 200 when
 *   Flagger may proceed, 409 when not (see flagger.ts)
 * - GET /metrics       the contract's canary decision series (Prometheus text format)
 * - GET /healthz       liveness
 *
 * An express application (routing, the body limit) with zod schemas for the bodies (request-schema.ts);
 * each evaluation is a span (telemetry/spans.ts). On a rollback decision the rollback event is POSTed
 * to the webhook, in the background, with retries; with Kafka configured, every decision (and rollback)
 * event is published to Kafka (kafka.ts). The handler is built from library functions (validateEvaluateRequest, resolveVersions,
 * evaluateCanary, CanaryGateMetrics, postRollbackEvent) that programs embedding the gate reuse.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { PrometheusClient, PrometheusQueryError, PrometheusUnreachableError } from '@api-observatory/telemetry-contract';
import type { GateConfig } from '../config/types';
import { DEFAULT_GATE_CONFIG } from '../config/default';
import type { SampleSource } from '../evaluate';
import { discoverCanary } from '../discovery';
import { createPrometheusSource } from '../prometheus/source';
import type { EvaluationReport } from '../report';
import { assertPrometheusGate, CanaryNotFoundError, evaluateCanary, resolveVersions, validateEvaluateRequest, type Discover, type EvaluateRequest } from '../service';
import { evaluationSpan, tracedPrometheus } from '../telemetry/spans';
import { ValidationError } from '../validation';
import { answerFromNotFound, answerFromReport, flaggerRequest, FLAGGER_HOOKS, isFlaggerHook } from './flagger';
import { CanaryGateMetrics, METRICS_CONTENT_TYPE } from './metrics';
import { postRollbackEvent, type WebhookOptions, type WebhookResult } from './webhook';
import { KafkaEventPublisher, type KafkaPublisherOptions } from './kafka';
import { kafkaEventsOf } from '../kafka-events';

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
  /** Publish each evaluation's decision (and rollback) event to Kafka (kafka.ts); its queue metrics join /metrics. */
  kafka?: Omit<KafkaPublisherOptions, 'registry' | 'log'>;
  /** Largest accepted request body (default 64 KiB). */
  maxBodyBytes?: number;
  /** Evaluations running at once; more get 503 (default 8). */
  maxConcurrent?: number;
  /** Log lines (default: none). */
  log?: (line: string) => void;
  now?: () => Date;
}

export interface CanaryGateHandler {
  /** The express application, typed as the plain `(req, res)` handler it is (mountable in another server or app). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  metrics: CanaryGateMetrics;
  /** Resolves when every webhook delivery started so far has finished. */
  drainWebhooks(): Promise<WebhookResult[]>;
  /** The Kafka publisher, when configured. */
  kafka?: KafkaEventPublisher;
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

/** Every answer: JSON pretty-printed (or text), never cached, never sniffed. */
function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res
    .status(status)
    .set({
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    })
    .send(text);
}

/** The request path as sent (not percent-decoded), for routing on hooks and for messages. */
const pathOf = (req: Request) => new URL(req.originalUrl || '/', 'http://localhost').pathname;

/** express 4 does not catch a rejected promise of an async handler: hand it to the error handler. */
const route =
  (fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler =>
  (req, res, next) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };

/** 405 with Allow for the methods a known path does not serve. */
const onlyMethods =
  (methods: string[]): RequestHandler =>
  (req, _res, next) =>
    next(new HttpError(405, `method ${req.method} not allowed on ${pathOf(req)}; use ${methods.join(' or ')}`, { allow: methods.join(', ') }));

/** Build the request handler (no listening socket): for embedding, and for `startCanaryGateServer`. */
export function createCanaryGateHandler(options: CanaryGateServerOptions): CanaryGateHandler {
  const config = options.config ?? DEFAULT_GATE_CONFIG;
  if (!options.source && !options.prometheusUrl) throw new TypeError('createCanaryGateHandler: give prometheusUrl or source');
  // The Prometheus source needs a named query for every gate metric (an injected source maps them itself).
  if (!options.source) assertPrometheusGate(config);
  // Prometheus queries are child spans of the evaluation (no-ops unless tracing is on).
  const prometheus = options.prometheusUrl ? tracedPrometheus(new PrometheusClient(options.prometheusUrl), options.prometheusUrl) : undefined;
  const source = options.source ?? createPrometheusSource(options.prometheusUrl!, { client: prometheus });
  const discovery = prometheus;
  const discover: Discover | undefined = options.discover ?? (discovery ? (api, o) => discoverCanary(discovery, api, o) : undefined);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxConcurrent = options.maxConcurrent ?? 8;
  const log = options.log ?? (() => {});
  const metrics = new CanaryGateMetrics();
  const deliveries = new Set<Promise<WebhookResult>>();
  const kafka = options.kafka ? new KafkaEventPublisher({ ...options.kafka, registry: metrics.registry, log }) : undefined;
  kafka?.start();
  let running = 0;

  /**
   * The JSON body: 415 unless application/json, 413 over the limit (body-parser reads it, refusing a
   * declared length over the limit before reading), 400 with JSON.parse's reason. Parsed here rather
   * than by express.json, which reads an empty body as {} and checks charsets the gate never needed.
   */
  const readBody = express.raw({ type: () => true, limit, inflate: false });
  const json: RequestHandler = (req, res, next) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return next(new HttpError(415, `content-type must be application/json, got ${JSON.stringify(type || 'none')}`));
    readBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      try {
        req.body = JSON.parse(text);
      } catch (e) {
        return next(new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`));
      }
      next();
    });
  };

  /** Discover missing versions, evaluate, record, post a rollback event. */
  async function run(request: EvaluateRequest, via: string): Promise<EvaluationReport> {
    if (running >= maxConcurrent) throw new HttpError(503, `too many evaluations in progress (${maxConcurrent}); retry later`);
    running++;
    let report;
    let resolved;
    try {
      const now = options.now?.() ?? new Date();
      ({ resolved, report } = await evaluationSpan(
        via,
        request,
        () => resolveVersions(request, discover ?? noDiscovery, now),
        (r) => evaluateCanary(r, { source, config, now: () => now }),
      ));
    } finally {
      running--;
    }
    metrics.record(report);
    log(
      `${via} api=${JSON.stringify(resolved.api)} canary=${JSON.stringify(resolved.canary)} baseline=${JSON.stringify(resolved.baseline)}` +
        `${request.canary === undefined || request.baseline === undefined ? ' (discovered)' : ''} interval=${resolved.interval} lookback=${resolved.lookback}: ${report.decision}`,
    );
    kafka?.publish(kafkaEventsOf(report, request.entityRef));
    if (report.rollbackEvent && options.webhookUrl) {
      const delivery = postRollbackEvent(options.webhookUrl, report.rollbackEvent, { log, ...options.webhook });
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
    return report;
  }

  async function evaluateRoute(req: Request, res: Response): Promise<void> {
    const request = validateEvaluateRequest(req.body, config, { requireVersions: !discover });
    send(res, 200, await run(request, 'evaluate'));
  }

  /** An unknown hook is a 404 before its body is read. */
  const knownHook: RequestHandler = (req, _res, next) => {
    const hook = pathOf(req).slice(FLAGGER_PREFIX.length);
    next(isFlaggerHook(hook) ? undefined : new HttpError(404, `unknown Flagger hook ${JSON.stringify(hook.slice(0, 40))} (hooks: ${FLAGGER_HOOKS.join(', ')})`));
  };

  async function flaggerRoute(req: Request, res: Response): Promise<void> {
    const hook = pathOf(req).slice(FLAGGER_PREFIX.length);
    if (!isFlaggerHook(hook)) throw new Error('unreachable: knownHook runs first');
    const { request, canary } = flaggerRequest(req.body, config);
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

  const onError: ErrorRequestHandler = (e: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // body-parser's errors: the limit, an encoding it does not read.
    const parserError = e as { type?: string; status?: number; expected?: number | null; limit?: number; message?: string };
    if (parserError.type === 'entity.too.large') {
      const declared = parserError.expected;
      e = new HttpError(413, declared != null ? `request body too large: ${declared} bytes, at most ${limit}` : `request body too large: more than ${limit} bytes`);
    } else if (typeof parserError.type === 'string' && parserError.status && parserError.status < 500) {
      e = new HttpError(parserError.status, parserError.message ?? 'bad request body');
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
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Paths are exact: /healthz, not /Healthz or /healthz/.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  app.post('/v1/evaluate', json, route(evaluateRoute));
  app.all('/v1/evaluate', onlyMethods(['POST']));
  // get also answers HEAD (headers only).
  app.get(
    '/metrics',
    route(async (_req, res) => {
      // Written as is: express's send would reorder the content type's parameters.
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
      res.end(res.req.method === 'HEAD' ? undefined : text);
    }),
  );
  app.all('/metrics', onlyMethods(['GET', 'HEAD']));
  app.get('/healthz', (_req, res) => send(res, 200, { status: 'ok' }));
  app.all('/healthz', onlyMethods(['GET', 'HEAD']));
  // Every path under the prefix, slashes and all, is a hook name (unknown ones get 404 naming the hooks).
  app.post(/^\/v1\/flagger\/.*$/, knownHook, json, route(flaggerRoute));
  app.all(/^\/v1\/flagger\/.*$/, onlyMethods(['POST']));
  app.use((req, _res, next) => next(new HttpError(404, `not found: ${pathOf(req)} (endpoints: POST /v1/evaluate, POST ${FLAGGER_PREFIX}<hook>, GET /metrics, GET /healthz)`)));
  app.use(onError);

  return {
    handle: app,
    metrics,
    drainWebhooks: () => Promise.all([...deliveries]),
    ...(kafka ? { kafka } : {}),
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
  /** Stop accepting connections, finish open requests and webhook deliveries, give queued Kafka events a few seconds. */
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
      await handler.kafka?.close();
    },
  };
}
