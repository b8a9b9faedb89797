// `otelcol validate` on the shipped configs, and on broken variants (the error must say what is wrong).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VALIDATE_ENV,
  assertCompressionSetting,
  configPath,
  loadBalancingPath,
  lokiOverlayPath,
  skipWithoutOtelcol,
  tempDir,
  validate,
  writeVariant,
} from './helpers';

const skip = skipWithoutOtelcol;

test('config.yaml validates', { skip }, () => {
  const r = validate([configPath]);
  assert.equal(r.status, 0, r.output);
});

test('config.yaml + config.loki.yaml validate together', { skip }, () => {
  const r = validate([configPath, lokiOverlayPath]);
  assert.equal(r.status, 0, r.output);
});

test('loadbalancing.yaml validates', { skip }, () => {
  const r = validate([loadBalancingPath]);
  assert.equal(r.status, 0, r.output);
});

test('loadbalancing.yaml takes a compression to the backends and refuses an unknown one, naming the setting', { skip }, () => {
  assertCompressionSetting([loadBalancingPath], VALIDATE_ENV, 'LB_BACKENDS_COMPRESSION');
});

test('config.yaml validates with the load-balancing backends setting for span-metric dimensions', { skip }, () => {
  const r = validate([configPath], { ...VALIDATE_ENV, SPANMETRICS_EXCLUDE_DIMENSIONS: '[service.name, span.name, span.kind, status.code]' });
  assert.equal(r.status, 0, r.output);
});

test('config.yaml and the Loki overlay validate with no environment at all: every setting has a default', { skip }, () => {
  const r = validate([configPath, lokiOverlayPath], {});
  assert.equal(r.status, 0, r.output);
});

test('an endpoint set to an empty value fails with the component that needs it (empty is not unset: no default)', { skip }, () => {
  const r = validate([configPath], { ...VALIDATE_ENV, TRACES_OTLP_ENDPOINT: '' });
  assert.notEqual(r.status, 0);
  assert.match(r.output, /otlp_grpc\/traces: requires a non-empty "endpoint"/);
});

test('an unknown processor key fails and names the key', { skip }, () => {
  const t = tempDir('otelcol-bad-key-');
  try {
    const file = writeVariant(t.dir, 'bad-key.yaml', (s) => s.replace(/^ {2}batch:\n/m, '  batch:\n    send_batch_sise: 10\n'));
    const r = validate([file]);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /error reading configuration for "batch"/);
    assert.match(r.output, /has invalid keys: send_batch_sise/);
  } finally {
    t.cleanup();
  }
});

test('a broken OTTL statement fails and names the processor and the syntax error', { skip }, () => {
  const t = tempDir('otelcol-bad-ottl-');
  try {
    const file = writeVariant(t.dir, 'bad-ottl.yaml', (s) => s.replace('set(metric.unit, "By") where', 'set(metric.unit, "By" where'));
    const r = validate([file]);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /processors::transform\/gateway_metrics_finish: statement has invalid syntax/);
  } finally {
    t.cleanup();
  }
});

test('an unknown OTTL function fails and names it', { skip }, () => {
  const t = tempDir('otelcol-bad-func-');
  try {
    const file = writeVariant(t.dir, 'bad-func.yaml', (s) => s.replace('- delete_key(span.attributes, "enduser.id")', '- delete_kee(span.attributes, "enduser.id")'));
    const r = validate([file]);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /transform\/spans/);
    assert.match(r.output, /undefined function "delete_kee"/);
  } finally {
    t.cleanup();
  }
});

test('a pipeline that names an undefined component fails and names it', { skip }, () => {
  const t = tempDir('otelcol-bad-ref-');
  try {
    const file = writeVariant(t.dir, 'bad-ref.yaml', (s) => s.replace('processors: [memory_limiter, redaction/logs, batch]', 'processors: [memory_limiter, redaction/logz, batch]'));
    const r = validate([file]);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /redaction\/logz/);
  } finally {
    t.cleanup();
  }
});
