/**
 * Routes of the `api-observability` backend plugin (mounted at /api/api-observability):
 *
 *   GET /health                                        → { status: 'ok' }
 *   GET /entity/:kind/:namespace/:name/summary?range=1h → Summary (types.ts)
 *   GET /traces/:traceId                               → TraceView, read from the configured trace store
 *   GET /entity/:kind/:namespace/:name/alerts          → FiringAlerts received for the entity's API
 *   POST /alerts/webhook                               → Alertmanager webhook (payload version 4), bearer secret
 *
 * Only user or service credentials are accepted, except on the webhook, which Alertmanager calls with the
 * shared secret `apiObservability.alerts.webhookSecret` (401 UNAUTHORIZED otherwise; 404 NOT_CONFIGURED unset). The browser names an entity and a range key; the API
 * name and gateway come from the entity's catalog annotations and every query is built on the server
 * with the telemetry contract. Errors are `{ error: { code, message } }`:
 * 400 BAD_REQUEST, 404 ENTITY_NOT_FOUND, 404 NO_ANNOTATION, 503 PROMETHEUS_UNREACHABLE, 502 PROMETHEUS_QUERY_FAILED;
 * for traces 404 NOT_CONFIGURED, 404 TRACE_NOT_FOUND, 503 TRACE_STORE_UNREACHABLE, 502 TRACE_STORE_FAILED.
 */
import express from 'express';
import Router from 'express-promise-router';
import type { BackstageCredentials, CacheService, HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PrometheusQueryError, PrometheusUnreachableError, storedTraceId } from '@api-observatory/telemetry-contract';
import type { ObservabilityConfig } from './config';
import { DEFAULT_RANGE, RANGES, SummaryBuilder } from './summary';
import { TraceNotFoundError, TraceStoreFailedError, TraceStoreUnreachableError, buildTraceView, fetchStoredTrace } from './traces';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION, type ErrorBody, type ErrorCode, type FiringAlerts, type Summary, type TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import { apiEntityRefs } from './api-entities';
import type { AlertInbox } from './alert-inbox';
import { WebhookPayloadError, parseWebhookPayload } from './alert-webhook';

export interface RouterOptions {
  logger: LoggerService;
  config: ObservabilityConfig;
  cache: CacheService;
  httpAuth: HttpAuthService;
  catalog: Pick<CatalogService, 'getEntityByRef' | 'getEntities'>;
  /** Receives Alertmanager's alerts; without it the alert routes answer 404 NOT_CONFIGURED. */
  alerts?: AlertInbox;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time comparison of the bearer token with the configured secret. */
function bearerMatches(header: string | undefined, secret: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return !!m && timingSafeEqual(sha256(m[1]!), sha256(secret));
}

const NAME = /^[^\s/]{1,253}$/;

function fail(res: express.Response, status: number, code: ErrorCode, message: string) {
  const body: ErrorBody = { error: { code, message } };
  res.status(status).json(body);
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { logger, config, cache, httpAuth, catalog } = options;
  const builder = new SummaryBuilder(config);
  const router = Router();

  /** The entity the route names and its API name; answers 400 / 404 itself and resolves undefined then. */
  async function annotatedEntity(req: express.Request, res: express.Response, credentials: BackstageCredentials) {
    const { kind, namespace, name } = req.params as Record<string, string>;
    if (![kind, namespace, name].every((p) => NAME.test(p))) {
      fail(res, 400, 'BAD_REQUEST', 'kind, namespace and name must be non-empty entity ref parts');
      return undefined;
    }
    const ref = stringifyEntityRef({ kind: kind!, namespace: namespace!, name: name! });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      fail(res, 404, 'ENTITY_NOT_FOUND', `no entity ${ref} in the catalog`);
      return undefined;
    }
    const api = entity.metadata.annotations?.[API_NAME_ANNOTATION];
    if (!api) {
      fail(res, 404, 'NO_ANNOTATION', `${ref} has no ${API_NAME_ANNOTATION} annotation, so it has no API telemetry to show`);
      return undefined;
    }
    return { ref, entity, api };
  }
  router.use(express.json({ limit: '5mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entity/:kind/:namespace/:name/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const rangeParam = req.query.range ?? DEFAULT_RANGE;
    if (typeof rangeParam !== 'string' || !Object.prototype.hasOwnProperty.call(RANGES, rangeParam)) {
      fail(res, 400, 'BAD_REQUEST', `range must be one of ${Object.keys(RANGES).join(', ')}`);
      return;
    }
    const found = await annotatedEntity(req, res, credentials);
    if (!found) return;
    const { ref, entity, api } = found;
    const annotations = entity.metadata.annotations ?? {};
    const gateway = annotations[GATEWAY_ANNOTATION] || null;
    const cacheKey = `summary:v2:${JSON.stringify([ref, api, gateway, rangeParam])}`;
    const cached = await cache.get<Summary & Record<string, never>>(cacheKey).catch(() => undefined);
    if (cached) {
      res.json(cached);
      return;
    }
    try {
      const summary = await builder.build({
        entity: { kind: entity.kind, namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name },
        api,
        gateway,
        range: rangeParam,
      });
      await cache.set(cacheKey, summary as unknown as Record<string, never>, { ttl: config.cacheTtlMs }).catch(() => undefined);
      res.json(summary);
    } catch (e) {
      if (e instanceof PrometheusUnreachableError || (e as Error).name === 'PrometheusUnreachableError') {
        logger.warn(`Prometheus unreachable for ${ref}: ${(e as Error).message}`);
        fail(res, 503, 'PROMETHEUS_UNREACHABLE', 'Prometheus is unreachable; the telemetry cannot be shown right now');
        return;
      }
      if (e instanceof PrometheusQueryError || (e as Error).name === 'PrometheusQueryError') {
        logger.error(`Prometheus refused a query for ${ref}: ${(e as Error).message}`);
        fail(res, 502, 'PROMETHEUS_QUERY_FAILED', 'Prometheus refused a query');
        return;
      }
      throw e;
    }
  });

  router.get('/traces/:traceId', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    let traceId: string;
    try {
      traceId = storedTraceId(req.params.traceId);
    } catch {
      fail(res, 400, 'BAD_REQUEST', 'a trace id is 16 or 32 hexadecimal digits');
      return;
    }
    const store = config.traceStore;
    if (!store) {
      fail(res, 404, 'NOT_CONFIGURED', 'no trace store is configured (apiObservability.traceStore or jaegerUrl)');
      return;
    }
    // Per caller: the API entity links depend on what the caller may see in the catalog.
    const principal = JSON.stringify((credentials as { principal?: unknown }).principal ?? null);
    const cacheKey = `trace:v1:${JSON.stringify([store.type, store.url, traceId, principal])}`;
    const cached = await cache.get<TraceView & Record<string, never>>(cacheKey).catch(() => undefined);
    if (cached) {
      res.json(cached);
      return;
    }
    try {
      const spans = await fetchStoredTrace(store, traceId, config.queryTimeoutMs);
      const view = await buildTraceView(spans, {
        traceId,
        store: store.type,
        config,
        resolveApis: async (apis) => {
          const { items } = await catalog.getEntities(
            { filter: { kind: 'API', [`metadata.annotations.${API_NAME_ANNOTATION}`]: apis }, fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'] },
            { credentials },
          );
          return apiEntityRefs(apis, items);
        },
      });
      await cache.set(cacheKey, view as unknown as Record<string, never>, { ttl: config.cacheTtlMs }).catch(() => undefined);
      res.json(view);
    } catch (e) {
      const name = (e as Error).name;
      if (e instanceof TraceNotFoundError || name === 'TraceNotFoundError') {
        fail(res, 404, 'TRACE_NOT_FOUND', `trace ${traceId} is not in the trace store (unknown, or already expired)`);
        return;
      }
      if (e instanceof TraceStoreUnreachableError || name === 'TraceStoreUnreachableError') {
        logger.warn(`trace store unreachable for ${traceId}: ${(e as Error).message}`);
        fail(res, 503, 'TRACE_STORE_UNREACHABLE', `the trace store (${store.type}) is unreachable; the trace cannot be shown right now`);
        return;
      }
      if (e instanceof TraceStoreFailedError || name === 'TraceStoreFailedError') {
        logger.error(`trace store failed for ${traceId}: ${(e as Error).message}`);
        fail(res, 502, 'TRACE_STORE_FAILED', `the trace store (${store.type}) gave an answer that could not be read`);
        return;
      }
      throw e;
    }
  });

  router.post('/alerts/webhook', async (req, res) => {
    const secret = config.alerts?.webhookSecret;
    if (!options.alerts || !secret) {
      fail(res, 404, 'NOT_CONFIGURED', 'the alert receiver is off: set apiObservability.alerts.webhookSecret');
      return;
    }
    if (!bearerMatches(req.headers.authorization, secret)) {
      fail(res, 401, 'UNAUTHORIZED', 'Alertmanager must send the shared secret as a bearer token (http_config.authorization)');
      return;
    }
    let payload;
    try {
      payload = parseWebhookPayload(req.body);
    } catch (e) {
      if (!(e instanceof WebhookPayloadError)) throw e;
      fail(res, 400, 'BAD_REQUEST', e.message);
      return;
    }
    try {
      const result = await options.alerts.receive(payload);
      res.json(result);
    } catch (e) {
      // Alertmanager retries a failed delivery; states not yet notified are notified then.
      logger.error(`api-observability: alert delivery from ${payload.receiver} failed: ${(e as Error).message}`);
      fail(res, 503, 'NOTIFICATIONS_FAILED', 'the alerts could not be turned into notifications; Alertmanager will retry');
    }
  });

  router.get('/entity/:kind/:namespace/:name/alerts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (!options.alerts) {
      fail(res, 404, 'NOT_CONFIGURED', 'the alert receiver is off: set apiObservability.alerts.webhookSecret');
      return;
    }
    const found = await annotatedEntity(req, res, credentials);
    if (!found) return;
    const { entity, api } = found;
    // Only the API this entity is (the same choice as trace links), not every entity claiming the name.
    const { items } = await catalog.getEntities(
      { filter: { kind: 'API', [`metadata.annotations.${API_NAME_ANNOTATION}`]: api }, fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'] },
      { credentials },
    );
    const body: FiringAlerts = { api, alerts: apiEntityRefs([api], items).get(api) === stringifyEntityRef(entity) ? options.alerts.firingFor(api) : [] };
    res.json(body);
  });

  return router;
}
