/**
 * Static checks of the dashboards: the committed JSON is what the code generates, every panel says
 * what its numbers mean, every query comes from the contract, variables and links are consistent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  CONTRACT_SERIES,
  PLATFORM_COMPONENT_METRICS,
  PROM,
  RECORDED_SERIES,
  componentSeriesNames,
  type ComponentMetricKey,
} from '@api-observatory/telemetry-contract';
import { generatedFiles, queryCatalog } from '../src';
import { committedDashboards, packageDir, queryPanels } from './helpers/committed';

test('committed dashboards are up to date (regenerate: npm run generate -w @api-observatory/dashboards)', () => {
  const stale: string[] = [];
  for (const f of generatedFiles()) {
    const p = path.join(packageDir, f.path);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== f.content) stale.push(f.path);
  }
  const listed = new Set(generatedFiles().map((f) => f.path));
  const dir = path.join(packageDir, 'generated');
  for (const folder of readdirSync(dir)) {
    for (const file of readdirSync(path.join(dir, folder))) {
      const rel = path.posix.join('generated', folder, file);
      if (!listed.has(rel)) stale.push(`${rel} (not generated any more)`);
    }
  }
  assert.deepEqual(stale, []);
});

test('one dashboard per persona folder, at generated/<folder>/<uid>.json, with unique uids', () => {
  const files = generatedFiles();
  assert.deepEqual(files.map((f) => f.doc.meta.folder).sort(), ['canary', 'developer', 'platform', 'product']);
  for (const f of files) assert.equal(f.path, `generated/${f.doc.meta.folder}/${f.doc.meta.uid}.json`);
  assert.equal(new Set(files.map((f) => f.doc.meta.uid)).size, files.length);
});

test('every panel has a description that states unit, window and source', () => {
  for (const { json } of committedDashboards()) {
    for (const p of queryPanels(json)) {
      assert.match(p.description ?? '', /\S.* Unit: .+\. Window: .+\. Source: .+\.$/, `${json.uid} / ${p.title}`);
    }
  }
});

test('every Prometheus target reads the datasource variable; Loki and Tempo panels theirs', () => {
  for (const { json } of committedDashboards()) {
    const names = json.templating.list.map((v) => v.name);
    for (const p of queryPanels(json)) {
      for (const t of p.targets ?? []) {
        const uid = t.datasource?.uid;
        assert.ok(uid === '${datasource}' || uid === '${loki_datasource}' || uid === '${tempo_datasource}', `${json.uid} / ${p.title}: datasource ${uid}`);
        assert.ok(names.includes(uid.slice(2, -1)), `${json.uid}: no variable for ${uid}`);
        assert.deepEqual(t.datasource, p.datasource, `${json.uid} / ${p.title}: target and panel datasources differ`);
      }
    }
  }
});

test('the catalog lists exactly the committed targets, in order', () => {
  const fromJson = committedDashboards().flatMap(({ json }) =>
    queryPanels(json).flatMap((p) => (p.targets ?? []).map((t) => `${json.uid}|${p.title}|${t.refId}|${t.expr ?? t.query}`)),
  );
  assert.deepEqual(queryCatalog().map((e) => `${e.dashboard}|${e.panel}|${e.refId}|${e.expr}`), fromJson);
});

/** Range windows of a PromQL expression: `[...]` contents, subqueries split at the colon. */
const windows = (expr: string) => [...expr.matchAll(/\[([^\]]+)\]/g)].flatMap((m) => m[1]!.split(':').filter(Boolean));

test('raw rates use $__rate_interval; recorded series are read without a window', () => {
  // Explicit windows that are part of a KPI's definition, not a display choice:
  // the SLA's 5m availability window and 5m evaluation spacing over $__range, the 1w look-back of
  // "new consumers", increase() over the whole range for metering, and a raw 5m rate divided by a
  // recorded 5m rate (the windows must match).
  const allowed = new Set(['$__rate_interval', '$__range', '5m', '1w']);
  for (const e of queryCatalog().filter((x) => x.datasource === 'prometheus')) {
    for (const w of windows(e.expr)) assert.ok(allowed.has(w), `${e.dashboard} / ${e.panel} / ${e.refId}: window [${w}] in ${e.expr}`);
    const fixed = windows(e.expr).filter((w) => w === '5m');
    if (fixed.length) assert.ok(/SLA/.test(e.panel) || e.recorded, `${e.panel}: a fixed 5m window outside the SLA definition and recorded-rate ratios`);
    if (e.recorded) assert.ok([...RECORDED_SERIES].some((n) => e.expr.includes(n)), `${e.panel}: marked recorded but reads no recorded series`);
  }
});

test('panels read recorded series where the recorded series has the labels they need', () => {
  const recorded = queryCatalog().filter((e) => e.recorded);
  assert.ok(recorded.length >= 15, `${recorded.length} recorded targets`);
  for (const e of recorded) assert.notEqual(e.expr, e.raw);
});

test('every series a query reads is a contract, recorded or platform-component series', () => {
  const components = Object.keys(PLATFORM_COMPONENT_METRICS).flatMap((k) => componentSeriesNames(k as ComponentMetricKey));
  const known = new Set([...CONTRACT_SERIES, ...RECORDED_SERIES, ...components]);
  const FUNCTIONS = new Set(['sum', 'min', 'max', 'avg', 'count', 'group', 'topk', 'rate', 'increase', 'histogram_quantile', 'avg_over_time', 'max_over_time', 'vector', 'by', 'bool', 'offset', 'unless', 'or', 'and', 'on', 'group_left', 'le']);
  for (const e of queryCatalog().filter((x) => x.datasource === 'prometheus')) {
    const stripped = e.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '').replace(/\boffset\s+\S+/g, '');
    const idents = [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]);
    const labelLists = [...stripped.matchAll(/\b(?:by|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
    const matcherLabels = [...stripped.matchAll(/[{,]\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!);
    for (const id of idents) {
      if (FUNCTIONS.has(id) || labelLists.includes(id) || matcherLabels.includes(id) || /^\d/.test(id)) continue;
      assert.ok(known.has(id), `${e.dashboard} / ${e.panel} / ${e.refId}: unknown series ${id} in ${e.expr}`);
    }
  }
});

test('no metric name is typed in the dashboard sources or the panel catalogue', () => {
  const components = Object.keys(PLATFORM_COMPONENT_METRICS).flatMap((k) => componentSeriesNames(k as ComponentMetricKey));
  // Names of one English word (`up`) are left out: they occur in prose.
  const names = [...new Set([...CONTRACT_SERIES, ...RECORDED_SERIES, ...components])].filter((n) => /[_:]/.test(n));
  const dirs = [path.join(packageDir, 'src'), path.join(packageDir, '..', 'packages', 'telemetry-contract', 'src', 'grafana')];
  const files = dirs.flatMap((dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.ts')));
  for (const f of files) {
    const text = readFileSync(path.join(f.parentPath, f.name), 'utf8');
    for (const n of names) {
      const typed = new RegExp(`(^|[^A-Za-z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_:])`).test(text);
      assert.ok(!typed, `${f.name} types the series name ${n}: take it from the contract`);
    }
  }
});

test('variables: datasources, query variables with All = .*, Backstage URL; links keep variables and time', () => {
  for (const { json } of committedDashboards()) {
    const vars = new Map(json.templating.list.map((v) => [v.name, v as { name: string; type: string; allValue?: string; query?: unknown }]));
    assert.equal(vars.get('datasource')?.type, 'datasource');
    assert.equal(vars.get('backstage_url')?.type, 'textbox');
    for (const v of vars.values()) if (v.type === 'query') assert.equal(v.allValue, '.*', `${json.uid}: ${v.name}`);
    const pack = json.links.find((l) => l.type === 'dashboards');
    assert.ok(pack?.includeVars && pack.keepTime && pack.tags?.includes('api-observatory'), `${json.uid}: dashboards link`);
    // Every variable a query or a variable's own query uses is defined on the same dashboard.
    for (const v of vars.values()) {
      for (const m of String(typeof v.query === 'string' ? v.query : '').matchAll(/\$\{?(\w+)/g)) {
        if (!m[1]!.startsWith('__')) assert.ok(vars.has(m[1]!), `${json.uid}: variable ${v.name} uses undefined $${m[1]}`);
      }
    }
    for (const p of queryPanels(json)) {
      for (const t of p.targets ?? []) {
        for (const m of (t.expr ?? t.query ?? '').matchAll(/\$\{?(\w+)/g)) {
          if (!m[1]!.startsWith('__')) assert.ok(vars.has(m[1]!), `${json.uid} / ${p.title}: undefined variable $${m[1]}`);
        }
      }
    }
  }
  const product = committedDashboards().find((d) => d.json.uid === 'apiobs-product')!.json;
  assert.ok(product.links.some((l) => l.url === '${backstage_url}/catalog/default/api/${api}'));
});

test('the developer dashboard asks for exemplars on the span-derived histogram and has logs and traces panels', () => {
  const e = queryCatalog().filter((x) => x.dashboard === 'apiobs-developer');
  assert.ok(e.some((x) => x.exemplar && x.expr.includes(`${PROM.trafficDuration}_bucket`)));
  assert.ok(e.some((x) => x.datasource === 'loki'));
  assert.ok(e.some((x) => x.datasource === 'tempo'));
  for (const x of queryCatalog().filter((y) => y.exemplar)) assert.match(x.expr, /_bucket/);
});
