import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { createSocket } from '../../lib/socket';
import type { WallState } from '../../lib/section';
import { createWallStore, type WallStore } from './wallStore';

/** One store (and socket) per region page, created on mount and torn down with the page. */
export function useWallStore(region: string): WallStore {
  // Creating the store opens nothing (the socket does not auto-connect): start() does, after render.
  const store = useMemo(
    () => createWallStore({ region, transport: createSocket(), onProtocolMismatch: reloadForProtocol }),
    [region],
  );
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return store;
}

/**
 * The server was upgraded under a running wall: load its code. Once per server protocol in this
 * tab, so a page the server keeps serving stale (a proxy's cache) shows the mismatch instead of
 * reloading forever.
 */
function reloadForProtocol(serverVersion: number): void {
  const key = 'zhihui.reloadedForProtocol';
  try {
    if (sessionStorage.getItem(key) === String(serverVersion)) return;
    sessionStorage.setItem(key, String(serverVersion));
  } catch {
    return; // no session storage (a locked-down browser): show the mismatch, do not risk a loop
  }
  window.location.reload();
}

const EMPTY_STORE = {
  subscribe: () => () => {},
  getState: () => null,
};

/** The store's state, re-rendering at the store's pace (a few times a second at most). */
export function useWallState(store: WallStore | null): WallState | null {
  const s = store ?? EMPTY_STORE;
  return useSyncExternalStore(s.subscribe, s.getState, s.getState);
}
