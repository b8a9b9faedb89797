import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { COMPONENT_JOBS } from '@api-observatory/telemetry-contract';
import { simulatedMetricsPorts, startLiveSimulator, type LiveOptions, type LiveSimulator } from '@api-observatory/traffic-simulator';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager';
import { catalogGateways } from './catalog-gateways';
import { startCanaryGate, type RunningCanaryGate } from './canary-gate';
import { startCollector, type CollectorOptions, type RunningCollector } from './collector';
import { startJaeger, type RunningJaeger } from './jaeger';
import { startOpa, type RunningOpa } from './opa';
import { repoRoot, runDir } from './paths';
import { freePorts } from './ports';
import { startPrometheus, type RunningPrometheus } from './prometheus';

export interface StackOptions {
  /** Folder for data and logs; defaults to .run/<name>. */
  dir?: string;
  name?: string;
  /** Fixed ports for the user-facing parts (sandbox); tests leave them unset to get free ports. */
  prometheusPort?: number;
  jaegerQueryPort?: number;
  /**
   * Simulator options; null runs the stack without a simulator. Playing both gateways, the simulator
   * routes each API through the gateways its sample-catalog entity names unless `apiGateways` is given;
   * playing one gateway, every API goes through it.
   */
  simulator?: Omit<LiveOptions, 'port' | 'otlpEndpoint'> | null;
  /**
   * More simulator options known only later (the consumers' credentials of a Keycloak that starts
   * alongside the stack): awaited just before the simulator starts, after the other components.
   */
  simulatorLater?: Promise<Partial<Omit<LiveOptions, 'port' | 'otlpEndpoint'>>>;
  scrapeInterval?: string;
  /** Load alerts/rules/*.yaml into Prometheus (default true). */
  loadRules?: boolean;
  collector?: Partial<Pick<CollectorOptions, 'debugVerbosity' | 'env' | 'overlays'>>;
  /** Remove the folder's previous data first (default true). */
  fresh?: boolean;
  /**
   * Run `canary-gate serve` against the stack's Prometheus (default off); `configFile`: its gate config.
   * Prometheus scrapes its /metrics and its evaluation spans go to the collector.
   */
  canaryGate?: boolean | { configFile?: string };
  /** Run OPA with the governance policy (policies/) for the governance backend (default off); Prometheus scrapes its /metrics. */
  opa?: boolean;
  /** Run Alertmanager with this configuration and send Prometheus' alerts to it (default off); Prometheus scrapes its /metrics. */
  alertmanager?: { config: string };
  /** More scrape jobs for the stack's Prometheus (job → host:port targets), for components started after it. */
  scrapeJobs?: Record<string, string[]>;
}

export interface Stack {
  dir: string;
  prometheus: RunningPrometheus;
  jaeger: RunningJaeger;
  collector: RunningCollector;
  simulator?: LiveSimulator;
  canaryGate?: RunningCanaryGate;
  opa?: RunningOpa;
  alertmanager?: RunningAlertmanager;
  ports: { prometheus: number; jaegerQuery: number; collectorOtlpHttp: number; collectorOtlpGrpc: number; canaryGate?: number; opa?: number };
  /** Restart Prometheus on the same port and data folder (outage tests). */
  restartPrometheus(): Promise<RunningPrometheus>;
  /** Restart Jaeger on the same ports (its in-memory store starts empty). */
  restartJaeger(): Promise<RunningJaeger>;
  stop(): Promise<void>;
}

export { catalogGateways, sampleCatalogDir } from './catalog-gateways';

/** The pack's recording and alert rules, loaded into every local Prometheus so they run for real. */
export function ruleFiles(): string[] {
  const dir = path.join(repoRoot(), 'alerts', 'rules');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

/** Starts Jaeger, Prometheus, the collector and (optionally) the simulator and the canary gate, wired together on loopback. */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const dir = o.dir ?? runDir(o.name ?? 'stack');
  if (o.fresh !== false) await rm(dir, { recursive: true, force: true });
  const logDir = path.join(dir, 'logs');
  const [pPort, jGrpc, jHttp, jQuery, jQueryGrpc, cGrpc, cHttp, cHealth, cSelf, simPort, gatePort, opaPort] = await freePorts(12);
  const ports = {
    prometheus: o.prometheusPort ?? pPort!,
    jaegerQuery: o.jaegerQueryPort ?? jQuery!,
    collectorOtlpHttp: cHttp!,
    collectorOtlpGrpc: cGrpc!,
    ...(o.canaryGate ? { canaryGate: gatePort! } : {}),
    ...(o.opa ? { opa: opaPort! } : {}),
  };
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };

  try {
    const jaegerOpts = { otlpGrpcPort: jGrpc!, otlpHttpPort: jHttp!, queryPort: ports.jaegerQuery, queryGrpcPort: jQueryGrpc!, logDir };
    let jaeger = await startJaeger(jaegerOpts);
    const jaegerRef = { stop: () => jaeger.stop() };
    started.push(jaegerRef);

    let alertmanager: RunningAlertmanager | undefined;
    if (o.alertmanager) {
      const [amPort] = await freePorts(1);
      alertmanager = await startAlertmanager({ port: amPort!, dataDir: path.join(dir, 'alertmanager'), logDir, config: o.alertmanager.config });
      started.push(alertmanager);
    }

    const promOpts = {
      port: ports.prometheus,
      dataDir: path.join(dir, 'prometheus'),
      logDir,
      scrapeInterval: o.scrapeInterval ?? '15s',
      scrapeJobs: {
        otelcol: [`127.0.0.1:${cSelf}`],
        ...(o.canaryGate ? { 'canary-gate': [`127.0.0.1:${gatePort}`] } : {}),
        // The platform dashboard's OPA and Alertmanager panels select these jobs (COMPONENT_JOBS).
        ...(o.opa ? { [COMPONENT_JOBS.opa]: [`127.0.0.1:${opaPort}`] } : {}),
        ...(alertmanager ? { [COMPONENT_JOBS.alertmanager]: [alertmanager.target] } : {}),
        ...o.scrapeJobs,
      },
      ruleFiles: o.loadRules === false ? [] : ruleFiles(),
      ...(alertmanager ? { alertmanagers: [alertmanager.target] } : {}),
    };
    let prometheus = await startPrometheus(promOpts);
    started.push({ stop: () => prometheus.stop() });

    // Ports for the simulator are chosen first so the collector can scrape them from its first interval.
    const simPorts = o.simulator ? simulatedMetricsPorts(o.simulator.gateway, simPort!) : {};
    const gatewayTargets = Object.fromEntries(Object.entries(simPorts).map(([g, port]) => [g, [`127.0.0.1:${port}`]]));

    const collector = await startCollector({
      otlpGrpcPort: cGrpc!,
      otlpHttpPort: cHttp!,
      healthPort: cHealth!,
      selfMetricsPort: cSelf!,
      remoteWriteUrl: `${prometheus.url}/api/v1/write`,
      tracesOtlpEndpoint: jaeger.otlpGrpcEndpoint,
      gatewayTargets,
      scrapeInterval: o.scrapeInterval ?? '15s',
      logDir,
      ...o.collector,
    });
    started.push(collector);

    let canaryGate: RunningCanaryGate | undefined;
    if (o.canaryGate) {
      const configFile = typeof o.canaryGate === 'object' ? o.canaryGate.configFile : undefined;
      canaryGate = await startCanaryGate({ port: gatePort!, prometheusUrl: prometheus.url, otlpEndpoint: collector.otlpHttpEndpoint, logDir, ...(configFile ? { configFile } : {}) });
      started.push(canaryGate);
    }

    let opa: RunningOpa | undefined;
    if (o.opa) {
      opa = await startOpa({ port: opaPort!, logDir });
      started.push(opa);
    }

    let simulator: LiveSimulator | undefined;
    if (o.simulator) {
      const apiGateways = o.simulator.apiGateways ?? (o.simulator.gateway === 'both' ? catalogGateways() : undefined);
      const later = o.simulatorLater ? await o.simulatorLater : {};
      simulator = await startLiveSimulator({ ...o.simulator, ...later, apiGateways, port: simPort!, otlpEndpoint: collector.otlpHttpEndpoint });
      started.push({ stop: () => simulator!.stop() });
    }

    return {
      dir,
      get prometheus() { return prometheus; },
      get jaeger() { return jaeger; },
      collector,
      simulator,
      canaryGate,
      opa,
      alertmanager,
      ports,
      async restartPrometheus() {
        await prometheus.stop();
        prometheus = await startPrometheus(promOpts);
        return prometheus;
      },
      async restartJaeger() {
        await jaeger.stop();
        jaeger = await startJaeger(jaegerOpts);
        return jaeger;
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
