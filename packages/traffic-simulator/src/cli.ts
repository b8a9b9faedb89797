#!/usr/bin/env node
import { createWriteStream } from 'node:fs';
import { GATEWAYS, type Gateway } from '@api-observatory/telemetry-contract';
import { bool, number, parseDurationMs, parseFlags, parseTimeMs, str, UsageError, type FlagSpec, type ParsedFlags } from './args';
import { writeBackfill } from './backfill';
import { apiNames } from './catalog';
import { PortInUseError, startLiveSimulator, type GatewayChoice } from './live';
import type { ConsumerCredential } from './partner-tokens';
import { GATEWAY_CHOICES, parseGatewaySpec, PROFILE_NAMES } from './profiles';
import { isScenario, SCENARIOS, SCENARIO_SPECS, type ScenarioName } from './scenarios';
import type { TrafficOptions } from './traffic';

const PROG = 'api-traffic-sim';

const COMMON: Record<string, FlagSpec> = {
  gateway: { type: 'string' },
  seed: { type: 'string' },
  scenario: { type: 'string' },
  'scenario-param': { type: 'string' },
  'canary-api': { type: 'string' },
  'canary-share': { type: 'string' },
  'baseline-share': { type: 'string' },
  apis: { type: 'string' },
  consumers: { type: 'string' },
  rps: { type: 'string' },
  help: { type: 'boolean' },
};
const LIVE: Record<string, FlagSpec> = {
  ...COMMON,
  port: { type: 'string' },
  host: { type: 'string' },
  'otlp-endpoint': { type: 'string' },
  duration: { type: 'string' },
  'summary-file': { type: 'string' },
  'progress-interval': { type: 'string' },
  'leak-credentials': { type: 'boolean' },
  'child-spans': { type: 'boolean' },
  diurnal: { type: 'boolean' },
  'token-url': { type: 'string' },
  clients: { type: 'string' },
};
const BACKFILL: Record<string, FlagSpec> = {
  ...COMMON,
  out: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  step: { type: 'string' },
  'series-target': { type: 'string' },
  'progress-interval': { type: 'string' },
};

export const USAGE = `Usage:
  ${PROG} live --gateway ${GATEWAYS.join('|')}|both|<gateway>@<version>[,…] [--port 9542] [--host 127.0.0.1]
      [--otlp-endpoint http://127.0.0.1:4318|none] [--rps 50] [--seed 1] [--duration 60s]
      [--scenario ${SCENARIOS.join('|')}] [--scenario-param N]
      [--canary-api orders|none] [--canary-share 10] [--baseline-share 10] [--apis 6] [--consumers 40]
      [--summary-file out.json] [--progress-interval 5s] [--no-leak-credentials] [--no-child-spans] [--diurnal]
      [--token-url <OAuth token endpoint> --clients id[,id…]]   (client secret from CONSUMER_CLIENT_SECRET)
  ${PROG} backfill --out file.om --gateway ${GATEWAYS.join('|')}|both|<gateway>@<version>[,…] [--start -6h] [--end now] [--step 15s]
      [--series-target 100000] [--seed 1] [--rps 200] [scenario and catalog flags as for live]

Gateway versions: ${PROFILE_NAMES.join(', ')}; a gateway without a version plays its newest.
With --token-url and --clients the consumers are those client applications, each with a real
client-credentials token (e.g. Keycloak's realm partners: .../realms/partners/protocol/openid-connect/token).
With two gateways, ${GATEWAYS[0]}'s /metrics is on --port and ${GATEWAYS[1]}'s on --port + 1.
Exit status 2 on a usage error.`;

interface GatewaySelection {
  gateway: GatewayChoice;
  gateways: Gateway[];
  versions: Partial<Record<Gateway, string>>;
}

function gatewayChoice(flags: ParsedFlags): GatewaySelection {
  const spec = str(flags, 'gateway');
  if (spec === undefined) throw new UsageError('--gateway', `is required (${GATEWAY_CHOICES})`);
  let chosen;
  try {
    chosen = parseGatewaySpec(spec);
  } catch (e) {
    throw new UsageError('--gateway', (e as Error).message);
  }
  const gateways = GATEWAYS.filter((g) => chosen[g] !== undefined);
  const versions = Object.fromEntries(gateways.map((g) => [g, chosen[g]!.version]));
  return { gateway: gateways.length === 2 ? 'both' : gateways[0]!, gateways, versions };
}

function trafficOptions(flags: ParsedFlags, gateways: Gateway[]): Partial<TrafficOptions> {
  const scenario = str(flags, 'scenario') ?? 'healthy';
  if (!isScenario(scenario)) throw new UsageError('--scenario', `unknown scenario ${JSON.stringify(scenario)} (${SCENARIOS.join(', ')})`);
  const scenarioParam = number(flags, 'scenario-param', { min: 0 });
  if (scenarioParam !== undefined && SCENARIO_SPECS[scenario as ScenarioName].param === undefined) {
    throw new UsageError('--scenario-param', `scenario ${scenario} takes no parameter`);
  }
  const apis = number(flags, 'apis', { integer: true, min: 1, max: 50 }) ?? 6;
  const consumers = number(flags, 'consumers', { integer: true, min: 1, max: 100_000 }) ?? 40;
  const canaryRaw = str(flags, 'canary-api') ?? 'orders';
  const names = apiNames(apis);
  const canaryApi = canaryRaw === 'none' ? undefined : canaryRaw;
  if (canaryApi !== undefined && !names.includes(canaryApi)) {
    throw new UsageError('--canary-api', `unknown API ${JSON.stringify(canaryApi)} (one of ${names.join(', ')}, or none)`);
  }
  const canaryShare = (number(flags, 'canary-share', { min: 0, max: 100 }) ?? 10) / 100;
  const baselineShare = (number(flags, 'baseline-share', { min: 0, max: 100 }) ?? 10) / 100;
  if (canaryShare + baselineShare > 1) throw new UsageError('--canary-share', 'canary and baseline shares must add up to at most 100');
  const seedRaw = str(flags, 'seed');
  const seed = seedRaw === undefined ? 1 : /^-?\d+$/.test(seedRaw) ? Number(seedRaw) : seedRaw;
  return { seed, gateways, apis, consumers, canaryApi, canaryShare, baselineShare, scenario: scenario as ScenarioName, scenarioParam };
}

/** `--token-url` and `--clients`: consumer applications that obtain real tokens; the secret is never a flag. */
function clientCredentials(flags: ParsedFlags): ConsumerCredential[] | undefined {
  const tokenUrl = str(flags, 'token-url');
  const clients = str(flags, 'clients');
  if (tokenUrl === undefined && clients === undefined) return undefined;
  if (tokenUrl === undefined) throw new UsageError('--token-url', 'is required with --clients');
  if (clients === undefined) throw new UsageError('--clients', 'is required with --token-url');
  let u: URL | undefined;
  try {
    u = new URL(tokenUrl);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new UsageError('--token-url', `expected an http(s) URL, got ${JSON.stringify(tokenUrl)}`);
  const ids = clients.split(',').map((c) => c.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--clients', 'expected one or more client ids, comma-separated');
  const clientSecret = process.env.CONSUMER_CLIENT_SECRET;
  if (!clientSecret) throw new UsageError('--clients', 'the client secret comes from the environment: set CONSUMER_CLIENT_SECRET');
  return ids.map((clientId) => ({ tokenUrl, clientId, clientSecret }));
}

async function live(argv: string[], log: (s: string) => void): Promise<number> {
  const { flags, positionals } = parseFlags(argv, LIVE);
  if (flags.get('help')) {
    log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(undefined, `unexpected argument ${JSON.stringify(positionals[0])}`);
  const { gateway, gateways, versions } = gatewayChoice(flags);
  const port = number(flags, 'port', { integer: true, min: 0, max: gateway === 'both' ? 65534 : 65535 }) ?? 9542;
  const rps = number(flags, 'rps', { positive: true }) ?? 50;
  const durationRaw = str(flags, 'duration');
  const durationMs = durationRaw === undefined ? undefined : parseDurationMs(durationRaw, '--duration');
  const progressRaw = str(flags, 'progress-interval');
  const progressIntervalMs = progressRaw === undefined ? 5000 : parseDurationMs(progressRaw, '--progress-interval');
  const otlpRaw = str(flags, 'otlp-endpoint') ?? 'http://127.0.0.1:4318';
  let otlpEndpoint: string | null = null;
  if (otlpRaw !== 'none') {
    let u: URL;
    try {
      u = new URL(otlpRaw);
    } catch {
      throw new UsageError('--otlp-endpoint', `expected an http(s) URL or none, got ${JSON.stringify(otlpRaw)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('--otlp-endpoint', `expected an http(s) URL or none, got ${JSON.stringify(otlpRaw)}`);
    otlpEndpoint = otlpRaw;
  }
  const traffic = trafficOptions(flags, gateways);
  const consumerCredentials = clientCredentials(flags);
  let sim;
  try {
    sim = await startLiveSimulator({
      ...traffic,
      gateway,
      versions,
      host: str(flags, 'host') ?? '127.0.0.1',
      port,
      otlpEndpoint,
      rps,
      durationMs,
      diurnal: bool(flags, 'diurnal', false),
      leakCredentials: bool(flags, 'leak-credentials', true),
      childSpans: bool(flags, 'child-spans', true),
      progressIntervalMs,
      onProgress: log,
      summaryFile: str(flags, 'summary-file'),
      ...(consumerCredentials ? { consumerCredentials } : {}),
    });
  } catch (err) {
    if (err instanceof PortInUseError) throw new UsageError('--port', err.message);
    if (err instanceof Error && /getaddrinfo|EADDRNOTAVAIL|EACCES/.test(err.message)) throw new UsageError('--host', err.message);
    throw err;
  }
  for (const [g, url] of Object.entries(sim.metricsUrls)) log(`[${PROG}] serving ${g} ${sim.profiles[g as Gateway]!.release} metrics at ${url}`);
  log(`[${PROG}] ${otlpEndpoint ? `pushing OTLP/JSON spans to ${otlpEndpoint.replace(/\/+$/, '')}/v1/traces` : 'span push disabled'}; seed=${traffic.seed} rps=${rps} scenario=${traffic.scenario}`);
  const onSignal = () => void sim.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const summary = await sim.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  log(`[${PROG}] stopped: ${summary.totals.requests} requests, ${summary.totals.spansPushed} spans pushed, ${summary.totals.pushErrors} push errors${str(flags, 'summary-file') ? `; summary written to ${str(flags, 'summary-file')}` : ''}`);
  return 0;
}

async function backfill(argv: string[], log: (s: string) => void): Promise<number> {
  const { flags, positionals } = parseFlags(argv, BACKFILL);
  if (flags.get('help')) {
    log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(undefined, `unexpected argument ${JSON.stringify(positionals[0])}`);
  const outPath = str(flags, 'out');
  if (outPath === undefined) throw new UsageError('--out', 'is required');
  const { gateways, versions } = gatewayChoice(flags);
  const now = Date.now();
  const endMs = parseTimeMs(str(flags, 'end') ?? 'now', '--end', now);
  const startMs = parseTimeMs(str(flags, 'start') ?? '-6h', '--start', now);
  if (!(startMs < endMs)) throw new UsageError('--start', 'must be before --end');
  const stepMs = parseDurationMs(str(flags, 'step') ?? '15s', '--step');
  const seriesTarget = number(flags, 'series-target', { integer: true, min: 1 });
  const rps = number(flags, 'rps', { positive: true }) ?? 200;
  const progressRaw = str(flags, 'progress-interval');
  const progressIntervalMs = progressRaw === undefined ? 2000 : parseDurationMs(progressRaw, '--progress-interval');
  const traffic = trafficOptions(flags, gateways);
  const out = outPath === '-' ? process.stdout : createWriteStream(outPath);
  const opened = out === process.stdout ? Promise.resolve() : new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (e: Error) => reject(new UsageError('--out', e.message)));
  });
  await opened;
  const result = await writeBackfill(out, {
    ...traffic,
    gateways,
    versions,
    startMs,
    endMs,
    stepMs,
    rps,
    seriesTarget,
    progressIntervalMs,
    onProgress: (p) =>
      log(`[${PROG}] backfill ${p.done ? 'done' : 'progress'}: series ${p.seriesWritten}/${p.seriesTotal} (${((100 * p.seriesWritten) / Math.max(1, p.seriesTotal)).toFixed(1)}%), samples ${p.samplesWritten}, ${(p.bytesWritten / 1e6).toFixed(1)} MB`),
  });
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  log(`[${PROG}] wrote ${result.series} series, ${result.samples} samples over ${result.steps} steps (${result.consumers} consumers, ${result.countriesPerConsumer} countries each) to ${outPath}`);
  return 0;
}

export async function main(argv: readonly string[], log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'live') return await live(rest, log);
    if (cmd === 'backfill') return await backfill(rest, log);
    if (cmd === undefined || cmd === '--help' || cmd === 'help') {
      log(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(undefined, `unknown command ${JSON.stringify(cmd)} (live or backfill)`);
  } catch (err) {
    if (err instanceof UsageError) {
      log(`${PROG}: ${err.message}`);
      return 2;
    }
    if (err instanceof RangeError) {
      log(`${PROG}: ${err.message}`);
      return 2;
    }
    log(`${PROG}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
