import pluginJson from './plugin.json';
import { PAGE_ORDER, type PageId } from './pages';

export { ALL_VALUE } from '@api-observatory/telemetry-contract/grafana';
export type { PageId };

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/**
 * Page ids: the path segment after /a/<plugin id>/, one per entry of the page registry (`pages.ts`).
 * The telemetry contract's `grafanaAppLink` builds deep links to these (Backstage and the dashboards
 * link here with `var-api=...` and the time range).
 */
export const PAGES = Object.fromEntries(PAGE_ORDER.map((id) => [id, id])) as { readonly [K in PageId]: K };

/** A page's URL; any id of a page registry (the app's ids are `PageId`). */
export function pageUrl(page: PageId | (string & {})): string {
  return `${PLUGIN_BASE_URL}/${page}`;
}

/** URL-synced variable names (`var-<name>` in the URL), shared by every page that has them. */
export const VAR = {
  gateway: 'gateway',
  api: 'api',
  route: 'route',
  consumer: 'consumer',
  plan: 'plan',
  tenant: 'tenant',
  version: 'version',
  traceId: 'trace_id',
} as const;
