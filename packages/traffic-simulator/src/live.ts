import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { GATEWAYS, type Gateway } from '@api-observatory/telemetry-contract';
import { GroundTruth, type Summary } from './ground-truth';
import { pushTraces } from './otlp-exporter';
import { buildTraceExport, countSpans, type TimedRequest } from './otlp-spans';
import { findProfile, resourceIdentity, type GatewayExposition, type GatewayProfile } from './profiles';
import { consumerFromToken, obtainToken, type ConsumerCredential } from './partner-tokens';
import { diurnalFactor, TrafficGenerator, type TrafficOptions } from './traffic';

export type GatewayChoice = Gateway | 'both';

/** The gateways a choice simulates, in the order their /metrics ports follow the base port. */
export function simulatedGateways(choice: GatewayChoice): Gateway[] {
  return choice === 'both' ? [...GATEWAYS] : [choice];
}

/** Where each simulated gateway's /metrics listens for a base port: the first there, the next on port + 1. */
export function simulatedMetricsPorts(choice: GatewayChoice, basePort: number): Partial<Record<Gateway, number>> {
  return Object.fromEntries(simulatedGateways(choice).map((g, i) => [g, basePort + i]));
}

export interface LiveOptions extends Partial<TrafficOptions> {
  gateway: GatewayChoice;
  /** Version profile per gateway (`{ kong: '2.8' }`); a gateway not listed plays its newest profile. */
  versions?: Partial<Record<Gateway, string>>;
  host?: string;
  /** Port of the first gateway's /metrics; with `both`, the second listens on port + 1. 0 picks free ports. */
  port?: number;
  /** OTLP/HTTP base URL (spans go to `<endpoint>/v1/traces`); null disables pushing. */
  otlpEndpoint?: string | null;
  rps?: number;
  /** Stop by itself after this long; undefined runs until stop(). */
  durationMs?: number;
  /** Apply the diurnal load shape to the rate (off by default in live mode). */
  diurnal?: boolean;
  leakCredentials?: boolean;
  childSpans?: boolean;
  progressIntervalMs?: number;
  onProgress?: (line: string) => void;
  summaryFile?: string;
  tickMs?: number;
  pushIntervalMs?: number;
  maxBatch?: number;
  maxPending?: number;
  /**
   * Consumer applications with real credentials (or tokens): each obtains a token (client credentials)
   * and its requests carry that token's claims, as a gateway's JWT plugin exposes them; tokens are renewed
   * at half their lifetime. Replaces the seeded consumers. A credential that gets no token fails the start.
   */
  consumerCredentials?: readonly ConsumerCredential[];
}

export interface LiveSimulator {
  /** /metrics URL of the first gateway served. */
  url: string;
  /** /metrics URL per gateway served. */
  metricsUrls: Partial<Record<Gateway, string>>;
  /** The profile each gateway plays. */
  profiles: Partial<Record<Gateway, GatewayProfile>>;
  /** Ground truth so far. */
  summary(): Summary;
  /** Current exposition text of a gateway served by this simulator (same snapshot as summary() when called back to back). */
  exposition(gateway: Gateway): string;
  /**
   * Stops generating and flushes pending spans but keeps serving /metrics, so a last scrape sees the
   * final counters (tests compare stores against exact totals). Idempotent; stop() still closes.
   */
  pause(): Promise<Summary>;
  /** Stops generating, flushes pending spans, closes the servers, writes the summary file. Idempotent. */
  stop(): Promise<Summary>;
  /** Resolves when the simulator stopped (duration elapsed or stop()). */
  done: Promise<Summary>;
}

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly host: string) {
    super(`${host}:${port} is already in use`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, host) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

export async function startLiveSimulator(options: LiveOptions): Promise<LiveSimulator> {
  const gateways = simulatedGateways(options.gateway);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 9542;
  const rps = options.rps ?? 50;
  if (!(rps > 0)) throw new RangeError(`rps must be positive, got ${rps}`);
  const seed = options.seed ?? 1;
  const tokens = options.consumerCredentials ? await Promise.all(options.consumerCredentials.map((c) => obtainToken(c))) : undefined;
  const consumerDirectory = tokens?.map((t, i) => consumerFromToken(t, i));
  const generator = new TrafficGenerator({ ...options, gateways, seed, ...(consumerDirectory ? { consumerDirectory } : {}) });
  const identity = resourceIdentity(seed);
  const profiles = new Map<Gateway, GatewayProfile>(gateways.map((g) => [g, findProfile(g, options.versions?.[g])]));
  const profileOf = (g: Gateway): GatewayProfile => profiles.get(g)!;
  const expositions = new Map<Gateway, GatewayExposition>(gateways.map((g) => [g, profileOf(g).exposition(identity)]));
  const truth = new GroundTruth({
    seed,
    scenario: generator.options.scenario,
    scenarioParam: generator.options.scenarioParam,
    canaryApi: generator.options.canaryApi,
    gateways,
    apiGateways: generator.options.apiGateways,
    profiles: [...profiles.values()],
    rps,
  });
  const spanOptions = { leakCredentials: options.leakCredentials ?? true, childSpans: options.childSpans ?? true };
  const otlpEndpoint = options.otlpEndpoint === undefined ? 'http://127.0.0.1:4318' : options.otlpEndpoint;

  const servers: Server[] = [];
  const metricsUrls: Partial<Record<Gateway, string>> = {};
  try {
    for (let i = 0; i < gateways.length; i++) {
      const g = gateways[i]!;
      const { metricsPath } = profileOf(g);
      const exposition = expositions.get(g)!;
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && (path === '/metrics' || path === metricsPath)) {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(exposition.render());
        } else if (req.method === 'GET' && path === '/summary') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(truth.summary()));
        } else if (req.method === 'GET' && path === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('ok\n');
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
        }
      });
      const wanted = basePort === 0 ? 0 : simulatedMetricsPorts(options.gateway, basePort)[g]!;
      const port = await listen(server, wanted, host);
      servers.push(server);
      metricsUrls[g] = `http://${host.includes(':') ? `[${host}]` : host}:${port}${metricsPath}`;
    }
  } catch (err) {
    await Promise.all(servers.map(close));
    throw err;
  }

  const startMs = Date.now();
  truth.startUnixMs = startMs;
  let pending: TimedRequest[] = [];
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  let due = 0;
  let lastTick = startMs;

  const generate = (nowMs: number) => {
    const elapsed = nowMs - lastTick;
    lastTick = nowMs;
    due += (rps * (options.diurnal ? diurnalFactor(nowMs) : 1) * elapsed) / 1000;
    const n = Math.floor(due);
    due -= n;
    for (let i = 0; i < n; i++) {
      const r = generator.next();
      expositions.get(r.gateway)!.record(r);
      const startUnixNano = BigInt(nowMs - r.requestMs) * 1_000_000n + BigInt(i) * 1000n;
      truth.record(r, startUnixNano);
      if (otlpEndpoint !== null && profileOf(r.gateway).otelPlugin) {
        if (pending.length >= (options.maxPending ?? 50_000)) truth.spansDropped++;
        else pending.push({ request: r, startUnixNano });
      }
    }
  };

  const push = async (): Promise<void> => {
    if (otlpEndpoint === null || pending.length === 0) return;
    const batch = pending.slice(0, options.maxBatch ?? 1000);
    pending = pending.slice(batch.length);
    const body = buildTraceExport(batch, spanOptions, identity, profileOf);
    const spans = countSpans(body);
    truth.spansGenerated += spans;
    truth.pushBatches++;
    const result = await pushTraces(otlpEndpoint, body);
    if (result.ok) {
      truth.spansPushed += spans;
      truth.markPushed(batch.map((t) => t.request.traceId));
    } else {
      truth.pushErrors++;
    }
  };
  const schedulePush = () => {
    if (!inFlight) inFlight = push().finally(() => (inFlight = undefined));
  };

  const progress = () => {
    const s = truth;
    const secs = ((Date.now() - startMs) / 1000).toFixed(1);
    options.onProgress?.(
      `[api-traffic-sim] t=${secs}s gateway=${gateways.join('+')} scenario=${generator.options.scenario} requests=${s.requests} spans_pushed=${s.spansPushed} push_errors=${s.pushErrors} pending=${pending.length}`,
    );
  };

  const tick = setInterval(() => generate(Date.now()), options.tickMs ?? 100);
  // Renew tokens before they expire; a failed renewal keeps the current token and is tried again.
  const renewTimer = consumerDirectory
    ? setInterval(() => {
        for (const [i, c] of consumerDirectory.entries()) {
          const cred = options.consumerCredentials![i]!;
          if (c.token && Date.now() >= c.token.refreshAtMs) {
            c.token.refreshAtMs = Date.now() + 10_000;
            void obtainToken(cred).then((t) => { c.token = t; }, () => undefined);
          }
        }
      }, 1000)
    : undefined;
  const pushTimer = setInterval(schedulePush, options.pushIntervalMs ?? 1000);
  const progressTimer = options.onProgress ? setInterval(progress, options.progressIntervalMs ?? 5000) : undefined;

  let resolveDone!: (s: Summary) => void;
  const done = new Promise<Summary>((r) => (resolveDone = r));
  let stopping: Promise<Summary> | undefined;
  let pausing: Promise<Summary> | undefined;

  const pause = (): Promise<Summary> => {
    if (pausing) return pausing;
    pausing = (async () => {
      stopped = true;
      clearInterval(tick);
      if (renewTimer) clearInterval(renewTimer);
      clearInterval(pushTimer);
      if (progressTimer) clearInterval(progressTimer);
      if (durationTimer) clearTimeout(durationTimer);
      generate(Date.now());
      truth.endUnixMs = Date.now();
      const deadline = Date.now() + 10_000;
      while ((inFlight || pending.length > 0) && Date.now() < deadline) {
        if (inFlight) await inFlight;
        else await push();
      }
      truth.spansDropped += pending.length;
      pending = [];
      if (options.onProgress) progress();
      return truth.summary();
    })();
    return pausing;
  };

  const stop = (): Promise<Summary> => {
    if (stopping) return stopping;
    stopping = (async () => {
      await pause();
      await Promise.all(servers.map(close));
      const summary = truth.summary();
      if (options.summaryFile) await writeFile(options.summaryFile, JSON.stringify(summary, null, 2) + '\n');
      resolveDone(summary);
      return summary;
    })();
    return stopping;
  };
  const durationTimer = options.durationMs !== undefined ? setTimeout(() => void stop(), options.durationMs) : undefined;

  return {
    url: metricsUrls[gateways[0]!]!,
    metricsUrls,
    profiles: Object.fromEntries(profiles),
    summary: () => truth.summary(stopped ? truth.endUnixMs : Date.now()),
    exposition: (g: Gateway) => {
      const e = expositions.get(g);
      if (!e) throw new RangeError(`gateway ${g} is not simulated by this instance`);
      return e.render();
    },
    pause,
    stop,
    done,
  };
}
