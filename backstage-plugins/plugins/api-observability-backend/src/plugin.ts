import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readObservabilityConfig } from './service/config';
import { createRouter } from './service/router';

/**
 * The `api-observability` backend plugin: per-entity API observability summaries from Prometheus,
 * built with the telemetry contract from the entity's `api-observatory.io/api-name` and
 * `api-observatory.io/gateway` annotations, and single traces from the configured trace store (Jaeger
 * or Tempo) for the trace view. Config: the `apiObservability` section (config.d.ts).
 */
export const apiObservabilityPlugin = createBackendPlugin({
  pluginId: 'api-observability',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        catalog: catalogServiceRef,
      },
      async init({ httpRouter, logger, config, cache, httpAuth, catalog }) {
        const settings = readObservabilityConfig(config);
        httpRouter.use(await createRouter({ logger, config: settings, cache, httpAuth, catalog }));
        // Every route needs a user or service credential (the default policy); the health check does not.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `api-observability: Prometheus at ${settings.prometheusUrl}; ` +
            (settings.traceStore ? `trace view reads ${settings.traceStore.type} at ${settings.traceStore.url}` : 'no trace store, trace view off'),
        );
      },
    });
  },
});
