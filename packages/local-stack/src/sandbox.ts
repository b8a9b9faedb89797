/**
 * The `npm start` sandbox: the stack with the canary gate, its canary API (orders) busy enough to be
 * judged, and the Backstage dev app wired to the URLs the stack actually bound. Backstage gets them in
 * a config overlay written for this run (literal URLs, no environment fallbacks), loaded after the
 * app's own config files, so a port moved by a flag or taken by something else can never leave Backstage
 * reading another Prometheus, Jaeger or canary gate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { COMPONENT_JOBS } from '@api-observatory/telemetry-contract';
import type { GatewayChoice, ScenarioName } from '@api-observatory/traffic-simulator';
import { backstageKeycloakConfig, startBackstage, type RunningBackstage } from './backstage';
import { startKafka, type RunningKafka } from './kafka';
import { partnerApplications, startKeycloak, type RunningKeycloak } from './keycloak';
import { runDir } from './paths';
import { freePorts } from './ports';
import { startStack, type Stack } from './stack';

/** The API that runs a canary in the sandbox (the sample catalog's Orders API). */
export const SANDBOX_CANARY_API = 'orders';
/**
 * Shares of the canary API's traffic for the canary and its baseline (stable serves the rest). With the
 * catalog's canary API share this gives each side about 2 req/s at the default 20 req/s: over twice the
 * default gate's floor of 50 requests per one-minute interval.
 */
export const SANDBOX_CANARY_SHARES = { canaryShare: 0.25, baselineShare: 0.25 } as const;

/**
 * Healthy 5xx shares of the sandbox's APIs: under the error budget of the strictest availability
 * objective in alerts/slo.yaml (99.95 %: 0.05 %), so a healthy sandbox's SLO gate passes and no burn
 * alert fires (a test checks it against the file); still a few failed requests an hour per API.
 */
export const SANDBOX_SERVER_ERRORS = { min: 0.0002, max: 0.0004 } as const;

/** `--canary` values: the simulator's scenarios, the two regressions by short names. */
export const CANARY_SCENARIOS: Readonly<Record<string, ScenarioName>> = {
  healthy: 'healthy',
  regression: 'error-regression',
  latency: 'latency-regression',
  'low-traffic': 'low-traffic',
  'no-data': 'no-data',
  'noisy-baseline': 'noisy-baseline',
};

export function canaryScenario(name: string): ScenarioName | undefined {
  return Object.hasOwn(CANARY_SCENARIOS, name) ? CANARY_SCENARIOS[name] : undefined;
}

export interface SandboxUrls {
  prometheus: string;
  jaeger: string;
  canaryGate: string;
  /** Kafka bootstrap servers: the governance backend relays its events there. */
  kafka?: string[];
}

/**
 * Backstage config for the sandbox: the observability tab and the governance gates read the stack's
 * Prometheus, the trace view reads its Jaeger's query API, and the canary gate is the stack's canary-gate server,
 * required (a promotion needs its promote verdict, or an override). The sandbox has no Grafana, so no
 * Grafana links.
 */
export function sandboxBackstageConfig(u: SandboxUrls): Record<string, unknown> {
  return {
    // null masks the app config's Grafana URL (an empty string is a type error to Backstage's config reader).
    apiObservability: { prometheusUrl: u.prometheus, jaegerUrl: u.jaeger, grafanaUrl: null },
    apiGovernance: {
      gates: {
        canary: { source: 'http', url: u.canaryGate, required: true },
        slo: { prometheusUrl: u.prometheus },
      },
      ...(u.kafka ? { kafka: { brokers: u.kafka, createTopic: true } } : {}),
    },
  };
}

export interface SandboxOptions {
  gateway: GatewayChoice;
  rps: number;
  seed: number;
  scenario: ScenarioName;
  /** Wanted ports; undefined picks free ones. */
  prometheusPort?: number;
  jaegerPort?: number;
  /** Backstage's port, or null to run without Backstage. */
  backstagePort: number | null;
  /** Run folder name under .run/ (default `sandbox`). */
  name?: string;
  /**
   * Keycloak's port to start it with the pack's realms (undefined: no Keycloak, Backstage signs the sample
   * users in by header); Backstage then signs people in through Keycloak and reads its users and groups,
   * and the simulator's consumers are the partners realm's applications with real tokens.
   */
  keycloakPort?: number;
}

export interface Sandbox {
  stack: Stack;
  urls: SandboxUrls;
  backstage?: RunningBackstage;
  /** The overlay Backstage was started with. */
  backstageConfigFile?: string;
  keycloak?: RunningKeycloak;
  stop(): Promise<void>;
}

/**
 * Imported realm databases of the sandbox's Keycloak, kept between runs (startKeycloak's realmCache). The
 * leading underscore keeps it apart from every `--run-name` folder.
 */
export function sandboxRealmCache(): string {
  return runDir('_keycloak-realms');
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  if (o.keycloakPort === undefined) return startSandboxStack(o);
  const [managementPort] = await freePorts(1);
  const dir = `${runDir(o.name ?? 'sandbox')}-keycloak`;
  // Keycloak (a JVM start) starts alongside the stack and Kafka; the simulator and Backstage wait for it.
  const keycloakStart = startKeycloak({
    port: o.keycloakPort,
    managementPort: managementPort!,
    dir,
    logDir: path.join(dir, 'logs'),
    realmEnv: o.backstagePort === null ? {} : { BACKSTAGE_PUBLIC_URL: `http://127.0.0.1:${o.backstagePort}` },
    realmCache: sandboxRealmCache(),
  });
  // Its failure is reported where it is awaited; until then it must not count as unhandled.
  keycloakStart.catch(() => undefined);
  try {
    const sandbox = await startSandboxStack(o, keycloakStart);
    const keycloak = await keycloakStart;
    return {
      ...sandbox,
      keycloak,
      async stop() {
        await sandbox.stop();
        await keycloak.stop();
      },
    };
  } catch (e) {
    await keycloakStart.then((kc) => kc.stop(), () => undefined);
    throw e;
  }
}

async function startSandboxStack(o: SandboxOptions, keycloakStart?: Promise<RunningKeycloak>): Promise<Sandbox> {
  // Backstage serves its plugins' metrics (the governance outbox backlog) here; Prometheus scrapes it from the start.
  const [backstageMetricsPort] = (await freePorts(1)) as [number];
  // The consumers hold real tokens of realm partners.
  const simulatorLater = keycloakStart?.then((kc) => ({ consumerCredentials: partnerApplications(kc) }));
  simulatorLater?.catch(() => undefined);
  // One broker for the governance events (the backend relays its outbox to it), started alongside the
  // stack in the stack's folder, emptied here first.
  const stackDir = runDir(o.name ?? 'sandbox');
  await rm(stackDir, { recursive: true, force: true });
  const kafkaStart = o.backstagePort === null ? undefined : startKafka({ brokers: 1, dataDir: path.join(stackDir, 'kafka'), logDir: path.join(stackDir, 'logs') });
  kafkaStart?.catch(() => undefined);
  const stopKafka = () => kafkaStart?.then((k) => k.stop(), () => undefined);
  let stack: Stack;
  try {
    stack = await startStack({
      ...(o.backstagePort === null ? {} : { scrapeJobs: { [COMPONENT_JOBS.backstage]: [`127.0.0.1:${backstageMetricsPort}`] } }),
      dir: stackDir,
      fresh: false,
      prometheusPort: o.prometheusPort,
      jaegerQueryPort: o.jaegerPort,
      scrapeInterval: '10s',
      canaryGate: true,
      simulator: {
        gateway: o.gateway,
        rps: o.rps,
        seed: o.seed,
        scenario: o.scenario,
        canaryApi: SANDBOX_CANARY_API,
        ...SANDBOX_CANARY_SHARES,
        serverErrorRange: SANDBOX_SERVER_ERRORS,
        onProgress: () => undefined,
      },
      ...(simulatorLater ? { simulatorLater } : {}),
    });
  } catch (e) {
    await stopKafka();
    throw e;
  }
  const urls: SandboxUrls = { prometheus: stack.prometheus.url, jaeger: stack.jaeger.url, canaryGate: stack.canaryGate!.url };
  if (o.backstagePort === null || !kafkaStart) return { stack, urls, stop: () => stack.stop() };

  let kafka: RunningKafka;
  try {
    kafka = await kafkaStart;
  } catch (e) {
    await stack.stop();
    throw e;
  }
  urls.kafka = kafka.brokers;
  const stopAll = async () => {
    await kafka.stop();
    await stack.stop();
  };

  const dir = path.join(stack.dir, 'backstage');
  mkdirSync(dir, { recursive: true });
  const backstageConfigFile = path.join(dir, 'app-config.sandbox.yaml');
  // JSON is YAML; the header says where the values come from.
  writeFileSync(backstageConfigFile, `# Written by packages/local-stack (sandbox.ts) for this run: the URLs the stack bound.\n${JSON.stringify(sandboxBackstageConfig(urls), null, 2)}\n`);
  let backstage: RunningBackstage;
  try {
    // Backstage's own spans (governance transitions, observability summaries) go to the collector, then Jaeger.
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.collector.otlpHttpEndpoint,
      OTEL_SERVICE_NAME: 'backstage',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(backstageMetricsPort),
    };
    // With Keycloak, people sign in through it and the catalog's users and groups come from it.
    const kc = keycloakStart ? backstageKeycloakConfig(await keycloakStart) : undefined;
    backstage = await startBackstage({
      port: o.backstagePort,
      logDir: path.join(stack.dir, 'logs'),
      configFiles: [...(kc ? [kc.configFile] : []), backstageConfigFile],
      env: { ...env, ...kc?.env },
    });
  } catch (e) {
    await stopAll();
    throw e;
  }
  return {
    stack,
    urls,
    backstage,
    backstageConfigFile,
    async stop() {
      await backstage.stop();
      await stopAll();
    },
  };
}
