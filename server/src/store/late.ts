import type { CameraReason, CameraStatus } from '@zhihui/shared';
import type { StatusEvent } from './types.js';

/** A stored status change as the late-report rule needs it. */
export interface HistoryStep {
  from: CameraStatus;
  to: CameraStatus;
  reason: CameraReason | null;
}

/** What a late report does to the history around it (see planLate). */
export interface LatePlan {
  /** The status the history says was in force just before the report: the new event's `from`. */
  from: CameraStatus;
  /** What becomes of the next stored change after the report. */
  next: 'keep' | 'rechain' | 'drop';
}

/**
 * A report older than the channel's `since` only teaches the history. The status in force then is
 * read from the history the way a past period is (the `to` of the last change at or before it,
 * else the `from` of the first change after it, else the current status), and the next change
 * after it must now start from the reported status, or the history would no longer be a chain
 * and a past period would be read with the old guess. A next change left with nothing to change
 * (same status, same reason) is dropped. Null when the report agrees with the history.
 */
export function planLate(
  status: CameraStatus,
  reason: CameraReason | null,
  prev: HistoryStep | undefined,
  next: HistoryStep | undefined,
  current: CameraStatus,
): LatePlan | null {
  const from = prev?.to ?? next?.from ?? current;
  if (from === status) return null;
  if (!next) return { from, next: 'keep' };
  const noop = next.to === status && (status === 'online' || next.reason === reason);
  return { from, next: noop ? 'drop' : 'rechain' };
}

/**
 * A channel never heard from (no last sign of life, status unknown) has no real `since` yet, only
 * its inventory time: any report counts as current, unless the history already holds a change of
 * it after the report (a source's down mark, heard: false), which makes the report history like
 * any other. This is the first half; each store asks its history for the second, and only for a
 * report older than `since`, so the common report reads nothing.
 */
export const neverHeard = (row: { lastSeen: unknown; status: CameraStatus }): boolean =>
  row.lastSeen === null && row.status === 'unknown';

/**
 * A report at or after the channel's `since` but older than its last sign of life (`lastSeen`,
 * the latest report heard, which always agrees with the current state): it was true at its time,
 * and the latest observation says the current state came back after it. The current state comes
 * from the latest observation, so the history gets the report's change and a change back to the
 * current state at `lastSeen`, and `since` moves to `lastSeen`. Returns that instant (epoch ms),
 * or null when the rule does not apply (not heard, a heartbeat of the current state, or not older
 * than the last sign of life).
 */
export function betweenLate(
  cur: { status: CameraStatus; reason: CameraReason | null },
  lastSeen: number | null,
  at: number,
  status: CameraStatus,
  reason: CameraReason | null,
  heard: boolean,
): number | null {
  if (!heard || lastSeen === null || at >= lastSeen) return null;
  if (status === cur.status && (status === 'online' || reason === cur.reason)) return null;
  return lastSeen;
}

/** The same stored change: every field, the actor too (two changes may differ only in who reported them). */
const sameEvent = (a: StatusEvent, b: StatusEvent): boolean =>
  a.cameraId === b.cameraId &&
  a.from === b.from &&
  a.to === b.to &&
  a.reason === b.reason &&
  a.actor === b.actor &&
  Date.parse(a.at) === Date.parse(b.at);

/**
 * Records that a stored change was taken back (dropped, or re-chained into a new form). A change
 * this same batch added is simply removed from the batch's events, so what a batch returns is
 * its net effect: `events` are in the history now, `retracted` were in it before and are not.
 * Returns the index it removed from `events`, or -1.
 */
export function takeBack(events: StatusEvent[], retracted: StatusEvent[], old: StatusEvent): number {
  const k = events.findIndex((e) => sameEvent(e, old));
  if (k >= 0) events.splice(k, 1);
  else retracted.push(old);
  return k;
}

/**
 * What a batch returns is its net effect on the history, as multisets of changes: `events` are
 * in the history after the batch and were not before, `retracted` were before and are not after.
 * takeBack nets a change taken back against the batch's own events, but a batch can also add a
 * change it took back (a change re-chained there and back again, a re-chain that left the change
 * as it was, a dropped change reported again): such a change is in both lists, and is in neither
 * once this has run. Call it once, when the batch is done; it keeps the order of what is left.
 */
export function netEffect(events: StatusEvent[], retracted: StatusEvent[]): void {
  if (events.length === 0 || retracted.length === 0) return;
  // Keyed, not searched: a replayed backlog can retract thousands of changes in one batch.
  const key = (e: StatusEvent) =>
    `${e.cameraId}\u0000${e.from}\u0000${e.to}\u0000${e.reason}\u0000${e.actor}\u0000${Date.parse(e.at)}`;
  const back = new Map<string, number>();
  for (const r of retracted) back.set(key(r), (back.get(key(r)) ?? 0) + 1);
  const both = new Map<string, number>();
  const kept = events.filter((e) => {
    const k = key(e);
    const n = back.get(k) ?? 0;
    if (n === 0) return true;
    back.set(k, n - 1);
    both.set(k, (both.get(k) ?? 0) + 1);
    return false;
  });
  if (kept.length === events.length) return;
  const left = retracted.filter((r) => {
    const k = key(r);
    const n = both.get(k) ?? 0;
    if (n === 0) return true;
    both.set(k, n - 1);
    return false;
  });
  replaceAll(events, kept);
  replaceAll(retracted, left);
}

/** Sets a list's contents in place (its holders keep the same array). */
function replaceAll<T>(list: T[], items: readonly T[]): void {
  list.length = 0;
  for (const x of items) list.push(x);
}
