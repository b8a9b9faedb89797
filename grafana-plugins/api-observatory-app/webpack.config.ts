/**
 * Extends the create-plugin webpack config (`.config/`, kept as generated) for this monorepo:
 * - resolve the workspace packages (telemetry contract, canary judge, dashboards) from their TypeScript
 *   sources (what their `source` export condition points at), so the plugin never bundles a stale `dist/`;
 * - mark those sources side-effect free, so only what the plugin imports is bundled (the canary judge's
 *   HTTP server, CLI helpers and the dashboards' Foundation SDK layer drop out);
 * - the canary judge's document reader imports `node:fs` for files the browser never reads: `node:`
 *   built-ins resolve to empty modules instead of failing the build.
 */
import path from 'path';
import webpack, { type Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const WORKSPACE_SOURCES = /[\\/](?:packages[\\/](?:telemetry-contract|canary-judge)|dashboards)[\\/]src[\\/]/;
const NODE_BUILTINS = ['fs', 'crypto', 'http', 'https', 'net', 'path', 'os', 'util', 'stream', 'child_process', 'url', 'zlib'];

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return merge(base, {
    resolve: {
      // The `source` condition for the workspace packages only (other packages' `source` entries are not built for bundling).
      alias: {
        '@api-observatory/telemetry-contract$': path.resolve(__dirname, '../../packages/telemetry-contract/src/index.ts'),
        '@api-observatory/canary-judge$': path.resolve(__dirname, '../../packages/canary-judge/src/index.ts'),
        '@api-observatory/dashboards$': path.resolve(__dirname, '../../dashboards/src/index.ts'),
      },
      fallback: Object.fromEntries(NODE_BUILTINS.map((m) => [m, false])),
    },
    module: {
      rules: [{ test: WORKSPACE_SOURCES, sideEffects: false }],
    },
    plugins: [
      new webpack.NormalModuleReplacementPlugin(/^node:/, (resource: { request: string }) => {
        resource.request = resource.request.replace(/^node:/, '');
      }),
    ],
    // Cache keyed on this file too (the base config only lists its own).
    cache: { type: 'filesystem', buildDependencies: { config: [path.resolve(process.cwd(), 'webpack.config.ts')] } },
  });
};

export default config;
