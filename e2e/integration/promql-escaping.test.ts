/**
 * Hostile label values against the real Prometheus: a value built into a query by the contract's builders
 * matches exactly the series carrying that value, and never changes the query's structure.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { PROM, PrometheusClient, oneOf, selector, sum } from '@api-observatory/telemetry-contract';
import { escapeExpositionValue } from '@api-observatory/traffic-simulator';
import { freePorts, runDir, startPrometheus, type RunningPrometheus } from '@api-observatory/local-stack';
import { eventually } from './helpers';

const HOSTILE = [
  'orders"} or vector(1) or {x="',
  'back\\slash\\',
  'line\nbreak',
  '.*',
  'a|b(c)[d]{2}^$+?',
  "it's `quoted`",
  'ünïcødé ✓',
];
const DECOYS = ['orders', 'backslash', 'linebreak', 'anything', 'ab', 'its quoted'];

let server: Server;
let prometheus: RunningPrometheus;
let prom: PrometheusClient;

before(async () => {
  const [expoPort, promPort] = await freePorts(2);
  const body = [...HOSTILE, ...DECOYS]
    .map((api, i) => `${PROM.requests}{api="${escapeExpositionValue(api)}",consumer="c${i}"} ${i + 1}`)
    .join('\n');
  server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE ${PROM.requests} counter\n${body}\n`);
  });
  await new Promise<void>((r) => server.listen(expoPort, '127.0.0.1', r));
  const dir = runDir('it-escaping');
  prometheus = await startPrometheus({
    port: promPort!,
    dataDir: path.join(dir, `prom-${Date.now()}`),
    logDir: path.join(dir, 'logs'),
    scrapeInterval: '1s',
    scrapeJobs: { hostile: [`127.0.0.1:${expoPort}`] },
  });
  prom = new PrometheusClient(prometheus.url);
  await eventually('the hostile series', async () => {
    const n = (await prom.query(`count(${PROM.requests})`))[0]?.value[1];
    return Number(n) === HOSTILE.length + DECOYS.length ? true : undefined;
  }, 30_000, 500);
});

after(async () => {
  await prometheus?.stop();
  server?.close();
});

test('each hostile value selects exactly its own series', async () => {
  for (const [i, api] of HOSTILE.entries()) {
    const r = await prom.query(selector(PROM.requests, { api }));
    assert.equal(r.length, 1, `value ${JSON.stringify(api)} matched ${r.length} series`);
    assert.equal(r[0]!.metric.api, api);
    assert.equal(r[0]!.metric.consumer, `c${i}`);
  }
});

test('oneOf() matches the literal values only, not what their regex characters would match', async () => {
  const r = await prom.query(sum(selector(PROM.requests, { api: oneOf(['.*', 'a|b(c)[d]{2}^$+?']) }), ['api']));
  assert.deepEqual(r.map((s) => s.metric.api).sort(), ['.*', 'a|b(c)[d]{2}^$+?'].sort());
});

test('a value that is not there matches nothing and is not an error', async () => {
  const r = await prom.query(selector(PROM.requests, { api: 'orders"} or vector(2) or {x="' }));
  assert.deepEqual(r, []);
});
