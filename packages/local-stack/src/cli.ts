#!/usr/bin/env node
/**
 * `npm start`: the no-Docker sandbox. Starts Jaeger, Prometheus (with the pack's rules), the collector with
 * the shared config and the traffic simulator on loopback, prints one line per component, stops on Ctrl-C.
 */
import net from 'node:net';
import { PROM } from '@api-observatory/telemetry-contract';
import { parseArgs } from 'node:util';
import { SCENARIOS, isScenario } from '@api-observatory/traffic-simulator';
import { startBackstage, type RunningBackstage } from './backstage';
import { freePort } from './ports';
import { startStack } from './stack';

const USAGE = `usage: npm start -- [--gateway kong|apisix|both] [--rps 20] [--seed 1] [--scenario healthy]
                      [--prometheus-port 9090] [--jaeger-port 16686] [--backstage-port 7007] [--no-backstage]`;

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
        gateway: { type: 'string' },
        rps: { type: 'string' },
        seed: { type: 'string' },
        scenario: { type: 'string' },
        'prometheus-port': { type: 'string' },
        'jaeger-port': { type: 'string' },
        'backstage-port': { type: 'string' },
        'no-backstage': { type: 'boolean' },
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
  const gateway = values.gateway ?? 'both';
  if (gateway !== 'kong' && gateway !== 'apisix' && gateway !== 'both') fail(`--gateway must be kong, apisix or both, got ${JSON.stringify(gateway)}`);
  const scenario = values.scenario ?? 'healthy';
  if (!isScenario(scenario)) fail(`--scenario must be one of ${SCENARIOS.join(', ')}, got ${JSON.stringify(scenario)}`);
  const rps = intFlag('rps', values.rps, 20, 1, 5000);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 31);
  const wantProm = intFlag('prometheus-port', values['prometheus-port'], 9090, 1, 65535);
  const wantJaeger = intFlag('jaeger-port', values['jaeger-port'], 16686, 1, 65535);
  const wantBackstage = intFlag('backstage-port', values['backstage-port'], 7007, 1, 65535);

  const say = (what: string, text: string) => process.stdout.write(`${what.padEnd(11)} ${text}\n`);
  process.stdout.write(`starting the sandbox (Jaeger, Prometheus, collector, simulator${values['no-backstage'] ? '' : ', Backstage'})...\n`);
  const stack = await startStack({
    name: 'sandbox',
    prometheusPort: (await portFree(wantProm)) ? wantProm : undefined,
    jaegerQueryPort: (await portFree(wantJaeger)) ? wantJaeger : undefined,
    scrapeInterval: '10s',
    simulator: { gateway, rps, seed, scenario: scenario as never, onProgress: () => undefined },
  });
  say('prometheus', `${stack.prometheus.url}  (rules from alerts/rules loaded; try ${PROM.requests})`);
  say('jaeger', `${stack.jaeger.url}  (trace store: UI and /api/traces/<id>)`);
  say('collector', `OTLP ${stack.collector.otlpHttpEndpoint} (gRPC ${stack.collector.otlpGrpcEndpoint}), health ${stack.collector.healthUrl}`);
  for (const [g, url] of Object.entries(stack.simulator?.metricsUrls ?? {})) say('simulator', `${g} exposition ${url}, ${rps} req/s in all`);
  let backstage: RunningBackstage | undefined;
  if (!values['no-backstage']) {
    const port = (await portFree(wantBackstage)) ? wantBackstage : await freePort();
    try {
      backstage = await startBackstage({ port, logDir: `${stack.dir}/logs` });
      say('backstage', `${backstage.url}  (API pages: ${backstage.url}/catalog?filters[kind]=api)`);
    } catch (e) {
      await stack.stop();
      throw e;
    }
  }
  say('logs', `${stack.dir}/logs`);
  process.stdout.write('Ctrl-C stops everything.\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    await backstage?.stop();
    await stack.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: Error) => {
  process.stderr.write(`sandbox failed: ${e.message}\n`);
  process.exit(1);
});
