import type { CameraReason, CameraStatus } from '@zhihui/shared';

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
