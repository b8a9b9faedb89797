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
 * with the telemetry contract. Errors are @backstage/errors classes with a `code`, answered by the backend's
 * error middleware as `{ error: { name, message, code }, request, response }` (errors.ts):
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
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION, type FiringAlerts, type Summary, type TraceView } from '@api-observatory/backstage-plugin-api-observability-common';
import { apiEntityRefs } from './api-entities';
import type { AlertInbox } from './alert-inbox';
import { WebhookPayloadError, parseWebhookPayload } from './alert-webhook';
import { badGateway, badRequest, notFound, unauthorized, unavailable } from './errors';
import { SPAN_ATTRIBUTES, traced } from './tracing';

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

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { logger, config, cache, httpAuth, catalog } = options;
  const builder = new SummaryBuilder(config);
  const router = Router();

  /** The entity the route names and its API name (400 / 404 otherwise). */
  async function annotatedEntity(req: express.Request, credentials: BackstageCredentials) {
    const { kind, namespace, name } = req.params as Record<string, string>;
    if (![kind, namespace, name].every((p) => NAME.test(p))) throw badRequest('kind, namespace and name must be non-empty entity ref parts');
    const ref = stringifyEntityRef({ kind: kind!, namespace: namespace!, name: name! });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw notFound(`no entity ${ref} in the catalog`, 'ENTITY_NOT_FOUND');
    const api = entity.metadata.annotations?.[API_NAME_ANNOTATION];
    if (!api) throw notFound(`${ref} has no ${API_NAME_ANNOTATION} annotation, so it has no API telemetry to show`, 'NO_ANNOTATION');
    return { ref, entity, api };
  }
  router.use(express.json({ limit: '5mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entity/:kind/:namespace/:name/summary', (req, res) => traced('summary', async (span) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const rangeParam = req.query.range ?? DEFAULT_RANGE;
    if (typeof rangeParam !== 'string' || !Object.prototype.hasOwnProperty.call(RANGES, rangeParam)) {
      throw badRequest(`range must be one of ${Object.keys(RANGES).join(', ')}`);
    }
    const { ref, entity, api } = await annotatedEntity(req, credentials);
    const annotations = entity.metadata.annotations ?? {};
    const gateway = annotations[GATEWAY_ANNOTATION] || null;
    const cacheKey = `summary:v2:${JSON.stringify([ref, api, gateway, rangeParam])}`;
    const cached = await cache.get<Summary & Record<string, never>>(cacheKey).catch(() => undefined);
    span.setAttributes({
      [SPAN_ATTRIBUTES.entityRef]: ref, [SPAN_ATTRIBUTES.api]: api, [SPAN_ATTRIBUTES.range]: rangeParam, [SPAN_ATTRIBUTES.cache]: cached ? 'hit' : 'miss',
      ...(gateway ? { [SPAN_ATTRIBUTES.gateway]: gateway } : {}),
    });
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
        throw unavailable('Prometheus (apiObservability.prometheusUrl) is unreachable; the telemetry cannot be shown right now', 'PROMETHEUS_UNREACHABLE');
      }
      if (e instanceof PrometheusQueryError || (e as Error).name === 'PrometheusQueryError') {
        logger.error(`Prometheus refused a query for ${ref}: ${(e as Error).message}`);
        throw badGateway('Prometheus refused a query', 'PROMETHEUS_QUERY_FAILED');
      }
      throw e;
    }
  }));

  router.get('/traces/:traceId', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    let traceId: string;
    try {
      traceId = storedTraceId(req.params.traceId);
    } catch {
      throw badRequest('a trace id is 16 or 32 hexadecimal digits');
    }
    const store = config.traceStore;
    if (!store) throw notFound('no trace store is configured (apiObservability.traceStore or jaegerUrl)', 'NOT_CONFIGURED');
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
        throw notFound(`trace ${traceId} is not in the trace store (unknown, or already expired)`, 'TRACE_NOT_FOUND');
      }
      if (e instanceof TraceStoreUnreachableError || name === 'TraceStoreUnreachableError') {
        logger.warn(`trace store unreachable for ${traceId}: ${(e as Error).message}`);
        throw unavailable(`the trace store (${store.type}) is unreachable; the trace cannot be shown right now`, 'TRACE_STORE_UNREACHABLE');
      }
      if (e instanceof TraceStoreFailedError || name === 'TraceStoreFailedError') {
        logger.error(`trace store failed for ${traceId}: ${(e as Error).message}`);
        throw badGateway(`the trace store (${store.type}) gave an answer that could not be read`, 'TRACE_STORE_FAILED');
      }
      throw e;
    }
  });

  router.post('/alerts/webhook', async (req, res) => {
    const secret = config.alerts?.webhookSecret;
    if (!options.alerts || !secret) throw notFound('the alert receiver is off: set apiObservability.alerts.webhookSecret', 'NOT_CONFIGURED');
    if (!bearerMatches(req.headers.authorization, secret)) {
      throw unauthorized('Alertmanager must send the shared secret as a bearer token (http_config.authorization)');
    }
    let payload;
    try {
      payload = parseWebhookPayload(req.body);
    } catch (e) {
      if (!(e instanceof WebhookPayloadError)) throw e;
      throw badRequest(e.message);
    }
    try {
      const result = await options.alerts.receive(payload);
      res.json(result);
    } catch (e) {
      // Alertmanager retries a failed delivery; states not yet notified are notified then.
      logger.error(`api-observability: alert delivery from ${payload.receiver} failed: ${(e as Error).message}`);
      throw unavailable('the alerts could not be turned into notifications; Alertmanager will retry', 'NOTIFICATIONS_FAILED');
    }
  });

  router.get('/entity/:kind/:namespace/:name/alerts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (!options.alerts) throw notFound('the alert receiver is off: set apiObservability.alerts.webhookSecret', 'NOT_CONFIGURED');
    const { entity, api } = await annotatedEntity(req, credentials);
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
