/**
 * Every file in provisioning/ and docker/ parses, and has the fields its reader requires: Grafana's
 * provisioning formats (data sources, dashboard providers, app plugins, alerting contact points and
 * policies), grafana.ini, Keycloak realm imports, Alertmanager, Prometheus, Loki and Tempo configs,
 * and the Dockerfiles (pinned base images).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { resolveSettings, type AppJsonData } from '../../grafana-plugins/api-observatory-app/src/settings';
import {
  ROOT, isPinnedImage, parseIni, readDockerfile, readJson, readText, readYaml, rel, walkFiles,
} from './helpers';

const G = 'provisioning/grafana';

describe('every shipped config file parses', () => {
  for (const file of [...walkFiles(path.join(ROOT, 'provisioning')), ...walkFiles(path.join(ROOT, 'docker')), path.join(ROOT, 'docker-compose.yml')]) {
    const name = rel(file);
    if (/\.ya?ml$/.test(file)) test(name, () => assert.doesNotThrow(() => readYaml(file)));
    else if (file.endsWith('.json')) test(name, () => assert.doesNotThrow(() => readJson(file)));
    else if (file.endsWith('.ini')) test(name, () => assert.doesNotThrow(() => parseIni(readText(file))));
  }
});

describe('Grafana provisioning', () => {
  test('data sources: apiVersion 1, name, type, uid, access, url; unique uids; one default', () => {
    const doc = readYaml(`${G}/datasources/datasources.yaml`);
    assert.equal(doc.apiVersion, 1);
    assert.ok(Array.isArray(doc.datasources) && doc.datasources.length > 0);
    const uids = new Set<string>();
    for (const ds of doc.datasources) {
      for (const k of ['name', 'type', 'uid', 'access', 'url']) assert.ok(typeof ds[k] === 'string' && ds[k], `${ds.name ?? '?'}: ${k} is required`);
      assert.equal(ds.access, 'proxy', `${ds.name}: access proxy (server side)`);
      assert.ok(/^[a-zA-Z0-9_-]{1,40}$/.test(ds.uid), `${ds.name}: uid ${ds.uid} (letters, digits, - and _, at most 40)`);
      assert.ok(!uids.has(ds.uid), `duplicate uid ${ds.uid}`);
      uids.add(ds.uid);
    }
    assert.equal(doc.datasources.filter((d: any) => d.isDefault).length, 1, 'exactly one default data source');
    assert.deepEqual([...uids].sort(), ['alertmanager', 'loki', 'prometheus', 'tempo']);
  });

  test('Prometheus: exemplar trace ids link to Tempo', () => {
    const prom = readYaml(`${G}/datasources/datasources.yaml`).datasources.find((d: any) => d.uid === 'prometheus');
    assert.equal(prom.type, 'prometheus');
    assert.deepEqual(
      prom.jsonData.exemplarTraceIdDestinations.map((d: any) => [d.name, d.datasourceUid]),
      [['trace_id', 'tempo']],
    );
  });

  test('Tempo: traces to logs (trace id filter), traces to metrics, service map', () => {
    const tempo = readYaml(`${G}/datasources/datasources.yaml`).datasources.find((d: any) => d.uid === 'tempo');
    const j = tempo.jsonData;
    assert.equal(j.tracesToLogsV2.datasourceUid, 'loki');
    assert.equal(j.tracesToLogsV2.filterByTraceID, true);
    // With a custom query Grafana does not add the trace id filter itself: the query must.
    assert.equal(j.tracesToLogsV2.customQuery, true);
    assert.match(j.tracesToLogsV2.query, /trace_id\s*=\s*"\$\$\{__trace\.traceId\}"/);
    assert.equal(j.tracesToMetrics.datasourceUid, 'prometheus');
    assert.ok(j.tracesToMetrics.queries.length >= 1);
    for (const q of j.tracesToMetrics.queries) {
      assert.ok(q.name && q.query, 'tracesToMetrics queries need a name and a query');
      assert.match(q.query, /\$\$__tags/, `${q.name}: uses the span's tags ($$__tags)`);
    }
    assert.equal(j.serviceMap.datasourceUid, 'prometheus');
  });

  test('Loki: derived fields turn trace ids into Tempo links', () => {
    const loki = readYaml(`${G}/datasources/datasources.yaml`).datasources.find((d: any) => d.uid === 'loki');
    const fields = loki.jsonData.derivedFields;
    assert.ok(fields.length >= 1);
    for (const f of fields) {
      assert.ok(f.name && f.matcherRegex, 'derived fields need name and matcherRegex');
      assert.ok(['label', 'regex'].includes(f.matcherType), `${f.name}: matcherType label or regex`);
      assert.equal(f.datasourceUid, 'tempo');
      assert.equal(f.url, '$${__value.raw}', `${f.name}: internal link query is the field value ($$ escapes Grafana's env expansion)`);
      if (f.matcherType === 'regex') {
        const re = new RegExp(f.matcherRegex);
        const m = re.exec('level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=done');
        assert.equal(m?.[1], '4bf92f3577b34da6a3ce929d0e0e4736', `${f.name}: one capture group, the trace id`);
      }
    }
    assert.ok(fields.some((f: any) => f.matcherType === 'label' && f.matcherRegex === 'trace_id'), 'a label matcher for OTLP structured metadata trace_id');
  });

  test('dashboard providers: apiVersion 1, file providers with a folder and a path', () => {
    const doc = readYaml(`${G}/dashboards/api-observatory.yaml`);
    assert.equal(doc.apiVersion, 1);
    const names = new Set<string>();
    const folderUids = new Set<string>();
    for (const p of doc.providers) {
      assert.ok(p.name && !names.has(p.name), `provider names are unique (${p.name})`);
      names.add(p.name);
      assert.equal(p.type, 'file');
      assert.ok(p.folder, `${p.name}: folder`);
      assert.ok(p.folderUid && !folderUids.has(p.folderUid), `${p.name}: unique folderUid`);
      folderUids.add(p.folderUid);
      assert.ok(typeof p.options?.path === 'string' && p.options.path.startsWith('/'), `${p.name}: options.path`);
      assert.notEqual(p.options.foldersFromFilesStructure, true, `${p.name}: folder and foldersFromFilesStructure exclude each other`);
    }
  });

  test('plugins: apiVersion 1, the api-observatory-app app enabled with its settings', () => {
    const doc = readYaml(`${G}/plugins/api-observatory-app.yaml`);
    assert.equal(doc.apiVersion, 1);
    const app = doc.apps.find((a: any) => a.type === 'api-observatory-app');
    assert.ok(app, 'apps[].type api-observatory-app');
    assert.notEqual(app.disabled, true);
    // Every key is one the app reads (a misspelt key is silently ignored and the app falls back to defaults).
    for (const [k, v] of Object.entries(app.jsonData as Record<string, string>)) {
      const read = resolveSettings({ [k]: 'provisioned-marker' } as AppJsonData);
      assert.ok(Object.values(read).includes('provisioned-marker'), `jsonData.${k} is not a setting of the app (src/settings.ts)`);
      assert.ok(v, `jsonData.${k} has a value`);
    }
    for (const k of ['prometheusUid', 'lokiUid', 'tempoUid', 'backstageUrl'] as const) assert.ok(app.jsonData[k], `jsonData.${k}`);
  });

  test('alerting: contact points and a policy tree whose receivers exist', () => {
    const cp = readYaml(`${G}/alerting/contact-points.yaml`);
    assert.equal(cp.apiVersion, 1);
    const names = new Set<string>();
    const uids = new Set<string>();
    for (const c of cp.contactPoints) {
      assert.ok(c.name && !names.has(c.name), `contact point names are unique (${c.name})`);
      names.add(c.name);
      for (const r of c.receivers) {
        assert.ok(r.uid && !uids.has(r.uid), `${c.name}: receivers need a unique uid`);
        uids.add(r.uid);
        assert.equal(r.type, 'webhook');
        assert.ok(r.settings?.url, `${c.name}: settings.url`);
      }
    }
    const pol = readYaml(`${G}/alerting/policies.yaml`);
    assert.equal(pol.apiVersion, 1);
    assert.equal(pol.policies.length, 1, 'one policy tree (org 1)');
    const walk = (r: any, at: string): void => {
      if (r.receiver) assert.ok(names.has(r.receiver), `${at}: receiver ${r.receiver} is not a contact point`);
      for (const m of r.object_matchers ?? []) assert.ok(Array.isArray(m) && m.length === 3 && ['=', '!=', '=~', '!~'].includes(m[1]), `${at}: object matcher ${JSON.stringify(m)}`);
      (r.routes ?? []).forEach((c: any, i: number) => walk(c, `${at}.routes[${i}]`));
    };
    assert.ok(pol.policies[0].receiver, 'the root policy needs a receiver');
    walk(pol.policies[0], 'policies[0]');
  });
});

describe('grafana.ini', () => {
  const ini = parseIni(readText('provisioning/grafana.ini'));
  const get = (s: string, k: string) => ini.get(s)?.get(k);

  test('anonymous access is off, sign-up only through OAuth', () => {
    assert.equal(get('auth.anonymous', 'enabled'), 'false');
    assert.equal(get('users', 'allow_sign_up'), 'false');
  });

  test('generic OAuth: enabled, all endpoints, client, role mapping from groups', () => {
    assert.equal(get('auth.generic_oauth', 'enabled'), 'true');
    for (const k of ['client_id', 'client_secret', 'auth_url', 'token_url', 'api_url', 'scopes', 'role_attribute_path', 'groups_attribute_path']) {
      assert.ok(get('auth.generic_oauth', k), `[auth.generic_oauth] ${k}`);
    }
    const path = get('auth.generic_oauth', 'role_attribute_path')!;
    for (const role of ['Admin', 'Editor', 'Viewer']) assert.match(path, new RegExp(`'${role}'`), `role_attribute_path yields ${role}`);
    assert.match(path, /groups\[\*\]/, 'role_attribute_path reads the groups claim');
    assert.equal(get('auth.generic_oauth', 'role_attribute_strict'), 'true');
    assert.match(get('auth.generic_oauth', 'scopes')!, /\bopenid\b/);
  });

  test('server root_url and the unsigned app plugin', () => {
    assert.ok(get('server', 'root_url'));
    assert.ok(get('server', 'http_port'));
    assert.match(get('plugins', 'allow_loading_unsigned_plugins') ?? '', /\bapi-observatory-app\b/);
  });
});

describe('Keycloak realm imports', () => {
  for (const [file, realm] of [['provisioning/keycloak/internal-realm.json', 'internal'], ['provisioning/keycloak/partners-realm.json', 'partners']] as const) {
    test(`${rel(path.join(ROOT, file))}: realm ${realm}, clients, groups, users`, () => {
      const r = readJson(file);
      assert.equal(r.realm, realm);
      assert.equal(r.enabled, true);
      assert.notEqual(r.sslRequired, 'none', 'sslRequired external (plain HTTP only from private networks)');
      assert.ok(Array.isArray(r.clients) && r.clients.length > 0);
      const ids = new Set<string>();
      for (const c of r.clients) {
        assert.ok(c.clientId && !ids.has(c.clientId), `unique clientId (${c.clientId})`);
        ids.add(c.clientId);
        assert.equal(c.protocol, 'openid-connect');
        if (c.standardFlowEnabled) {
          assert.ok(c.redirectUris?.length > 0, `${c.clientId}: redirectUris`);
          assert.ok(!c.redirectUris.some((u: string) => u === '*' || u === '/*'), `${c.clientId}: no wildcard-only redirect URI`);
          assert.equal(c.implicitFlowEnabled, false, `${c.clientId}: no implicit flow`);
        }
      }
      assert.ok(ids.has('backstage'), 'a client for Backstage');
      const groups = new Set(r.groups.map((g: any) => g.name));
      for (const u of r.users ?? []) {
        if (u.serviceAccountClientId) {
          // A client's service account is no person: it belongs to a client that has one.
          assert.ok(r.clients.some((c: any) => c.clientId === u.serviceAccountClientId && c.serviceAccountsEnabled), `${u.username}: client ${u.serviceAccountClientId} with a service account`);
          continue;
        }
        assert.ok(u.username && u.email && u.firstName && u.lastName, `${u.username}: username, email and names (complete user profile)`);
        for (const g of u.groups ?? []) assert.ok(groups.has(g.replace(/^\//, '')), `${u.username}: group ${g} does not exist`);
        for (const c of u.credentials ?? []) assert.equal(c.temporary, true, `${u.username}: demo passwords are temporary`);
      }
    });
  }
});

describe('Alertmanager, Prometheus, Loki, Tempo', () => {
  test('alertmanager.yml: a root route, unique receivers, every routed receiver exists', () => {
    const am = readYaml('provisioning/alertmanager/alertmanager.yml');
    const names = am.receivers.map((r: any) => r.name);
    assert.equal(new Set(names).size, names.length, 'unique receiver names');
    assert.ok(am.route?.receiver, 'route.receiver');
    assert.equal(am.route.matchers, undefined, 'the root route matches everything');
    const walk = (r: any, at: string): void => {
      if (r.receiver) assert.ok(names.includes(r.receiver), `${at}: receiver ${r.receiver} does not exist`);
      for (const m of r.matchers ?? []) assert.match(m, /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*".*"$/, `${at}: matcher ${m}`);
      (r.routes ?? []).forEach((c: any, i: number) => walk(c, `${at}.routes[${i}]`));
    };
    walk(am.route, 'route');
    for (const r of am.receivers) {
      for (const w of r.webhook_configs ?? []) assert.ok(w.url_file && !w.url, `${r.name}: webhook URLs only from files (url_file), never inline`);
    }
  });

  test('prometheus.yml: intervals, rule files, an Alertmanager, unique jobs', () => {
    const p = readYaml('docker/prometheus/prometheus.yml');
    assert.ok(p.global.scrape_interval && p.global.evaluation_interval);
    assert.ok(p.rule_files.length >= 1);
    assert.ok(p.alerting.alertmanagers[0].static_configs[0].targets.length >= 1);
    const jobs = p.scrape_configs.map((s: any) => s.job_name);
    assert.equal(new Set(jobs).size, jobs.length, 'unique job names');
  });

  test('loki.yaml: OTLP-ready (tsdb v13 schema, structured metadata)', () => {
    const l = readYaml('docker/loki/loki.yaml');
    assert.ok(l.server.http_listen_port);
    assert.ok(l.schema_config.configs.some((c: any) => c.schema === 'v13' && c.store === 'tsdb'));
    assert.equal(l.limits_config.allow_structured_metadata, true);
  });

  test('tempo.yaml: OTLP gRPC receiver, local storage, service-graph metrics to Prometheus', () => {
    const t = readYaml('docker/tempo/tempo.yaml');
    assert.ok(t.server.http_listen_port);
    assert.ok(t.distributor.receivers.otlp.protocols.grpc.endpoint);
    assert.equal(t.storage.trace.backend, 'local');
    assert.ok(t.metrics_generator.storage.remote_write[0].url);
    assert.ok(t.overrides.defaults.metrics_generator.processors.includes('service-graphs'));
  });
});

describe('Dockerfiles', () => {
  for (const file of walkFiles(path.join(ROOT, 'docker')).filter((f) => path.basename(f) === 'Dockerfile')) {
    test(`${rel(file)}: every base image is pinned`, () => {
      const d = readDockerfile(file);
      const stages = new Set<string>();
      for (const line of readText(file).split('\n')) {
        const m = /^\s*FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
        if (m) stages.add(m[1]!);
      }
      assert.ok(d.from.length > 0, 'a FROM line');
      for (const ref of d.from) {
        if (stages.has(ref)) continue;
        const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(ref);
        if (v) {
          const dflt = d.args.get(v[1]!);
          // Args without a default must be given by docker-compose.yml (checked in consistency.test.ts).
          if (dflt !== undefined) assert.ok(isPinnedImage(dflt), `ARG ${v[1]}=${dflt} is not a pinned image`);
        } else {
          assert.ok(isPinnedImage(ref), `FROM ${ref} is not a pinned image`);
        }
      }
    });
  }
});
