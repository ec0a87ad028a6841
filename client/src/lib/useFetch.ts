import { useEffect, useState } from 'react';
import { useLatest } from './useLatest';

/** What a page shows of one request: the answer, or why there is none yet. */
export interface Fetched<T> {
  /** The last answer, kept while a new request for another key is under way (no flicker). */
  data: T | null;
  error: string | null;
  /** True until the answer for the current key has arrived. */
  loading: boolean;
}

/**
 * One request per `key`: `load` runs when the key changes (null: nothing to load), the previous
 * request is aborted, and only the answer for the current key is kept. `refreshMs` reloads the
 * same key on a timer. The one fetch hook of the client: panels and pages call their API module
 * through it instead of writing their own effect.
 */
export function useFetch<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  opts: {
    /** Load the same key again this long after an answer. */
    refreshMs?: number;
    /** Try again this long after a failure, when `retryIf` (default: always) says it is worth it. */
    retryMs?: number;
    retryIf?: (err: unknown) => boolean;
  } = {},
): Fetched<T> {
  const [s, setS] = useState<{ key: string | null; data: T | null; error: string | null }>({
    key: null,
    data: null,
    error: null,
  });
  const loadRef = useLatest(load);
  const refreshMs = opts.refreshMs ?? null;
  const retryMs = opts.retryMs ?? null;
  const retryIf = useLatest(opts.retryIf ?? (() => true));
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () =>
      loadRef.current(ctl.signal).then(
        (data) => {
          if (ctl.signal.aborted) return;
          setS({ key, data, error: null });
          if (refreshMs !== null) timer = setTimeout(run, refreshMs);
        },
        (err: unknown) => {
          if (ctl.signal.aborted) return;
          setS((p) => ({
            key,
            data: p.key === key ? p.data : null,
            error: err instanceof Error ? err.message : String(err),
          }));
          const again = retryMs !== null && retryIf.current(err) ? retryMs : refreshMs;
          if (again !== null) timer = setTimeout(run, again);
        },
      );
    void run();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [key, refreshMs, retryMs, loadRef, retryIf]);
  const current = s.key === key && key !== null;
  return { data: s.data, error: current ? s.error : null, loading: !current };
}
