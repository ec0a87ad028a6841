import { snapshotAt, type RegionSnapshot } from '@zhihui/shared';

/**
 * Today's time-weighted rate as the wall shows it at client time `now` (#18.6): the snapshot's
 * parts are as of its server instant `s.at`, received at client time `currentAt`; while the link
 * is live they are carried forward by the time since (snapshotAt, the same carry the deltas use),
 * so the figure moves on the wall's clock between deltas instead of waiting for the next one.
 * Offsetting by the receipt time, not reading the client's own clock against `s.at`, keeps a
 * wall whose clock is off from running ahead of or behind the server. With the link lost the
 * figure stays where it was last known.
 */
export function todayRateAt(s: RegionSnapshot, currentAt: number | null, now: number, stale: boolean): number | null {
  const elapsed = currentAt === null || stale ? 0 : now - currentAt;
  if (!(elapsed > 0)) return s.figures.today.cameras.timeWeightedRate;
  const at = new Date(Date.parse(s.at) + elapsed).toISOString();
  return snapshotAt(s, at).figures.today.cameras.timeWeightedRate;
}
