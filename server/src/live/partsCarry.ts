import { isSourceDown, type CameraReason, type CameraStatus } from '@zhihui/shared';

/** Online and counted time (ms). */
export interface Uptime {
  online: number;
  counted: number;
}

/**
 * A channel's time-weighted parts carried across the changes of one write, instead of counted
 * again from its history (see LiveEngine#parts: each part is as of its period's start, as if the
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
