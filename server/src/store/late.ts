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

/**
 * Records that a stored change was taken back (dropped, or re-chained into a new form). A change
 * this same batch added is simply removed from the batch's events, so what a batch returns is
 * its net effect: `events` are in the history now, `retracted` were in it before and are not.
 * Returns the index it removed from `events`, or -1.
 */
export function takeBack(events: StatusEvent[], retracted: StatusEvent[], old: StatusEvent): number {
  const at = Date.parse(old.at);
  const k = events.findIndex(
    (e) =>
      e.cameraId === old.cameraId &&
      e.from === old.from &&
      e.to === old.to &&
      e.reason === old.reason &&
      Date.parse(e.at) === at,
  );
  if (k >= 0) events.splice(k, 1);
  else retracted.push(old);
  return k;
}
