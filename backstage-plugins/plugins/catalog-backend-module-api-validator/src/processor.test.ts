import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessorCache, CatalogProcessorResult, LocationSpec } from '@backstage/plugin-catalog-node';
import { ApiDefinitionValidatorProcessor, CATALOG_PROCESSING_STATUS, API_VALIDATOR_STATUS, readValidatorConfig } from './processor';
import { oas30 } from './__fixtures__/docs';
import { generateOpenApi } from '../bench/generate';
import { INPUTS } from './__fixtures__/inputs';

type Doc = Record<string, any>;
const location: LocationSpec = { type: 'file', target: '/catalog/apis/x.yaml' };

function apiEntity(definition: Doc | string, type = 'openapi', annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'x', annotations },
    spec: { type, lifecycle: 'production', owner: 'team', definition: typeof definition === 'string' ? definition : JSON.stringify(definition) },
  };
}

function memoryCache(initial: Record<string, unknown> = {}): CatalogProcessorCache & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = { ...initial };
  return {
    data,
    async get(key: string) {
      return data[key] as any;
    },
    async set(key: string, value: unknown) {
      data[key] = value;
    },
  };
}

/** Runs the processor once; inline unless the config enables the worker thread. */
async function run(config: Doc, entity: Entity, cache = memoryCache()) {
  const withWorker = config.apiValidator?.worker?.enabled === true;
  const cfg = withWorker ? config : { ...config, apiValidator: { ...config.apiValidator, worker: { enabled: false } } };
  const processor = new ApiDefinitionValidatorProcessor(readValidatorConfig(new ConfigReader(cfg)));
  const emitted: CatalogProcessorResult[] = [];
  try {
    const out = await processor.postProcessEntity(entity, location, (r) => emitted.push(r), cache);
    return { out: out as Entity & { status?: { items?: Array<Record<string, any>> } }, emitted, cache };
  } finally {
    await processor.close();
  }
}

const broken = () => {
  const d: Doc = oas30();
  d.security = [{ missing: [] }];
  delete d.info.description;
  return d;
};

describe('ApiDefinitionValidatorProcessor', () => {
  test('a valid definition passes unchanged', async () => {
    const e = apiEntity(oas30());
    const { out, emitted } = await run({}, e);
    assert.deepEqual(out, e);
    assert.equal(emitted.length, 0);
  });

  test('default: errors become catalog-processing status items (shown on the entity page), warnings own items; nothing emitted', async () => {
    const { out, emitted } = await run({}, apiEntity(broken()));
    assert.equal(emitted.length, 0);
    const items = out.status?.items ?? [];
    const err = items.find((i) => i.level === 'error');
    assert.equal(err?.type, CATALOG_PROCESSING_STATUS);
    assert.equal(err?.error?.name, 'ApiDefinitionError');
    assert.match(err?.message, /^API definition: \[security-schemes-defined\] security requirement names `missing`/);
    const warn = items.find((i) => i.level === 'warning');
    assert.equal(warn?.type, API_VALIDATOR_STATUS);
    assert.match(warn?.message, /\[info-description\]/);
  });

  test('rejectInvalid: errors are emitted as input errors (the catalog then keeps the last good version)', async () => {
    const { out, emitted } = await run({ apiValidator: { rejectInvalid: true } }, apiEntity(broken()));
    assert.equal(out.status, undefined);
    assert.ok(emitted.length >= 1);
    for (const r of emitted) {
      assert.equal(r.type, 'error');
      assert.equal((r as any).location, location);
      assert.equal((r as any).error.name, 'InputError');
    }
    assert.ok(emitted.some((r) => /\[security-schemes-defined\]/.test((r as any).error.message)));
    assert.ok(!emitted.some((r) => /info-description/.test((r as any).error.message)), 'warnings are not emitted as errors');
    // warnings alone never reject
    const d: Doc = oas30();
    delete d.info.description;
    assert.equal((await run({ apiValidator: { rejectInvalid: true } }, apiEntity(d))).emitted.length, 0);
  });

  test('reportSeverity, maxReported, rule overrides and enabled', async () => {
    const onlyErrors = await run({ apiValidator: { reportSeverity: 'error' } }, apiEntity(broken()));
    assert.ok(onlyErrors.out.status?.items?.every((i) => i.level === 'error'));
    const d: Doc = oas30();
    for (let i = 0; i < 30; i++) d.paths[`/p${i}`] = { get: { operationId: 'dup', summary: 's', responses: { '200': { description: 'ok' } } } };
    // 29 duplicates of `dup`: 5 shown, 24 summarized
    const capped = await run({ apiValidator: { maxReported: 5 } }, apiEntity(d));
    assert.equal(capped.out.status?.items?.length, 6);
    assert.match(capped.out.status!.items![5]!.message, /24 more findings not shown/);
    const off = await run({ apiValidator: { rules: { 'security-schemes-defined': 'off', 'info-description': 'off', 'security-schemes-referenced': 'off' } } }, apiEntity(broken()));
    assert.equal(off.out.status, undefined);
    const rejectCapped = await run({ apiValidator: { maxReported: 5, rejectInvalid: true } }, apiEntity(d));
    assert.equal(rejectCapped.emitted.length, 6);
    assert.match((rejectCapped.emitted[5] as any).error.message, /24 more errors not shown; the definition was rejected/);
    const disabled = await run({ apiValidator: { enabled: false } }, apiEntity(broken()));
    assert.equal(disabled.out.status, undefined);
  });

  test('other kinds and spec types are left alone', async () => {
    const grpc = apiEntity('not: [valid', 'grpc');
    assert.deepEqual((await run({}, grpc)).out, grpc);
    const component = { ...apiEntity(broken()), kind: 'Component' };
    assert.deepEqual((await run({}, component)).out, component);
  });

  test('the gateway rule applies to entities with the gateway annotation', async () => {
    const { out } = await run({}, apiEntity(oas30(), 'openapi', { 'api-observatory.io/gateway': 'kong', 'api-observatory.io/api-name': 'orders' }));
    assert.ok(out.status?.items?.some((i) => /\[operation-gateway-route\].*orders-<operation>|has no x-gateway-route/.test(i.message)));
  });

  test('results are cached by definition and config hash', async () => {
    const cache = memoryCache();
    const e = apiEntity(broken());
    await run({}, e, cache);
    const stored = cache.data.result as { key: string; findings: unknown[] };
    assert.ok(stored.key && stored.findings.length > 0);
    // a poisoned cache entry with the same key is used as is (proves the cache is read) ...
    stored.findings = [{ rule: 'structure', severity: 'error', message: 'from cache', path: '' }];
    const again = await run({}, e, cache);
    assert.match(again.out.status!.items![0]!.message, /from cache/);
    // ... and a changed definition or config is validated afresh
    const changed = await run({ apiValidator: { rules: { 'info-description': 'info' } } }, e, cache);
    assert.ok(!changed.out.status!.items!.some((i) => /from cache/.test(i.message)));
  });

  test('a result stopped by the time budget is validated again on the next runs, three times in all', async () => {
    const cache = memoryCache();
    const e = apiEntity(broken());
    const config = { apiValidator: { limits: { timeBudgetMs: 0 } } };
    const poison = () => {
      (cache.data.result as { findings: unknown[] }).findings = [{ rule: 'structure', severity: 'error', message: 'from cache', path: '' }];
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { out } = await run(config, e, cache);
      assert.match(out.status!.items![0]!.message, /time budget of 0 ms/, `attempt ${attempt}`);
      assert.equal((cache.data.result as { outOfTime?: number }).outOfTime, attempt);
      poison();
    }
    // after three, the outcome is kept like any other (a definition that never fits is not re-validated forever)
    assert.match((await run(config, e, cache)).out.status!.items![0]!.message, /from cache/);
    // results within the budget are not retried
    const fresh = memoryCache();
    await run({}, e, fresh);
    assert.equal((fresh.data.result as { outOfTime?: number }).outOfTime, undefined);
  });

  test('worker thread (the default): same result as inline; a hard timeout and a heap limit stop it', async () => {
    const inline = await run({}, apiEntity(broken()));
    const worker = await run({ apiValidator: { worker: { enabled: true } } }, apiEntity(broken()));
    assert.deepEqual(worker.out, inline.out);
    const big = generateOpenApi(2_000);
    const slow = await run({ apiValidator: { worker: { enabled: true, timeoutMs: 50 } } }, apiEntity(big));
    assert.match(slow.out.status!.items![0]!.message, /\[document-limits\] validation did not finish within 50 ms and was stopped/);
    assert.equal((slow.cache.data.result as { outOfTime?: number }).outOfTime, 1, 'the hard timeout counts as a time limit');
    const oom = await run({ apiValidator: { worker: { enabled: true, maxHeapMb: 32 }, rejectInvalid: true } }, apiEntity(INPUTS.richOpenApi()));
    assert.match((oom.emitted[0] as any)?.error?.message ?? '', /\[document-limits\] validation exceeded its memory limit of 32 MB and was stopped/);
    assert.equal(readValidatorConfig(new ConfigReader({})).worker.enabled, true);
  });

  test('a worker that cannot start: validation falls back to inline, within the same bounds', async () => {
    const t = performance.now();
    const { out } = await run({ apiValidator: { worker: { enabled: true, maxHeapMb: 4 } } }, apiEntity(INPUTS.flowList()));
    assert.match(out.status?.items?.[0]?.message ?? '', /\[document-limits\] definition has more than 1000000 nodes; it was not parsed/, JSON.stringify(out.status));
    assert.ok(performance.now() - t < 30_000);
  });

  test('configuration errors are reported at start', () => {
    assert.throws(() => readValidatorConfig(new ConfigReader({ apiValidator: { rules: { nope: 'error' } } })), /unknown rule/);
    assert.throws(() => readValidatorConfig(new ConfigReader({ apiValidator: { rules: { structure: 'fatal' } } })), /must be one of/);
    const c = readValidatorConfig(new ConfigReader({ apiValidator: { allowedRefs: ['https://schemas.acme.example/'], limits: { maxBytes: 1000 } } }));
    assert.deepEqual(c.allowedRefs, ['https://schemas.acme.example/']);
    assert.equal(c.limits.maxBytes, 1000);
    assert.equal(c.limits.maxAliasExpansion, 10);
    assert.equal(c.worker.maxHeapMb, 384);
    assert.equal(c.rejectInvalid, false);
  });
});
