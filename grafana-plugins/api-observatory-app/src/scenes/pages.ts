import {
  EmbeddedScene,
  SceneAppPage,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneVariableSet,
  VariableValueSelectors,
  type SceneObject,
  type SceneVariable,
} from '@grafana/scenes';
import { PAGES, pageUrl, type PageId } from '../constants';
import { pagePanels } from '../queries';
import type { AppSettings } from '../settings';
import { BackstageLinkScene } from './BackstageLinkScene';
import { CanaryVerdictScene } from './CanaryVerdictScene';
import { panelRows } from './panels';
import { queryVariable, timeRange, traceIdVariable } from './variables';

interface PageDef {
  id: PageId;
  title: string;
  subTitle: string;
  from: string;
  variables: (s: AppSettings) => SceneVariable[];
  backstage?: boolean;
}

const PAGE_DEFS: Record<PageId, PageDef> = {
  overview: {
    id: PAGES.overview,
    title: 'Overview',
    subTitle: 'Traffic, error-budget burn per API, APIs breaching their SLO, and active canaries with their gate verdicts.',
    from: 'now-6h',
    variables: (s) => [queryVariable('api', s)],
  },
  platform: {
    id: PAGES.platform,
    title: 'Platform',
    subTitle: 'Component health: gateways, the OpenTelemetry Collector, Prometheus, OPA and Keycloak.',
    from: 'now-3h',
    variables: () => [],
  },
  product: {
    id: PAGES.product,
    title: 'Product',
    subTitle: 'Business KPIs with drill-down plan → consumer → API, week over week, and traffic by country.',
    from: 'now-24h',
    variables: (s) => [queryVariable('plan', s), queryVariable('consumer', s), queryVariable('api', s)],
    backstage: true,
  },
  developer: {
    id: PAGES.developer,
    title: 'Developer',
    subTitle: 'Per API and route: rate, errors and duration, latency split gateway vs upstream, exemplars to traces and logs by trace id.',
    from: 'now-3h',
    variables: (s) => [queryVariable('api', s), queryVariable('version', s), queryVariable('route', s), queryVariable('consumer', s), traceIdVariable()],
    backstage: true,
  },
  canary: {
    id: PAGES.canary,
    title: 'Canary',
    subTitle: 'Active canaries; for the selected one, baseline vs canary and the canary judge’s verdict computed in the browser with the gate config.',
    from: 'now-1h',
    variables: (s) => [queryVariable('canaryApi', s, { multi: false }), queryVariable('canaryVersion', s, { multi: false })],
    backstage: true,
  },
};

/** The scene of one page: its variables, time range, controls and panels. */
export function pageScene(id: PageId, settings: AppSettings): EmbeddedScene {
  const def = PAGE_DEFS[id];
  const specs = pagePanels()[id];
  const extra: Record<string, SceneObject> = {};
  let body: SceneObject = panelRows(specs, settings, extra);
  if (id === 'canary') {
    body = new SceneFlexLayout({
      direction: 'column',
      children: [
        new SceneFlexItem({ key: 'canary.verdict', minHeight: 320, body: new CanaryVerdictScene({ key: 'canary.verdict.body', settings }) }),
        new SceneFlexItem({ body: panelRows(specs, settings) }),
      ],
    });
  }
  const controls: SceneObject[] = [new VariableValueSelectors({}), new SceneControlsSpacer()];
  if (def.backstage) {
    controls.push(new BackstageLinkScene({ backstageUrl: settings.backstageUrl }));
  }
  controls.push(new SceneTimePicker({ isOnCanvas: true }), new SceneRefreshPicker({ intervals: ['1m', '5m', '15m'], isOnCanvas: true }));
  return new EmbeddedScene({
    key: `${id}.scene`,
    $timeRange: timeRange(def.from),
    $variables: new SceneVariableSet({ variables: def.variables(settings) }),
    controls,
    body,
  });
}

export function appPage(id: PageId, settings: AppSettings): SceneAppPage {
  const def = PAGE_DEFS[id];
  return new SceneAppPage({
    title: def.title,
    subTitle: def.subTitle,
    url: pageUrl(id),
    routePath: id,
    getScene: () => pageScene(id, settings),
  });
}

export const PAGE_ORDER: readonly PageId[] = [PAGES.overview, PAGES.platform, PAGES.product, PAGES.developer, PAGES.canary];
