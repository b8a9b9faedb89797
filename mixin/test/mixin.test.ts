/**
 * The mixin: committed output up to date and deterministic, every object valid against the
 * PrometheusRule CRD schema / the ConfigMap shape (ajv), rule groups equal to the rule files and
 * accepted by the real promtool, dashboards byte-identical and foldered per persona.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { checkRules, findPromtool, stringifyYaml } from '@api-observatory/alerts';
import { parseYaml } from '@api-observatory/safe-yaml';
import { staleFiles } from '../src/cli';
import { DASHBOARDS_DIR, FOLDER_ANNOTATION, PROVIDERS_FILE, RULES_DIR, folderTitles, mixinFiles, type MixinFile } from '../src/mixin';

const mixinDir = path.resolve(__dirname, '..');
const root = path.resolve(mixinDir, '..');
const files = mixinFiles(root);
const schema = (name: string) => JSON.parse(readFileSync(path.join(mixinDir, 'schemas', name), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(schema('objectmeta.schema.json'));
const validate = { PrometheusRule: ajv.compile(schema('prometheusrule.schema.json')), ConfigMap: ajv.compile(schema('configmap.schema.json')) };
/** Each object as a reader of the YAML file sees it (a label `"1"` must stay a string). */
const parsed = (f: MixinFile) => parseYaml(f.content) as Record<string, any>;
const ofKind = (kind: string) => files.filter((f) => f.object.kind === kind);
const errorsOf = (kind: keyof typeof validate, o: unknown) => (validate[kind](o) ? [] : ajv.errorsText(validate[kind].errors).split(', '));

test('committed mixin is up to date (regenerate: node --conditions=source --import tsx mixin/src/cli.ts)', () => {
  assert.deepEqual(staleFiles(), []);
});

test('generation is deterministic: the same inputs in another folder give the same bytes', () => {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'mixin-'));
  try {
    for (const d of [RULES_DIR, DASHBOARDS_DIR, PROVIDERS_FILE]) cpSync(path.join(root, d), path.join(copy, d), { recursive: true });
    assert.deepEqual(mixinFiles(copy).map((f) => [f.path, f.content]), files.map((f) => [f.path, f.content]));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('every PrometheusRule and ConfigMap is valid against its schema, as read back from its YAML', () => {
  for (const kind of ['PrometheusRule', 'ConfigMap'] as const) {
    assert.ok(ofKind(kind).length > 0, `no ${kind}`);
    for (const f of ofKind(kind)) assert.deepEqual(errorsOf(kind, parsed(f)), [], f.path);
  }
});

test('the schemas reject what the API server would refuse or silently prune', () => {
  const rule = parsed(ofKind('PrometheusRule')[0]!);
  const group = rule.spec.groups[0];
  const broken = [
    { ...rule, spec: { groups: [{ ...group, rules: [{ ...group.rules[0], for: '5 minutes' }] }] } },
    { ...rule, spec: { groups: [{ ...group, rules: [{ ...group.rules[0], keep_firing: '5m' }] }] } },
    { ...rule, spec: { groups: [{ rules: group.rules }] } },
    { ...rule, metadata: { name: 'API_Observatory' } },
    { ...rule, metadata: { name: 'x', labels: { grafana_dashboard: 1 } } },
  ];
  for (const b of broken) assert.notDeepEqual(errorsOf('PrometheusRule', b), [], JSON.stringify(b).slice(0, 200));
  const cm = parsed(ofKind('ConfigMap')[0]!);
  assert.notDeepEqual(errorsOf('ConfigMap', { ...cm, data: { 'platform/x.json': '{}' } }), []);
  assert.notDeepEqual(errorsOf('ConfigMap', { ...cm, metadata: { ...cm.metadata, labels: { grafana_dashboard: 'x'.repeat(64) } } }), []);
});

test('PrometheusRules: one per rule file, groups equal to the file, unique group names, record xor alert', () => {
  const rules = ofKind('PrometheusRule');
  for (const f of rules) {
    const source = path.join(root, RULES_DIR, path.basename(f.path));
    const groups = (parseYaml(readFileSync(source, 'utf8')) as { groups: unknown[] }).groups;
    const o = parsed(f);
    assert.deepEqual(o.spec.groups, groups, f.path);
    const names = o.spec.groups.map((g: { name: string }) => g.name);
    assert.equal(new Set(names).size, names.length, `${f.path}: duplicate group names`);
    for (const g of o.spec.groups) {
      for (const r of g.rules) {
        assert.ok(('record' in r) !== ('alert' in r), `${f.path}: a rule needs exactly one of record and alert`);
        if ('record' in r) assert.ok(!('annotations' in r) && !('for' in r), `${f.path}: ${r.record} has alert-only fields`);
      }
    }
  }
  assert.deepEqual(rules.map((f) => path.basename(f.path)), readdirSync(path.join(root, RULES_DIR)).filter((f) => f.endsWith('.yaml')).sort());
});

test('promtool check rules accepts the groups extracted from every PrometheusRule, and refuses a broken one', () => {
  const promtool = findPromtool();
  assert.ok(promtool, 'promtool not found in .tools/bin or on PATH (scripts/setup.sh builds it)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mixin-promtool-'));
  try {
    const extracted = ofKind('PrometheusRule').map((f) => {
      const p = path.join(dir, path.basename(f.path));
      writeFileSync(p, stringifyYaml({ groups: parsed(f).spec.groups }));
      return p;
    });
    const ok = checkRules(promtool, extracted, dir);
    assert.ok(ok.ok, ok.output);
    assert.equal(ok.output.match(/SUCCESS/g)?.length, extracted.length, ok.output);
    const groups = parsed(ofKind('PrometheusRule')[0]!).spec.groups;
    writeFileSync(path.join(dir, 'broken.yaml'), stringifyYaml({ groups: [{ ...groups[0], rules: [{ ...groups[0].rules[0], expr: 'sum by (api (x)' }] }] }));
    const bad = checkRules(promtool, ['broken.yaml'], dir);
    assert.equal(bad.ok, false, bad.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dashboard ConfigMaps: the dashboards byte for byte, labelled for the sidecar, one folder per persona', () => {
  const titles = folderTitles(root);
  const maps = ofKind('ConfigMap');
  const personas = new Set<string>();
  for (const f of maps) {
    const o = parsed(f);
    const persona = path.basename(path.dirname(f.path));
    personas.add(persona);
    const [[key, json]] = Object.entries<string>(o.data) as [[string, string]];
    assert.equal(json, readFileSync(path.join(root, DASHBOARDS_DIR, persona, key), 'utf8'), f.path);
    // kube-prometheus-stack's sidecar selects label grafana_dashboard with value "1" (a string, not YAML's 1).
    assert.equal(o.metadata.labels.grafana_dashboard, '1', f.path);
    assert.equal(o.metadata.annotations[FOLDER_ANNOTATION], titles.get(persona), f.path);
    assert.ok(Buffer.byteLength(f.content) < 1024 * 1024, `${f.path}: a ConfigMap holds at most 1 MiB`);
  }
  assert.deepEqual([...personas].sort(), ['canary', 'developer', 'platform', 'product']);
  assert.equal(new Set(maps.map((f) => parsed(f).metadata.annotations[FOLDER_ANNOTATION])).size, personas.size, 'one Grafana folder per persona');
  assert.equal(new Set(files.filter((f) => f.object.metadata).map((f) => f.object.metadata.name)).size, files.length - 1, 'object names are unique');
});

test('the kustomization lists every generated object', () => {
  const k = parsed(files.at(-1)!);
  assert.equal(k.kind, 'Kustomization');
  assert.deepEqual(k.resources, files.slice(0, -1).map((f) => path.posix.relative('generated', f.path)));
});

test('a rule file without groups or a persona folder without a provider stops generation, naming the file', () => {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'mixin-bad-'));
  try {
    for (const d of [RULES_DIR, DASHBOARDS_DIR, PROVIDERS_FILE]) cpSync(path.join(root, d), path.join(copy, d), { recursive: true });
    cpSync(path.join(root, DASHBOARDS_DIR, 'canary'), path.join(copy, DASHBOARDS_DIR, 'unprovisioned'), { recursive: true });
    assert.throws(() => mixinFiles(copy), /dashboards\/generated\/unprovisioned\/apiobs-canary\.json: .* no provider for the folder unprovisioned/);
    writeFileSync(path.join(copy, RULES_DIR, 'empty.yaml'), 'groups: []\n');
    assert.throws(() => mixinFiles(copy), /alerts\/rules\/empty\.yaml: no rule groups/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
