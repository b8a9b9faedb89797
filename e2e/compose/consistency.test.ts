/**
 * docker-compose.yml, provisioning/, docker/ and the collector config agree with each other, checked
 * statically (no Docker): every mounted host path exists; every address one component uses for another
 * (data source URLs, scrape and alerting targets, exporter endpoints, database URLs, OAuth endpoints) is
 * a compose service and a port that service listens on, as its own config says; every data source uid
 * the dashboards reference is provisioned; the collector gets every variable its config requires; every
 * environment reference in a mounted file is in that service's environment; OAuth, database and webhook
 * credentials are the same variable on both sides; both alert routing trees route the pack's alerts
 * alike; images are pinned and versions agree with scripts/tools/versions.env.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { COMPONENT_JOBS, LABELS, LABEL_NAMES, METRICS, promSeriesNames } from '@api-observatory/telemetry-contract';
import { LOKI_LABELS } from '@api-observatory/telemetry-contract/grafana';
import {
  ANY_HOSTS, LOOPBACK_HOSTS, ROOT, address, argv, backstageRefs, collectorDefaults, collectorRefs, declaredPorts, environment,
  expandGrafanaIni, flag, grafanaIniRefs, grafanaProvisioningRefs, hostPathFor, isDir, isPinnedImage, keycloakRefs, loadCompose,
  mounts, nodeRefs, parseIni, publishedPorts, readDockerfile, readJson, readText, readYaml, rel, sampleEnv, service, shellRefs,
  versionsEnv, walkFiles, type EnvRef, type Service,
} from './helpers';

const parseAllYaml = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS());
const compose = loadCompose();
const svc = (name: string): Service => service(compose, name);
const env = (name: string): Record<string, string> => environment(svc(name));
const rawEnv = (name: string): Record<string, string> => environment(svc(name), { raw: true });

const datasources: any[] = readYaml('provisioning/grafana/datasources/datasources.yaml').datasources;
const dsByUid = new Map(datasources.map((d) => [d.uid as string, d]));
const grafanaIni = parseIni(readText('provisioning/grafana.ini'));
const ini = (section: string, key: string): string => {
  const v = grafanaIni.get(section)?.get(key);
  assert.ok(v !== undefined, `grafana.ini has no [${section}] ${key}`);
  return v;
};
/** A realm's users that are people (a client's service account is a user too, for Keycloak). */
const people = (realm: any): any[] => (realm.users ?? []).filter((u: any) => !u.serviceAccountClientId);
const realms = {
  internal: readJson('provisioning/keycloak/internal-realm.json'),
  partners: readJson('provisioning/keycloak/partners-realm.json'),
};
const prometheusYml = readYaml('docker/prometheus/prometheus.yml');
const tempoYml = readYaml('docker/tempo/tempo.yaml');
const lokiYml = readYaml('docker/loki/loki.yaml');
const alertmanagerYml = readYaml('provisioning/alertmanager/alertmanager.yml');
const amEntrypoint = readText('provisioning/alertmanager/entrypoint.sh');
const backstageOverlay = readYaml('docker/backstage/app-config.docker.yaml');

/** Build outputs that docker-compose.yml mounts: git-ignored, created by `build`, whose code is `source`. */
const BUILD_OUTPUTS: Record<string, { build: string; source: string }> = {
  '.pack/grafana/api-observatory-app': { build: 'npm run pack', source: 'scripts/pack.ts' },
};

// ── what each service listens on, according to its own configuration ──────────────────────────────

function listenAddress(value: string, what: string): number {
  const a = address(value);
  assert.ok(ANY_HOSTS.has(a.host), `${what}: listens on ${value}, which other containers cannot reach (use 0.0.0.0)`);
  return a.port;
}

/** Ports each service listens on, derived from its config, command or environment. */
function configuredPorts(name: string): Set<number> {
  const s = svc(name);
  const e = env(name);
  switch (name) {
    case 'prometheus':
      return new Set([listenAddress(flag(argv(s.def.command), '--web.listen-address') ?? '0.0.0.0:9090', 'prometheus --web.listen-address')]);
    case 'alertmanager': {
      const m = /--web\.listen-address=(\S+)/.exec(amEntrypoint);
      assert.ok(m, 'provisioning/alertmanager/entrypoint.sh sets --web.listen-address');
      return new Set([listenAddress(m[1]!, 'alertmanager --web.listen-address')]);
    }
    case 'alert-sink':
      return new Set([Number(e.ALERT_SINK_PORT)]);
    case 'tempo':
      return new Set([
        Number(tempoYml.server.http_listen_port),
        Number(tempoYml.server.grpc_listen_port),
        listenAddress(tempoYml.distributor.receivers.otlp.protocols.grpc.endpoint, 'tempo OTLP gRPC receiver'),
      ]);
    case 'loki':
      return new Set([Number(lokiYml.server.http_listen_port), Number(lokiYml.server.grpc_listen_port)]);
    case 'collector':
      return new Set([
        listenAddress(e.OTLP_GRPC_ENDPOINT!, 'collector OTLP_GRPC_ENDPOINT'),
        listenAddress(e.OTLP_HTTP_ENDPOINT!, 'collector OTLP_HTTP_ENDPOINT'),
        listenAddress(e.HEALTH_CHECK_ENDPOINT!, 'collector HEALTH_CHECK_ENDPOINT'),
        listenAddress(`${e.OTELCOL_SELF_METRICS_HOST}:${e.OTELCOL_SELF_METRICS_PORT}`, 'collector self metrics'),
      ]);
    case 'simulator': {
      const args = argv(s.def.command);
      assert.ok(ANY_HOSTS.has(flag(args, '--host') ?? ''), 'simulator --host 0.0.0.0 (the collector scrapes it)');
      const port = Number(flag(args, '--port'));
      return new Set(flag(args, '--gateway') === 'both' ? [port, port + 1] : [port]);
    }
    case 'postgres':
      assert.equal(e.PGPORT, undefined, 'postgres listens on its default port 5432');
      return new Set([5432]);
    case 'keycloak':
      return new Set([Number(e.KC_HTTP_PORT), Number(e.KC_HTTP_MANAGEMENT_PORT)]);
    case 'grafana':
      return new Set([Number(ini('server', 'http_port'))]);
    case 'backstage': {
      const overlay = readYaml('docker/backstage/app-config.docker.yaml');
      assert.ok(ANY_HOSTS.has(overlay.backend.listen.host), 'backstage listens on 0.0.0.0 in the container');
      const port = String(overlay.backend.listen.port).replace(/^\$\{([A-Z_]+)\}$/, (_m, v: string) => e[v] ?? '');
      // The instrumentation file's Prometheus exporter (the plugins' metrics), when its port is set.
      if (!e.OTEL_EXPORTER_PROMETHEUS_PORT) return new Set([Number(port)]);
      assert.ok(ANY_HOSTS.has(e.OTEL_EXPORTER_PROMETHEUS_HOST ?? ''), 'the metrics exporter listens on 0.0.0.0 in the container');
      return new Set([Number(port), Number(e.OTEL_EXPORTER_PROMETHEUS_PORT)]);
    }
    default:
      throw new Error(`no port derivation for service ${name}; add one to consistency.test.ts`);
  }
}

/** Asserts that `ref` (an address one component uses) is a compose service and a port it listens on. */
function assertReachable(from: string, ref: string, what: string): void {
  const a = address(ref);
  const target = LOOPBACK_HOSTS.has(a.host) ? from : a.host;
  assert.ok(compose.services.has(target), `${what}: ${ref}: ${target} is not a service of docker-compose.yml`);
  const ports = declaredPorts(svc(target));
  assert.ok(ports.has(a.port), `${what}: ${ref}: service ${target} does not listen on ${a.port} (it declares ${[...ports].join(', ')})`);
  assert.ok(configuredPorts(target).has(a.port), `${what}: ${ref}: ${target}'s own configuration does not listen on ${a.port}`);
}

/** Every address a component of the stack uses to reach another one. */
function internalReferences(): { from: string; ref: string; what: string }[] {
  const out: { from: string; ref: string; what: string }[] = [];
  for (const d of datasources) out.push({ from: 'grafana', ref: d.url, what: `Grafana data source ${d.uid}` });
  for (const sc of prometheusYml.scrape_configs) {
    for (const st of sc.static_configs) for (const t of st.targets) out.push({ from: 'prometheus', ref: t, what: `Prometheus job ${sc.job_name}` });
  }
  for (const am of prometheusYml.alerting.alertmanagers) {
    for (const st of am.static_configs) for (const t of st.targets) out.push({ from: 'prometheus', ref: t, what: 'Prometheus alerting' });
  }
  const ce = env('collector');
  for (const k of ['PROMETHEUS_REMOTE_WRITE_URL', 'TRACES_OTLP_ENDPOINT', 'LOKI_OTLP_ENDPOINT']) out.push({ from: 'collector', ref: ce[k]!, what: `collector ${k}` });
  for (const k of ['KONG_METRICS_TARGETS', 'APISIX_METRICS_TARGETS']) {
    for (const t of parseYaml(ce[k]!) as string[]) out.push({ from: 'collector', ref: t, what: `collector ${k}` });
  }
  out.push({ from: 'simulator', ref: flag(argv(svc('simulator').def.command), '--otlp-endpoint')!, what: 'simulator --otlp-endpoint' });
  out.push({ from: 'simulator', ref: flag(argv(svc('simulator').def.command), '--token-url')!, what: 'simulator --token-url' });
  for (const rw of tempoYml.metrics_generator.storage.remote_write) out.push({ from: 'tempo', ref: rw.url, what: 'Tempo metrics generator remote write' });
  out.push({ from: 'keycloak', ref: env('keycloak').KC_DB_URL!, what: 'Keycloak KC_DB_URL' });
  const be = env('backstage');
  out.push({ from: 'backstage', ref: `${be.POSTGRES_HOST}:${be.POSTGRES_PORT}`, what: 'Backstage POSTGRES_HOST:POSTGRES_PORT' });
  out.push({ from: 'backstage', ref: backstageOverlay.apiObservability.prometheusUrl, what: 'Backstage apiObservability.prometheusUrl' });
  for (const k of ['token_url', 'api_url']) out.push({ from: 'grafana', ref: ini('auth.generic_oauth', k), what: `grafana.ini ${k}` });
  for (const s of ['grafana', 'alertmanager']) {
    for (const [k, v] of Object.entries(env(s))) {
      if (k.startsWith('ALERT_WEBHOOK_') && compose.services.has(new URL(v).hostname)) out.push({ from: s, ref: v, what: `${s} ${k}` });
    }
  }
  return out;
}

// ── paths ───────────────────────────────────────────────────────────────────────────────────────────

describe('paths', () => {
  test('every bind-mounted host path exists in the repository (build outputs: once built)', (t) => {
    for (const s of compose.services.values()) {
      for (const m of mounts(s)) {
        if (m.type !== 'bind') {
          assert.ok(compose.resolved.volumes && m.source in compose.resolved.volumes, `${s.name}: named volume ${m.source} is not declared under volumes:`);
          continue;
        }
        const r = rel(m.source);
        assert.ok(!r.startsWith('..'), `${s.name}: ${m.raw} mounts a path outside the repository`);
        const build = BUILD_OUTPUTS[r];
        if (build) {
          assert.ok(existsSync(path.join(ROOT, build.source)), `${s.name}: ${r} is written by ${build.source}, which does not exist`);
          const ignored = spawnSync('git', ['check-ignore', '-q', r], { cwd: ROOT });
          assert.equal(ignored.status, 0, `${s.name}: ${r} is a build output but not git-ignored`);
          if (!existsSync(m.source)) t.diagnostic(`${r} is not built yet (${build.build}); Grafana needs it before docker compose up`);
          continue;
        }
        assert.ok(existsSync(m.source), `${s.name}: ${m.raw}: ${r} does not exist`);
      }
    }
  });

  test('build contexts, Dockerfiles and build args', () => {
    for (const s of compose.services.values()) {
      const b = s.def.build;
      if (!b) {
        assert.ok(isPinnedImage(s.def.image), `${s.name}: image ${s.def.image} is not pinned to a version tag`);
        continue;
      }
      const context = path.resolve(ROOT, typeof b === 'string' ? b : b.context);
      assert.ok(isDir(context), `${s.name}: build context ${rel(context)} does not exist`);
      const dockerfile = path.resolve(context, (typeof b === 'object' && b.dockerfile) || 'Dockerfile');
      assert.ok(existsSync(dockerfile), `${s.name}: ${rel(dockerfile)} does not exist`);
      assert.ok(rel(dockerfile).startsWith('docker/'), `${s.name}: Dockerfiles live in docker/`);
      const d = readDockerfile(dockerfile);
      const given: Record<string, string> = (typeof b === 'object' && b.args) || {};
      for (const k of Object.keys(given)) assert.ok(d.args.has(k), `${s.name}: build arg ${k} is not an ARG of ${rel(dockerfile)}`);
      for (const [k, dflt] of d.args) {
        const v = given[k] ?? dflt;
        if (k.endsWith('_IMAGE')) assert.ok(v && isPinnedImage(v), `${s.name}: ${k}=${v} is not a pinned image`);
        else assert.ok(v !== undefined, `${s.name}: ARG ${k} has no default and docker-compose.yml does not set it`);
      }
      // Build context files the Dockerfile copies by name exist.
      for (const m of readText(dockerfile).matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(\S+)\s+\S+$/gm)) {
        if (m[1] === '.') continue;
        assert.ok(existsSync(path.join(context, m[1]!)), `${s.name}: ${rel(dockerfile)} copies ${m[1]}, missing from the context ${rel(context)}`);
      }
      if (rel(context) === '.') {
        assert.ok(existsSync(`${dockerfile}.dockerignore`), `${s.name}: a repository-root context needs ${rel(dockerfile)}.dockerignore (node_modules, build output)`);
      }
    }
  });
});

// ── ports and addresses ─────────────────────────────────────────────────────────────────────────────

describe('ports and addresses', () => {
  test('each service declares exactly ports its configuration listens on', () => {
    for (const s of compose.services.values()) {
      const configured = configuredPorts(s.name);
      for (const p of declaredPorts(s)) assert.ok(configured.has(p), `${s.name}: declares port ${p} (expose/ports), but its configuration listens on ${[...configured].join(', ')}`);
    }
  });

  test("every Grafana data source URL is a compose service and a port it listens on", () => {
    for (const d of datasources) assertReachable('grafana', d.url, `data source ${d.uid}`);
  });

  test('every other cross-service address resolves to a service port', () => {
    for (const r of internalReferences()) assertReachable(r.from, r.ref, r.what);
  });

  test('healthchecks probe a port the service listens on; healthy dependencies have healthchecks', () => {
    for (const s of compose.services.values()) {
      const hc = s.def.healthcheck;
      assert.ok(hc?.test, `${s.name}: no healthcheck`);
      const text = argv(hc.test).join(' ');
      const ports = [...text.matchAll(/(?:127\.0\.0\.1|localhost)[:/](\d+)/g)].map((m) => Number(m[1]));
      if (s.name !== 'postgres') assert.ok(ports.length > 0, `${s.name}: healthcheck probes no local port: ${text}`);
      for (const p of ports) assert.ok(configuredPorts(s.name).has(p), `${s.name}: healthcheck probes ${p}, which the service does not listen on`);
      for (const [dep, cond] of Object.entries<any>(s.def.depends_on ?? {})) {
        assert.ok(compose.services.has(dep), `${s.name}: depends on unknown service ${dep}`);
        if (cond?.condition === 'service_healthy') assert.ok(svc(dep).def.healthcheck, `${s.name}: waits for ${dep} to be healthy, which has no healthcheck`);
      }
    }
  });

  test('published ports bind 127.0.0.1 and map to ports the service listens on', () => {
    const hostPorts = new Set<number>();
    for (const s of compose.services.values()) {
      for (const p of publishedPorts(s)) {
        assert.equal(p.hostIp, '127.0.0.1', `${s.name}: publish on 127.0.0.1 only (${p.host}:${p.container})`);
        assert.ok(!hostPorts.has(p.host), `host port ${p.host} is published twice`);
        hostPorts.add(p.host);
      }
    }
  });
});

// ── Grafana: data sources, dashboards, app ─────────────────────────────────────────────────────────

/** `${var}` or `$var` → var name. */
const variableName = (uid: string): string | undefined => /^\$\{?([A-Za-z_]\w*)\}?$/.exec(uid)?.[1];
const BUILTIN_UIDS = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);

describe('Grafana', () => {
  test('every data source uid the generated dashboards reference is provisioned', () => {
    const files = walkFiles(path.join(ROOT, 'dashboards', 'generated')).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0, 'dashboards/generated has no dashboards');
    for (const file of files) {
      const dash = readJson(file);
      const vars = new Map<string, any>((dash.templating?.list ?? []).map((v: any) => [v.name, v]));
      const refs: { type?: string; uid: string; at: string }[] = [];
      const walk = (o: any, at: string): void => {
        if (Array.isArray(o)) return o.forEach((v, i) => walk(v, `${at}[${i}]`));
        if (!o || typeof o !== 'object') return;
        for (const [k, v] of Object.entries<any>(o)) {
          if (k === 'datasource' && v && typeof v === 'object' && typeof v.uid === 'string') refs.push({ type: v.type, uid: v.uid, at: `${at}.datasource` });
          else if (k === 'datasource' && typeof v === 'string') refs.push({ uid: v, at: `${at}.datasource` });
          else if (k === 'datasourceUid' && typeof v === 'string') refs.push({ uid: v, at: `${at}.datasourceUid` });
          walk(v, `${at}.${k}`);
        }
      };
      walk(dash, dash.uid);
      assert.ok(refs.length > 0, `${rel(file)}: no data source references found`);
      for (const r of refs) {
        if (BUILTIN_UIDS.has(r.uid)) continue;
        const name = variableName(r.uid);
        if (name) {
          const v = vars.get(name);
          assert.ok(v, `${rel(file)} ${r.at}: uses variable ${r.uid}, which the dashboard does not define`);
          assert.equal(v.type, 'datasource', `${rel(file)} ${r.at}: ${r.uid} is not a data source variable`);
          if (r.type) assert.equal(v.query, r.type, `${rel(file)} ${r.at}: ${r.type} query on a ${v.query} variable`);
          const candidates = datasources.filter((d) => d.type === v.query);
          assert.ok(candidates.length > 0, `${rel(file)}: variable ${name} needs a ${v.query} data source; none is provisioned`);
          const current = v.current?.value;
          if (typeof current === 'string' && current && !variableName(current) && current !== 'default') {
            assert.ok(candidates.some((d) => d.uid === current || d.name === current), `${rel(file)}: variable ${name} defaults to ${current}, not a provisioned ${v.query} data source`);
          }
        } else {
          const d = dsByUid.get(r.uid);
          assert.ok(d, `${rel(file)} ${r.at}: data source uid ${r.uid} is not provisioned`);
          if (r.type) assert.equal(d.type, r.type, `${rel(file)} ${r.at}: uid ${r.uid} is a ${d.type} data source, not ${r.type}`);
        }
      }
    }
  });

  test('data source links point at provisioned uids of the right type', () => {
    const typeOf = (uid: string) => dsByUid.get(uid)?.type;
    const prom = dsByUid.get('prometheus')!.jsonData;
    for (const d of prom.exemplarTraceIdDestinations) assert.equal(typeOf(d.datasourceUid), 'tempo');
    assert.equal(typeOf(prom.alertmanagerUid), 'alertmanager');
    const tempo = dsByUid.get('tempo')!.jsonData;
    assert.equal(typeOf(tempo.tracesToLogsV2.datasourceUid), 'loki');
    assert.equal(typeOf(tempo.tracesToMetrics.datasourceUid), 'prometheus');
    assert.equal(typeOf(tempo.serviceMap.datasourceUid), 'prometheus');
    assert.equal(typeOf(tempo.lokiSearch.datasourceUid), 'loki');
    for (const f of dsByUid.get('loki')!.jsonData.derivedFields) assert.equal(typeOf(f.datasourceUid), 'tempo');
  });

  test("traces to metrics queries only the contract's span-metric series and labels", () => {
    const tempo = dsByUid.get('tempo')!.jsonData.tracesToMetrics;
    const series = new Set([...promSeriesNames(METRICS.trafficCalls), ...promSeriesNames(METRICS.trafficDuration)]);
    const spanLabels = new Set<string>([...METRICS.trafficCalls.labels, ...METRICS.trafficDuration.labels].map((k) => LABELS[k].label));
    const attributeOf = new Map<string, string>(Object.values(LABELS).map((l) => [l.label, l.attribute]));
    for (const tag of tempo.tags) {
      assert.ok(spanLabels.has(tag.value), `tag ${tag.key} → ${tag.value}: not a label of the span metrics`);
      assert.equal(tag.key, attributeOf.get(tag.value), `tag ${tag.value}: the span attribute is ${attributeOf.get(tag.value)}`);
    }
    for (const q of tempo.queries) {
      const names = [...q.query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m: RegExpMatchArray) => m[1]!);
      assert.ok(names.length > 0, `${q.name}: no series selector`);
      for (const n of names) assert.ok(series.has(n), `${q.name}: ${n} is not a span-metric series of the contract`);
      for (const m of q.query.matchAll(/[{,]\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
        assert.ok(LABEL_NAMES.has(m[1]!) && spanLabels.has(m[1]!), `${q.name}: label ${m[1]} is not a span-metric label`);
      }
      for (const m of q.query.matchAll(/by\s*\(([^)]*)\)/g)) {
        for (const l of m[1]!.split(',').map((x: string) => x.trim()).filter(Boolean)) assert.ok(spanLabels.has(l) || l === 'le', `${q.name}: by (${l})`);
      }
    }
  });

  test("traces to logs and derived fields use Loki's OTLP names that the developer dashboard uses", () => {
    const t2l = dsByUid.get('tempo')!.jsonData.tracesToLogsV2;
    assert.deepEqual(t2l.tags.map((t: any) => [t.key, t.value]), [['service.name', LOKI_LABELS.serviceName]]);
    assert.ok(t2l.query.includes(`${LOKI_LABELS.traceId}="$\${__trace.traceId}"`), `traces-to-logs filters on ${LOKI_LABELS.traceId}`);
    const byLabel = dsByUid.get('loki')!.jsonData.derivedFields.filter((f: any) => f.matcherType === 'label');
    assert.deepEqual(byLabel.map((f: any) => f.matcherRegex), [LOKI_LABELS.traceId]);
  });

  test('Prometheus data source: version and interval agree with the Prometheus it queries', () => {
    const prom = dsByUid.get('prometheus')!.jsonData;
    const tag = /:v(\d+\.\d+\.\d+)$/.exec(svc('prometheus').def.image)?.[1];
    assert.equal(prom.prometheusVersion, tag, 'prometheusVersion = the prometheus image tag');
    assert.equal(prom.timeInterval, prometheusYml.global.scrape_interval, 'timeInterval = the scrape interval');
    const args = argv(svc('prometheus').def.command);
    assert.ok(args.includes('--web.enable-remote-write-receiver'), 'the collector and Tempo remote-write to Prometheus');
    assert.ok(args.includes('--enable-feature=exemplar-storage'), 'exemplars (trace ids) need exemplar storage');
  });

  test('a dashboard provider (folder) per persona, reading the mounted dashboards/generated/<persona>', (t) => {
    const g = svc('grafana');
    const providers: any[] = readYaml('provisioning/grafana/dashboards/api-observatory.yaml').providers;
    const personas = ['canary', 'developer', 'platform', 'product'];
    const generated = readdirSync(path.join(ROOT, 'dashboards', 'generated'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const p of personas) assert.ok(generated.includes(p), `dashboards/generated/${p} is missing`);
    const covered = new Set<string>();
    for (const p of providers) {
      const host = hostPathFor(g, p.options.path);
      assert.ok(host, `provider ${p.name}: ${p.options.path} is not mounted into the grafana service`);
      assert.ok(isDir(host), `provider ${p.name}: ${p.options.path} is ${rel(host)}, which does not exist`);
      const r = rel(host);
      assert.match(r, /^dashboards\/generated\/[a-z-]+$/, `provider ${p.name}: reads ${r}`);
      covered.add(path.basename(host));
      const uids = walkFiles(host).filter((f) => f.endsWith('.json')).map((f) => readJson(f).uid);
      if (uids.length === 0) t.diagnostic(`${r} has no dashboards yet`);
      assert.ok(!uids.includes(p.folderUid), `provider ${p.name}: folderUid ${p.folderUid} collides with a dashboard uid`);
    }
    assert.deepEqual([...covered].sort(), generated, 'every dashboards/generated folder has exactly one provider');
  });

  test('the app plugin: installed from its archive, allowed unsigned, settings point at provisioned uids', (t) => {
    const app = readYaml('provisioning/grafana/plugins/api-observatory-app.yaml').apps[0];
    const g = svc('grafana');
    const pluginDir = `/var/lib/grafana/plugins/${app.type}`;
    const host = hostPathFor(g, pluginDir);
    assert.ok(host, `the grafana service does not mount ${pluginDir}`);
    // The archive's top folder (= the plugin id), unzipped by npm run pack beside the archive, not the source tree's dist/.
    assert.equal(rel(host), `.pack/grafana/${app.type}`, 'mounted from the unzipped plugin archive');
    assert.equal(BUILD_OUTPUTS[rel(host)]?.build, 'npm run pack');
    assert.ok(ini('plugins', 'allow_loading_unsigned_plugins').split(/[\s,]+/).includes(app.type));
    for (const [k, v] of Object.entries<string>(app.jsonData)) {
      if (k.endsWith('Uid')) assert.ok(dsByUid.has(v), `jsonData.${k}: ${v} is not a provisioned data source`);
    }
    for (const f of [`grafana-plugins/${app.type}/src/plugin.json`, `.pack/grafana/${app.type}/plugin.json`]) {
      if (existsSync(path.join(ROOT, f))) {
        const pj = readJson(f);
        assert.equal(pj.id, app.type, `${f}: id`);
        assert.equal(pj.type, 'app', `${f}: type`);
      } else t.diagnostic(`${f} does not exist yet`);
    }
    // The Grafana image is the release the plugin is built against.
    const pkg = path.join(ROOT, 'grafana-plugins', app.type, 'package.json');
    if (existsSync(pkg)) {
      const want = readJson(pkg).dependencies?.['@grafana/data'];
      if (want) assert.equal(g.def.image, `grafana/grafana:${want.replace(/^[~^]/, '')}`, 'grafana image = the @grafana/data version of the plugin');
    }
  });
});

// ── the collector ───────────────────────────────────────────────────────────────────────────────────

describe('collector', () => {
  const c = svc('collector');
  const configs = argv(c.def.command).map((a) => /^--config=(.+)$/.exec(a)?.[1]).filter((x): x is string => Boolean(x));
  const files = configs.map((p) => {
    const host = hostPathFor(c, p);
    assert.ok(host, `collector --config ${p} is not mounted`);
    return host;
  });

  test('runs the shared config and the Loki overlay, mounted from collector/', () => {
    assert.deepEqual(files.map(rel), ['collector/config.yaml', 'collector/config.loki.yaml']);
  });

  test('every variable collector/config.yaml (and the overlay) requires is set for the collector service', () => {
    const e = env('collector');
    const refs = files.flatMap((f) => collectorRefs(readText(f), rel(f)));
    assert.ok(refs.some((r) => r.name === 'PROMETHEUS_REMOTE_WRITE_URL'), 'the config files are read');
    const required = refs.filter((r) => !r.hasDefault);
    for (const r of required) assert.ok(e[r.name], `${r.where} requires ${r.name}; the collector service does not set it`);
  });

  test('loopback defaults are overridden, so that other containers reach the collector', () => {
    const e = env('collector');
    for (const f of files) {
      for (const [name, dflt] of collectorDefaults(readText(f))) {
        if (!/\b(127\.0\.0\.1|localhost)\b/.test(dflt)) continue;
        assert.ok(e[name] && !/\b(127\.0\.0\.1|localhost)\b/.test(e[name]!), `${rel(f)}: ${name} defaults to ${dflt}; set it to 0.0.0.0:<port> for the collector service`);
      }
    }
  });

  test('every variable set for the collector service is read by its config (no typos)', () => {
    const read = new Set(files.flatMap((f) => collectorRefs(readText(f), rel(f))).map((r) => r.name));
    for (const k of Object.keys(env('collector'))) assert.ok(read.has(k), `collector: ${k} is set but no config reads it`);
  });

  test('the image is built by ocb from collector/builder-config.yaml at the pinned release', () => {
    const manifest = readYaml('collector/builder-config.yaml');
    const v = versionsEnv();
    const d = readDockerfile(path.join(ROOT, 'docker/otelcol/Dockerfile'));
    assert.equal(d.args.get('OTELCOL_VERSION'), v.get('OTELCOL_VERSION'), 'OTELCOL_VERSION = scripts/tools/versions.env');
    assert.equal(manifest.dist.name, v.get('OTELCOL_DIST_NAME'));
    assert.match(readText('docker/otelcol/Dockerfile'), new RegExp(`/build/dist/${manifest.dist.name}\\b`), 'the Dockerfile copies the binary named by dist.name');
    assert.equal(rel(path.resolve(ROOT, c.def.build.context)), 'collector');
    assert.ok(c.def.image.endsWith(`:${v.get('OTELCOL_VERSION')}`), 'collector image tag = the collector release');
  });
});

// ── environment references ──────────────────────────────────────────────────────────────────────────

/** How each service's files read its environment; undefined: the reader does not expand variables. */
function refsOf(service: string, file: string): EnvRef[] | 'none' | 'skip' {
  const r = rel(file);
  if (r.startsWith('dashboards/generated/') || r.startsWith('grafana-plugins/') || r.startsWith('.pack/') || r.startsWith('alerts/rules/') || r.startsWith('collector/')) return 'skip';
  if (/\.(md|dockerignore)$/.test(file)) return 'skip';
  switch (service) {
    case 'grafana': {
      if (file.endsWith('.ini')) {
        const { refs, invalid } = grafanaIniRefs(readText(file), r);
        assert.deepEqual(invalid, [], `${r}: only $__env{NAME} expands in grafana.ini`);
        return refs;
      }
      const { refs, invalid } = grafanaProvisioningRefs(readYaml(file), r);
      assert.deepEqual(invalid, [], `${r}: a dollar Grafana would expand to an empty string`);
      return refs;
    }
    case 'keycloak':
      return keycloakRefs(readJson(file), r);
    case 'backstage':
      return backstageRefs(readYaml(file), r);
    case 'alert-sink':
      return nodeRefs(readText(file), r);
    default:
      if (file.endsWith('.sh')) return shellRefs(readText(file), r);
      return 'none';
  }
}

describe('environment references', () => {
  test('every ${X} / $__env{X} in a mounted file is set in that service\'s environment, and every variable set is used', () => {
    for (const s of compose.services.values()) {
      if (s.name === 'collector') continue; // checked above
      const e = env(s.name);
      const used = new Set<string>();
      for (const m of mounts(s)) {
        if (m.type !== 'bind' || !existsSync(m.source)) continue;
        for (const f of isDir(m.source) ? walkFiles(m.source) : [m.source]) {
          const refs = refsOf(s.name, f);
          if (refs === 'skip') continue;
          if (refs === 'none') {
            assert.ok(!/\$\{[A-Za-z_]/.test(readText(f)), `${rel(f)}: ${s.name} does not expand variables in this file; write literal values`);
            continue;
          }
          for (const r of refs) {
            used.add(r.name);
            if (!r.hasDefault) assert.ok(e[r.name], `${r.where}: ${r.name} is not set for the ${s.name} service`);
          }
        }
      }
      if (s.name === 'backstage') {
        // The image runs backstage-plugins/scripts/serve.sh with the app's own config files.
        for (const f of ['backstage-plugins/app-config.yaml', 'backstage-plugins/app-config.production.yaml', 'backstage-plugins/app-config.postgres.yaml']) {
          for (const r of backstageRefs(readYaml(f), f)) {
            used.add(r.name);
            if (!r.hasDefault) assert.ok(e[r.name], `${r.where}: ${r.name} is not set for the backstage service`);
          }
        }
        for (const r of shellRefs(readText('backstage-plugins/scripts/serve.sh'), 'serve.sh')) used.add(r.name);
        for (const r of nodeRefs(readText('backstage-plugins/packages/backend/src/instrumentation.ts'), 'instrumentation.ts')) used.add(r.name);
        assert.equal(e.BACKSTAGE_DATABASE, 'postgres', 'serve.sh adds app-config.postgres.yaml');
      }
      if (s.name === 'simulator') {
        // The image runs the simulator's CLI, which reads the consumer applications' secret from the environment.
        for (const r of nodeRefs(readText('packages/traffic-simulator/src/cli.ts'), 'cli.ts')) used.add(r.name);
      }
      // Variables the image itself reads.
      const native = s.name === 'keycloak' ? /^KC_/ : s.name === 'postgres' ? /^POSTGRES_(USER|PASSWORD|DB)$/ : /^NODE_/;
      for (const k of Object.keys(e)) assert.ok(used.has(k) || native.test(k), `${s.name}: ${k} is set but nothing reads it`);
    }
  });
});

// ── identity: Grafana OAuth against Keycloak ────────────────────────────────────────────────────────

/** Evaluates the `contains(groups[*], 'g') && 'Role' || ...` role mapping for a list of groups. */
function grafanaRole(rolePath: string, groups: readonly string[]): string | undefined {
  for (const alt of rolePath.split('||')) {
    const m = /^\s*contains\(groups\[\*\],\s*'([^']+)'\)\s*&&\s*'([^']+)'\s*$/.exec(alt);
    assert.ok(m, `role_attribute_path: unsupported term ${alt.trim()} (keep the contains(groups[*], 'g') && 'Role' form)`);
    if (groups.includes(m[1]!)) return m[2];
  }
  return undefined;
}

describe('Grafana OAuth and Keycloak', () => {
  const ge = env('grafana');
  const ke = env('keycloak');
  const grafanaClient = realms.internal.clients.find((c: any) => c.clientId === ini('auth.generic_oauth', 'client_id'));
  const keycloakPublic = publishedPorts(svc('keycloak')).find((p) => p.container === Number(ke.KC_HTTP_PORT));
  const grafanaPublic = publishedPorts(svc('grafana')).find((p) => p.container === Number(ini('server', 'http_port')));

  test("Grafana's back-channel OAuth URLs point at the keycloak service and the internal realm", () => {
    for (const k of ['token_url', 'api_url']) {
      const u = new URL(ini('auth.generic_oauth', k));
      assert.equal(u.hostname, 'keycloak', `${k}: host`);
      assert.equal(Number(u.port), Number(ke.KC_HTTP_PORT), `${k}: Keycloak's HTTP port`);
      assert.match(u.pathname, /^\/realms\/internal\/protocol\/openid-connect\/(token|userinfo)$/, `${k}: realm internal`);
    }
  });

  test("the browser-facing auth and logout URLs are Keycloak's published URL, realm internal", () => {
    assert.ok(keycloakPublic, 'keycloak publishes its HTTP port');
    const auth = new URL(expandGrafanaIni(ini('auth.generic_oauth', 'auth_url'), ge));
    assert.equal(auth.origin, `http://localhost:${keycloakPublic.host}`, 'auth_url origin = the published Keycloak port');
    assert.equal(auth.pathname, '/realms/internal/protocol/openid-connect/auth');
    assert.equal(ke.KC_HOSTNAME, ge.KEYCLOAK_PUBLIC_URL, 'Keycloak issues tokens for the URL Grafana sends browsers to');
    assert.equal(ke.KC_HOSTNAME_BACKCHANNEL_DYNAMIC, 'true', 'back-channel calls to keycloak:8080 keep working with a public hostname');
    const logout = new URL(expandGrafanaIni(ini('auth.generic_oauth', 'signout_redirect_url'), ge));
    assert.equal(logout.origin, auth.origin);
    assert.equal(logout.pathname, '/realms/internal/protocol/openid-connect/logout');
    assert.equal(logout.searchParams.get('client_id'), grafanaClient.clientId);
    const expandRealm = (s: string) => s.replace(/\$\{([A-Z_]+)\}/g, (_m, v: string) => ke[v] ?? '');
    assert.equal(logout.searchParams.get('post_logout_redirect_uri'), expandRealm(grafanaClient.attributes['post.logout.redirect.uris']));
  });

  test("the realm's grafana client matches grafana.ini: id, secret variable, redirect URI, groups claim", () => {
    assert.ok(grafanaClient, `realm internal has no client ${ini('auth.generic_oauth', 'client_id')}`);
    const iniSecret = /^\$__env\{([A-Z_]+)\}$/.exec(ini('auth.generic_oauth', 'client_secret'))?.[1];
    const realmSecret = /^\$\{([A-Z_]+)\}$/.exec(grafanaClient.secret)?.[1];
    assert.ok(iniSecret && realmSecret, 'client secret from the environment on both sides');
    assert.equal(iniSecret, realmSecret, 'the same variable');
    assert.equal(rawEnv('grafana')[iniSecret], rawEnv('keycloak')[realmSecret], 'both services take it from the same compose variable');
    const rootUrlVar = /^\$__env\{([A-Z_]+)\}$/.exec(ini('server', 'root_url'))?.[1];
    assert.ok(rootUrlVar);
    assert.equal(ke[rootUrlVar], ge[rootUrlVar], `${rootUrlVar} is the same for Grafana and Keycloak`);
    assert.ok(grafanaPublic);
    assert.equal(ge[rootUrlVar], `http://localhost:${grafanaPublic.host}`, 'root_url = the published Grafana port');
    assert.ok(grafanaClient.redirectUris.includes(`\${${rootUrlVar}}/login/generic_oauth`), 'redirect URI = root_url + /login/generic_oauth');
    assert.ok(grafanaClient.webOrigins.includes(`\${${rootUrlVar}}`));
    const mapper = grafanaClient.protocolMappers.find((m: any) => m.protocolMapper === 'oidc-group-membership-mapper');
    assert.ok(mapper, 'a group membership mapper on the grafana client');
    assert.equal(mapper.config['claim.name'], ini('auth.generic_oauth', 'groups_attribute_path'));
    assert.equal(mapper.config['full.path'], 'false', 'group names without a leading path, as role_attribute_path expects');
    assert.equal(mapper.config['userinfo.token.claim'], 'true', 'Grafana reads the userinfo endpoint (api_url)');
  });

  test('role mapping: Admin, Editor, Viewer from realm groups; users without a Grafana group are refused', () => {
    const rolePath = ini('auth.generic_oauth', 'role_attribute_path');
    const realmGroups = new Set(realms.internal.groups.map((g: any) => g.name));
    for (const g of rolePath.matchAll(/'([^']+)'\)/g)) assert.ok(realmGroups.has(g[1]), `role_attribute_path: group ${g[1]} is not in realm internal`);
    const roles = new Map<string, string | undefined>(
      people(realms.internal).map((u: any) => [u.username, grafanaRole(rolePath, u.groups.map((g: string) => g.replace(/^\//, '')))]),
    );
    assert.deepEqual([...new Set(roles.values())].sort(), ['Admin', 'Editor', 'Viewer'], 'the demo users cover the three roles');
    assert.equal(grafanaRole(rolePath, ['orders-team']), undefined, 'a Backstage group alone gives no Grafana role');
    assert.equal(ini('auth.generic_oauth', 'role_attribute_strict'), 'true', 'no role → no sign-in');
  });

  test("realm internal's users and groups are the sample catalog's: same usernames, e-mails and Backstage groups", () => {
    const catalog = parseAllYaml(readText('backstage-plugins/catalog/org.yaml'));
    const bsGroups = new Set(catalog.filter((e) => e.kind === 'Group').map((e) => e.metadata.name as string));
    const bsUsers = new Map(catalog.filter((e) => e.kind === 'User').map((e) => [e.metadata.name as string, e]));
    const grafanaGroups = new Set([...ini('auth.generic_oauth', 'role_attribute_path').matchAll(/'([^']+)'\)/g)].map((m) => m[1]!));
    for (const g of realms.internal.groups as Array<{ name: string }>) {
      if (!grafanaGroups.has(g.name)) assert.ok(bsGroups.has(g.name), `Keycloak group ${g.name} is no Backstage group in org.yaml`);
    }
    assert.ok(people(realms.internal).length > 0);
    for (const u of people(realms.internal) as Array<{ username: string; email: string; groups: string[] }>) {
      const b = bsUsers.get(u.username);
      assert.ok(b, `Keycloak user ${u.username} is no Backstage user in org.yaml`);
      assert.equal(u.email, b.spec.profile.email, `${u.username}: e-mail`);
      const teams = u.groups.map((g) => g.replace(/^\//, '')).filter((g) => !grafanaGroups.has(g)).sort();
      assert.deepEqual(teams, [...b.spec.memberOf].sort(), `${u.username}: Keycloak groups = Backstage memberOf`);
    }
  });

  test("the simulator's consumers are realm partners' sample applications, with their secret's variable", () => {
    const args = argv(svc('simulator').def.command);
    const tokenUrl = new URL(flag(args, '--token-url')!);
    assert.equal(tokenUrl.pathname, '/realms/partners/protocol/openid-connect/token');
    const apps = realms.partners.clients.filter((c: any) => c.serviceAccountsEnabled);
    assert.deepEqual(flag(args, '--clients')!.split(',').sort(), apps.map((c: any) => c.clientId).sort(), '--clients = the client-credentials clients of realm partners');
    const secretVars = new Set(apps.map((c: any) => /^\$\{([A-Z_]+)\}$/.exec(c.secret)?.[1]));
    assert.equal(secretVars.size, 1, 'one secret variable for the sample applications');
    const [secretVar] = [...secretVars] as string[];
    assert.equal(rawEnv('simulator').CONSUMER_CLIENT_SECRET, rawEnv('keycloak')[secretVar!], 'the simulator and Keycloak take it from the same compose variable');
  });

  test('every realm placeholder is set for keycloak; Backstage URLs agree across services', () => {
    for (const [name, realm] of Object.entries(realms)) {
      for (const r of keycloakRefs(realm, name)) assert.ok(ke[r.name], `${r.where}: ${r.name} is not set for the keycloak service`);
    }
    const be = env('backstage');
    assert.equal(ke.BACKSTAGE_PUBLIC_URL, be.BACKSTAGE_PUBLIC_URL);
    assert.equal(ge.BACKSTAGE_PUBLIC_URL, be.BACKSTAGE_PUBLIC_URL);
    const bp = publishedPorts(svc('backstage')).find((p) => p.container === Number(be.BACKSTAGE_LISTEN_PORT));
    assert.ok(bp);
    assert.equal(be.BACKSTAGE_PUBLIC_URL, `http://localhost:${bp.host}`, 'the public Backstage URL is its published port');
    const app = readYaml('provisioning/grafana/plugins/api-observatory-app.yaml').apps[0];
    assert.equal(app.jsonData.backstageUrl, '${BACKSTAGE_PUBLIC_URL}');
  });

  test('realm files are imported from the mounted folder; one file per realm', () => {
    const dir = hostPathFor(svc('keycloak'), '/opt/keycloak/data/import');
    assert.equal(dir && rel(dir), 'provisioning/keycloak');
    assert.ok(argv(svc('keycloak').def.command).includes('--import-realm'));
    const imported = readdirSync(dir!).filter((f) => f.endsWith('.json')).map((f) => readJson(path.join(dir!, f)).realm).sort();
    assert.deepEqual(imported, ['internal', 'partners']);
  });
});

// ── Backstage ───────────────────────────────────────────────────────────────────────────────────────

describe('Backstage', () => {
  test('the API observability plugin queries the prometheus service and links to the provisioned Grafana', () => {
    const o = backstageOverlay.apiObservability;
    const be = env('backstage');
    assert.equal(dsByUid.get(o.tempoDatasourceUid)?.type, 'tempo', 'tempoDatasourceUid is the provisioned Tempo data source');
    assert.equal(o.grafanaAppPluginId, readYaml('provisioning/grafana/plugins/api-observatory-app.yaml').apps[0].type);
    const grafanaUrl = o.grafanaUrl.replace(/^\$\{([A-Z_]+)\}$/, (_m: string, v: string) => be[v] ?? '');
    assert.equal(grafanaUrl, env('grafana').GRAFANA_PUBLIC_URL, 'grafanaUrl = the URL browsers reach Grafana on');
    assert.equal(o.jaegerUrl, undefined, 'no Jaeger in the Docker stack: no Jaeger links (Backstage refuses an empty string)');
    assert.equal(o.traceStore?.type, 'tempo', 'the trace view reads Tempo');
    assert.equal(address(o.traceStore.url).host, 'tempo', 'the trace store is the tempo service');
    assertReachable('backstage', o.traceStore.url, 'apiObservability.traceStore.url');
  });
});

// ── database credentials ────────────────────────────────────────────────────────────────────────────

describe('PostgreSQL credentials', () => {
  const initdb = hostPathFor(svc('postgres'), '/docker-entrypoint-initdb.d');
  const script = walkFiles(initdb!).map((f) => readText(f)).join('\n');
  const pe = rawEnv('postgres');

  test('Keycloak: role, database and password variable agree with the init script', () => {
    const ke = env('keycloak');
    const db = new URL(ke.KC_DB_URL!.replace(/^jdbc:/, '')).pathname.slice(1);
    assert.match(script, new RegExp(`CREATE ROLE ${ke.KC_DB_USERNAME} LOGIN`));
    assert.match(script, new RegExp(`CREATE DATABASE ${db} OWNER ${ke.KC_DB_USERNAME}`));
    assert.equal(rawEnv('keycloak').KC_DB_PASSWORD, pe.KEYCLOAK_DB_PASSWORD, 'same compose variable as the init script');
    assert.match(script, /keycloak_password="\$\{KEYCLOAK_DB_PASSWORD/);
  });

  test('Backstage: role (CREATEDB) and password variable agree with the init script', () => {
    const be = env('backstage');
    assert.match(script, new RegExp(`CREATE ROLE ${be.POSTGRES_USER} LOGIN CREATEDB`));
    assert.equal(rawEnv('backstage').POSTGRES_PASSWORD, pe.BACKSTAGE_DB_PASSWORD, 'same compose variable as the init script');
    assert.match(script, /backstage_password="\$\{BACKSTAGE_DB_PASSWORD/);
  });
});

// ── alerting ────────────────────────────────────────────────────────────────────────────────────────

type Labels = Record<string, string>;
interface Matcher { name: string; op: string; value: string }

function matches(ms: readonly Matcher[], labels: Labels): boolean {
  return ms.every((m) => {
    const v = labels[m.name] ?? '';
    const re = new RegExp(`^(?:${m.value})$`);
    switch (m.op) {
      case '=': return v === m.value;
      case '!=': return v !== m.value;
      case '=~': return re.test(v);
      case '!~': return !re.test(v);
      default: throw new Error(`matcher op ${m.op}`);
    }
  });
}

interface Delivery { receiver: string; repeat: string; wait: string }

/** Alertmanager routing (same for Grafana's): first matching child unless `continue`, inheriting settings. */
function route(node: any, labels: Labels, matchersOf: (n: any) => Matcher[], inherited: Delivery): Delivery[] {
  const here: Delivery = {
    receiver: node.receiver ?? inherited.receiver,
    repeat: node.repeat_interval ?? inherited.repeat,
    wait: node.group_wait ?? inherited.wait,
  };
  const out: Delivery[] = [];
  for (const child of node.routes ?? []) {
    if (!matches(matchersOf(child), labels)) continue;
    out.push(...route(child, labels, matchersOf, here));
    if (!child.continue) break;
  }
  return out.length ? out : [here];
}

const amMatchers = (n: any): Matcher[] => (n.matchers ?? []).map((s: string) => {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(.*)"$/.exec(s);
  assert.ok(m, `matcher ${s}`);
  return { name: m[1]!, op: m[2]!, value: m[3]! };
});
const grafanaMatchers = (n: any): Matcher[] => (n.object_matchers ?? []).map(([name, op, value]: string[]) => ({ name: name!, op: op!, value: value! }));

function alertRules(): { alertname: string; labels: Labels; file: string }[] {
  const out: { alertname: string; labels: Labels; file: string }[] = [];
  for (const f of walkFiles(path.join(ROOT, 'alerts', 'rules')).filter((x) => /\.ya?ml$/.test(x))) {
    for (const g of readYaml(f).groups) {
      for (const r of g.rules) if (r.alert) out.push({ alertname: r.alert, labels: { alertname: r.alert, ...r.labels }, file: rel(f) });
    }
  }
  return out;
}

describe('alerting', () => {
  const rules = alertRules();
  const grafanaPolicy = readYaml('provisioning/grafana/alerting/policies.yaml').policies[0];
  const contactPoints: any[] = readYaml('provisioning/grafana/alerting/contact-points.yaml').contactPoints;
  const none: Delivery = { receiver: '', repeat: '4h', wait: '30s' };

  test('Prometheus loads alerts/rules and sends alerts to the alertmanager service', () => {
    const p = svc('prometheus');
    for (const glob of prometheusYml.rule_files) {
      const dir = hostPathFor(p, path.posix.dirname(glob));
      assert.ok(dir && isDir(dir), `rule_files ${glob}: not mounted`);
      assert.equal(rel(dir), 'alerts/rules');
      const re = new RegExp(`^${path.posix.basename(glob).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
      const files = readdirSync(dir);
      assert.ok(files.length > 0);
      for (const f of files) assert.match(f, re, `alerts/rules/${f} is not loaded by ${glob}`);
    }
    const targets = prometheusYml.alerting.alertmanagers.flatMap((a: any) => a.static_configs.flatMap((s: any) => s.targets));
    assert.ok(targets.every((t: string) => address(t).host === 'alertmanager'));
  });

  test('every alert rule carries persona and severity', () => {
    assert.ok(rules.length > 0);
    for (const r of rules) {
      assert.ok(['platform', 'product', 'developer'].includes(r.labels.persona!), `${r.file} ${r.alertname}: persona ${r.labels.persona}`);
      assert.ok(['page', 'ticket', 'info'].includes(r.labels.severity!), `${r.file} ${r.alertname}: severity ${r.labels.severity}`);
    }
  });

  test("each alert reaches its persona's webhook (and pages the pager), the same in Alertmanager and Grafana", () => {
    const combos = new Map<string, Labels>();
    for (const r of rules) combos.set(`${r.labels.persona}/${r.labels.severity}`, { persona: r.labels.persona!, severity: r.labels.severity! });
    for (const persona of ['platform', 'product', 'developer']) for (const severity of ['page', 'ticket', 'info']) combos.set(`${persona}/${severity}`, { persona, severity });
    // No persona: pages go to the pager only, everything else falls back to the root (platform).
    combos.set('none/page', { severity: 'page' });
    combos.set('none/ticket', { severity: 'ticket' });
    for (const [key, labels] of combos) {
      const am = route(alertmanagerYml.route, labels, amMatchers, none);
      const gf = route(grafanaPolicy, labels, grafanaMatchers, none);
      assert.deepEqual(gf, am, `${key}: Grafana's policy tree differs from Alertmanager's`);
      const receivers = am.map((d) => d.receiver);
      if (labels.persona || labels.severity !== 'page') {
        assert.ok(receivers.includes(`apiobs-${labels.persona ?? 'platform'}`), `${key}: reaches ${receivers.join(', ')}`);
      }
      assert.equal(receivers.includes('apiobs-pager'), labels.severity === 'page', `${key}: pager only for pages`);
    }
  });

  test('each receiver sends to the same webhook variable in Alertmanager and Grafana', () => {
    const dir = /^dir=(\S+)$/m.exec(amEntrypoint)?.[1];
    assert.ok(dir, 'entrypoint.sh: dir=<folder>');
    const written = new Map<string, string>();
    for (const m of amEntrypoint.matchAll(/\$\{([A-Z_]+)[^}]*\}"\s*>\s*"\$dir\/([a-z]+)"/g)) written.set(`${dir}/${m[2]}`, m[1]!);
    assert.ok(svc('alertmanager').def.tmpfs.some((t: string) => t.split(':')[0] === dir), `${dir} is a tmpfs (URLs are not written to a volume)`);
    const cpVar = new Map(contactPoints.map((c) => [c.name, /^\$\{([A-Z_]+)\}$/.exec(c.receivers[0].settings.url)?.[1]]));
    for (const r of alertmanagerYml.receivers) {
      const file = r.webhook_configs[0].url_file;
      const v = written.get(file);
      assert.ok(v, `${r.name}: ${file} is not written by entrypoint.sh`);
      assert.equal(cpVar.get(r.name), v, `${r.name}: Grafana's contact point uses ${cpVar.get(r.name)}, Alertmanager ${v}`);
      assert.equal(rawEnv('grafana')[v], rawEnv('alertmanager')[v], `${v}: the same value for Grafana and Alertmanager`);
    }
    assert.deepEqual([...cpVar.keys()].sort(), alertmanagerYml.receivers.map((r: any) => r.name).sort(), 'same receivers on both sides');
  });

  test('inhibition rules name alerts that exist', () => {
    const names = new Set(rules.map((r) => r.alertname));
    for (const ir of alertmanagerYml.inhibit_rules) {
      for (const m of [...(ir.source_matchers ?? []), ...(ir.target_matchers ?? [])]) {
        const am = amMatchers({ matchers: [m] })[0]!;
        if (am.name !== 'alertname') continue;
        const alts = am.op === '=' ? [am.value] : am.value.split('|');
        for (const a of alts) assert.ok(names.has(a), `inhibit rule names ${a}, which no rule defines`);
      }
    }
  });
});

// ── scrape jobs and versions ────────────────────────────────────────────────────────────────────────

describe('scrape jobs and versions', () => {
  test("components in the stack are scraped under the job names the platform dashboard selects", () => {
    const serviceOf: Record<keyof typeof COMPONENT_JOBS, string> = { opa: 'opa', keycloak: 'keycloak', alertmanager: 'alertmanager', backstage: 'backstage', prometheus: 'prometheus', collector: 'collector' };
    for (const [component, job] of Object.entries(COMPONENT_JOBS) as [keyof typeof COMPONENT_JOBS, string][]) {
      const s = serviceOf[component];
      if (!compose.services.has(s)) continue;
      const sc = prometheusYml.scrape_configs.find((x: any) => x.job_name === job);
      assert.ok(sc, `no scrape job ${job} for the ${s} service`);
      const hosts = sc.static_configs.flatMap((x: any) => x.targets).map((t: string) => address(t).host);
      assert.ok(hosts.every((h: string) => h === s || (s === 'prometheus' && LOOPBACK_HOSTS.has(h))), `job ${job} scrapes ${hosts.join(', ')}`);
    }
  });

  test('image versions agree with scripts/tools/versions.env', () => {
    const v = versionsEnv();
    const m = /^v0\.(\d)(\d\d)\.(\d+)$/.exec(v.get('PROMETHEUS_MODULE_VERSION')!);
    assert.ok(m);
    assert.equal(svc('prometheus').def.image, `prom/prometheus:v${m[1]}.${Number(m[2])}.${m[3]}`);
    assert.equal(svc('keycloak').def.image, `keycloak/keycloak:${v.get('KEYCLOAK_VERSION')}`, 'the local stack and compose run one Keycloak release');
    const node = v.get('NODE_VERSION');
    const nodeImages = [
      ...[...compose.services.values()].map((s) => s.def.image).filter((i: string) => i.startsWith('node:')),
      ...['docker/backstage/Dockerfile', 'docker/simulator/Dockerfile'].map((f) => readDockerfile(path.join(ROOT, f)).args.get('NODE_IMAGE')!),
    ];
    for (const i of nodeImages) assert.match(i, new RegExp(`^node:${node!.replace(/\./g, '\\.')}-`), `${i}: Node ${node}`);
  });
});
