import { useSyncExternalStore } from 'react';

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
  return useSyncExternalStore(subscribe, () => now, () => now);
}

/** The current minute (epoch minutes): re-renders once a minute, for slow things like burn-in shift. */
export function useMinute(): number {
  return useSyncExternalStore(
    subscribe,
    () => Math.floor(now / 60_000),
    () => Math.floor(now / 60_000),
  );
}
