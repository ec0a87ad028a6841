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

/** The last stored change of a channel at or before `atMs`, if the history has one. */
export type StatusAt = (cameraId: string, atMs: number) => Promise<{ status: CameraStatus; at: number } | undefined>;

/**
 * Applies reports in order to copies of `current`, with the same rules as the SQLite store:
 * a repeat of the current state is a heartbeat; a report older than `since` cannot change the
 * present and only teaches the history what was true then (measured against the history,
 * including this batch's own events), unless the channel was never heard from, whose `since` is
 * only its inventory time; a verdict of silence (`heard: false`) is void once the channel was
 * heard from or changed at or after it. Unknown channels are skipped.
 */
export async function decideStatus(
  current: ReadonlyMap<string, CameraRecord>,
  reports: readonly StatusInput[],
  statusAt: StatusAt,
): Promise<StatusDecision> {
  const state = new Map<string, CameraRecord>();
  const changedIds = new Set<string>();
  const events: StatusEvent[] = [];
  /** This batch's events per channel, in insertion order (they sort after every stored one). */
  const batchEvents = new Map<string, { status: CameraStatus; at: number }[]>();
  const append = (e: StatusEvent, at: number) => {
    events.push(e);
    let list = batchEvents.get(e.cameraId);
    if (!list) batchEvents.set(e.cameraId, (list = []));
    list.push({ status: e.to, at });
  };
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
    const fresh = heard && row.lastSeen === null && row.status === 'unknown';
    if (heard && (row.lastSeen === null || at > Date.parse(row.lastSeen))) row.lastSeen = r.at;
    const reason = r.status === 'online' ? null : r.reason;
    if (at < since && !fresh) {
      let best = await statusAt(r.cameraId, at);
      for (const e of batchEvents.get(r.cameraId) ?? []) if (e.at <= at && (!best || e.at >= best.at)) best = e;
      const inForce = best?.status ?? row.status;
      if (inForce !== r.status) append({ cameraId: r.cameraId, from: inForce, to: r.status, reason, at: r.at, actor: r.actor }, at);
      continue;
    }
    if (r.status !== row.status || (r.status !== 'online' && reason !== row.reason)) {
      append({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: r.at, actor: r.actor }, at);
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
