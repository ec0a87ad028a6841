import { useEffect, useState, useSyncExternalStore } from 'react';

// One shared one-second tick for every clock and data-age label, instead of a timer per component.
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Wall-clock milliseconds, refreshed once a second. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => now,
  );
}

/** The current minute (epoch minutes): re-renders once a minute, for slow things like burn-in shift. */
export function useMinute(): number {
  return useSyncExternalStore(
    subscribe,
    () => Math.floor(now / 60_000),
    () => Math.floor(now / 60_000),
  );
}

/**
 * Wall-clock milliseconds that move only when one of `deadlines` passes: for things that change
 * at known moments (a pulse ends, a spotlight lapses), so a component does not re-render every
 * second to find out. Pass a new array when the deadlines change.
 */
export function useTimeAt(deadlines: readonly number[]): number {
  const [at, setAt] = useState(() => Date.now());
  const next = deadlines.reduce((m, d) => (d > at && d < m ? d : m), Infinity);
  useEffect(() => {
    if (next === Infinity) return;
    const timer = setTimeout(() => setAt(Math.max(Date.now(), next)), Math.max(0, next - Date.now()));
    return () => clearTimeout(timer);
  }, [next]);
  return at;
}
