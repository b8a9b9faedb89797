import { useCallback, useEffect, useState } from 'react';

export type Async<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'loaded'; value: T };
/** Runs `load` on mount and whenever `reload()` is called or `deps` change; keeps the last value while reloading. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): [Async<T>, () => void] {
  const [state, setState] = useState<Async<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (value) => !cancelled && setState({ status: 'loaded', value }),
      (error: unknown) => !cancelled && setState({ status: 'error', error }),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [state, reload];
}
