/**
 * Extends the create-plugin webpack config (`.config/`, kept as generated) for this monorepo:
 * - resolve the workspace packages (telemetry contract, canary judge, safe-yaml) from their TypeScript
 *   sources (what their `source` export condition points at), so the plugin never bundles a stale `dist/`;
 * - mark those sources side-effect free, so only what the plugin imports is bundled (the canary judge's
 *   HTTP server and CLI helpers drop out);
 * - the canary judge through its browser entry (`@api-observatory/canary-judge/browser`: judge, live
 *   evaluation and gate-config validation, none of its Node-only service / CLI code), and its two @stdlib
 *   normal-distribution functions from their `lib/main.js` (same code, without the packages' extras);
 * - the recorded test fixtures (src/test/) are not copied into dist/;
 * - no Node built-in is stubbed: the canary judge's browser entry imports none (its file reading is a
 *   Node-only module; packages/canary-judge/test/browser-entry.test.ts checks the module graph), so a
 *   `node:` import reaching the bundle fails the build;
 * - its YAML reader is @api-observatory/safe-yaml (js-yaml 4's loader, YAML 1.2 core schema, alias expansion
 *   bounded), the same as the canary-gate CLI's; it takes js-yaml's loader files itself, without the dumper,
 *   so no alias is needed here (see the README's bundle size section);
 * - Scenes' `@grafana/e2e-selectors` is the 12.4.10 copy of @grafana/runtime and @grafana/ui (the workspace
 *   root holds @grafana/plugin-e2e's 13.x pre-release), and its version resolver gets the three semver
 *   functions it imports, not semver's index; @stdlib packages whose index only re-exports `lib/main.js`
 *   resolve to it (the README's bundle size section has each step's measure).
 */
import { execFileSync } from 'child_process';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { existsSync, readdirSync, readFileSync } from 'fs';
import path from 'path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import { copyFilePatterns } from './.config/bundler/copyFiles';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const WORKSPACE_SOURCES = /[\\/]packages[\\/](?:telemetry-contract|canary-judge|safe-yaml)[\\/]src[\\/]/;
const STDLIB_MAIN = ['@stdlib/stats-base-dists-normal-cdf', '@stdlib/stats-base-dists-normal-quantile'];
/**
 * @stdlib's typed-array constructors and `defineProperty` pick the built-in (what every browser Grafana
 * supports has) or a polyfill after feature tests: alias them to the built-in branch (their own
 * `lib/main.js` / `lib/builtin.js`, the code the feature tests select in a browser). That drops the
 * polyfills, feature tests, `string-format` and `native-class` helpers that only those paths use.
 */
const STDLIB_BUILTIN: Record<string, string> = {
  '@stdlib/utils-define-property': 'lib/builtin.js',
  '@stdlib/array-float64': 'lib/main.js',
  '@stdlib/array-uint8': 'lib/main.js',
  '@stdlib/array-uint16': 'lib/main.js',
  '@stdlib/array-uint32': 'lib/main.js',
};

/**
 * @grafana/scenes asks for `@grafana/e2e-selectors >=11.6`, and the copy npm hoists to the workspace root is
 * the 13.x pre-release @grafana/plugin-e2e pins (outside that range, and ~20 % larger selectors). Bundle the
 * copy @grafana/runtime and @grafana/ui 12.4.10 depend on: the selectors of the Grafana this plugin targets.
 */
const E2E_SELECTORS = path.dirname(
  require.resolve('@grafana/e2e-selectors/package.json', { paths: [path.dirname(require.resolve('@grafana/runtime/package.json'))] })
);

/**
 * Every other @stdlib package the judge's two functions reach whose `lib/index.js` only re-exports
 * `lib/main.js` (no extra properties attached): resolved to `lib/main.js`, the same export without one more
 * module and its licence header in the bundle and its source map. Found by reading the installed packages,
 * so a new @stdlib version whose index does more keeps its index.
 */
function stdlibPlainIndexes(): Record<string, string> {
  const root = path.dirname(path.dirname(require.resolve('@stdlib/stats-base-dists-normal-cdf/package.json')));
  const strip = (js: string) => js.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').replace(/\s+/g, '');
  const plain = strip(`'use strict'; var main = require( './main.js' ); module.exports = main;`);
  const out: Record<string, string> = {};
  for (const name of readdirSync(root)) {
    const index = path.join(root, name, 'lib', 'index.js');
    if (existsSync(index) && strip(readFileSync(index, 'utf8')) === plain) {
      out[`@stdlib/${name}$`] = path.join(root, name, 'lib', 'main.js');
    }
  }
  return out;
}

/**
 * dist/plugin.json: src/plugin.json with one page include per entry of the page registry (src/pages.ts),
 * by `scripts/plugin-json.ts` run from the TypeScript sources (the registry imports the contract's
 * catalogues, which this config's own loader does not resolve).
 */
function pluginJsonWithPages(from: string): Buffer {
  return execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(__dirname, 'scripts', 'plugin-json.ts'), from], { cwd: __dirname });
}

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  // The scaffold copies every src/**/*.json into dist/ (plugin.json, query help): not the tests' recorded
  // Prometheus responses under src/test/ (~0.95 MB that Grafana would serve but never reads). plugin.json
  // is copied once, with the page registry's pages (pluginJsonWithPages).
  base.plugins = (base.plugins ?? []).map((p) =>
    p instanceof CopyWebpackPlugin
      ? new CopyWebpackPlugin({
          patterns: copyFilePatterns.map((pattern) =>
            pattern.from === '**/*.json'
              ? { ...pattern, noErrorOnMissing: true, globOptions: { ignore: ['**/test/**', '**/*.test.*', '**/plugin.json'] } }
              : pattern.from === 'plugin.json'
                ? { ...pattern, transform: (_content: Buffer, from: string) => pluginJsonWithPages(from) }
                : pattern
          ),
        })
      : p
  );
  return merge(base, {
    resolve: {
      // The `source` condition for the workspace packages only (other packages' `source` entries are not built for bundling).
      alias: {
        '@api-observatory/telemetry-contract$': path.resolve(__dirname, '../../packages/telemetry-contract/src/index.ts'),
        '@api-observatory/telemetry-contract/grafana$': path.resolve(__dirname, '../../packages/telemetry-contract/src/grafana/index.ts'),
        // One persona catalogue per file (`…/grafana/panels/<persona>`): the page registry imports each directly.
        '@api-observatory/telemetry-contract/grafana/panels': path.resolve(__dirname, '../../packages/telemetry-contract/src/grafana/panels'),
        '@api-observatory/canary-judge/browser$': path.resolve(__dirname, '../../packages/canary-judge/src/browser.ts'),
        '@api-observatory/safe-yaml$': path.resolve(__dirname, '../../packages/safe-yaml/src/index.ts'),
        '@grafana/e2e-selectors': E2E_SELECTORS,
        // The judge's normal CDF / quantile: the same @stdlib functions (lib/main.js) without the packages'
        // index, which only attaches a `.factory` (and its helpers) that the judge never calls.
        ...stdlibPlainIndexes(),
        ...Object.fromEntries(STDLIB_MAIN.map((p) => [`${p}$`, require.resolve(`${p}/lib/main.js`)])),
        ...Object.fromEntries(Object.entries(STDLIB_BUILTIN).map(([p, file]) => [`${p}$`, require.resolve(`${p}/${file}`)])),
      },
    },
    module: {
      rules: [
        { test: WORKSPACE_SOURCES, sideEffects: false },
        // Scenes reaches semver only through @grafana/e2e-selectors' version resolver: give it the three
        // functions it imports (bundler/semver-for-e2e-selectors.js), not semver's whole index.
        {
          test: /[\\/]@grafana[\\/]e2e-selectors[\\/]dist[\\/]esm[\\/]resolver\.mjs$/,
          resolve: { alias: { semver$: path.resolve(__dirname, 'bundler/semver-for-e2e-selectors.js') } },
        },
      ],
    },
    // Cache keyed on this file too (the base config only lists its own).
    cache: { type: 'filesystem', buildDependencies: { config: [path.resolve(process.cwd(), 'webpack.config.ts')] } },
  });
};

export default config;
