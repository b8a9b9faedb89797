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
} from '@grafana/scenes';
import { pageUrl } from '../constants';
import { PAGE_ORDER, PAGE_REGISTRY, type PageDef, type PageId } from '../pages';

/** A page registry: the app's (`pages.ts`), or one with more pages (the registry test). */
type Registry = Readonly<Record<string, PageDef>>;
import { pagePanels } from '../panels';
import type { AppSettings } from '../settings';
import { BackstageLinkScene } from './BackstageLinkScene';
import { CanaryVerdictScene } from './CanaryVerdictScene';
import { panelRows } from './panels';
import { pageVariables, timeRange } from './variables';

export { PAGE_ORDER };

/** The scene of one page: its variables, time range, controls and the catalogue's panels. */
export function pageScene(id: PageId | string, settings: AppSettings, registry: Registry = PAGE_REGISTRY): EmbeddedScene {
  const def = registry[id];
  if (!def) {
    throw new Error(`no page ${JSON.stringify(id)} in the page registry (${Object.keys(registry).join(', ')})`);
  }
  const specs = pagePanels(registry)[id]!;
  let body: SceneObject = panelRows(specs, settings);
  if (id === 'canary') {
    body = new SceneFlexLayout({
      direction: 'column',
      children: [
        new SceneFlexItem({ key: 'canary.verdict', minHeight: 320, body: new CanaryVerdictScene({ key: 'canary.verdict.body', settings }) }),
        new SceneFlexItem({ body }),
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
    $variables: new SceneVariableSet({ variables: pageVariables(def, settings) }),
    controls,
    body,
  });
}

export function appPage(id: PageId | string, settings: AppSettings, registry: Registry = PAGE_REGISTRY): SceneAppPage {
  const def = registry[id];
  if (!def) {
    throw new Error(`no page ${JSON.stringify(id)} in the page registry (${Object.keys(registry).join(', ')})`);
  }
  return new SceneAppPage({
    title: def.title,
    subTitle: def.subTitle,
    url: pageUrl(id),
    routePath: id,
    getScene: () => pageScene(id, settings, registry),
  });
}

/** The app's pages, one per registry entry in the registry's order. */
export function appPages(settings: AppSettings, registry: Registry = PAGE_REGISTRY): SceneAppPage[] {
  return Object.keys(registry).map((id) => appPage(id, settings, registry));
}
