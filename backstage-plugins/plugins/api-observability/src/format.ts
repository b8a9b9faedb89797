/** Formatting helpers: numbers in, plain strings out (rendered as text, never as HTML). */

export function formatRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 100) return `${v.toFixed(0)} req/s`;
  if (v >= 1) return `${v.toFixed(2)} req/s`;
  return `${v.toPrecision(2)} req/s`;
}

export function formatPercent(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(digits)}%`;
}

export function formatSeconds(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v < 1) return `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ms`;
  return `${v.toFixed(2)} s`;
}

/** Only http(s) URLs become link targets (the backend builds them; this guards against anything else). */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A span duration given in microseconds. */
export function formatMicros(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v < 1000) return `${Math.round(v)} µs`;
  if (v < 1_000_000) return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} ms`;
  return `${(v / 1_000_000).toFixed(2)} s`;
}

/** A rate window in seconds as the cards state it: `2m`, `1h30m`, `45s`. */
export function formatWindow(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '–';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}
