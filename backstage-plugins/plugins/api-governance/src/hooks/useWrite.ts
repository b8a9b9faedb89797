import { useCallback, useRef, useState } from 'react';
import { newIdempotencyKey } from '../api/client';

export interface WriteState {
  busy: boolean;
  error: unknown;
}

/**
 * Runs a user action (a write) with an Idempotency-Key: the key is random per action and reused when
 * the user retries the same action with the same input after a failure (so a write whose answer was
 * lost is not applied twice); a changed input is a new action with a new key.
 */
export function useWrite() {
  const last = useRef<{ fingerprint: string; key: string } | undefined>(undefined);
  const [state, setState] = useState<WriteState>({ busy: false, error: undefined });

  const run = useCallback(async <T>(input: unknown, write: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> => {
    const fingerprint = JSON.stringify(input);
    if (last.current?.fingerprint !== fingerprint) last.current = { fingerprint, key: newIdempotencyKey() };
    const key = last.current.key;
    setState({ busy: true, error: undefined });
    try {
      const out = await write(key);
      last.current = undefined;
      setState({ busy: false, error: undefined });
      return out;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  }, []);

  const setError = useCallback((error: unknown) => setState((s) => ({ ...s, error })), []);
  return { ...state, run, setError };
}
