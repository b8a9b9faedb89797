// Static checks: the collector config (YAML) against the telemetry contract. No binary needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  LABELS,
  LATENCY_BUCKETS_SECONDS,
  METRICS,
  PLATFORM_METRICS,
  SERVICE_NAME_PATTERN,
  SPAN_METRICS_NAMESPACE,
  UNAUTHENTICATED_CONSUMER,
  UNKNOWN_DIMENSION,
  type LabelKey,
  type MetricDef,
} from '@api-observatory/telemetry-contract';
import { PROFILES, profileName, TrafficGenerator } from '@api-observatory/traffic-simulator';
import { configPath, loadBalancingPath, loadYaml, lokiOverlayPath } from './helpers';

const text = readFileSync(configPath, 'utf8');
const cfg = loadYaml(configPath);

const attributeOf = (k: LabelKey) => LABELS[k].attribute;
const contractAttributes = (def: MetricDef) => def.labels.map(attributeOf);

/** Every OTTL statement of a transform processor, flattened. */
function statements(processor: string): string[] {
  const p = cfg.processors[processor];
  assert.ok(p, `processor ${processor} is configured`);
  const groups = [...(p.metric_statements ?? []), ...(p.trace_statements ?? []), ...(p.log_statements ?? [])];
  return groups.flatMap((g: any) => (typeof g === 'string' ? [g] : g.statements));
}

/** Un-escapes an OTTL string literal's body the way OTTL does (Go escape sequences; JSON-compatible here). */
function ottlString(literal: string): string {
  return JSON.parse(`"${literal}"`) as string;
}

test('the config contains the contract SERVICE_NAME_PATTERN verbatim (scrape relabeling)', () => {
  assert.ok(text.includes(SERVICE_NAME_PATTERN), 'raw pattern text is in config.yaml');
  for (const job of cfg.receivers.prometheus.config.scrape_configs) {
    const rules = job.metric_relabel_configs as any[];
    const byTarget = Object.fromEntries(rules.map((r) => [r.target_label, r]));
    for (const [target, group] of [['api', '1'], ['api_version', '2'], ['deployment_role', '3']] as const) {
      const r = byTarget[target];
      assert.ok(r, `${job.job_name}: relabel rule for ${target}`);
      assert.deepEqual(r.source_labels, ['service']);
      assert.equal(r.regex, SERVICE_NAME_PATTERN, `${job.job_name}/${target} uses the contract pattern unchanged`);
      // "$$" is the collector's escape for a literal "$": Prometheus sees ${1}, ${2}, ${3}.
      assert.equal(r.replacement, `$\${${group}}`);
    }
  }
});

test('the span transform applies the same SERVICE_NAME_PATTERN (as an OTTL string literal)', () => {
  // One ExtractPatterns: the contract's pattern with its three groups named api, api_version, deployment_role.
  const uses = statements('transform/spans').filter((s) => s.includes('stable|baseline|canary'));
  assert.equal(uses.length, 1, 'one match gives api, api_version and deployment_role');
  const m = /ExtractPatterns\(span\.attributes\["api"\], "((?:\\.|[^"\\])*)"\)/.exec(uses[0]!);
  assert.ok(m, uses[0]);
  const named = ottlString(m[1]!);
  assert.deepEqual([...named.matchAll(/\(\?P<([a-z_]+)>/g)].map((x) => x[1]), ['api', 'api_version', 'deployment_role']);
  assert.equal(named.replace(/\?P<[a-z_]+>/g, ''), SERVICE_NAME_PATTERN, 'the exact pattern, groups named');
  assert.ok(uses[0]!.startsWith('merge_maps(span.attributes, ExtractPatterns('), uses[0]);
});

test('span metrics: namespace, unit, buckets and dimensions follow the contract', () => {
  const sm = cfg.connectors.span_metrics;
  assert.equal(sm.namespace, SPAN_METRICS_NAMESPACE);
  assert.equal(`${SPAN_METRICS_NAMESPACE}.calls`, METRICS.trafficCalls.otelName);
  assert.equal(`${SPAN_METRICS_NAMESPACE}.duration`, METRICS.trafficDuration.otelName);
  assert.equal(sm.histogram.unit, METRICS.trafficDuration.unit);
  const buckets = (sm.histogram.explicit.buckets as string[]).map((b) => {
    const m = /^([0-9.]+)s$/.exec(String(b));
    assert.ok(m, `bucket ${b} is written in seconds`);
    return Number(m[1]);
  });
  assert.deepEqual(buckets, [...LATENCY_BUCKETS_SECONDS]);
  // Common dimensions go on both metrics, calls_dimensions on the counter, histogram.dimensions on the histogram.
  const names = (ds: any[] | undefined) => (ds ?? []).map((d) => d.name as string);
  const common = names(sm.dimensions);
  assert.deepEqual([...common, ...names(sm.calls_dimensions)].sort(), [...contractAttributes(METRICS.trafficCalls)].sort());
  assert.deepEqual([...common, ...names(sm.histogram.dimensions)].sort(), [...contractAttributes(METRICS.trafficDuration)].sort());
  for (const k of ['consumer', 'plan', 'tenant', 'country'] as const) {
    assert.ok(!contractAttributes(METRICS.trafficDuration).includes(LABELS[k].attribute), `the span histogram has no ${k}: its series must not grow with consumers`);
  }
  assert.ok(sm.exemplars.enabled, 'exemplars on');
  assert.match(String(sm.aggregation_cardinality_limit), /^\$\{env:SPANMETRICS_CARDINALITY_LIMIT:-\d+\}$/);
  assert.match(String(sm.exclude_dimensions), /service\.name, span\.name, span\.kind, status\.code, collector\.instance\.id/);
  const calls = statements('transform/spanmetrics').find((s) => s.includes('"apigw.traffic.calls"') && s.includes('metric.unit'));
  assert.ok(calls?.includes(`"${METRICS.trafficCalls.unit}"`), 'calls get the contract unit');
});

test('scraped gateway metrics are renamed to, and aggregated on, exactly the contract labels', () => {
  const all = [...statements('transform/gateway_metrics'), ...statements('transform/gateway_metrics_finish')];
  const scraped = Object.values(METRICS).filter((d) => d.source === 'gateway-scrape');
  assert.equal(scraped.length, 5);
  for (const def of scraped) {
    assert.ok(all.some((s) => s.includes(`"${def.otelName}"`) && /^(set\(metric\.name|copy_metric)/.test(s)), `${def.otelName} is produced`);
    const agg = all.find((s) => s.startsWith('aggregate_on_attributes') && s.includes(`metric.name == "${def.otelName}"`));
    assert.ok(agg, `${def.otelName} is aggregated`);
    const keys = JSON.parse(/\[(.*?)\]/.exec(agg)![0]) as string[];
    assert.deepEqual([...keys].sort(), [...contractAttributes(def)].sort(), `${def.otelName} keeps the contract labels`);
    if (def.unit === 's') {
      assert.ok(all.some((s) => s.startsWith('scale_metric(0.001, "s")') && s.includes(`"${def.otelName}"`)), `${def.otelName}: ms -> s`);
    } else {
      assert.ok(all.some((s) => s === `set(metric.unit, "${def.unit}") where metric.name == "${def.otelName}"`), `${def.otelName}: unit ${def.unit}`);
    }
  }
  // Anything not in the contract is dropped.
  const keep = cfg.processors['filter/gateway_metrics'].metric_conditions[0].conditions[0] as string;
  for (const def of scraped) assert.ok(keep.includes(`"${def.otelName}"`));
});

/** The pipelines each pipeline feeds, through connectors. */
function pipelineGraph(c: any) {
  const pipes = c.service.pipelines as Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
  const connectors = new Set(Object.keys(c.connectors ?? {}));
  return { pipes, connectors };
}

function checkRedactionBeforeExport(c: any, name: string) {
  const { pipes, connectors } = pipelineGraph(c);
  // A pipeline is "clean" when it has a redaction processor, or all its receivers are connectors fed only by clean pipelines.
  const clean = new Map<string, boolean>();
  const isClean = (p: string, seen = new Set<string>()): boolean => {
    if (clean.has(p)) return clean.get(p)!;
    if (seen.has(p)) return false;
    seen.add(p);
    const def = pipes[p]!;
    let ok = (def.processors ?? []).some((x) => x.startsWith('redaction'));
    if (!ok && def.receivers.every((r) => connectors.has(r))) {
      const feeders = Object.keys(pipes).filter((q) => def.receivers.some((r) => pipes[q]!.exporters.includes(r)));
      ok = feeders.length > 0 && feeders.every((q) => isClean(q, seen));
    }
    clean.set(p, ok);
    return ok;
  };
  for (const [p, def] of Object.entries(pipes)) {
    const realExporters = def.exporters.filter((e) => !connectors.has(e));
    if (realExporters.length > 0) assert.ok(isClean(p), `${name}: pipeline ${p} redacts before ${realExporters.join(', ')}`);
    if (def.receivers.some((r) => !connectors.has(r))) {
      assert.equal(def.processors?.[0], 'memory_limiter', `${name}: ${p} starts with memory_limiter`);
      const procs = def.processors ?? [];
      const red = procs.findIndex((x) => x.startsWith('redaction'));
      if (red >= 0) assert.ok(procs.slice(red + 1).every((x) => x === 'batch' || x.startsWith('redaction')), `${name}: ${p}: nothing rewrites data after redaction`);
    }
  }
}

test('every pipeline masks credentials before any exporter, and starts with memory_limiter', () => {
  checkRedactionBeforeExport(cfg, 'config.yaml');
  // The Loki overlay only adds an exporter to the logs pipeline, which redacts.
  const loki = loadYaml(lokiOverlayPath);
  assert.deepEqual(Object.keys(loki.service.pipelines), ['logs']);
  assert.ok(cfg.service.pipelines.logs.processors.includes('redaction/logs'));
  // The metrics redaction must not add summary attributes (they would become labels).
  assert.equal(cfg.processors['redaction/metrics'].summary, 'silent');
});

test('the load-balancing tier only routes, to backends that run the shared config (which masks before every exporter)', () => {
  const lb = loadYaml(loadBalancingPath);
  // Every pipeline: memory_limiter and nothing else, so what reaches a backend is what the gateways sent,
  // and the backend's redaction (checked above for config.yaml) applies to all of it.
  assert.deepEqual(Object.keys(lb.processors), ['memory_limiter']);
  for (const [name, p] of Object.entries(lb.service.pipelines as Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>)) {
    assert.deepEqual(p.processors, ['memory_limiter'], name);
    assert.deepEqual(p.receivers, ['otlp'], name);
    assert.ok(p.exporters.every((e) => e.startsWith('load_balancing/')), `${name} exports only to the backends`);
  }
  assert.equal(lb.exporters['load_balancing/traces'].routing_key, 'traceID');
  assert.equal(lb.exporters['load_balancing/metrics'].routing_key, 'service');
});

test('redaction patterns mask the credentials the gateways leak and spare ordinary values', () => {
  const r = cfg.processors['redaction/traces'];
  const values = (r.blocked_values as string[]).map((v) => new RegExp(v.replace(/^\(\?i\)/, ''), v.startsWith('(?i)') ? 'gi' : 'g'));
  const keys = (r.blocked_key_patterns as string[]).map((v) => new RegExp(v.replace(/^\(\?i\)/, ''), v.startsWith('(?i)') ? 'i' : ''));
  const mask = (s: string) => values.reduce((acc, re) => acc.replace(re, '****'), s);
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl-x';
  assert.equal(mask(`Bearer ${jwt}`), 'Bearer ****');
  assert.equal(mask(jwt), '****');
  assert.equal(mask('Basic dXNlcjpwYXNzd29yZA=='), '****');
  assert.equal(mask('jane.doe@example.com'), '****');
  assert.equal(mask('/orders?api_key=abc123&page=2'), '/orders****&page=2');
  assert.equal(mask('/orders?apikey=****&page=2'), '/orders?apikey=****&page=2', 'already masked by the transform: unchanged');
  for (const ok of ['orders-v2-canary', 'orders-list', 'GET', '/orders/*', 'acme-mobile', 'https://api.example.test/orders?page=2', '203.0.113.7']) {
    assert.equal(mask(ok), ok, `${ok} is not masked`);
  }
  const masked = (k: string) => keys.some((re) => re.test(k));
  for (const k of ['authorization', 'http.request.header.authorization', 'cookie', 'http.request.header.cookie', 'http.request.header.set-cookie', 'http.request.header.x-api-key', 'x_api_key', 'apikey', 'client_secret', 'password', 'http.request.header.x-csrf-token', 'token']) {
    assert.ok(masked(k), `${k} is masked`);
  }
  for (const k of ['proxy-authorization', 'http.request.header.proxy-authorization', 'x_auth_token', 'access_token', 'refresh-token', 'id.token', 'client.secret', 'Session-Id', 'sessionid', 'passwd', 'x.api.key']) {
    assert.ok(masked(k), `${k} is masked`);
  }
  for (const k of ['http.route', 'tenant', 'consumer', 'kong.request.id', 'url.full', 'http.request.header.x_client_country', 'api_version', 'tokens', 'passwordless', 'keys', 'secretary.name']) {
    assert.ok(!masked(k), `${k} is not masked`);
  }
});

test('redaction skips by default only keys whose values the gateway configuration, numbers or fixed sets give', () => {
  const raw = String(cfg.processors['redaction/traces'].ignored_keys);
  const m = /^\$\{env:REDACTION_IGNORED_KEYS:-\[(.*)\]\}$/.exec(raw);
  assert.ok(m, raw);
  const ignored = m[1]!.split(',').map((k) => k.trim());
  assert.ok(ignored.includes('http.route') && ignored.includes('api'), 'contract labels derived from gateway names are skipped');
  // Values a client, an identity provider or a plugin controls stay checked.
  for (const k of ['consumer', 'country', 'url.full', 'url.path', 'url.query', 'user_agent.original', 'server.address', 'client.address', 'network.peer.address', 'enduser.id', 'jwt.sub', 'http.request.header.authorization', 'http.request.header.x_client_country', 'kong.consumer.username', 'apisix.consumer_name', 'exception.message']) {
    assert.ok(!ignored.includes(k), `${k} is checked`);
  }
  const keys = (cfg.processors['redaction/traces'].blocked_key_patterns as string[]).map((v) => new RegExp(v.replace(/^\(\?i\)/, ''), 'i'));
  for (const k of ignored) assert.ok(!keys.some((re) => re.test(k)), `${k} is not a credential key`);
});

test('first occurrences: scraped metrics go over remote write 2 (start times) in order, span metrics keep remote write 1 (exemplars)', () => {
  const rw2 = cfg.exporters['prometheus_remote_write/gateways'];
  const rw1 = cfg.exporters.prometheus_remote_write;
  assert.equal(rw2.protobuf_message, 'io.prometheus.write.v2.Request');
  assert.equal(rw2.remote_write_queue.num_consumers, 1, 'one sender: a start time must not overtake the previous sample');
  assert.equal(rw1.protobuf_message, undefined);
  for (const k of ['http', 'translation_strategy', 'target_info', 'disable_scope_info', 'timeout', 'retry_on_failure']) assert.deepEqual(rw2[k], rw1[k], k);
  assert.deepEqual(cfg.service.pipelines['metrics/gateways'].exporters.filter((e: string) => e.startsWith('prometheus_remote_write')), ['prometheus_remote_write/gateways']);
  assert.deepEqual(cfg.service.pipelines['metrics/spanmetrics'].exporters.filter((e: string) => e.startsWith('prometheus_remote_write')), ['prometheus_remote_write']);
  const finish = JSON.stringify(cfg.processors['transform/gateway_metrics_finish']);
  assert.match(finish, /start_time_unix_nano/);
  assert.match(JSON.stringify(cfg.processors['transform/gateway_metrics']), /scrape_series_added/);
});

test('exporters: remote write with contract naming, queue and retry; traces with queue and retry', () => {
  const prw = cfg.exporters.prometheus_remote_write;
  assert.equal(prw.http.endpoint, '${env:PROMETHEUS_REMOTE_WRITE_URL:-http://127.0.0.1:9090/api/v1/write}');
  assert.equal(prw.translation_strategy, 'UnderscoreEscapingWithSuffixes');
  assert.equal(prw.target_info.enabled, false);
  assert.equal(prw.disable_scope_info, true);
  assert.equal(prw.remote_write_queue.enabled, true);
  assert.equal(prw.retry_on_failure.enabled, true);
  // The exporter's retries run inside its timeout: both must be the same budget.
  assert.equal(prw.timeout, prw.retry_on_failure.max_elapsed_time);
  const tr = cfg.exporters['otlp_grpc/traces'];
  assert.equal(tr.endpoint, '${env:TRACES_OTLP_ENDPOINT:-127.0.0.1:14317}');
  assert.equal(tr.sending_queue.enabled, true);
  assert.equal(tr.retry_on_failure.enabled, true);
  assert.match(cfg.receivers.otlp.protocols.grpc.endpoint, /^\$\{env:OTLP_GRPC_ENDPOINT/);
  assert.match(cfg.receivers.otlp.protocols.http.endpoint, /^\$\{env:OTLP_HTTP_ENDPOINT/);
});

test('an empty or absent consumer becomes the contract\'s UNAUTHENTICATED_CONSUMER in metrics, spans and span metrics', () => {
  const finish = statements('transform/gateway_metrics_finish').filter((x) => x.startsWith('set(datapoint.attributes["consumer"]'));
  assert.deepEqual(finish.map((x) => /, "([^"]*)"\)/.exec(x)?.[1]), [UNAUTHENTICATED_CONSUMER]);
  const spans = statements('transform/spans').filter((x) => /^set\(span\.attributes\["consumer"\], "/.test(x));
  assert.deepEqual(spans.map((x) => /, "([^"]*)"\)/.exec(x)?.[1]), [UNAUTHENTICATED_CONSUMER]);
  const allDims = [...cfg.connectors.span_metrics.dimensions, ...cfg.connectors.span_metrics.calls_dimensions] as any[];
  const dim = allDims.find((d) => d.name === LABELS.consumer.attribute);
  assert.equal(dim.default, UNAUTHENTICATED_CONSUMER);
  assert.ok(!text.includes('anonymous'), 'no other name for the same fact');
  for (const k of ['plan', 'tenant', 'country', 'route'] as const) {
    const d = allDims.find((x) => x.name === LABELS[k].attribute);
    assert.equal(d.default, UNKNOWN_DIMENSION, `span metrics default of ${LABELS[k].attribute}`);
  }
});

/** The scrape relabeling rule that marks a sample as known (mapped, or knowingly ignored). */
function knownSamples(): RegExp {
  const rules = cfg.receivers.prometheus.config.scrape_configs[0].metric_relabel_configs as any[];
  const known = rules.find((r) => r.target_label === '__tmp_known');
  assert.ok(known, 'a rule marks known samples');
  return new RegExp(`^(?:${known.regex})$`); // Prometheus anchors relabel regexes
}

test('every sample of every simulated gateway version is known to the collector; others are set aside as unmapped', () => {
  const known = knownSamples();
  const id = { kongNodeId: 'n', apisixHostname: 'h' };
  for (const profile of PROFILES) {
    const exp = profile.exposition(id);
    const gen = new TrafficGenerator({ seed: 3, gateways: [profile.gateway] });
    for (let i = 0; i < 300; i++) exp.record(gen.next());
    const names = new Set(exp.render().split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
    assert.ok(names.size > 5);
    for (const n of names) assert.ok(known.test(n), `${profileName(profile)}: ${n} is neither mapped nor known`);
  }
  // APISIX with another metric_prefix, or a future family, is not known.
  for (const n of ['gw_http_status', 'kong_http_requests_v2_total', 'apisix_http_status_v2', 'up']) assert.ok(!known.test(n), n);
  // per-node families of versions the simulator does not render
  for (const n of ['kong_db_entities_total', 'kong_memory_lua_shared_dict_bytes', 'kong_upstream_target_health', 'kong_ai_llm_requests_total', 'apisix_shared_dict_capacity_bytes', 'apisix_upstream_status', 'apisix_llm_latency_bucket']) assert.ok(known.test(n), n);
});

test('unmapped samples are renamed to the contract\'s platform series and counted on exactly its labels', () => {
  const def = PLATFORM_METRICS.collectorUnmappedGatewaySamples;
  for (const job of cfg.receivers.prometheus.config.scrape_configs) {
    const rules = job.metric_relabel_configs as any[];
    const rename = rules.find((r) => r.target_label === '__name__');
    assert.equal(rename?.replacement, def.name, `${job.job_name}: unknown samples renamed`);
    assert.ok(rules.some((r) => r.target_label === 'gateway_metric' && r.replacement === '$${1}'), `${job.job_name}: original name kept`);
    assert.equal(job.static_configs[0].labels.gateway, job.job_name, 'the gateway label names the gateway');
  }
  const otelName = statements('transform/gateway_metrics').map((x) => /^set\(metric\.name, "([^"]+)"\) where metric\.name == "([^"]+)"$/.exec(x)).find((m) => m?.[2] === def.name)?.[1];
  assert.equal(otelName, def.otelName, 'renamed to the contract\'s OTel name');
  assert.equal(otelName.replace(/\./g, '_'), def.name, 'which remote write turns back into the contract name');
  const agg = statements('transform/gateway_metrics_finish').find((x) => x.startsWith('aggregate_on_attributes("count"') && x.includes(`"${otelName}"`));
  assert.ok(agg, 'counted per scrape');
  assert.deepEqual(JSON.parse(/\[(.*?)\]/.exec(agg)![0]), [...def.labels]);
  const keep = cfg.processors['filter/gateway_metrics'].metric_conditions[0].conditions[0] as string;
  assert.ok(keep.includes(`"${otelName}"`), 'not filtered out');
});
