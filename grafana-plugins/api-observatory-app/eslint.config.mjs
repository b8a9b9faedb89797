import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { defineConfig } from 'eslint/config';

/*
 * The repository installs with legacy-peer-deps (Backstage's peer ranges), so npm hoists
 * @grafana/eslint-config to the root node_modules, where it would resolve its peer dependencies to the
 * Backstage workspace's copies (eslint-plugin-react-hooks 5; it needs >= 7). Resolve the peers of
 * @grafana/eslint-config from this plugin's dependencies instead, as a plugin-local install would
 * (module.registerHooks: Node >= 22.15, the project's Node).
 */
const pluginRequire = nodeModule.createRequire(import.meta.url);
if (typeof nodeModule.registerHooks !== 'function') {
  throw new Error('eslint.config.mjs needs Node >= 22.15 (module.registerHooks): use the project Node (.tools/node)');
}
nodeModule.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/[\\/]@grafana[\\/]eslint-config[\\/]/.test(context.parentURL ?? '') && /^[@a-z]/.test(specifier)) {
      try {
        return { url: pathToFileURL(pluginRequire.resolve(specifier)).href, shortCircuit: true };
      } catch {
        // not a dependency of the plugin: resolve as usual
      }
    }
    return nextResolve(specifier, context);
  },
});
const { default: baseConfig } = await import('./.config/eslint.config.mjs');

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
]);
