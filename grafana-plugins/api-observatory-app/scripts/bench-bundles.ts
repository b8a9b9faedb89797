/**
 * Bundle budget: prints the plugin's dist sizes (total, module.js, largest chunks, the Scenes chunk)
 * next to the plain create-plugin Scenes app scaffold (create-plugin 7.1.7, @grafana/scenes 7, Grafana
 * 12.4: 2.8 MB dist, 433 KB Scenes chunk, measured on its production build) and checks the goal:
 * at most scaffold + 30 %. Source maps are counted in the totals, as the scaffold figure counts them.
 *
 *   npm run build -w grafana-plugins/api-observatory-app && \
 *   node --conditions=source --import tsx grafana-plugins/api-observatory-app/scripts/bench-bundles.ts [--json]
 *
 * Exit 1 when a budget is exceeded.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const DIST = path.join(__dirname, '..', 'dist');
const SCAFFOLD = { dist: 2.8e6, scenesChunk: 433e3 };
const BUDGET = 1.3;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const all = files(DIST).map((p) => ({ name: path.relative(DIST, p), bytes: statSync(p).size }));
const total = all.reduce((n, f) => n + f.bytes, 0);
const js = all.filter((f) => f.name.endsWith('.js'));
const jsTotal = js.reduce((n, f) => n + f.bytes, 0);
const moduleJs = all.find((f) => f.name === 'module.js')?.bytes ?? 0;
const largest = [...js].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
// The Scenes chunk: the JS chunk holding @grafana/scenes' SceneApp implementation.
const scenes = js
  .filter((f) => f.name !== 'module.js')
  .map((f) => ({ ...f, hits: (readFileSync(path.join(DIST, f.name), 'utf8').match(/SceneAppPage|SceneQueryRunner|VizPanelRenderer/g) ?? []).length }))
  .sort((a, b) => b.hits - a.hits || b.bytes - a.bytes)[0];

const kb = (b: number) => `${(b / 1e3).toFixed(0)} KB`;
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const maps = all.filter((f) => f.name.endsWith('.map')).reduce((n, f) => n + f.bytes, 0);

/** What a chunk holds: its largest packages (or workspace folders) by source size, from its source map. */
function contents(name: string): string {
  const mapFile = path.join(DIST, `${name}.map`);
  let map: { sources: string[]; sourcesContent?: Array<string | null> };
  try {
    map = JSON.parse(readFileSync(mapFile, 'utf8'));
  } catch {
    return '-';
  }
  const bySource = new Map<string, number>();
  map.sources.forEach((src, i) => {
    // The innermost node_modules names the package (a nested copy counts as itself, not as its parent).
    const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src)?.[1] ?? (/(packages\/[^/]+|dashboards)\/src\//.exec(src)?.[1] ?? 'plugin src');
    bySource.set(pkg, (bySource.get(pkg) ?? 0) + (map.sourcesContent?.[i]?.length ?? 0));
  });
  const sum = [...bySource.values()].reduce((a, b) => a + b, 0) || 1;
  return [...bySource.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([pkg, n]) => `${pkg} ${((n / sum) * 100).toFixed(0)} %`)
    .join(', ');
}
const sizeOf = (name: string) => all.find((f) => f.name === name)?.bytes ?? 0;

const rows: Array<[string, string, string, string]> = [
  ['dist total (incl. source maps)', mb(total), mb(SCAFFOLD.dist), `${((total / SCAFFOLD.dist) * 100).toFixed(0)} %`],
  ['source maps', mb(maps), '-', '-'],
  ['JS total (no maps)', mb(jsTotal), '-', '-'],
  ['module.js', kb(moduleJs), '-', '-'],
  ['Scenes chunk', scenes ? `${kb(scenes.bytes)} (${scenes.name})` : '-', kb(SCAFFOLD.scenesChunk), scenes ? `${((scenes.bytes / SCAFFOLD.scenesChunk) * 100).toFixed(0)} %` : '-'],
];
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ total, maps, jsTotal, moduleJs, largest, scenesChunk: scenes ?? null, scaffold: SCAFFOLD, budget: BUDGET }, null, 2));
} else {
  console.log('| measure | api-observatory-app | create-plugin Scenes scaffold | ratio |\n| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('\n| largest JS files | JS | source map | holds (share of its sources) |\n| --- | ---: | ---: | --- |');
  for (const f of largest) console.log(`| ${f.name} | ${kb(f.bytes)} | ${kb(sizeOf(`${f.name}.map`))} | ${contents(f.name)} |`);
}
const ok = total <= SCAFFOLD.dist * BUDGET && (!scenes || scenes.bytes <= SCAFFOLD.scenesChunk * BUDGET);
console.log(ok ? `within budget (scaffold + ${Math.round((BUDGET - 1) * 100)} %)` : `OVER BUDGET (scaffold + ${Math.round((BUDGET - 1) * 100)} %)`);
process.exit(ok ? 0 : 1);
