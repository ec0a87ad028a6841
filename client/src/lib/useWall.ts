import { useEffect, useState, useSyncExternalStore } from 'react';
import { createSocket } from './socket';
import { createWallStore, type WallState, type WallStore } from './wallStore';

/** One store (and socket) per region page, created on mount and torn down with the page. */
export function useWallStore(region: string): WallStore | null {
  const [store, setStore] = useState<WallStore | null>(null);
  useEffect(() => {
    const s = createWallStore({ region, transport: createSocket() });
    s.start();
    setStore(s);
    return () => s.stop();
  }, [region]);
  return store;
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
