import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { apiGovernancePermissions } from '@api-observatory/backstage-plugin-api-governance-common';
import { BuiltinPolicyEngine } from './service/builtin-policy';
import { policyData, readGovernanceConfig } from './service/config';
import { OpaPolicyEngine } from './service/opa-policy';
import { GateEvaluator } from './service/gates';
import { KafkaRelay, readKafkaRelayConfig } from './service/kafka-relay';
import { eventsServiceBacklog, kafkaBacklog, registerOutboxMetrics } from './service/metrics';
import { EventOutbox } from './service/outbox';
import { createRouter } from './service/router';
import { keepSqliteStatements, useSqliteWal } from './service/sqlite';
import { GovernanceStore } from './service/store';

export const MIGRATIONS_DIR = resolvePackagePath('@api-observatory/backstage-plugin-api-governance-backend', 'migrations');

/**
 * The `api-governance` backend plugin: promotion requests of API entities between environments
 * (config: the `apiGovernance` section, config.d.ts).
 */
export const apiGovernancePlugin = createBackendPlugin({
  pluginId: 'api-governance',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
        notifications: notificationService,
        userInfo: coreServices.userInfo,
      },
      async init({ httpRouter, httpAuth, logger, config, database, permissions, permissionsRegistry, catalog, lifecycle, events, notifications, userInfo }) {
        const settings = readGovernanceConfig(config);
        const db = await database.getClient();
        await useSqliteWal(db);
        keepSqliteStatements(db);
        if (!database.migrations?.skip) await db.migrate.latest({ directory: MIGRATIONS_DIR });
        permissionsRegistry.addPermissions(apiGovernancePermissions);
        const store = new GovernanceStore(db);
        const gates = new GateEvaluator(settings);
        const outbox = new EventOutbox({ store, logger, events, notifications: settings.notifyConsumers ? notifications : undefined });
        // Events recorded but not published before a crash or a stop go out at start-up (same eventId).
        lifecycle.addStartupHook(() => outbox.flush());
        // The outbox relayed to Kafka (apiGovernance.kafka), independently of the EventsService publish.
        const kafka = readKafkaRelayConfig(config);
        const backlogs = [eventsServiceBacklog(db)];
        if (kafka) {
          const relay = new KafkaRelay({ db, logger, ...kafka });
          backlogs.push(kafkaBacklog(relay));
          lifecycle.addStartupHook(() => relay.start());
          lifecycle.addShutdownHook(() => relay.stop());
          logger.info(`api-governance: relaying events to Kafka topic ${relay.topic} at ${kafka.brokers.join(',')}`);
        }
        lifecycle.addShutdownHook(registerOutboxMetrics(backlogs, logger));
        const policy = settings.engine.engine === 'opa' ? new OpaPolicyEngine(settings.engine.opa) : new BuiltinPolicyEngine(policyData(settings.policy, settings.gates));
        httpRouter.use(await createRouter({ logger, config: settings, httpAuth, permissions, catalog, store, gates, outbox, policy, userInfo }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(`api-governance: environments ${settings.environments.join(' → ')}; canary source ${settings.gates.canary.source}; SLO gate ${settings.gates.slo.prometheusUrl ? 'configured' : 'unknown (no Prometheus)'}; policy engine ${settings.engine.engine === 'opa' ? `OPA at ${settings.engine.opa.url}` : 'builtin'}`);
      },
    });
  },
});
