export { buildDashboards, generatedFiles, queryCatalog, renderDashboard, GENERATED_DIR, type GeneratedFile } from './generate';
export { DashboardDoc, DS, type CatalogEntry } from './lib/spec';
export { backstageApiUrl, dashboardUrl, PACK_TAG } from './lib/links';
export { PLATFORM_UID } from './dashboards/platform';
export { PRODUCT_UID } from './dashboards/product';
export { DEVELOPER_UID } from './dashboards/developer';
export { CANARY_UID } from './dashboards/canary';
// The catalogue's settings and variable queries, which the tests and the bench read through this package.
export {
  ALL_VALUE,
  EXEMPLAR_FROM_SECONDS,
  PLAN_SLA_OBJECTIVES,
  SLA_RESOLUTION,
  SLA_WINDOW,
  TOP_K,
  VARIABLE_QUERIES,
  WOW_OFFSET,
  describe,
  labelValues,
  type LokiQuery,
  type PanelDoc,
  type PromQuery,
  type TempoQuery,
  type VariableQuery,
} from '@api-observatory/telemetry-contract/grafana';
