import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { backstageEntityLink, grafanaDashboardLink } from '@api-observatory/telemetry-contract';

/**
 * Links with Grafana template expressions. The contract's link builders validate and encode their
 * inputs (so `${api}` would be encoded away); we build the URL shape with placeholders and then put the
 * template expressions in, so the shapes stay the contract's.
 */

const PLACEHOLDER_BASE = 'http://placeholder.invalid';
const token = (i: number) => `__t${i}__`;

function substitute(url: string, values: readonly string[]): string {
  return values.reduce((u, v, i) => u.split(token(i)).join(v), url);
}

/** Backstage API entity page of the selected API: `${backstage_url}/catalog/default/api/${api}`. */
export function backstageApiUrl(apiExpr = '${api}'): string {
  const shape = backstageEntityLink({ backstageUrl: PLACEHOLDER_BASE, kind: 'API', name: token(0) });
  return substitute(shape.replace(PLACEHOLDER_BASE, '${backstage_url}'), [apiExpr]);
}

/**
 * Relative URL of a pack dashboard with variables set from Grafana expressions (e.g. a table cell
 * `${__data.fields.consumer}`), keeping the time range (`${__from}`/`${__to}`).
 */
export function dashboardUrl(uid: string, vars: Readonly<Record<string, string>> = {}): string {
  const names = Object.keys(vars);
  const exprs = [...names.map((n) => vars[n]!), '${__from}', '${__to}'];
  const shape = grafanaDashboardLink({
    grafanaUrl: PLACEHOLDER_BASE,
    uid,
    vars: Object.fromEntries(names.map((n, i) => [n, token(i)])),
    range: { from: token(names.length), to: token(names.length + 1) },
  });
  return substitute(shape.slice(PLACEHOLDER_BASE.length), exprs);
}

/** Tag shared by the pack's dashboards (the dashboards link dropdown lists them). */
export const PACK_TAG = 'api-observatory';

/** Dashboard links: the pack's other dashboards (keeping variables and time) and Backstage. */
export function packLinks(o: { backstage: boolean }): dashboard.DashboardLinkBuilder[] {
  const links = [
    new dashboard.DashboardLinkBuilder('API Observatory')
      .type(dashboard.DashboardLinkType.Dashboards)
      .tags([PACK_TAG])
      .asDropdown(true)
      .includeVars(true)
      .keepTime(true)
      .tooltip('The pack’s other dashboards, with the same variables and time range'),
  ];
  if (o.backstage) {
    links.push(
      new dashboard.DashboardLinkBuilder('API in Backstage')
        .type(dashboard.DashboardLinkType.Link)
        .url(backstageApiUrl())
        .icon('external link')
        .targetBlank(true)
        .tooltip('Backstage catalog page of the selected API'),
    );
  }
  return links;
}
