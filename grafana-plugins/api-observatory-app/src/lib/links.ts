/** Links to the app's pages and to Backstage, built with the telemetry contract's link builders. */
import { backstageEntityLink, grafanaAppLink } from '@api-observatory/telemetry-contract';
import { appPageTemplateUrl } from '@api-observatory/telemetry-contract/grafana';
import { PLUGIN_ID, type PageId } from '../constants';

/**
 * Relative link to an app page with variables set from Grafana expressions (data links), keeping the
 * time range: `/a/api-observatory-app/<page>?var-x=<expr>&from=${__from}&to=${__to}`.
 */
export function appPageDataLink(page: PageId, vars: Readonly<Record<string, string>>): string {
  return appPageTemplateUrl(PLUGIN_ID, page, vars);
}

/** Absolute deep link to an app page with concrete values (what Backstage builds with grafanaAppLink). */
export function appPageLink(grafanaUrl: string, page: PageId, vars: Readonly<Record<string, string>> = {}, range?: { from: string; to: string }): string {
  return grafanaAppLink({ grafanaUrl, pluginId: PLUGIN_ID, page, vars, ...(range ? { range } : {}) });
}

/** Backstage API entity page, or null without a (valid) base URL or for "All". */
export function backstageApiLink(backstageUrl: string, api: string): string | null {
  if (!backstageUrl || !api || api === '$__all' || api === '.*') {
    return null;
  }
  try {
    return backstageEntityLink({ backstageUrl, kind: 'API', name: api });
  } catch {
    return null;
  }
}
