/**
 * Delivery of rollback events to a webhook: POST the event as JSON, retry with exponential backoff on
 * network errors, timeouts, 408, 429 and 5xx answers. Never throws; failures are logged.
 */
import type { RollbackEvent } from '../event';

export interface WebhookOptions {
  /** Attempts in total (default 4). */
  attempts?: number;
  /** Delay before the first retry, doubled after each attempt (default 500 ms). */
  initialDelayMs?: number;
  /** Upper bound of a retry delay (default 8 s). */
  maxDelayMs?: number;
  /** Timeout of one attempt (default 5 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POST a rollback event to `url`, retrying a few times. Resolves with the outcome; never rejects. */
export async function postRollbackEvent(url: string, event: RollbackEvent, options: WebhookOptions = {}): Promise<WebhookResult> {
  const attempts = Math.max(1, options.attempts ?? 4);
  let delay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8000;
  const log = options.log ?? (() => {});
  const body = JSON.stringify(event);
  const what = `rollback event for ${JSON.stringify(event.api)} canary ${JSON.stringify(event.canaryVersion)}`;
  let last: WebhookResult = { delivered: false, attempts: 0 };
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'canary-gate' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        if (i > 1) log(`webhook: delivered ${what} on attempt ${i}`);
        return { delivered: true, attempts: i, status: res.status };
      }
      last = { delivered: false, attempts: i, status: res.status, error: `HTTP ${res.status}` };
      if (!retryable(res.status)) {
        log(`webhook: ${what} refused with HTTP ${res.status}; not retried`);
        return last;
      }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      last = { delivered: false, attempts: i, error: err.cause?.code ?? err.cause?.message ?? err.message };
    }
    if (i < attempts) {
      log(`webhook: attempt ${i} of ${attempts} to deliver ${what} failed (${last.error}); retrying in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
  log(`webhook: giving up on ${what} after ${attempts} attempt(s): ${last.error}`);
  return last;
}
