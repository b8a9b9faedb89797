/**
 * The app's page registry: one entry per persona page, naming the catalogue it renders (the telemetry
 * contract's panel catalogue), its variables and default time range. The page ids, the navigation
 * order, the scenes, the recorded fixtures and dist/plugin.json's navigation (generated at build:
 * `pluginJson.ts`) all follow this list: a new persona page is its catalogue file and one entry here.
 */
import type { Catalogue } from '@api-observatory/telemetry-contract/grafana';
// Each persona's catalogue from its own file: a new one needs no export in the contract's grafana index.
import { CANARY_PANELS } from '@api-observatory/telemetry-contract/grafana/panels/canary';
import { DEVELOPER_PANELS } from '@api-observatory/telemetry-contract/grafana/panels/developer';
import { OVERVIEW_PANELS } from '@api-observatory/telemetry-contract/grafana/panels/overview';
import { PLATFORM_PANELS } from '@api-observatory/telemetry-contract/grafana/panels/platform';
import { PRODUCT_PANELS } from '@api-observatory/telemetry-contract/grafana/panels/product';

/** Keys of the app's variables (`scenes/variables.ts`). */
export type VariableKey = 'gateway' | 'api' | 'route' | 'plan' | 'tenant' | 'consumer' | 'consumerAnyPlan' | 'version' | 'canaryApi' | 'canaryVersion' | 'traceId';

export interface PageDef {
  title: string;
  subTitle: string;
  /** Default start of the time range (to: now). */
  from: string;
  catalogue: Catalogue;
  /** Variables in display order; `single` ones take one value and have no "All". */
  variables: ReadonlyArray<VariableKey | { key: VariableKey; single: true }>;
  /** Shows the "API in Backstage" link. */
  backstage?: boolean;
}

export const PAGE_REGISTRY = {
  overview: {
    title: 'Overview',
    subTitle: 'Traffic, error-budget burn per API, APIs breaching their SLO, and active canaries with their gate verdicts.',
    from: 'now-6h',
    catalogue: OVERVIEW_PANELS,
    variables: ['api'],
  },
  platform: {
    title: 'Platform',
    subTitle: 'Component health: gateways, the OpenTelemetry Collector, Prometheus, OPA, Keycloak, Alertmanager and Kafka.',
    from: 'now-3h',
    catalogue: PLATFORM_PANELS,
    variables: ['gateway'],
  },
  product: {
    title: 'Product',
    subTitle: 'Business KPIs week over week, plans, consumers and countries, SLA attainment and metering, with drill-down plan → consumers → APIs.',
    from: 'now-24h',
    catalogue: PRODUCT_PANELS,
    variables: ['plan', 'tenant', 'consumer', 'api'],
    backstage: true,
  },
  developer: {
    title: 'Developer',
    subTitle: 'Per API and route: traffic, errors by status, latency split gateway vs upstream, exemplars to traces, logs by trace id and version comparison.',
    from: 'now-3h',
    catalogue: DEVELOPER_PANELS,
    variables: ['gateway', 'api', 'route', 'consumerAnyPlan', 'traceId'],
    backstage: true,
  },
  canary: {
    title: 'Canary',
    subTitle: 'Active canaries; for the selected one, baseline vs canary and the canary judge’s verdict computed in the browser with the gate config.',
    from: 'now-1h',
    catalogue: CANARY_PANELS,
    variables: [{ key: 'canaryApi', single: true }, { key: 'canaryVersion', single: true }],
    backstage: true,
  },
} as const satisfies Record<string, PageDef>;

export type PageId = keyof typeof PAGE_REGISTRY;

/** Navigation order: the registry's. */
export const PAGE_ORDER = Object.keys(PAGE_REGISTRY) as PageId[];

export function pageDef(id: PageId): PageDef {
  return PAGE_REGISTRY[id];
}
