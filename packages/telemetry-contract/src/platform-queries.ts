import { aggregate, type Aggregation } from './operators';
import { PLATFORM_METRICS, type PlatformMetricKey } from './platform';
import { rate, selector, sum, type Matchers } from './promql';
import { rangeWindow as win, type QueryOptions } from './query-options';

/**
 * Named queries over the platform's own series (platform.ts: collector and Prometheus self-telemetry,
 * `up`), for the platform dashboard and alerts. Other components' series: platform-components.ts.
 */

/** Per-second rate of a platform counter, aggregated by labels. */
export function platformRate(key: PlatformMetricKey, o: QueryOptions = {}): string {
  const m = PLATFORM_METRICS[key];
  if (m.type !== 'counter') throw new RangeError(`${key} is a ${m.type}, not a counter`);
  return sum(rate(selector(m.name, o.filter), win(o)), o.by);
}

/** A platform gauge aggregated by labels (`min by (job, instance) (up)` for scrape health). */
export function platformGauge(key: PlatformMetricKey, o: { filter?: Matchers; by?: readonly string[]; agg?: Aggregation } = {}): string {
  const m = PLATFORM_METRICS[key];
  if (m.type !== 'gauge') throw new RangeError(`${key} is a ${m.type}, not a gauge`);
  return aggregate(o.agg ?? 'sum', selector(m.name, o.filter), o.by ?? []);
}

/** Ratio of two platform gauges matched on the same labels (queue size / capacity), 0..1. */
export function platformGaugeRatio(numerator: PlatformMetricKey, denominator: PlatformMetricKey, o: { filter?: Matchers; by?: readonly string[] } = {}): string {
  return `${platformGauge(numerator, { ...o, agg: 'max' })} / ${platformGauge(denominator, { ...o, agg: 'max' })}`;
}
