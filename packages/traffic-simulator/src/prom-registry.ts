/**
 * Minimal Prometheus registry that renders text exposition format 0.0.4 the way nginx-lua-prometheus
 * (used by both Kong and APISIX) does: families sorted by name, each with HELP and TYPE, series sorted
 * by their label string, histogram buckets in ascending order followed by `+Inf`, then all `_count`
 * lines, then all `_sum` lines.
 */

import { escapeExpositionValue } from '@api-observatory/telemetry-contract';

/** The contract's text-format escaping of label values; backfill.ts and test fixtures import it from here too. */
export { escapeExpositionValue };

export function formatLabels(names: readonly string[], values: readonly string[], extra?: readonly [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeExpositionValue(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeExpositionValue(extra[1])}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

export function formatNumber(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) ? v.toFixed(0) : String(v);
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(out: string[]): void;
}

abstract class Vec<S> implements Family {
  protected readonly series = new Map<string, { values: string[]; state: S }>();
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {}

  protected get(values: readonly string[], init: () => S): S {
    if (values.length !== this.labelNames.length) {
      throw new RangeError(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    const key = formatLabels(this.labelNames, values);
    let s = this.series.get(key);
    if (!s) {
      s = { values: [...values], state: init() };
      this.series.set(key, s);
    }
    return s.state;
  }

  protected sortedKeys(): string[] {
    return [...this.series.keys()].sort();
  }

  get size(): number {
    return this.series.size;
  }

  abstract render(out: string[]): void;
}

export class CounterVec extends Vec<{ v: number }> {
  readonly type: 'counter' | 'gauge' = 'counter';
  inc(values: readonly string[], by = 1): void {
    if (by < 0) throw new RangeError(`${this.name}: counters only go up`);
    this.get(values, () => ({ v: 0 })).v += by;
  }
  value(values: readonly string[]): number {
    return this.series.get(formatLabels(this.labelNames, values))?.state.v ?? 0;
  }
  render(out: string[]): void {
    for (const key of this.sortedKeys()) out.push(`${this.name}${key} ${formatNumber(this.series.get(key)!.state.v)}`);
  }
}

export class GaugeVec extends CounterVec {
  override readonly type = 'gauge' as const;
  set(values: readonly string[], v: number): void {
    this.get(values, () => ({ v: 0 })).v = v;
  }
}

export class HistogramVec extends Vec<{ buckets: number[]; count: number; sum: number }> {
  readonly type = 'histogram' as const;
  constructor(name: string, help: string, labelNames: readonly string[], readonly bounds: readonly number[]) {
    super(name, help, labelNames);
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError(`${name}: bucket bounds must increase`);
  }
  observe(values: readonly string[], v: number): void {
    const s = this.get(values, () => ({ buckets: new Array<number>(this.bounds.length).fill(0), count: 0, sum: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]!) s.buckets[i]!++;
    s.count++;
    s.sum += v;
  }
  render(out: string[]): void {
    const keys = this.sortedKeys();
    for (const key of keys) {
      const { values, state } = this.series.get(key)!;
      for (let i = 0; i < this.bounds.length; i++) {
        out.push(`${this.name}_bucket${formatLabels(this.labelNames, values, ['le', formatNumber(this.bounds[i]!)])} ${state.buckets[i]}`);
      }
      out.push(`${this.name}_bucket${formatLabels(this.labelNames, values, ['le', '+Inf'])} ${state.count}`);
    }
    for (const key of keys) out.push(`${this.name}_count${key} ${this.series.get(key)!.state.count}`);
    for (const key of keys) out.push(`${this.name}_sum${key} ${formatNumber(this.series.get(key)!.state.sum)}`);
  }
}

export class Registry {
  private readonly families = new Map<string, Family>();
  register<F extends Family>(f: F): F {
    if (this.families.has(f.name)) throw new RangeError(`duplicate metric ${f.name}`);
    this.families.set(f.name, f);
    return f;
  }
  render(): string {
    const out: string[] = [];
    for (const name of [...this.families.keys()].sort()) {
      const f = this.families.get(name)!;
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      f.render(out);
    }
    return out.join('\n') + '\n';
  }
}
