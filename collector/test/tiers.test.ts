/**
 * The scale-out tier configs (collector/tiers/): each validates with the real build, alone or on top of
 * the shared config as it is meant to run; the agent masks credentials with the shared rules before the
 * topic; the gateway overlay only swaps the span source. Running them: e2e/integration/scale-out.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { VALIDATE_ENV, assertCompressionSetting, collectorDir, configPath, loadYaml, skipWithoutOtelcol as skip, validate } from './helpers';

const tiers = path.join(collectorDir, 'tiers');
const agentPath = path.join(tiers, 'kafka-agent.yaml');
const gatewayPath = path.join(tiers, 'kafka-gateway.yaml');
const lagPath = path.join(tiers, 'kafka-lag.yaml');
const ENV = { ...VALIDATE_ENV, KAFKA_BROKERS: '[127.0.0.1:9092, 127.0.0.1:9093]' };

test('kafka-agent.yaml validates', { skip }, () => {
  const r = validate([agentPath], ENV);
  assert.equal(r.status, 0, r.output);
});

test('config.yaml + kafka-gateway.yaml (+ kafka-lag.yaml) validate', { skip }, () => {
  for (const configs of [[configPath, gatewayPath], [configPath, gatewayPath, lagPath]]) {
    const r = validate(configs, ENV);
    assert.equal(r.status, 0, `${configs.map((c) => path.basename(c)).join(' + ')}: ${r.output}`);
  }
});

test('kafka-agent.yaml takes a producer compression and refuses an unknown one, naming the setting', { skip }, () => {
  assertCompressionSetting([agentPath], ENV, 'KAFKA_COMPRESSION');
});

test('without KAFKA_BROKERS the Kafka tiers refuse to start, naming the setting', { skip }, () => {
  const { KAFKA_BROKERS: _, ...noBrokers } = ENV;
  for (const configs of [[agentPath], [configPath, gatewayPath]]) {
    const r = validate(configs, noBrokers);
    assert.notEqual(r.status, 0, `${configs.map((c) => path.basename(c)).join(' + ')} validated without brokers`);
    assert.match(r.output, /brokers/i);
  }
});

test('the agent masks credentials with the shared rules before anything reaches the topic', () => {
  const agent = loadYaml(agentPath);
  const shared = loadYaml(configPath);
  assert.deepEqual(agent.processors['redaction/traces'], shared.processors['redaction/traces']);
  const p = agent.service.pipelines;
  assert.deepEqual(Object.keys(p), ['traces']);
  assert.deepEqual(p.traces.processors, ['memory_limiter', 'redaction/traces']);
  assert.deepEqual(p.traces.exporters, ['kafka/traces']);
  assert.equal(agent.exporters['kafka/traces'].partition_traces_by_id, true, 'one trace, one partition, one gateway replica');
  assert.equal(agent.exporters['kafka/traces'].traces.encoding, 'otlp_proto');
});

test('the gateway overlay only swaps the span source, at least once; the lag overlay redacts before export', () => {
  const gw = loadYaml(gatewayPath);
  assert.deepEqual(gw.service.pipelines, { 'traces/in': { receivers: ['kafka'] } });
  assert.equal(gw.receivers.kafka.message_marking.after, true);
  assert.equal(gw.receivers.kafka.message_marking.on_error, false);
  assert.equal(gw.receivers.kafka.traces.encoding, 'otlp_proto');
  const lag = loadYaml(lagPath);
  const procs = lag.service.pipelines['metrics/kafka_lag'].processors as string[];
  assert.equal(procs[0], 'memory_limiter');
  assert.ok(procs.indexOf('redaction/metrics') > procs.indexOf('transform/kafka_lag'));
});
