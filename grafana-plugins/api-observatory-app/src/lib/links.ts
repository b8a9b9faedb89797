/**
 * Links, in the URL shapes of the telemetry contract's link builders (`grafanaAppLink`,
 * `backstageEntityLink`, `grafanaTraceLink`). Those builders validate and encode their inputs, so a
 * Grafana template expression (`${__data.fields.plan}`) would be encoded away: the shape is built with
 * placeholders and the expressions are put in afterwards, as the dashboards do.
 */
import { backstageEntityLink, grafanaAppLink } from '@api-observatory/telemetry-contract';
import { PLUGIN_ID, type PageId } from '../constants';

const PLACEHOLDER_BASE = 'http://placeholder.invalid';
const token = (i: number) => `__t${i}__`;
const substitute = (url: string, values: readonly string[]) => values.reduce((u, val, i) => u.split(token(i)).join(val), url);

/**
 * Relative link to an app page with variables set from Grafana expressions (data links), keeping the
 * time range: `/a/api-observatory-app/<page>?var-x=<expr>&from=${__from}&to=${__to}`.
 */
export function appPageDataLink(page: PageId, vars: Readonly<Record<string, string>>): string {
  const names = Object.keys(vars);
  const exprs = [...names.map((n) => vars[n]!), '${__from}', '${__to}'];
  const shape = grafanaAppLink({
    grafanaUrl: PLACEHOLDER_BASE,
    pluginId: PLUGIN_ID,
    page,
    vars: Object.fromEntries(names.map((n, i) => [n, token(i)])),
    range: { from: token(names.length), to: token(names.length + 1) },
  });
  return substitute(shape.slice(PLACEHOLDER_BASE.length), exprs);
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
