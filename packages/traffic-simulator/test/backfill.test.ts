import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { LABEL_NAMES, METRICS, PROM, promName, UNAUTHENTICATED_CONSUMER, UNKNOWN_DIMENSION } from '@api-observatory/telemetry-contract';
import { writeBackfill, type BackfillOptions, type BackfillResult } from '../src/backfill';
import { checkHistogram, key, parseExposition } from './helpers/exposition-parser';

const PROMTOOL = join(__dirname, '..', '..', '..', '.tools', 'bin', 'promtool');
const START = Date.UTC(2026, 10, 28, 12, 0, 0);
/** Every file this suite writes lives here, removed at the end. */
const TMP = mkdtempSync(join(tmpdir(), 'sim-backfill-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

async function toFile(o: BackfillOptions): Promise<{ path: string; text: string; result: BackfillResult }> {
  const dir = await mkdtemp(join(TMP, 'om-'));
  const path = join(dir, 'backfill.om');
  const out = createWriteStream(path);
  const result = await writeBackfill(out, o);
  await new Promise<void>((resolve) => out.end(resolve));
  return { path, text: await readFile(path, 'utf8'), result };
}

const SMALL: BackfillOptions = { gateways: ['kong'], apis: 2, consumers: 3, seed: 4, startMs: START, endMs: START + 10 * 60_000, stepMs: 60_000 };

describe('backfill (OpenMetrics for promtool)', () => {
  it('writes valid OpenMetrics in the contract names and labels', async () => {
    const { text, result } = await toFile(SMALL);
    const fams = parseExposition(text, { openMetrics: true }); // checks # EOF, TYPE before samples, no interleaved families
    const expectedFamilies = new Set(
      Object.values(METRICS)
        .filter((d) => d.source !== 'canary-gate')
        .map((d) => (d.type === 'counter' ? promName(d).replace(/_total$/, '') : promName(d))),
    );
    assert.deepEqual(new Set(fams.keys()), expectedFamilies);
    const promNames = new Set(Object.values(PROM));
    const seriesSeen = new Set<string>();
    for (const f of fams.values()) {
      assert.ok(f.help && f.type, f.name);
      const def = Object.values(METRICS).find((d) => promName(d) === f.name || promName(d) === `${f.name}_total`)!;
      assert.equal(f.type, def.type);
      let lastSeries = '';
      const lastTs = new Map<string, number>();
      const lastValue = new Map<string, number>();
      const closed = new Set<string>();
      for (const s of f.samples) {
        if (f.type === 'counter') assert.ok(promNames.has(s.name), `${s.name} is a contract series`);
        for (const l of Object.keys(s.labels)) assert.ok(LABEL_NAMES.has(l), `label ${l} is a contract label`);
        assert.ok(s.timestamp !== undefined && Number.isFinite(s.timestamp), 'timestamp in seconds');
        assert.ok(s.timestamp! >= START / 1000 && s.timestamp! <= SMALL.endMs / 1000, `timestamp ${s.timestamp} in range`);
        const series = `${s.name}{${key(s.labels)}}`;
        const point = key(s.labels, ['le']);
        // one series' samples are contiguous per metric point group, and time increases
        if (point !== lastSeries) {
          assert.ok(!closed.has(point), `series ${point} of ${f.name} resumes after another series`);
          if (lastSeries) closed.add(lastSeries);
          lastSeries = point;
        }
        const prevTs = lastTs.get(series);
        if (prevTs !== undefined) assert.ok(s.timestamp! > prevTs, `${series} timestamps increase`);
        lastTs.set(series, s.timestamp!);
        if (f.type === 'counter' || s.name.endsWith('_bucket') || s.name.endsWith('_count')) {
          assert.ok(s.value >= (lastValue.get(series) ?? 0), `${series} never decreases`);
        }
        lastValue.set(series, s.value);
        seriesSeen.add(series);
      }
      if (f.type === 'histogram') assert.ok(checkHistogram(f) > 0);
    }
    assert.equal(seriesSeen.size, result.series, 'reported series count');
    assert.equal(result.steps, 11);
    // workload labels come from the naming convention
    const req = fams.get(PROM.requests.replace(/_total$/, ''))!;
    assert.ok(req.samples.some((s) => s.labels.deployment_role === 'canary' && s.labels.api === 'orders' && s.labels.api_version === 'v2.1'));
    assert.ok(req.samples.some((s) => s.labels.status_class === '5xx'));
    const calls = fams.get(PROM.trafficCalls.replace(/_total$/, ''))!;
    assert.ok(calls.samples.every((s) => /^[A-Z]{2}$/.test(s.labels.country!) && ['free', 'pro', 'enterprise', UNKNOWN_DIMENSION].includes(s.labels.plan!)));
  });

  it('leaves requests without a consumer where the gateway identified none, as the live simulator and the collector do', async () => {
    const { text } = await toFile({ ...SMALL, gateways: ['kong', 'apisix'] });
    const fams = parseExposition(text, { openMetrics: true });
    const series = (family: string) => fams.get(family.replace(/_total$/, ''))!.samples.filter((s) => !s.name.endsWith('_bucket'));
    const requests = series(PROM.requests);
    // The authentication plugin rejected the credentials: no consumer in the gateway's metrics.
    const unauthorized = requests.filter((s) => s.labels.http_response_status_code === '401');
    assert.ok(unauthorized.length > 0);
    assert.ok(unauthorized.every((s) => s.labels.consumer === UNAUTHENTICATED_CONSUMER), 'every 401 is unauthenticated');
    // 403 (ACL) and 429 (rate limiting) run after authentication, so both gateways' metrics keep the consumer.
    const later = requests.filter((s) => ['403', '429'].includes(s.labels.http_response_status_code!));
    assert.ok(later.length > 0 && later.every((s) => s.labels.consumer !== UNAUTHENTICATED_CONSUMER));
    assert.ok(requests.filter((s) => s.labels.consumer === UNAUTHENTICATED_CONSUMER).every((s) => s.labels.http_response_status_code === '401'));
    const bandwidth = series(PROM.bandwidth);
    assert.ok(bandwidth.some((s) => s.labels.consumer === UNAUTHENTICATED_CONSUMER), 'rejected requests carry bytes too');
    // Spans: Kong's enrichment sees the consumer unless the request was a 401; APISIX's runs after every
    // other plugin, so no gateway-generated response (401, 403, 429) carries it. Plan and tenant then are unknown.
    const calls = series(PROM.trafficCalls);
    const anonymous = (s: (typeof calls)[number]) => s.labels.consumer === UNAUTHENTICATED_CONSUMER;
    for (const s of calls) {
      const generated = ['401', '403', '429'].includes(s.labels.http_response_status_code!);
      const expected = s.labels.http_response_status_code === '401' || (s.labels.gateway === 'apisix' && generated);
      assert.equal(anonymous(s), expected, `${key(s.labels)}: unauthenticated ${anonymous(s)}`);
      if (anonymous(s)) assert.ok(s.labels.plan === UNKNOWN_DIMENSION && s.labels.tenant === UNKNOWN_DIMENSION, key(s.labels));
      else assert.notEqual(s.labels.plan, UNKNOWN_DIMENSION);
    }
  });

  it('uses each gateway’s own buckets, scaled to seconds, for scraped histograms', async () => {
    const { text } = await toFile({ ...SMALL, gateways: ['apisix'] });
    const fam = parseExposition(text, { openMetrics: true }).get(PROM.requestDuration)!;
    const les = [...new Set(fam.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.labels.le))];
    assert.deepEqual(les, ['0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1', '2', '5', '10', '30', '60', '+Inf']);
  });

  it('is deterministic by seed', async () => {
    const a = await toFile(SMALL);
    const b = await toFile(SMALL);
    const c = await toFile({ ...SMALL, seed: 5 });
    assert.equal(a.text, b.text);
    assert.notEqual(a.text, c.text);
  });

  it('scales up to reach a series target, streaming with progress', async () => {
    const sink = new PassThrough();
    let bytes = 0;
    sink.on('data', (d: Buffer) => (bytes += d.length));
    const progress: number[] = [];
    const result = await writeBackfill(sink, {
      ...SMALL,
      endMs: START + 60_000,
      seriesTarget: 20_000,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p.seriesWritten),
    });
    assert.ok(result.series >= 20_000, `series ${result.series}`);
    assert.ok(result.consumers > SMALL.consumers! || result.countriesPerConsumer > 1);
    assert.equal(bytes, result.bytes);
    assert.ok(progress.length > 2 && progress[progress.length - 1] === result.series);
  });

  it('is accepted by promtool tsdb create-blocks-from openmetrics', async (t) => {
    if (!existsSync(PROMTOOL)) {
      t.skip(`promtool not found at .tools/bin/promtool; build it to run this check`);
      return;
    }
    const { path } = await toFile({ ...SMALL, gateways: ['kong', 'apisix'] });
    const out = await mkdtemp(join(TMP, 'tsdb-'));
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', path, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /BLOCK ULID/);
  });
});
