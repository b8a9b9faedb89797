/**
 * The outbox backlog gauge end to end with real processes: the router on SQLite records events, the
 * relay sends them to a REAL Kafka broker, the plugin's gauge goes through the OpenTelemetry SDK's
 * Prometheus exporter (what the backend's instrumentation file registers) and a REAL Prometheus scrapes
 * it. The platform panel's own query must show the Kafka backlog while the broker is down and 0 again
 * once it is back, while the EventsService backlog stays 0 (its deliveries do not depend on Kafka).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { COMPONENT_JOBS, OUTBOX_DESTINATIONS, PrometheusClient } from '@api-observatory/telemetry-contract';
import { PLATFORM_PANELS, isProm } from '@api-observatory/telemetry-contract/grafana';
import { freePorts, startKafka, startPrometheus, type RunningKafka, type RunningPrometheus } from '@api-observatory/local-stack';
import { call, fresh, logger, RecordingEvents, serve, sqliteDb, type TestDb } from './__testutils__/fixtures';
import { KafkaRelay } from './kafka-relay';
import { eventsServiceBacklog, kafkaBacklog, registerOutboxMetrics } from './metrics';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describe('outbox backlog in a real Prometheus', () => {
  let kafka: RunningKafka;
  let db: TestDb;
  let server: Server;
  let url: string;
  let relay: KafkaRelay;
  let provider: MeterProvider;
  let prometheus: RunningPrometheus;
  let prom: PrometheusClient;
  let unregister: () => void;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gov-metrics-'));
  const query = PLATFORM_PANELS.panels.governanceOutboxBacklog.queries[0]!;
  assert.ok(isProm(query), 'the backlog panel reads Prometheus');

  /** The panel's query: backlog per destination. */
  const backlog = async (): Promise<Map<string, number>> =>
    new Map((await prom.query(query.expr)).map((s) => [s.metric.destination!, Number(s.value[1])]));
  const request = async () => {
    const r = await call(url, 'POST', '/requests', 'alice', { entityRef: fresh('orders'), toEnvironment: 'production', comment: 'backlog' });
    assert.ok(r.status < 300, `${r.status} ${JSON.stringify(r.body)}`);
  };

  before(async () => {
    const [exporterPort, promPort] = (await freePorts(2)) as [number, number];
    kafka = await startKafka({ brokers: 1, dataDir: path.join(dir, 'kafka'), logDir: path.join(dir, 'logs') });
    db = await sqliteDb();
    ({ server, url } = await serve(db.knex, undefined, undefined, { events: new RecordingEvents() }));
    relay = new KafkaRelay({ db: db.knex, logger, brokers: kafka.brokers, createTopic: true, partitions: 1, pollIntervalMs: 100, maxBackoffMs: 1000 });
    relay.start();
    provider = new MeterProvider({ readers: [new PrometheusExporter({ host: '127.0.0.1', port: exporterPort })] });
    metrics.setGlobalMeterProvider(provider);
    unregister = registerOutboxMetrics([eventsServiceBacklog(db.knex), kafkaBacklog(relay)], logger);
    prometheus = await startPrometheus({
      port: promPort,
      dataDir: path.join(dir, 'prometheus'),
      logDir: path.join(dir, 'logs'),
      scrapeInterval: '1s',
      scrapeJobs: { [COMPONENT_JOBS.backstage]: [`127.0.0.1:${exporterPort}`] },
    });
    prom = new PrometheusClient(prometheus.url);
  });

  after(async () => {
    unregister?.();
    await provider?.shutdown().catch(() => undefined);
    await prometheus?.stop();
    await relay?.stop();
    server?.close();
    await db?.close();
    await kafka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Kafka backlog shows while the broker is down and drains once it is back', async () => {
    await request();
    await until('both destinations at 0', async () => {
      const b = await backlog();
      return b.get(OUTBOX_DESTINATIONS.kafka) === 0 && b.get(OUTBOX_DESTINATIONS.events) === 0 ? b : undefined;
    }, 90_000);

    await kafka.stopBroker(1, 'SIGKILL');
    for (let i = 0; i < 4; i++) await request();
    const during = await until('the Kafka backlog of 4 in Prometheus', async () => {
      const b = await backlog();
      return b.get(OUTBOX_DESTINATIONS.kafka) === 4 ? b : undefined;
    });
    assert.equal(during.get(OUTBOX_DESTINATIONS.events), 0, 'the EventsService delivered its events meanwhile');
    assert.equal(await relay.backlog(), 4);

    await kafka.startBroker(1);
    await until('the Kafka backlog back to 0 in Prometheus', async () => ((await backlog()).get(OUTBOX_DESTINATIONS.kafka) === 0 ? true : undefined), 120_000);
  });
});
