/**
 * Link shapes with Grafana template expressions in them (`${api}`, `${__data.fields.consumer}`,
 * `${__from}`). The link builders validate and encode their inputs, so such an expression would be
 * encoded away: the URL is built with placeholders and the expressions are put in afterwards, so the
 * shapes stay the builders'.
 */
import { backstageEntityLink, grafanaAppLink, grafanaDashboardLink } from '../index';

const PLACEHOLDER_BASE = 'http://placeholder.invalid';
const token = (i: number) => `__t${i}__`;

function substitute(url: string, values: readonly string[]): string {
  return values.reduce((u, v, i) => u.split(token(i)).join(v), url);
}

/** Backstage API entity page of a Grafana expression: `${backstage_url}/catalog/default/api/${api}`. */
export function backstageApiTemplateUrl(apiExpr = '${api}', baseExpr = '${backstage_url}'): string {
  const shape = backstageEntityLink({ backstageUrl: PLACEHOLDER_BASE, kind: 'API', name: token(0) });
  return substitute(shape.replace(PLACEHOLDER_BASE, baseExpr), [apiExpr]);
}

function withVars(vars: Readonly<Record<string, string>>, build: (v: Record<string, string>, range: { from: string; to: string }) => string): string {
  const names = Object.keys(vars);
  const exprs = [...names.map((n) => vars[n]!), '${__from}', '${__to}'];
  const shape = build(Object.fromEntries(names.map((n, i) => [n, token(i)])), { from: token(names.length), to: token(names.length + 1) });
  return substitute(shape.slice(PLACEHOLDER_BASE.length), exprs);
}

/** Relative URL of a dashboard with variables set from Grafana expressions, keeping the time range. */
export function dashboardTemplateUrl(uid: string, vars: Readonly<Record<string, string>> = {}): string {
  return withVars(vars, (v, range) => grafanaDashboardLink({ grafanaUrl: PLACEHOLDER_BASE, uid, vars: v, range }));
}

/**
 * Relative URL of a Grafana app page with variables set from Grafana expressions, keeping the time
 * range: `/a/<plugin id>/<page>?var-x=<expr>&from=${__from}&to=${__to}`.
 */
export function appPageTemplateUrl(pluginId: string, page: string, vars: Readonly<Record<string, string>> = {}): string {
  return withVars(vars, (v, range) => grafanaAppLink({ grafanaUrl: PLACEHOLDER_BASE, pluginId, page, vars: v, range }));
}
