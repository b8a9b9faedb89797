#!/usr/bin/env node
/**
 * `npm start`: the no-Docker sandbox. Starts Keycloak (sign-in, users and groups, partner tokens), Jaeger,
 * Prometheus (with the pack's rules), the collector with the shared config, the canary gate, the traffic
 * simulator (orders as stable + baseline + canary), Kafka and the Backstage dev app on loopback, prints
 * where to look, stops on Ctrl-C.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GATEWAYS, PROM } from '@api-observatory/telemetry-contract';
import type { GatewayChoice } from '@api-observatory/traffic-simulator';
import { repoRoot } from './paths';
import { BACKSTAGE_KEYCLOAK_REALM } from './backstage';
import { keycloakInstall, keycloakSampleUsers } from './keycloak';
import { freePort } from './ports';
import { CANARY_SCENARIOS, SANDBOX_CANARY_API, canaryScenario, startSandbox, type Sandbox } from './sandbox';

const CANARY_NAMES = Object.keys(CANARY_SCENARIOS);

const USAGE = `usage: npm start -- [--canary ${CANARY_NAMES.join('|')}] [--gateway kong|apisix|both]
                      [--rps 20] [--seed 1] [--prometheus-port 9090] [--jaeger-port 16686]
                      [--backstage-port 7007] [--no-backstage] [--run-name sandbox]
                      [--keycloak | --no-keycloak] [--keycloak-port 8080]
  --canary   what the ${SANDBOX_CANARY_API} canary does (default healthy): regression = more 5xx, latency = slower,
             low-traffic = too few requests to judge, no-data = no canary traffic, noisy-baseline
  --run-name folder under .run/ for data and logs (emptied at start)
  --keycloak (the default) Keycloak with the realms internal and partners (provisioning/keycloak): Backstage
             signs people in through it and takes its users and groups from it, and the simulator's consumers
             are the partners realm's applications with real tokens. The realm files are imported once and
             that database is copied into every run (again after a realm file changes)
  --no-keycloak  no Keycloak: Backstage offers the sample users through a development-only header sign-in
  A port that is taken is replaced by a free one; every component is given the ports actually bound.`;

function keycloakInstalled(): boolean {
  try {
    keycloakInstall();
    return true;
  } catch {
    return false;
  }
}

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function intFlag(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        canary: { type: 'string' },
        gateway: { type: 'string' },
        rps: { type: 'string' },
        seed: { type: 'string' },
        'prometheus-port': { type: 'string' },
        'jaeger-port': { type: 'string' },
        'backstage-port': { type: 'string' },
        'no-backstage': { type: 'boolean' },
        keycloak: { type: 'boolean' },
        'no-keycloak': { type: 'boolean' },
        'keycloak-port': { type: 'string' },
        'run-name': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const choices: readonly GatewayChoice[] = [...GATEWAYS, 'both'];
  const gateway = choices.find((c) => c === (values.gateway ?? 'both'));
  if (!gateway) fail(`--gateway must be ${choices.slice(0, -1).join(', ')} or both, got ${JSON.stringify(values.gateway)}`);
  const canary = values.canary ?? 'healthy';
  const scenario = canaryScenario(canary);
  if (!scenario) fail(`--canary must be one of ${CANARY_NAMES.join(', ')}, got ${JSON.stringify(canary)}`);
  const rps = intFlag('rps', values.rps, 20, 1, 5000);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 31);
  const wantProm = intFlag('prometheus-port', values['prometheus-port'], 9090, 1, 65535);
  const wantJaeger = intFlag('jaeger-port', values['jaeger-port'], 16686, 1, 65535);
  const wantBackstage = intFlag('backstage-port', values['backstage-port'], 7007, 1, 65535);
  const withBackstage = !values['no-backstage'];
  const wantKeycloak = intFlag('keycloak-port', values['keycloak-port'], 8080, 1, 65535);
  const askedKeycloak = Boolean(values.keycloak) || values['keycloak-port'] !== undefined;
  if (askedKeycloak && values['no-keycloak']) fail('--no-keycloak contradicts --keycloak / --keycloak-port');
  const withKeycloak = !values['no-keycloak'];
  if (withKeycloak && !keycloakInstalled()) fail('Keycloak is not installed: run npm run setup (it installs Keycloak and locates Java 21+), or start with --no-keycloak for the header sign-in');
  const runName = values['run-name'] ?? 'sandbox';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(runName)) fail(`--run-name must be a folder name (letters, digits, . _ -), got ${JSON.stringify(runName)}`);

  const say = (what: string, text: string) => process.stdout.write(`${what.padEnd(11)} ${text}\n`);
  // Signals are handled from the start: one during startup stops what has started once startSandbox returns.
  let sandbox: Sandbox | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    if (!sandbox) return;
    await sandbox.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  process.stdout.write(`starting the sandbox (${withKeycloak ? 'Keycloak, ' : ''}Jaeger, Prometheus, collector, canary gate, simulator${withBackstage ? ', Backstage' : ''})...\n`);
  sandbox = await startSandbox({
    gateway,
    rps,
    seed,
    scenario,
    prometheusPort: (await portFree(wantProm)) ? wantProm : undefined,
    jaegerPort: (await portFree(wantJaeger)) ? wantJaeger : undefined,
    backstagePort: withBackstage ? ((await portFree(wantBackstage)) ? wantBackstage : await freePort()) : null,
    name: runName,
    ...(withKeycloak ? { keycloakPort: (await portFree(wantKeycloak)) ? wantKeycloak : await freePort() } : {}),
  });
  if (stopping) {
    await sandbox.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  }
  const { stack, urls, backstage } = sandbox;
  const moved = (url: string, wanted: number) => (url.endsWith(`:${wanted}`) ? '' : ` (port ${wanted} was taken)`);
  say('prometheus', `${urls.prometheus}${moved(urls.prometheus, wantProm)}  rules from alerts/rules loaded; try ${PROM.requests}`);
  say('jaeger', `${urls.jaeger}${moved(urls.jaeger, wantJaeger)}  trace store: query API /api/traces/<id>`);
  say('collector', `OTLP ${stack.collector.otlpHttpEndpoint} (gRPC ${stack.collector.otlpGrpcEndpoint}), health ${stack.collector.healthUrl}`);
  const expositions = Object.entries(stack.simulator?.metricsUrls ?? {}).map(([g, url]) => `${g} ${url}`);
  say('simulator', `${rps} req/s in all; expositions ${expositions.join(', ')}`);
  say('canary', `${SANDBOX_CANARY_API}: stable, baseline and canary deployments, canary scenario "${canary}"`);
  say('canary-gate', `${urls.canaryGate}  POST /v1/evaluate {"api":"${SANDBOX_CANARY_API}"}; GET /metrics`);
  if (backstage) {
    const api = `${backstage.url}/catalog/default/api/${SANDBOX_CANARY_API}`;
    say('backstage', `${backstage.url}${moved(backstage.url, wantBackstage)}  (reads the URLs above: ${sandbox.backstageConfigFile})`);
    say('', `canary card:     ${api}/observability`);
    say('', `governance gate: ${api}/governance  (sign in as emma.orders to request a promotion, carla.pm to approve${withKeycloak ? '' : '; header sign-in, no Keycloak'})`);
    if (urls.kafka) say('kafka', `${urls.kafka.join(',')}  governance events on topic api-governance.events (keyed by API)`);
    if (!existsSync(path.join(repoRoot(), 'backstage-plugins', 'packages', 'app', 'dist', 'index.html'))) {
      say('', 'the Backstage UI is not built, only its API answers: run npm run build --prefix backstage-plugins, then start again');
    }
  }
  if (sandbox.keycloak) {
    const kc = sandbox.keycloak;
    say('keycloak', `${kc.url}${moved(kc.url, wantKeycloak)}  realms ${kc.realms.join(', ')}; admin console ${kc.url}/admin (${kc.admin.username} / ${kc.admin.password})`);
    if (backstage) say('', `Backstage signs people in through realm ${BACKSTAGE_KEYCLOAK_REALM} and reads its users and groups every minute; its users (provisioning/keycloak):`);
    const users = keycloakSampleUsers(kc, BACKSTAGE_KEYCLOAK_REALM);
    const width = Math.max(...users.map((u) => u.username.length));
    for (const u of users) say('', `  ${u.username.padEnd(width)}  ${u.password}  ${u.groups.join(', ')}`);
    say('', '  (a password changed in Keycloak lasts until Ctrl-C: every start begins again from the realm file)');
    say('', `the simulator's consumers hold real client-credentials tokens of realm partners (${kc.issuer('partners')})`);
  }
  say('logs', `${stack.dir}/logs`);
  process.stdout.write(
    'The canary gate judges one-minute intervals and decides after about 10 minutes of traffic (it holds until then).\n' +
      `Flip the scenario: Ctrl-C, then npm start -- --canary ${CANARY_NAMES.filter((n) => n !== canary).join('|')}\n` +
      'Ctrl-C stops everything.\n',
  );
}

main().catch((e: Error) => {
  process.stderr.write(`sandbox failed: ${e.message}\n`);
  process.exit(1);
});
