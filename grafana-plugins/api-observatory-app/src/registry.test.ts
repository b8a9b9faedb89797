/**
 * A new persona page is one catalogue file and one registry entry: a page added to the registry (here a
 * Security page over a catalogue built like the contract's) appears everywhere the app's pages do,
 * with nothing else edited — plugin.json's navigation (generated at build), the panels, the SceneApp's
 * pages and their scenes (variables, panels, queries). The app's own registry is checked the same way.
 */
import { sceneGraph, SceneQueryRunner, VizPanel } from '@grafana/scenes';
import { LABELS, oneOf, requestRate } from '@api-observatory/telemetry-contract';
import { catalogue, legend } from '@api-observatory/telemetry-contract/grafana';
import sourcePluginJson from './plugin.json';
import { PAGE_ORDER, PAGE_REGISTRY, type PageDef } from './pages';
import { pagePanels } from './panels';
import { pageIncludes, withPageIncludes } from './pluginJson';
import { appPages } from './scenes/pages';
import { DEFAULT_SETTINGS } from './settings';
import { installGrafanaMocks } from './test/mocks';

beforeAll(() => installGrafanaMocks());

const consumer = LABELS.consumer.label;
const UNAUTHORIZED = requestRate({ filter: { [LABELS.statusCode.label]: oneOf(['401', '403']) }, by: [consumer] });
const SECURITY_PANELS = catalogue('security', {
  unauthorized: {
    kind: 'timeseries',
    title: '401 / 403 per second by consumer',
    doc: { what: 'Requests refused by the gateways’ auth plugins.', unit: 'requests per second', window: '$__rate_interval', source: 'gateway scrape' },
    unit: 'reqps',
    queries: [{ expr: UNAUTHORIZED, legend: legend([consumer]) }],
  },
});
const security: PageDef = { title: 'Security', subTitle: 'Refused calls per consumer.', from: 'now-6h', catalogue: SECURITY_PANELS, variables: ['api'] };
const REGISTRY = { ...PAGE_REGISTRY, security };

it('plugin.json (as the build writes it) lists the added page after the app’s pages, before the configuration page', () => {
  const built = withPageIncludes(sourcePluginJson, REGISTRY);
  expect(built.includes.map((i) => [i.name, i.path, i.defaultNav ?? null])).toEqual([
    ...PAGE_ORDER.map((id, n) => [PAGE_REGISTRY[id].title, `/a/%PLUGIN_ID%/${id}`, n === 0]),
    ['Security', '/a/%PLUGIN_ID%/security', false],
    ['Configuration', '/plugins/%PLUGIN_ID%', null],
  ]);
  expect(pageIncludes(REGISTRY).at(-1)).toEqual({ type: 'page', name: 'Security', path: '/a/%PLUGIN_ID%/security', addToNav: true, defaultNav: false });
});

it('src/plugin.json lists no persona page: a hand-written page entry is refused at build', () => {
  expect(sourcePluginJson.includes.filter((i) => i.path.startsWith('/a/'))).toEqual([]);
  const handWritten = { ...sourcePluginJson, includes: [{ type: 'page', name: 'Overview', path: '/a/%PLUGIN_ID%/overview' }, ...sourcePluginJson.includes] };
  expect(() => withPageIncludes(handWritten)).toThrow('src/plugin.json lists app pages (/a/%PLUGIN_ID%/overview): they are generated from the page registry (src/pages.ts); remove them there');
});

it('the added page has its catalogue’s panels, keyed by page', () => {
  const panels = pagePanels(REGISTRY);
  expect(Object.keys(panels)).toEqual([...PAGE_ORDER, 'security']);
  expect(panels.security.map((p) => [p.key, p.title, p.unit, p.targets.map((t) => t.expr)])).toEqual([
    ['security.unauthorized', '401 / 403 per second by consumer', 'reqps', [UNAUTHORIZED]],
  ]);
  expect(pagePanels(PAGE_REGISTRY).overview).toEqual(pagePanels().overview);
});

it('the SceneApp has the added page, at its URL, with its variables, panels and queries', () => {
  const pages = appPages(DEFAULT_SETTINGS, REGISTRY);
  expect(pages.map((p) => [p.state.title, p.state.url])).toEqual([
    ...PAGE_ORDER.map((id) => [PAGE_REGISTRY[id].title, `/a/api-observatory-app/${id}`]),
    ['Security', '/a/api-observatory-app/security'],
  ]);
  const scene = pages.at(-1)!.state.getScene!(undefined as never);
  expect(sceneGraph.getVariables(scene).state.variables.map((v) => v.state.name)).toEqual(['api']);
  const panels = sceneGraph.findAllObjects(scene, (o) => o instanceof VizPanel) as VizPanel[];
  expect(panels.map((p) => p.state.title)).toEqual(['401 / 403 per second by consumer']);
  const runner = panels[0]!.state.$data as SceneQueryRunner;
  expect(runner.state.queries.map((q) => (q as { expr?: string }).expr)).toEqual([UNAUTHORIZED]);
  expect(appPages(DEFAULT_SETTINGS).map((p) => p.state.url)).toEqual(PAGE_ORDER.map((id) => `/a/api-observatory-app/${id}`));
});
