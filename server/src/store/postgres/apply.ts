import type { CameraStatus } from '@zhihui/shared';
import type { CameraRecord, StatusEvent, StatusInput } from '../types.js';

/** What one batch of reports does to the channels it names, decided before anything is written. */
export interface StatusDecision {
  /** Every channel the batch moved, in its new state (last-seen moves even on heartbeats). */
  touched: CameraRecord[];
  /** Channels whose status or reason changed. */
  changed: CameraRecord[];
  events: StatusEvent[];
}

/** The status a channel had at `atMs` according to the stored history, if the history knows. */
export type StatusAt = (cameraId: string, atMs: number) => Promise<CameraStatus | undefined>;

/**
 * Applies reports in order to copies of `current`, with the same rules as the SQLite store:
 * a repeat of the current state is a heartbeat; a report older than `since` cannot change the
 * present and only teaches the history what was true then; a verdict of silence (`heard: false`)
 * is void once the channel was heard from or changed at or after it. Unknown channels are skipped.
 */
export async function decideStatus(
  current: ReadonlyMap<string, CameraRecord>,
  reports: readonly StatusInput[],
  statusAt: StatusAt,
): Promise<StatusDecision> {
  const state = new Map<string, CameraRecord>();
  const changedIds = new Set<string>();
  const events: StatusEvent[] = [];
  for (const r of reports) {
    const cur = state.get(r.cameraId) ?? current.get(r.cameraId);
    if (!cur) continue;
    const at = Date.parse(r.at);
    if (!Number.isFinite(at)) throw new RangeError(`not a time: ${r.at}`);
    const heard = r.heard !== false;
    const since = Date.parse(cur.since);
    if (!heard && ((cur.lastSeen !== null && Date.parse(cur.lastSeen) >= at) || at < since)) continue;
    const row = { ...cur };
    state.set(row.id, row);
    if (heard && (row.lastSeen === null || at > Date.parse(row.lastSeen))) row.lastSeen = r.at;
    const reason = r.status === 'online' ? null : r.reason;
    if (at < since) {
      const inForce = (await statusAt(r.cameraId, at)) ?? row.status;
      if (inForce !== r.status) events.push({ cameraId: r.cameraId, from: inForce, to: r.status, reason, at: r.at, actor: r.actor });
      continue;
    }
    if (r.status !== row.status || (r.status !== 'online' && reason !== row.reason)) {
      events.push({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: r.at, actor: r.actor });
      row.status = r.status;
      row.reason = reason;
      row.since = r.at;
      changedIds.add(row.id);
    }
  }
  return {
    touched: [...state.values()],
    changed: [...changedIds].map((id) => state.get(id)!),
    events,
  };
}
