import type { VideoChannel } from '@zhihui/shared';
import type { PlayerStatus } from './usePlayer';

/** First retry after this long, doubling to the cap: a dead platform is not hammered by every wall. */
export const BACKOFF_MIN_MS = 2000;
export const BACKOFF_MAX_MS = 60_000;

/** Delay before reconnect attempt `n` (0-based): exponential with ±20% jitter so walls do not retry in step. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The platform says the channel is down: do not ask for its stream, show the outage instead. */
export function platformDown(ch: VideoChannel): boolean {
  return ch.state === 'offline' || ch.state === 'out_of_service';
}

/** Why a tile shows no picture. */
export type Outage =
  | { kind: 'platform'; reason: VideoChannel['reason']; state: VideoChannel['state']; since: number }
  | { kind: 'stream'; message: string; detail: string; since: number; retryAt: number | null }
  | { kind: 'no-source' };

/** What the overlay shows: the pill's state and, when there is no picture, why. */
export interface TileView {
  pill: 'live' | 'buffering' | 'connecting' | 'offline';
  outage: Outage | null;
}

export function tileView(
  ch: VideoChannel | null,
  player: PlayerStatus,
  failure: { message: string; detail: string; since: number; retryAt: number | null } | null,
): TileView {
  if (ch && platformDown(ch))
    return {
      pill: 'offline',
      outage: { kind: 'platform', reason: ch.reason, state: ch.state, since: Date.parse(ch.since) },
    };
  if (ch && ch.origin === null) return { pill: 'offline', outage: { kind: 'no-source' } };
  if (failure && player.phase !== 'live' && player.phase !== 'buffering')
    return { pill: 'offline', outage: { kind: 'stream', ...failure } };
  if (player.phase === 'live') return { pill: 'live', outage: null };
  if (player.phase === 'buffering') return { pill: 'buffering', outage: null };
  return { pill: 'connecting', outage: null };
}

/** "612 kbps" / "2.4 Mbps". */
export function formatBitrate(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbps` : `${Math.round(kbps)} kbps`;
}

/** A frame's age, short: "0.4 s", "12 s", "3 min". */
export function formatFrameAge(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
