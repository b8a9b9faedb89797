import { LABELS, PLATFORM_METRICS, type LabelKey, type PlatformMetricKey } from '@api-observatory/telemetry-contract';

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
