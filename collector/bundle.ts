/**
 * The collector bundle: what a user needs to run the pack's collector, generated from the shared config
 * (config.yaml, config.loki.yaml), the builder manifest (builder-config.yaml) and the image recipe
 * (docker/otelcol/Dockerfile), so the three ways to deploy it run the same config:
 *
 *   builder-config.yaml, Dockerfile            build the distribution (binary or image)
 *   config.yaml, config.loki.yaml              the config for the binary, as in the repository
 *   kubernetes/opentelemetrycollector.yaml     an OpenTelemetryCollector (opentelemetry.io/v1beta1) for the Operator
 *   helm/values.yaml                           values for the opentelemetry-collector Helm chart
 *
 * In Kubernetes the listeners bind the pod IP and the self-metrics port is a number (the Operator parses
 * both to create the Service and probes): K8S_SETTINGS replaces those env references in the embedded
 * config, and everything else keeps its `${env:NAME:-default}` reference, set through the pod's env.
 *
 *   node --conditions=source --import tsx collector/bundle.ts --out DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { COLLECTOR_FEATURE_GATES } from '@api-observatory/local-stack';

export interface BundleFile {
  /** Path inside the bundle. */
  path: string;
  content: string;
}

/** Where docker/otelcol/Dockerfile installs the binary (its ENTRYPOINT). */
export const IMAGE_BINARY = '/usr/local/bin/otelcol';
/** The image users build from the bundle's Dockerfile and push to their registry. */
export const IMAGE_REPOSITORY = 'otelcol-api-observatory';
/** Name of the Operator resource and of the Helm release's collector. */
export const NAME = 'api-observatory';

/** The pod IP, from the downward API; the Helm chart sets it itself, the Operator resource below. */
const POD_IP = 'MY_POD_IP';
/** Ports of the listeners in Kubernetes (Services and probes are derived from them). */
export const K8S_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, health: 13133, metrics: 8888 } as const;

/**
 * Settings of the shared config that differ in Kubernetes, by env variable: listeners on the pod IP
 * (the sandbox's loopback defaults would be unreachable) and the self-metrics port as a number.
 */
export const K8S_SETTINGS: Readonly<Record<string, string | number>> = {
  OTLP_GRPC_ENDPOINT: `\${env:${POD_IP}}:${K8S_PORTS.otlpGrpc}`,
  OTLP_HTTP_ENDPOINT: `\${env:${POD_IP}}:${K8S_PORTS.otlpHttp}`,
  HEALTH_CHECK_ENDPOINT: `\${env:${POD_IP}}:${K8S_PORTS.health}`,
  OTELCOL_SELF_METRICS_HOST: `\${env:${POD_IP}}`,
  OTELCOL_SELF_METRICS_PORT: K8S_PORTS.metrics,
};

/**
 * Environment of the collector pod: where its data goes (placeholders in the cluster's usual service
 * names: change them), and its own metrics on. Gateways to scrape: KONG_METRICS_TARGETS and
 * APISIX_METRICS_TARGETS (collector/README.md lists every variable).
 */
export const K8S_ENV: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'PROMETHEUS_REMOTE_WRITE_URL', value: 'http://prometheus:9090/api/v1/write' },
  { name: 'TRACES_OTLP_ENDPOINT', value: 'tempo:4317' },
  { name: 'KONG_METRICS_TARGETS', value: '[]' },
  { name: 'APISIX_METRICS_TARGETS', value: '[]' },
  { name: 'OTELCOL_SELF_METRICS_LEVEL', value: 'basic' },
];

const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/;

/**
 * The config with the values that are exactly `${env:NAME[:-default]}` for a NAME in `settings`
 * replaced by the setting. Every setting must be used: a renamed variable fails here, not in a cluster.
 */
export function withSettings(config: unknown, settings: Readonly<Record<string, string | number>>): unknown {
  const used = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    if (typeof v === 'string') {
      const name = ENV_REF.exec(v)?.[1];
      if (name !== undefined && Object.hasOwn(settings, name)) {
        used.add(name);
        return settings[name];
      }
    }
    return v;
  };
  const out = walk(config);
  const unused = Object.keys(settings).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`the collector config has no \${env:...} value for ${unused.join(', ')}`);
  return out;
}

const read = (root: string, file: string) => readFileSync(path.join(root, file), 'utf8');
const yaml = (v: unknown) => stringify(v, { aliasDuplicateObjects: false, lineWidth: 0 });

/** The shared config as the collector reads it (anchors and merge keys resolved). */
export function sharedConfig(root: string): Record<string, any> {
  return parse(read(root, 'collector/config.yaml'), { merge: true }) as Record<string, any>;
}

/** The distribution's version (dist.version of the builder manifest): the image tag. */
export function distVersion(root: string): string {
  const v = (parse(read(root, 'collector/builder-config.yaml')) as { dist?: { version?: string } }).dist?.version;
  if (!v) throw new Error('collector/builder-config.yaml has no dist.version');
  return v;
}

/** The OpenTelemetryCollector resource for the OpenTelemetry Operator. */
export function operatorResource(root: string): Record<string, any> {
  return {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: NAME },
    spec: {
      mode: 'deployment',
      image: `${IMAGE_REPOSITORY}:${distVersion(root)}`,
      args: { 'feature-gates': COLLECTOR_FEATURE_GATES.join(',') },
      env: [{ name: POD_IP, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, ...K8S_ENV],
      config: withSettings(sharedConfig(root), K8S_SETTINGS),
    },
  };
}

/**
 * Values for the opentelemetry-collector chart. The config goes into `alternateConfig`, which the chart
 * uses as it is: `config` would be merged into the chart's default config (Jaeger, Zipkin and a
 * self-scrape receiver, three more pipelines), which the pack does not run.
 */
export function helmValues(root: string): Record<string, any> {
  return {
    mode: 'deployment',
    image: { repository: IMAGE_REPOSITORY, tag: distVersion(root) },
    command: { name: IMAGE_BINARY.replace(/^\//, ''), extraArgs: COLLECTOR_FEATURE_GATES.map((g) => `--feature-gates=${g}`) },
    extraEnvs: K8S_ENV,
    alternateConfig: withSettings(sharedConfig(root), K8S_SETTINGS),
    ports: {
      otlp: { enabled: true, containerPort: K8S_PORTS.otlpGrpc, servicePort: K8S_PORTS.otlpGrpc },
      'otlp-http': { enabled: true, containerPort: K8S_PORTS.otlpHttp, servicePort: K8S_PORTS.otlpHttp },
      metrics: { enabled: true, containerPort: K8S_PORTS.metrics, servicePort: K8S_PORTS.metrics },
      'jaeger-compact': { enabled: false },
      'jaeger-thrift': { enabled: false },
      'jaeger-grpc': { enabled: false },
      zipkin: { enabled: false },
    },
  };
}

const header = (what: string) =>
  `# ${what}\n# Generated by collector/bundle.ts from collector/config.yaml: do not edit; see README.md in this bundle.\n`;

/** Every file of the bundle. */
export function collectorBundle(root: string): BundleFile[] {
  return [
    { path: 'README.md', content: read(root, 'collector/README.md') },
    { path: 'builder-config.yaml', content: read(root, 'collector/builder-config.yaml') },
    { path: 'Dockerfile', content: read(root, 'docker/otelcol/Dockerfile') },
    { path: 'config.yaml', content: read(root, 'collector/config.yaml') },
    { path: 'config.loki.yaml', content: read(root, 'collector/config.loki.yaml') },
    { path: 'kubernetes/opentelemetrycollector.yaml', content: header('OpenTelemetryCollector for the OpenTelemetry Operator.') + yaml(operatorResource(root)) },
    { path: 'helm/values.yaml', content: header('Values for the opentelemetry-collector Helm chart (open-telemetry/opentelemetry-helm-charts).') + yaml(helmValues(root)) },
  ];
}

/** Writes the bundle into `out` (created); returns the files written. */
export function writeCollectorBundle(root: string, out: string): string[] {
  return collectorBundle(root).map((f) => {
    const file = path.join(out, f.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, f.content);
    return file;
  });
}

if (require.main === module) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : undefined;
  if (!out) {
    console.error('usage: node --conditions=source --import tsx collector/bundle.ts --out DIR');
    process.exitCode = 2;
  } else {
    for (const f of writeCollectorBundle(path.resolve(__dirname, '..'), path.resolve(out))) console.log(f);
  }
}
