/**
 * dist/plugin.json is src/plugin.json with the page registry's pages, as `pluginJson.ts` generates them
 * (the build runs it when it copies plugin.json). Needs a build first (`npm run build`), like
 * bundle.test.ts: without dist/ it fails, saying so.
 */
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import sourcePluginJson from './plugin.json';
import { PAGE_ORDER } from './pages';
import { withPageIncludes } from './pluginJson';

const BUILT = path.join(__dirname, '..', 'dist', 'plugin.json');

it('dist/plugin.json lists the page registry’s pages, then the configuration page, with the plugin id filled in', () => {
  if (!existsSync(BUILT)) {
    throw new Error(`${BUILT} is missing: run \`npm run build -w grafana-plugins/api-observatory-app\` first`);
  }
  const built = JSON.parse(readFileSync(BUILT, 'utf8'));
  const expected = withPageIncludes(sourcePluginJson).includes.map((i) => ({ ...i, path: i.path.replace('%PLUGIN_ID%', sourcePluginJson.id) }));
  expect(built.includes).toEqual(expected);
  expect(built.includes.filter((i: { path: string }) => i.path.startsWith('/a/')).map((i: { path: string }) => i.path)).toEqual(PAGE_ORDER.map((id) => `/a/${sourcePluginJson.id}/${id}`));
  // The rest is the source's (the scaffold's build adds `buildMode` and fills in the version and date).
  const { includes: _s, info: sourceInfo, ...sourceRest } = sourcePluginJson;
  expect(built).toMatchObject(sourceRest);
  expect(Object.keys(built.info)).toEqual(Object.keys(sourceInfo));
});
