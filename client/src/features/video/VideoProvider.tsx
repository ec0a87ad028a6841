import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Clue, KeyChannels } from '@zhihui/shared';
import { ChannelPlayerContext, type ChannelPick } from '../../lib/channelPlayer';
import { useLatest } from '../../lib/useLatest';
import { useNow } from '../../lib/clock';
import { closeTile, expireTiles, openTile, type DockTile } from './dockModel';
import { videoApi } from './videoApi';
import { useFetch } from '../../lib/useFetch';

/** The cap on players when the server has not said (video.maxTiles). */
const DEFAULT_MAX_TILES = 4;
const KEY_REFRESH_MS = 5 * 60_000;

interface VideoState {
  region: string;
  key: KeyChannels | null;
  /** Tiles the key-channel panel shows at once. */
  keyTiles: number;
  tiles: DockTile[];
  close(key: string): void;
}

const VideoContext = createContext<VideoState | null>(null);

export function useVideo(): VideoState {
  const v = useContext(VideoContext);
  if (!v) throw new Error('useVideo outside <VideoProvider>');
  return v;
}

/** What the spotlight follows: the wall's clue arrivals (the same records the map flies to). */
export interface SpotlightArrival {
  clue: Pick<Clue, 'urgent' | 'lon' | 'lat' | 'title'>;
  at: number;
  n: number;
}

export interface VideoProviderProps {
  region: string;
  /** Tiles the key-channel panel takes from the cap (0 where the page has no such panel). */
  keyTiles: number;
  /** Wall only: an urgent clue's arrival opens the nearest live channel for `urgentSec`. */
  arrivals?: readonly SpotlightArrival[];
  urgentSec?: number;
  children: ReactNode;
}

/** The latest urgent arrival still held by the spotlight, with a place. */
export function latestUrgent(
  arrivals: readonly SpotlightArrival[],
  now: number,
  urgentSec: number,
): SpotlightArrival | null {
  for (let i = arrivals.length - 1; i >= 0; i--) {
    const a = arrivals[i]!;
    if (now - a.at > urgentSec * 1000) break;
    if (a.clue.urgent && a.clue.lon !== null && a.clue.lat !== null) return a;
  }
  return null;
}

/**
 * Live video for a page: the key channels of its region, the tiles opened on demand (capped so
 * that key tiles plus opened ones stay within the server's `maxTiles`), and, on the wall, the
 * spotlight of urgent clues. Other features ask for video through `useChannelPlayer()`.
 */
export function VideoProvider(props: VideoProviderProps) {
  const { region } = props;
  // The server's key channels of the region, read again every few minutes (30 s after a failure).
  const key: KeyChannels | null = useFetch(region, (signal) => videoApi.keyChannels(region, signal), {
    refreshMs: KEY_REFRESH_MS,
    retryMs: 30_000,
  }).data;
  const [opened, setTiles] = useState<DockTile[]>([]);
  const now = useNow();
  const maxTiles = key?.maxTiles ?? DEFAULT_MAX_TILES;
  const keyTiles = Math.min(props.keyTiles, maxTiles);
  const cap = Math.max(0, maxTiles - keyTiles);
  const capRef = useLatest(cap);
  // What shows: the opened tiles whose time is not up, within the cap (which shrinks when the
  // server's key channels take more of `maxTiles`). Derived each render; the state keeps the opens.
  const tiles = useMemo(() => {
    const live = expireTiles(opened, now);
    return live.length > cap ? live.slice(0, cap) : live;
  }, [opened, now, cap]);

  const play = useCallback(
    (pick: ChannelPick, until: number | null = null) => {
      const at = Date.now();
      setTiles((t) => openTile(expireTiles(t, at), pick, capRef.current, at, until));
    },
    [capRef],
  );
  const playChannel = useCallback((pick: ChannelPick) => play(pick), [play]);
  const close = useCallback((k: string) => setTiles((t) => closeTile(t, k)), []);

  // Spotlight: each new urgent arrival opens the channel nearest to it while the map holds it.
  const urgentSec = props.urgentSec ?? 20;
  const urgent = props.arrivals ? latestUrgent(props.arrivals, now, urgentSec) : null;
  const shown = useRef(-1);
  useEffect(() => {
    if (!urgent || urgent.n === shown.current) return;
    shown.current = urgent.n;
    play(
      { near: { lon: urgent.clue.lon!, lat: urgent.clue.lat!, title: urgent.clue.title }, from: 'spotlight' },
      urgent.at + urgentSec * 1000,
    );
  }, [urgent, urgentSec, play]);

  // Kiosk keyboards: Escape closes the newest tile.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setTiles((t) => expireTiles(t, Date.now()).slice(1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const state = useMemo<VideoState>(
    () => ({ region, key, keyTiles, tiles, close }),
    [region, key, keyTiles, tiles, close],
  );
  return (
    <VideoContext.Provider value={state}>
      <ChannelPlayerContext.Provider value={playChannel}>{props.children}</ChannelPlayerContext.Provider>
    </VideoContext.Provider>
  );
}
