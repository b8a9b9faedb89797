/**
 * Routes of the `api-observability` backend plugin (mounted at /api/api-observability):
 *
 *   GET /health                                        → { status: 'ok' }
 *   GET /entity/:kind/:namespace/:name/summary?range=1h → Summary (types.ts)
 *
 * Only user or service credentials are accepted. The browser names an entity and a range key; the API
 * name and gateway come from the entity's catalog annotations and every query is built on the server
 * with the telemetry contract. Errors are `{ error: { code, message } }`:
 * 400 BAD_REQUEST, 404 ENTITY_NOT_FOUND, 404 NO_ANNOTATION, 503 PROMETHEUS_UNREACHABLE, 502 PROMETHEUS_QUERY_FAILED.
 */
import express from 'express';
import Router from 'express-promise-router';
import type { CacheService, HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { PrometheusQueryError, PrometheusUnreachableError } from '@api-observatory/telemetry-contract';
import type { ObservabilityConfig } from './config';
import { DEFAULT_RANGE, RANGES, SummaryBuilder } from './summary';
import { API_NAME_ANNOTATION, GATEWAY_ANNOTATION, type ErrorBody, type ErrorCode, type Summary } from '@api-observatory/backstage-plugin-api-observability-common';

export interface RouterOptions {
  logger: LoggerService;
  config: ObservabilityConfig;
  cache: CacheService;
  httpAuth: HttpAuthService;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
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
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entity/:kind/:namespace/:name/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { kind, namespace, name } = req.params;
    const rangeParam = req.query.range ?? DEFAULT_RANGE;
    if (typeof rangeParam !== 'string' || !Object.prototype.hasOwnProperty.call(RANGES, rangeParam)) {
      fail(res, 400, 'BAD_REQUEST', `range must be one of ${Object.keys(RANGES).join(', ')}`);
      return;
    }
    if (![kind, namespace, name].every((p) => NAME.test(p))) {
      fail(res, 400, 'BAD_REQUEST', 'kind, namespace and name must be non-empty entity ref parts');
      return;
    }
    const ref = stringifyEntityRef({ kind, namespace, name });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      fail(res, 404, 'ENTITY_NOT_FOUND', `no entity ${ref} in the catalog`);
      return;
    }
    const annotations = entity.metadata.annotations ?? {};
    const api = annotations[API_NAME_ANNOTATION];
    if (!api) {
      fail(res, 404, 'NO_ANNOTATION', `${ref} has no ${API_NAME_ANNOTATION} annotation, so it has no API telemetry to show`);
      return;
    }
    const gateway = annotations[GATEWAY_ANNOTATION] || null;
    const cacheKey = `summary:v1:${JSON.stringify([ref, api, gateway, rangeParam])}`;
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

  return router;
}
