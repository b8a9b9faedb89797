/**
 * `@api-observatory/telemetry-contract/grafana`: what Grafana shows of the contract. The panel
 * catalogue, one file per persona under `panels/` (title, description, unit, queries raw and recorded,
 * mappings, links), which the dashboards-as-code generator and the Grafana app's Scenes pages both
 * render, adding only layout; the template variables the queries use; the LogQL and TraceQL builders;
 * and link shapes with Grafana template expressions. Browser-safe (no Node built-ins, no Grafana SDK),
 * and a sub-path so that the contract's main entry stays small for its other users.
 */
export * from './spec';
export * from './names';
export * from './config';
export * from './variables';
export * from './logql';
export * from './traceql';
export * from './links';
export { PLATFORM_PANELS } from './panels/platform';
export { PRODUCT_PANELS } from './panels/product';
export { DEVELOPER_PANELS } from './panels/developer';
export { CANARY_PANELS, DECISION_MAPPINGS, RESULT_MAPPINGS, SIDES, activeCanariesQuery } from './panels/canary';
export { OVERVIEW_PANELS, breachingSlos } from './panels/overview';
