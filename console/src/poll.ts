import { useEffect, useState } from 'react';

/** Runs `load` now and every `everyMs` while mounted (live refresh by polling); its result, error and a reload. */
export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], everyMs = 3000): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    const run = (): void => {
      load().then(
        (data) => alive && setState({ data }),
        (err: unknown) => alive && setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) })),
      );
    };
    run();
    const timer = everyMs > 0 ? setInterval(run, everyMs) : undefined;
    return () => {
      alive = false;
      if (timer) clearInterval(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** Throws the API's error text, or returns the data. */
export function need<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) {
    const e = r.error as { error?: string } | undefined;
    throw new Error(`${r.response.status} ${e?.error ?? r.response.statusText}`);
  }
  return r.data;
}
