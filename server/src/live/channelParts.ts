import {
  chainOf,
  historyUptime,
  isSourceDown,
  msAt,
  notCountedSpans,
  type CameraReason,
  type CameraStatus,
} from '@zhihui/shared';
import type { Cam } from './engineModel.js';

/**
 * A channel's time-weighted parts (online and counted time) of today and of the recent period:
 * computed from its history once per change of the channel, and carried across the changes of one
 * write where that is exact. The live engine sums them per region (see rollups.ts).
 */

/** Online and counted time (ms). */
export interface Uptime {
  online: number;
  counted: number;
}

/**
 * A channel's time-weighted parts carried across the changes of one write, instead of counted
 * again from its history (see channelParts: each part is as of its period's start, as if the
 * channel had been in its present state all along). `status` and `reason` are the state the parts
 * stand for; `lastMs` the latest change they include.
 */
export interface PartsCarry {
  parts: [Uptime, Uptime];
  status: CameraStatus;
  reason: CameraReason | null;
  lastMs: number;
}

const online = (s: CameraStatus): number => (s === 'online' ? 1 : 0);
const counted = (s: CameraStatus, r: CameraReason | null): number => (isSourceDown(s, r) ? 0 : 1);

/**
 * Moves `carry` over one more change (`from` → `to` at `at`), for each period [from, to) of
 * `periods` (the parts' order). Until `at` the channel was in the carried state, from `at` on in
 * the new one: the part moves by the difference of the two states times the time from the
 * period's start to `at` (clamped to the period). Exact only for a channel nothing else takes time
 * from (no maintenance, valid and in service over the periods): the caller checks that. Returns
 * false, and leaves the carry as it was, for a change that does not follow on from it (another
 * starting state, or dated before the last change counted).
 */
export function carryChange(
  carry: PartsCarry,
  periods: readonly (readonly [number, number])[],
  ev: { from: CameraStatus; to: CameraStatus; reason: CameraReason | null },
  at: number,
): boolean {
  if (ev.from !== carry.status || at < carry.lastMs) return false;
  const dOnline = online(carry.status) - online(ev.to);
  const dCounted = counted(carry.status, carry.reason) - counted(ev.to, ev.reason);
  const next = carry.parts.map((p, i) => {
    const [from, to] = periods[i]!;
    const d = Math.min(Math.max(at, from), to) - from;
    return { online: p.online + dOnline * d, counted: p.counted + dCounted * d };
  });
  carry.parts = [next[0]!, next[1]!];
  carry.status = ev.to;
  carry.reason = ev.reason;
  carry.lastMs = at;
  return true;
}

/** [from, to) of today and of the recent period, epoch ms: the parts' order. */
export type PartPeriods = readonly [readonly [number, number], readonly [number, number]];

/**
 * A channel's parts of today and of the recent period, each as of its period's start: what they
 * would be had it been in its present state all along, so that they are read at any later instant
 * t by adding its present state times (t − from), exact from its last change on. Computed once per
 * change of the channel (kept in `c.parts`), not on every figures read of its region: a storm of
 * changes in a few channels recounts those channels only.
 */
export function channelParts(c: Cam, now: number, periods: PartPeriods): [Uptime, Uptime] {
  if (c.parts) return c.parts;
  const evs = c.hist.events ?? [];
  const prior = c.hist.prior;
  // As the summary reads it: the change before the period says what the first one started from.
  const steps = chainOf(prior ? [prior, ...evs] : evs);
  // From `now`, or from a later change: a report may be dated a little ahead of this clock
  // (device clock skew, up to MAX_FUTURE_MS); the rows give the channel its old state until then.
  const last = steps.length > 0 ? Math.max(now, steps[steps.length - 1]!.at) : now;
  const spans = c.hist.spans ?? [];
  const windowNow = c.rec.maintenance
    ? [...spans, { from: msAt(c.rec.maintenance.from), to: msAt(c.rec.maintenance.to) }]
    : spans;
  const validity = { validFrom: c.validFromMs, service: c.hist.service ?? [] };
  const counts = c.state !== 'out_of_service' && c.state !== 'maintenance' && !isSourceDown(c.state, c.rec.reason);
  const one = ([from, to]: readonly [number, number]): Uptime => {
    const end = Math.min(last, to);
    if (end <= from) return { online: 0, counted: 0 };
    // Only while valid and in service (#18.2), as the summary API counts it.
    const excluded = [...windowNow, ...notCountedSpans(validity, c.rec.inService, from, end)];
    const u = historyUptime(steps, c.rec.status, from, end, excluded, c.rec.reason);
    const dt = end - from;
    return { online: u.online - (c.state === 'online' ? dt : 0), counted: u.counted - (counts ? dt : 0) };
  };
  c.parts = [one(periods[0]), one(periods[1])];
  return c.parts;
}

/**
 * Whether a channel's parts may be carried over its status changes (see carryChange): it is in
 * its reported status (not in maintenance nor out of service), nothing took time from it since
 * its last change but the source's being down (maintenance spans, not yet valid or out of
 * service all ended by then), and the parts stand for the state its history ends in (the last
 * change read has its status and reason; with no change read, a state that counts).
 */
export function carriable(c: Cam): boolean {
  const rec = c.rec;
  if (c.state !== rec.status || !rec.inService || rec.maintenance) return false;
  const last = c.lastEventMs > c.sinceMs ? c.lastEventMs : c.sinceMs;
  if (c.validFromMs > last) return false;
  const hist = c.hist;
  if (hist.spans !== undefined) for (const x of hist.spans) if (x.to > last) return false;
  const flags = hist.service;
  const flag = flags?.[flags.length - 1];
  if (flag && (!flag.inService || flag.at > last)) return false;
  const evs = hist.events;
  const end = evs?.[evs.length - 1] ?? hist.prior;
  return end === undefined
    ? !isSourceDown(rec.status, rec.reason)
    : end.to === rec.status && (end.reason ?? null) === rec.reason;
}

/** A carry of the parts a channel holds now, in the state they stand for. */
export function carryOf(c: Cam, parts: [Uptime, Uptime]): PartsCarry {
  return { parts, status: c.rec.status, reason: c.rec.reason, lastMs: Math.max(c.lastEventMs, c.sinceMs) };
}
