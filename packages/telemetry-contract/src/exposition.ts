/**
 * Writing label values into the Prometheus text exposition format (0.0.4) and OpenMetrics, the
 * direction opposite to `escapeLabelValue` (PromQL string literals): the formats escape only backslash,
 * double quote and line feed (`\\`, `\"`, `\n`); every other character, `\r` and `\t` included, is
 * written as it is. Whatever writes the contract's series as text (the simulator's gateway expositions and
 * backfill, test fixtures) escapes with this.
 */
export function escapeExpositionValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
