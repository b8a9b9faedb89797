import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AlertInbox } from './service/alert-inbox';
import { catalogApiResolver } from './service/api-entities';
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
        auth: coreServices.auth,
        notifications: notificationService,
      },
      async init({ httpRouter, logger, config, cache, httpAuth, catalog, auth, notifications }) {
        const settings = readObservabilityConfig(config);
        const alerts = settings.alerts
          ? new AlertInbox({ notifications, logger, resolveApi: catalogApiResolver(catalog, () => auth.getOwnServiceCredentials()) })
          : undefined;
        httpRouter.use(await createRouter({ logger, config: settings, cache, httpAuth, catalog, alerts }));
        // Every route needs a user or service credential (the default policy); the health check does not,
        // and Alertmanager authenticates the webhook with the shared secret the route checks.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        if (alerts) httpRouter.addAuthPolicy({ path: '/alerts/webhook', allow: 'unauthenticated' });
        logger.info(
          `api-observability: Prometheus at ${settings.prometheusUrl}; ` +
            (settings.traceStore ? `trace view reads ${settings.traceStore.type} at ${settings.traceStore.url}` : 'no trace store, trace view off') +
            (alerts ? '; Alertmanager webhook receiver on' : ''),
        );
      },
    });
  },
});
