import { useCallback, useRef } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { newIdempotencyKey } from '../api/client';

/** A write's result (useAsyncFn resolves a failed call with its error, so success is wrapped). */
class Written<T> {
  constructor(readonly value: T) {}
}

/**
 * Runs a user action (a write) with an Idempotency-Key: the key is random per action and reused when
 * the user retries the same action with the same input after a failure (so a write whose answer was
 * lost is not applied twice); a changed input is a new action with a new key. `busy` while it runs
 * (the views disable their buttons), `error` the last failure, cleared when the user tries again.
 */
export function useWrite() {
  const last = useRef<{ fingerprint: string; key: string } | undefined>(undefined);
  const [state, call] = useAsyncFn(async <T>(input: unknown, write: (idempotencyKey: string) => Promise<T>) => {
    const fingerprint = JSON.stringify(input);
    if (last.current?.fingerprint !== fingerprint) last.current = { fingerprint, key: newIdempotencyKey() };
    const out = await write(last.current.key);
    last.current = undefined;
    return new Written(out);
  }, []);

  /** The write's result, or undefined when it failed (then `error` says why). */
  const run = useCallback(
    async <T>(input: unknown, write: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> => {
      const outcome = await call(input, write);
      return outcome instanceof Written ? (outcome.value as T) : undefined;
    },
    [call],
  );
  return { busy: state.loading, error: state.loading ? undefined : (state.error as unknown), run };
}
