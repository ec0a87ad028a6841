import type { ChannelPick } from '../../lib/channelPlayer';

/** A tile opened on demand (map, down-longest list, drill-down, spotlight), newest first in the dock. */
export interface DockTile {
  key: string;
  pick: ChannelPick;
  openedAt: number;
  /** Closes by itself then (a spotlight's tile when the spotlight ends); null: until closed. */
  until: number | null;
}

/** Same channel (or same place) as an open tile: the pick brings that tile forward instead of a twin. */
export function pickKey(p: ChannelPick): string {
  if (p.channelId) return `ch:${p.channelId}`;
  if (p.near) return `near:${p.near.lon.toFixed(5)},${p.near.lat.toFixed(5)}`;
  return 'none';
}

/**
 * Opens a tile, keeping at most `cap` (each player costs about 10 MiB): a pick of a tile already
 * open moves it to the front, and past the cap the oldest tiles close.
 */
export function openTile(
  tiles: readonly DockTile[],
  pick: ChannelPick,
  cap: number,
  now: number,
  until: number | null = null,
): DockTile[] {
  const key = pickKey(pick);
  const rest = tiles.filter((t) => t.key !== key);
  if (cap <= 0) return [];
  return [{ key, pick, openedAt: now, until }, ...rest].slice(0, cap);
}

export function closeTile(tiles: readonly DockTile[], key: string): DockTile[] {
  return tiles.filter((t) => t.key !== key);
}

/** Drops tiles whose time is up; the same array when none is. */
export function expireTiles(tiles: DockTile[], now: number): DockTile[] {
  return tiles.some((t) => t.until !== null && t.until <= now)
    ? tiles.filter((t) => t.until === null || t.until > now)
    : tiles;
}
