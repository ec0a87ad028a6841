import type { Clue, RegionSnapshot } from '@zhihui/shared';

/** What a wall section receives: the snapshot and how current its figures are. */
export interface SectionProps {
  snapshot: RegionSnapshot;
  /** The link is down: the figures are the last known ones. */
  stale: boolean;
  /** When this section's figures last changed (client ms). */
  changedAt: number | null;
  /** When the figures were last known current (client ms). */
  currentAt: number | null;
}

/** `live`: subscribed and applying deltas; `syncing`: connected, waiting for a snapshot; `lost`: no link. */
export type LinkState = 'connecting' | 'syncing' | 'live' | 'lost';

/** A clue that arrived while the wall was watching (not in the first snapshot). */
export interface Arrival {
  clue: Clue;
  /** Client time of arrival, ms. */
  at: number;
  /** Increasing number, so the map can tell arrivals apart. */
  n: number;
}

export interface WallState {
  snapshot: RegionSnapshot | null;
  link: LinkState;
  /** A fatal error from the server (e.g. UNKNOWN_REGION): the wall says so instead of retrying forever. */
  error: { code: string; message: string } | null;
  /** The server refused the connection itself (e.g. a revoked viewer token): shown on the wall, retried slowly. */
  refused: { code: string; message: string } | null;
  /** Client time (ms) the figures were last known current: now while live, the moment of loss otherwise. */
  currentAt: number | null;
  /** Client time (ms) each part of the figures last changed. */
  changed: { cameras: number; clues: number; grid: number; trend: number };
  /** Recent arrivals, newest last, bounded. */
  arrivals: readonly Arrival[];
  /** Resubscriptions so far, by cause (diagnostics and tests). */
  resyncs: number;
}
