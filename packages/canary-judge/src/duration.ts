/** Prometheus-style durations: "30s", "1m", "1h30m", "500ms", "1d", "1w". */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const PART = /(\d+)(ms|s|m|h|d|w|y)/y;

/** Milliseconds of a duration such as "1m" or "1h30m"; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  if (typeof text !== 'string' || text === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  let lastUnit = Infinity;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== start) return null;
    const unit = UNITS[m[2] as string] as number;
    // Units must go from largest to smallest, each at most once (as Prometheus requires).
    if (unit >= lastUnit) return null;
    lastUnit = unit;
    total += Number(m[1]) * unit;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** Shortest Prometheus duration text for whole milliseconds, e.g. 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [u, size] of Object.entries(UNITS).sort((a, b) => b[1] - a[1])) {
    const k = Math.floor(rest / size);
    if (k > 0) {
      out += `${k}${u}`;
      rest -= k * size;
    }
  }
  return out;
}
