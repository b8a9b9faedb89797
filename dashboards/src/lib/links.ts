import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { backstageApiTemplateUrl, dashboardTemplateUrl } from '@api-observatory/telemetry-contract/grafana';

/** Backstage API entity page of the selected API: `${backstage_url}/catalog/default/api/${api}`. */
export const backstageApiUrl = (apiExpr = '${api}'): string => backstageApiTemplateUrl(apiExpr);

/**
 * Relative URL of a pack dashboard with variables set from Grafana expressions (e.g. a table cell
 * `${__data.fields.consumer}`), keeping the time range (`${__from}`/`${__to}`).
 */
export const dashboardUrl = (uid: string, vars: Readonly<Record<string, string>> = {}): string => dashboardTemplateUrl(uid, vars);

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
