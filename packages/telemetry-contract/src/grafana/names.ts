import { LABELS, PLATFORM_METRICS, grafanaVar, type LabelKey, type PlatformMetricKey } from '../index';

/** Prometheus label of a contract label key. */
export const L = (key: LabelKey): string => LABELS[key].label;

/** A label of a platform.ts series, checked at compile time against the contract's label list. */
export function platformLabel<K extends PlatformMetricKey>(_key: K, label: (typeof PLATFORM_METRICS)[K]['labels'][number]): string {
  return label;
}

/** Grafana legend format showing the given labels' values: `{{api}} {{plan}}`, with an optional prefix. */
export function legend(labels: readonly string[], prefix?: string): string {
  const vals = labels.map((l) => `{{${l}}}`).join(' ');
  return prefix ? `${prefix} ${vals}` : vals;
}

/** `label=~"$name"` for the Grafana variable of that name. */
export const v = (name: string) => grafanaVar(name);

/** The latency quantiles the latency panels draw, and their legend (`p95`). */
export const QUANTILES = [0.5, 0.95, 0.99] as const;
export const pct = (q: number): string => `p${Math.round(q * 100)}`;

/** A Grafana data-link expression for a field of the clicked row: `${__data.fields.<name>}`. */
export const field = (name: string): string => `\${__data.fields.${name}}`;


