// The collector bundle (collector/bundle.ts): the Operator resource and the Helm values embed the shared
// config, each embedded config passes `otelcol validate` on the real build, the resource is valid against the
// OpenTelemetryCollector CRD's schema and the values against the chart's values schema (both vendored in
// collector/schemas/), and the bundle's build files are the repository's.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { COLLECTOR_FEATURE_GATES } from '@api-observatory/local-stack';
import { IMAGE_BINARY, K8S_ENV, K8S_SETTINGS, collectorBundle, helmValues, operatorResource, sharedConfig, withSettings } from '../bundle';
import { collectorDir, repoRoot, skipWithoutOtelcol, tempDir, validate } from './helpers';

const skip = skipWithoutOtelcol;
const schemaFile = (name: string) => JSON.parse(readFileSync(path.join(collectorDir, 'schemas', name), 'utf8'));
const files = new Map(collectorBundle(repoRoot).map((f) => [f.path, f.content]));
const cr = parse(files.get('kubernetes/opentelemetrycollector.yaml')!) as Record<string, any>;
const values = parse(files.get('helm/values.yaml')!) as Record<string, any>;

/**
 * The API server refuses (with `kubectl apply --validate=strict`, the default) or prunes fields its schema
 * does not list; JSON Schema allows them. Make that explicit wherever the CRD lists properties and does not
 * keep unknown fields, and accept the Kubernetes extension keywords.
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v)])) as Record<string, unknown>;
  if (o.properties && o.additionalProperties === undefined && !o['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  return o;
}
const K8S_KEYWORDS = ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations'];
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
for (const k of K8S_KEYWORDS) ajv.addKeyword(k);
const validateCr = ajv.compile(closed(schemaFile('opentelemetrycollector-v1beta1.schema.json')) as object);

/** Helm's values: the chart's defaults with the user's values merged in (maps merged, the rest replaced). */
function helmMerge(base: unknown, over: unknown): unknown {
  if (over === null) return undefined;
  if (!base || typeof base !== 'object' || Array.isArray(base) || !over || typeof over !== 'object' || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = helmMerge(out[k], v);
  return out;
}
const chartDefaults = parse(readFileSync(path.join(collectorDir, 'schemas', 'opentelemetry-collector-chart-values.yaml'), 'utf8'));
const chartAjv = new Ajv({ allErrors: true, strict: false });
const validateValues = chartAjv.compile(schemaFile('opentelemetry-collector-chart-values.schema.json'));

/** `otelcol validate` of one embedded config, with the pod's environment (MY_POD_IP as the downward API sets it). */
function validateEmbedded(config: unknown, env: Record<string, string>) {
  const t = tempDir('otelcol-bundle-');
  try {
    const file = path.join(t.dir, 'config.yaml');
    writeFileSync(file, JSON.stringify(config));
    return validate([file], { MY_POD_IP: '127.0.0.1', ...env });
  } finally {
    t.cleanup();
  }
}
const envOf = (list: ReadonlyArray<{ name: string; value?: string }>) => Object.fromEntries(list.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

test('the bundle ships the repository\'s manifest, Dockerfile and configs unchanged', () => {
  assert.deepEqual([...files.keys()].sort(), ['Dockerfile', 'README.md', 'builder-config.yaml', 'config.loki.yaml', 'config.yaml', 'helm/values.yaml', 'kubernetes/opentelemetrycollector.yaml']);
  for (const [bundled, source] of [['builder-config.yaml', 'collector/builder-config.yaml'], ['config.yaml', 'collector/config.yaml'], ['config.loki.yaml', 'collector/config.loki.yaml'], ['Dockerfile', 'docker/otelcol/Dockerfile']]) {
    assert.equal(files.get(bundled!), readFileSync(path.join(repoRoot, source!), 'utf8'), bundled);
  }
  const dockerfile = files.get('Dockerfile')!;
  assert.match(dockerfile, new RegExp(`^COPY --from=build /otelcol ${IMAGE_BINARY}$`, 'm'), 'the image puts the binary where the Helm values run it');
  assert.match(dockerfile, /^COPY builder-config\.yaml /m, 'the Dockerfile builds from the bundled manifest');
  assert.match(files.get('README.md')!, /## Deploy/);
});

test('the Operator resource and the Helm values embed the shared config, with only the Kubernetes settings changed', () => {
  const expected = withSettings(sharedConfig(repoRoot), K8S_SETTINGS);
  assert.deepEqual(cr.spec.config, expected);
  assert.deepEqual(values.alternateConfig, expected);
  assert.equal(cr.spec.config.receivers.otlp.protocols.grpc.endpoint, '${env:MY_POD_IP}:4317');
  assert.equal(cr.spec.config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port, 8888, 'a number: the Operator parses it');
  // Everything else still reads the environment, with the sandbox's defaults.
  assert.equal(cr.spec.config.exporters.prometheus_remote_write.http.endpoint, '${env:PROMETHEUS_REMOTE_WRITE_URL:-http://127.0.0.1:9090/api/v1/write}');
  assert.throws(() => withSettings(sharedConfig(repoRoot), { NOT_IN_THE_CONFIG: 'x' }), /no \$\{env:\.\.\.\} value for NOT_IN_THE_CONFIG/);
});

test('the feature gates the config needs are passed to the collector in both', () => {
  assert.deepEqual(cr.spec.args, { 'feature-gates': COLLECTOR_FEATURE_GATES.join(',') });
  assert.deepEqual(values.command.extraArgs, COLLECTOR_FEATURE_GATES.map((g) => `--feature-gates=${g}`));
  assert.equal(`/${values.command.name}`, IMAGE_BINARY);
  assert.equal(values.image.tag, parse(files.get('builder-config.yaml')!).dist.version);
  assert.equal(cr.spec.image, `${values.image.repository}:${values.image.tag}`);
});

test('the Operator resource is valid against the OpenTelemetryCollector v1beta1 CRD schema', () => {
  assert.equal(cr.apiVersion, 'opentelemetry.io/v1beta1');
  assert.equal(cr.kind, 'OpenTelemetryCollector');
  assert.ok(validateCr(cr), ajv.errorsText(validateCr.errors));
});

test('the CRD schema refuses what the API server would refuse or prune', () => {
  const broken = [
    { ...cr, spec: { ...cr.spec, mode: 'deploy' } },
    { ...cr, spec: { ...cr.spec, args: ['--feature-gates=x'] } },
    { ...cr, spec: { ...cr.spec, config: { ...cr.spec.config, service: { ...cr.spec.config.service, pipelines: { logs: { receivers: ['otlp'] } } } } } },
    { ...cr, spec: { ...cr.spec, env: [{ name: 'X', valueFrom: { fieldRefs: {} } }] } },
    { ...cr, spec: { ...cr.spec, replica: 2 } },
  ];
  for (const b of broken) assert.equal(validateCr(b), false, JSON.stringify(b.spec).slice(0, 160));
});

test('the Helm values, merged into the chart\'s defaults, are valid against the chart\'s values schema', () => {
  const merged = helmMerge(chartDefaults, values) as Record<string, any>;
  assert.ok(validateValues(merged), chartAjv.errorsText(validateValues.errors));
  assert.equal(merged.mode, 'deployment');
  assert.ok(merged.image.repository, 'the chart refuses an empty image.repository');
  assert.ok(merged.config.service.extensions.includes('health_check'), 'the chart checks config.service.extensions for health_check');
  assert.ok(values.alternateConfig.service.extensions.includes('health_check'), 'the probes need the health check');
  assert.ok(!files.get('helm/values.yaml')!.includes('{{'), 'the chart renders the config as a template');
  const bad = helmMerge(chartDefaults, { ...values, ports: { otlp: { enabled: 'yes' } } });
  assert.equal(validateValues(bad), false);
});

test('the Operator resource\'s embedded config passes otelcol validate with the pod\'s environment', { skip }, () => {
  const r = validateEmbedded(cr.spec.config, envOf(cr.spec.env));
  assert.equal(r.status, 0, r.output);
});

test('the Helm values\' embedded config passes otelcol validate with the pod\'s environment', { skip }, () => {
  const r = validateEmbedded(values.alternateConfig, envOf(values.extraEnvs));
  assert.equal(r.status, 0, r.output);
});

test('an embedded config with a broken setting fails otelcol validate (the check can fail)', { skip }, () => {
  const broken = structuredClone(cr.spec.config);
  broken.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port = 'not-a-port';
  const r = validateEmbedded(broken, envOf(K8S_ENV));
  assert.notEqual(r.status, 0);
  assert.match(r.output, /port/);
});

test('helpers: the env the pod sets is what the embedded config reads', () => {
  const refs = new Set([...JSON.stringify(cr.spec.config).matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  for (const e of K8S_ENV) assert.ok(refs.has(e.name), `${e.name} is set for the pod but the config does not read it`);
  assert.ok(refs.has('MY_POD_IP'));
  assert.deepEqual(cr.spec.env[0], { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  assert.deepEqual(helmValues(repoRoot), values);
  assert.deepEqual(operatorResource(repoRoot), cr);
});
