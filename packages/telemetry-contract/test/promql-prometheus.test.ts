/**
 * The contract's PromQL input rules against the real Prometheus (the version the pack pins): every range
 * duration window() accepts is accepted by Prometheus, every one it refuses is refused by Prometheus too,
 * so the contract neither blocks a valid window nor sends a query Prometheus would reject; and
 * oldestSampleTime() finds the age of data younger than its probe step.
 * Skipped when Prometheus is not built (npm run setup), except in CI, where a missing tool is a failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { freePort, runDir, startPrometheus, toolPath, type RunningPrometheus } from '@api-observatory/local-stack';
import { PROM, PrometheusClient, PrometheusQueryError, oldestSampleTime, selector, window } from '../src';
import { ACCEPTED_DURATIONS, REFUSED_DURATIONS } from './durations';

let skip: string | false = false;
try {
  toolPath('prometheus');
} catch (e) {
  if (!process.env.CI) skip = (e as Error).message;
}

describe('the contract on the real Prometheus', { skip, timeout: 120_000 }, () => {
  let prometheus: RunningPrometheus | undefined;
  let prom: PrometheusClient;

  before(async () => {
    const port = await freePort();
    const dir = runDir('it-contract-durations');
    // Scrapes itself every second: oldestSampleTime() is checked on its own `up` series.
    prometheus = await startPrometheus({ port, dataDir: path.join(dir, `prom-${Date.now()}`), logDir: path.join(dir, 'logs'), scrapeInterval: '1s' });
    prom = new PrometheusClient(prometheus.url);
  });
  after(async () => {
    await prometheus?.stop();
  });

  /** Prometheus' answer to a range query over `d`, sent as is: undefined when accepted, else its error. */
  const prometheusRefusal = async (d: string): Promise<string | undefined> => {
    try {
      await prom.query(`count_over_time(${selector(PROM.requests)}[${d}])`);
      return undefined;
    } catch (e) {
      if (e instanceof PrometheusQueryError) return e.message;
      throw e;
    }
  };

  test('durations window() accepts are accepted by Prometheus', async () => {
    for (const d of ACCEPTED_DURATIONS) {
      assert.equal(window(d), d);
      assert.equal(await prometheusRefusal(d), undefined, `Prometheus refuses ${d}`);
    }
  });

  test('durations window() refuses are refused by Prometheus', async () => {
    for (const d of REFUSED_DURATIONS) {
      assert.throws(() => window(d), RangeError, d);
      const refusal = await prometheusRefusal(d);
      assert.ok(refusal, `Prometheus accepts ${d}`);
    }
  });

  test('data younger than the last aligned probe step still has an age', async () => {
    // Prometheus scrapes itself: its `up` series starts with the first scrape.
    const up = selector('up');
    let first: number | undefined;
    for (let i = 0; i < 100 && first === undefined; i++) {
      const r = await prom.query(`min(timestamp(${up}))`);
      if (r.length) first = Number(r[0]!.value[1]);
      else await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(first !== undefined, 'Prometheus never scraped itself');
    // One second after the first sample, with hour-aligned probe steps: the last step lies before the data
    // (unless the first scrape fell in an hour's first second), so only the instant timestamp can see it.
    const at = first + 1;
    if (at % 3600 < 2) return;
    const [oldest] = await prom.query(oldestSampleTime(up, '2h', 3600), at);
    assert.ok(oldest, 'no age for data younger than one probe step');
    assert.equal(Number(oldest.value[1]), first);
    // Older data is found by the subquery itself: the minimum over the window, not the latest sample.
    const later = first + 30;
    const [again] = await prom.query(oldestSampleTime(up, '2h', 1), later);
    assert.ok(again && Math.abs(Number(again.value[1]) - first) <= 1, `oldest ${again?.value[1]} vs first sample ${first}`);
  });
});
