import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ApiDefinitionValidatorProcessor, readValidatorConfig } from './processor';

/** Adds the API definition validator to the catalog's processors (config: `apiValidator`). */
export const catalogModuleApiValidator = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'api-validator',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, config, logger, lifecycle }) {
        const cfg = readValidatorConfig(config);
        const processor = new ApiDefinitionValidatorProcessor(cfg, logger);
        catalog.addProcessor(processor);
        lifecycle.addShutdownHook(() => processor.close());
        logger.info(
          `API definition validator: ${cfg.enabled ? 'enabled' : 'disabled'}, rejectInvalid ${cfg.rejectInvalid}, ${cfg.allowedRefs.length} allowed external $ref prefixes, ${cfg.worker.enabled ? `worker thread (${cfg.worker.maxHeapMb} MB heap, ${cfg.worker.timeoutMs} ms timeout)` : 'inline'}`,
        );
      },
    });
  },
});
