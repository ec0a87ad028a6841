import {
  cameraStateOf,
  inServiceAt,
  isSourceDown,
  type CameraReason,
  type ExcludedSpan,
  type Validity,
} from '@zhihui/shared';
import type { CameraRecord, StatusEvent } from '../store/types.js';

/** Points of the 24-hour trend; the last one is the current hour, computed live from the figures. */
export const TREND_POINTS = 24;
export const HOUR_MS = 3_600_000;

/** Start of the hour holding `now` (Asia/Shanghai is UTC+8 all year, so its hours are UTC hours). */
export function hourStart(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS;
}

/** Hour starts of the trend's points, epoch ms, oldest first. */
export function trendHours(now: number): number[] {
  const h = hourStart(now);
  return Array.from({ length: TREND_POINTS }, (_, k) => h - (TREND_POINTS - 1 - k) * HOUR_MS);
}

/** Online and counted channels at the end of each past hour (TREND_POINTS − 1 entries, oldest first). */
export interface PastCounts {
  online: number[];
  counted: number[];
}

export function emptyPast(): PastCounts {
  return { online: new Array<number>(TREND_POINTS - 1).fill(0), counted: new Array<number>(TREND_POINTS - 1).fill(0) };
}

export function addPast(into: PastCounts, p: PastCounts): void {
  for (let k = 0; k < TREND_POINTS - 1; k++) {
    into.online[k]! += p.online[k]!;
    into.counted[k]! += p.counted[k]!;
  }
}

/** Each channel's validity as the store's service history holds it (see Validity). */
export type ValidityOf = (c: CameraRecord) => Validity;

const currentFlagOnly: ValidityOf = (c) => ({
  validFrom: c.validFrom === undefined ? -Infinity : Date.parse(c.validFrom),
  service: [],
});

/**
 * Counts of the channels at the end of each past hour, by walking the status history backwards
 * from the channels' current status. Point k (k < 23) is the state at the start of hour k + 1,
 * read as the summary API reads a period ending there (domain/summary.ts, countCamera): the
 * in-service flag and validity at that instant from their history, not the current flag (#18.2).
 * `events` must be the channels' changes since the first hour's start, in time order.
 */
export function pastCounts(
  cams: Iterable<CameraRecord>,
  events: readonly StatusEvent[],
  now: number,
  spansOf: (id: string) => readonly ExcludedSpan[] = () => [],
  validityOf: ValidityOf = currentFlagOnly,
): PastCounts {
  const hours = trendHours(now);
  const status = new Map<string, CameraRecord['status']>();
  const reason = new Map<string, CameraReason | null>();
  const list: CameraRecord[] = [];
  for (const c of cams) {
    status.set(c.id, c.status);
    reason.set(c.id, c.reason);
    list.push(c);
  }
  const before = reasonsBefore(events);
  const validity = list.map(validityOf);
  const out = emptyPast();
  let e = events.length - 1;
  for (let k = TREND_POINTS - 2; k >= 0; k--) {
    const boundary = hours[k + 1]!;
    while (e >= 0 && Date.parse(events[e]!.at) > boundary) {
      const ev = events[e]!;
      if (status.has(ev.cameraId)) {
        status.set(ev.cameraId, ev.from);
        reason.set(ev.cameraId, before[e]!);
      }
      e--;
    }
    let online = 0;
    let counted = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      const v = validity[i]!;
      // Not yet valid at that hour: not part of it (#18.2).
      if (v.validFrom > boundary) continue;
      // In service then as the flag's history says: taking a channel out (or back) now leaves
      // the hours before it as they were, as in the summary API.
      const inService = inServiceAt(v, c.inService, boundary);
      // Planned maintenance as the history holds it (a window cleared early counts until it was
      // cleared), the same spans the summary takes out of the time-weighted rate (#18.4).
      const maintained = spansOf(c.id).some((x) => x.from <= boundary && boundary < x.to);
      const state =
        maintained && inService
          ? 'maintenance'
          : cameraStateOf({ inService, status: status.get(c.id)!, maintenance: c.maintenance }, boundary);
      // Behind a source that was down: not counted, as in the figures (#11).
      if (state === 'maintenance' || state === 'out_of_service' || isSourceDown(state, reason.get(c.id))) continue;
      counted++;
      if (state === 'online') online++;
    }
    out.online[k] = online;
    out.counted[k] = counted;
  }
  return out;
}

/**
 * For each event, the reason its channel had before it: the reason of the channel's previous
 * event in the list (null before the first, whose earlier reason is not read).
 */
function reasonsBefore(events: readonly StatusEvent[]): (CameraReason | null)[] {
  const last = new Map<string, CameraReason | null>();
  return events.map((ev) => {
    const r = last.get(ev.cameraId) ?? null;
    last.set(ev.cameraId, ev.reason);
    return r;
  });
}
