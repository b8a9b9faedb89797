/** The Kafka side's inputs without a broker: event ids, keys, the request's entityRef, the serve flags. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_GATE_CONFIG, evaluationId, keyForApi, parseBrokers, validateEvaluateRequest, ValidationError, type EvaluationReport } from '../src';

const CLI = join(__dirname, '..', 'src', 'cli.ts');

const report = (over: Partial<EvaluationReport['window']> = {}) =>
  ({
    context: { api: 'orders', canaryVersion: 'v2.1', baselineVersion: 'v2' },
    window: { start: '2026-12-07T10:00:00.000Z', end: '2026-12-07T10:10:00.000Z', step: '1m', intervals: 10, ...over },
    gateConfigHash: 'sha256:00',
  }) as EvaluationReport;

test('event ids: the same evaluation gives the same id, another window another one', () => {
  assert.equal(evaluationId(report()), evaluationId(report()));
  assert.match(evaluationId(report()), /^[0-9a-f]{32}$/);
  assert.notEqual(evaluationId(report()), evaluationId(report({ end: '2026-12-07T10:11:00.000Z' })));
  assert.notEqual(evaluationId(report()), evaluationId({ ...report(), gateConfigHash: 'sha256:01' }));
});

test('key: the entity ref when known, else api:default/<api>', () => {
  assert.equal(keyForApi('orders', 'api:shop/orders'), 'api:shop/orders');
  assert.equal(keyForApi('orders'), 'api:default/orders');
});

test('entityRef in the evaluate request: an API entity ref or a 400 naming the field', () => {
  assert.equal(validateEvaluateRequest({ api: 'orders', entityRef: 'api:default/orders' }, DEFAULT_GATE_CONFIG).entityRef, 'api:default/orders');
  assert.equal('entityRef' in validateEvaluateRequest({ api: 'orders' }, DEFAULT_GATE_CONFIG), false);
  for (const bad of ['orders', 'component:default/orders', 'api:default/', 42]) {
    assert.throws(
      () => validateEvaluateRequest({ api: 'orders', entityRef: bad }, DEFAULT_GATE_CONFIG),
      (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === 'entityRef'),
      String(bad),
    );
  }
});

test('brokers: host:port list, else an error naming the entry', () => {
  assert.deepEqual(parseBrokers('a:9092, b.example:19092', '--kafka-brokers'), ['a:9092', 'b.example:19092']);
  assert.throws(() => parseBrokers('a', '--kafka-brokers'), /--kafka-brokers: "a" is not host:port/);
  assert.throws(() => parseBrokers(' , ', 'CANARY_GATE_KAFKA_BROKERS'), /CANARY_GATE_KAFKA_BROKERS must name at least one broker/);
});

test('serve: Kafka flags are validated (exit 3)', () => {
  const env = { ...process.env, NODE_TEST_CONTEXT: undefined, CANARY_GATE_KAFKA_BROKERS: '' };
  const cases: [string[], Record<string, string | undefined>, RegExp][] = [
    [['--kafka-topic', 't'], env, /--kafka-topic and --kafka-create-topic need --kafka-brokers/],
    [['--kafka-brokers', 'nohost'], env, /--kafka-brokers: "nohost" is not host:port/],
    [[], { ...env, CANARY_GATE_KAFKA_BROKERS: 'x:y' }, /CANARY_GATE_KAFKA_BROKERS: "x:y" is not host:port/],
  ];
  for (const [args, e, re] of cases) {
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--prometheus', 'http://127.0.0.1:9', '--port', '0', ...args], { env: e, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});
