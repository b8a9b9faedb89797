import { setTimeout as sleep } from 'node:timers/promises';
import type { BreakdownRow } from '@api-observatory/traffic-simulator';

/** Polls `check` until it returns a value (not undefined) or the deadline passes; the last error is rethrown. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(everyMs);
  }
}

/** Sums the simulator's ground-truth rows by the given labels, for one gateway. */
export function truthBy(rows: readonly BreakdownRow[], gateway: string, by: readonly (keyof BreakdownRow)[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    if (r.gateway !== gateway) continue;
    const key = by.map((b) => String(r[b])).join('|');
    out.set(key, (out.get(key) ?? 0) + r.count);
  }
  return out;
}

export function mapOf(samples: Array<{ metric: Record<string, string>; value: [number, string] }>, by: readonly string[]): Map<string, number> {
  return new Map(samples.map((s) => [by.map((b) => s.metric[b] ?? '').join('|'), Number(s.value[1])]));
}
