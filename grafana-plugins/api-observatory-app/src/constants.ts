import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/**
 * Page ids: the path segment after /a/<plugin id>/. The telemetry contract's `grafanaAppLink` builds
 * deep links to these (Backstage and the dashboards link here with `var-api=...` and the time range).
 */
export const PAGES = {
  overview: 'overview',
  platform: 'platform',
  product: 'product',
  developer: 'developer',
  canary: 'canary',
} as const;
export type PageId = (typeof PAGES)[keyof typeof PAGES];

export function pageUrl(page: PageId): string {
  return `${PLUGIN_BASE_URL}/${page}`;
}

/** URL-synced variable names (`var-<name>` in the URL), shared by every page that has them. */
export const VAR = {
  api: 'api',
  route: 'route',
  consumer: 'consumer',
  plan: 'plan',
  version: 'version',
  traceId: 'trace_id',
} as const;

/** Value a multi-value variable sends for "All": a regex that matches every value, never a huge alternation. */
export const ALL_VALUE = '.*';
