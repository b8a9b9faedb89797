/**
 * One panel catalogue, two surfaces: every page of the registry renders a catalogue, and a panel that
 * the persona's dashboard shows too has the same title, description, unit and queries on the Scenes
 * page as in the committed dashboard JSON (dashboards/generated). Also: every variable a page's query
 * uses is a variable of that page, and plugin.json (as the build writes it) lists exactly the registry's pages.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { sceneGraph, SceneQueryRunner, VizPanel, type SceneObject } from '@grafana/scenes';
import { DASHBOARD_UIDS } from '@api-observatory/telemetry-contract';
import { catalogueEntries, describe as describePanel, queryText } from '@api-observatory/telemetry-contract/grafana';
import pluginJson from './plugin.json';
import { PAGE_ORDER, PAGE_REGISTRY, type PageId } from './pages';
import { withPageIncludes } from './pluginJson';
import { pageScene } from './scenes/pages';
import { DEFAULT_SETTINGS } from './settings';
import { installGrafanaMocks } from './test/mocks';

beforeAll(() => installGrafanaMocks());

const GENERATED = path.resolve(__dirname, '../../../dashboards/generated');

interface JsonPanel {
  type: string;
  title: string;
  description?: string;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Array<{ refId: string; expr?: string; query?: string }>;
}

/** The persona's committed dashboard, if it has one. */
function dashboardOf(id: PageId): { uid: string; panels: JsonPanel[] } | undefined {
  const uid = (DASHBOARD_UIDS as Record<string, string>)[id];
  const file = uid ? path.join(GENERATED, id, `${uid}.json`) : '';
  return uid && existsSync(file) ? { uid, panels: JSON.parse(readFileSync(file, 'utf8')).panels.filter((p: JsonPanel) => p.type !== 'row') } : undefined;
}

interface DrawnPanel {
  key: string;
  title: string;
  description: string;
  unit?: string;
  queries: string[];
}

/** What the page's scene draws: each VizPanel with its query runner (keyed `<page>.<catalogue key>.data`). */
function drawn(scene: SceneObject): DrawnPanel[] {
  return (sceneGraph.findAllObjects(scene, (o) => o instanceof VizPanel) as VizPanel[]).flatMap((p) => {
    const runner = p.state.$data;
    if (!(runner instanceof SceneQueryRunner)) {
      return [];
    }
    return [
      {
        key: runner.state.key!.replace(/\.data$/, ''),
        title: p.state.title,
        description: p.state.description ?? '',
        unit: p.state.fieldConfig?.defaults?.unit,
        queries: runner.state.queries.map((q) => (q as { expr?: string; query?: string }).expr ?? (q as { query?: string }).query ?? ''),
      },
    ];
  });
}

const settings = { ...DEFAULT_SETTINGS, backstageUrl: 'https://backstage.example.com' };

describe.each(PAGE_ORDER)('%s page', (id) => {
  const def = PAGE_REGISTRY[id];
  const scene = pageScene(id, settings);
  const panels = drawn(scene);

  it('renders a catalogue of its own persona, every panel of it, from the catalogue', () => {
    expect(def.catalogue?.id).toBe(id);
    const entries = catalogueEntries(def.catalogue);
    expect(entries.length).toBeGreaterThan(0);
    expect(panels.map((p) => p.key)).toEqual(entries.map(([key]) => `${id}.${key}`));
    for (const [key, c] of entries) {
      const p = panels.find((x) => x.key === `${id}.${key}`)!;
      expect({ key, title: p.title, description: p.description, unit: p.unit, queries: p.queries }).toEqual({
        key,
        title: c.title,
        description: describePanel(c.doc),
        unit: c.unit,
        queries: c.queries.map(queryText),
      });
    }
  });

  it('shows each panel of the persona dashboard with the dashboard’s title, description, unit and queries', () => {
    const dashboard = dashboardOf(id);
    if (!dashboard) {
      expect(Object.keys(DASHBOARD_UIDS)).not.toContain(id);
      return;
    }
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const j of dashboard.panels) {
      const p = panels.find((x) => x.title === j.title);
      expect({ dashboard: dashboard.uid, title: j.title, onPage: p !== undefined }).toEqual({ dashboard: dashboard.uid, title: j.title, onPage: true });
      expect({ title: p!.title, description: p!.description, unit: p!.unit, queries: p!.queries }).toEqual({
        title: j.title,
        description: j.description,
        unit: j.fieldConfig?.defaults?.unit,
        queries: (j.targets ?? []).map((t) => t.expr ?? t.query),
      });
    }
  });

  it('defines every variable its queries use', () => {
    const names = new Set(sceneGraph.getVariables(scene).state.variables.map((v) => v.state.name));
    for (const p of panels) {
      for (const q of p.queries) {
        for (const m of q.matchAll(/\$\{?(\w+)/g)) {
          if (!m[1]!.startsWith('__')) {
            expect({ panel: p.key, variable: m[1], defined: names.has(m[1]!) }).toEqual({ panel: p.key, variable: m[1], defined: true });
          }
        }
      }
    }
  });
});

it('plugin.json as the build writes it lists exactly the registry’s pages, in order, with their titles', () => {
  const pages = withPageIncludes(pluginJson).includes.filter((i) => i.type === 'page' && i.path.startsWith('/a/'));
  expect(pages.map((p) => ({ name: p.name, path: p.path }))).toEqual(PAGE_ORDER.map((id) => ({ name: PAGE_REGISTRY[id].title, path: `/a/%PLUGIN_ID%/${id}` })));
});
