import type { ExportTraceServiceRequest } from './otlp-spans';

/** `<endpoint>/v1/traces`, the OTLP/HTTP traces path (kept when the endpoint already ends with it). */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

export interface PushResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** POSTs one ExportTraceServiceRequest as OTLP/HTTP JSON. Never throws. */
export async function pushTraces(endpoint: string, body: ExportTraceServiceRequest, timeoutMs = 5000): Promise<PushResult> {
  try {
    const res = await fetch(tracesUrl(endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
