import { applyDelta, type Clue, type RegionDelta, type RegionSnapshot } from '@zhihui/shared';
import type { Arrival, WallState } from '../../lib/section';

const MAX_ARRIVALS = 30;

/** Before the first snapshot: connecting, nothing to show. */
export function initialWallState(): WallState {
  return {
    snapshot: null,
    link: 'connecting',
    error: null,
    refused: null,
    currentAt: null,
    changed: { cameras: 0, clues: 0, grid: 0, trend: 0 },
    arrivals: [],
    resyncs: 0,
  };
}

/** Numbers arrivals so the map can tell them apart; one counter per store. */
export type NextArrival = () => number;

/**
 * Clues of `clues` that `prev` did not have become arrivals at `t`, oldest first so the newest
 * ends up last; at most MAX_ARRIVALS are kept. The same array when nothing is new.
 */
export function withArrivals(
  arrivals: readonly Arrival[],
  prev: RegionSnapshot,
  clues: readonly Clue[],
  t: number,
  next: NextArrival,
): readonly Arrival[] {
  const known = new Set(prev.clues.map((c) => c.id));
  const fresh = clues.filter((c) => !known.has(c.id));
  if (fresh.length === 0) return arrivals;
  const add = fresh
    .slice(0, MAX_ARRIVALS)
    .reverse()
    .map((clue) => ({ clue, at: t, n: next() }));
  return [...arrivals, ...add].slice(-MAX_ARRIVALS);
}

/**
 * A fresh snapshot replaces what the wall shows: everything counts as changed now. Clues that
 * were not in the previous snapshot are arrivals (none on the first snapshot: the wall was not
 * watching when they came).
 */
export function adoptSnapshot(state: WallState, s: RegionSnapshot, t: number, next: NextArrival): WallState {
  const arrivals =
    state.snapshot === null ? state.arrivals : withArrivals(state.arrivals, state.snapshot, s.clues, t, next);
  return {
    ...state,
    snapshot: s,
    link: 'live',
    error: null,
    currentAt: t,
    changed: { cameras: t, clues: t, grid: t, trend: t },
    arrivals,
  };
}

/**
 * One delta on top of the state: the new state, `stale` for a delta already applied (a
 * duplicate after a resync), or `resync` when it does not fit (gap, version, row range).
 */
export function applyWallDelta(
  state: WallState,
  d: RegionDelta,
  t: number,
  next: NextArrival,
): WallState | 'stale' | 'resync' {
  const s = state.snapshot;
  if (!s || d.seq <= s.seq) return 'stale';
  const r = applyDelta(s, d);
  if (!r.ok) return 'resync';
  const changed = { ...state.changed };
  if (d.cams || d.downLongest) changed.cameras = t;
  if (d.figures || d.childFigures) changed.cameras = changed.grid = t;
  if (d.clues) changed.clues = t;
  if (d.trend) changed.trend = t;
  return {
    ...state,
    snapshot: r.snapshot,
    currentAt: t,
    changed,
    arrivals: d.clues ? withArrivals(state.arrivals, s, d.clues, t, next) : state.arrivals,
  };
}
