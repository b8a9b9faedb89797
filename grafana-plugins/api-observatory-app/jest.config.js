// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

const swc = base.transform['^.+\\.(t|j)sx?$'];

/**
 * The create-plugin jest config, extended for this monorepo:
 * - `.mjs` files (ESM-only dependencies of @grafana/ui and @grafana/scenes) are transformed too;
 * - more ESM-only packages are transformed (the scaffold's list misses these with Grafana 12.4);
 * - the workspace packages resolve to their TypeScript sources (the `source` export condition).
 */
module.exports = {
  ...base,
  rootDir: __dirname,
  transform: {
    '^.+\\.(t|j)sx?$': swc,
    '^.+\\.mjs$': swc,
  },
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'json', 'node'],
  transformIgnorePatterns: [
    nodeModulesToTransform([
      ...grafanaESModules,
      '@grafana/scenes',
      '@grafana/i18n',
      'react-use',
      'ol-mapbox-style',
      'quickselect',
      'rbush',
      'earcut',
      'pbf',
      'geotiff',
      'color-space',
      'color-rgba',
      'color-parse',
      'monaco-promql',
      '@bsull/augurs',
      'ml-matrix',
      'react-data-grid',
      'immer',
    ]),
  ],
  moduleNameMapper: {
    ...base.moduleNameMapper,
    // The workspace packages from their TypeScript sources (their `source` export condition).
    '^@api-observatory/(telemetry-contract|canary-judge)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^@api-observatory/telemetry-contract/grafana$': '<rootDir>/../../packages/telemetry-contract/src/grafana/index.ts',
    '^@api-observatory/telemetry-contract/grafana/panels/([a-z0-9-]+)$': '<rootDir>/../../packages/telemetry-contract/src/grafana/panels/$1.ts',
    '^@api-observatory/canary-judge/browser$': '<rootDir>/../../packages/canary-judge/src/browser.ts',
    '^@api-observatory/safe-yaml$': '<rootDir>/../../packages/safe-yaml/src/index.ts',
  },
  testMatch: ['<rootDir>/src/**/*.{spec,test}.{ts,tsx}'],
  testTimeout: 60000,
};
