import type { CameraReason, CameraStatus } from '../schemas/camera.js';
import { msAt } from '../time/iso.js';
import { isSourceDown } from './operationalRate.js';
import { channelUptime, type ExcludedSpan, type StatusChange } from './uptime.js';

/**
 * The one reading of a channel's status history, used by the summary API, the live wall and the
 * meeting's outage list alike (#16.3): how a change counts, the status in force at an instant,
 * and online/counted time over a span with planned maintenance taken out.
 */

/** A stored change as the figures read it. */
export interface ChainStep {
  at: number; // epoch ms
  from: CameraStatus;
  to: CameraStatus;
  /** The reason that came with `to`. */
  reason: CameraReason | null;
  /** The reason in force before: the previous step's; undefined for the first step read. */
  fromReason: CameraReason | null | undefined;
}

/** How a status change counts: offline → online repairs a channel, online → offline is a new failure. */
export function statusChangeKind(ev: { from: CameraStatus; to: CameraStatus }): 'repaired' | 'failed' | null {
  if (ev.from === 'offline' && ev.to === 'online') return 'repaired';
  if (ev.from === 'online' && ev.to === 'offline') return 'failed';
  return null;
}

/**
 * A channel's stored changes (time order) as a chain: a change starts where the one before it
 * ended. The stores keep it so, but a history written before late reports re-chained the change
 * after them may not be; there the earlier change's `to` is the better witness.
 */
export function chainOf(
  evs: readonly { at: string | number; from: CameraStatus; to: CameraStatus; reason?: CameraReason | null }[],
): ChainStep[] {
  return evs.map((e, i) => ({
    at: typeof e.at === 'number' ? e.at : msAt(e.at),
    from: i > 0 ? evs[i - 1]!.to : e.from,
    to: e.to,
    reason: e.reason ?? null,
    fromReason: i > 0 ? (evs[i - 1]!.reason ?? null) : undefined,
  }));
}

/** The status in force at t, walking back from the current one: the `from` of the first change after t. */
export function statusAtTime(steps: readonly ChainStep[], current: CameraStatus, t: number): CameraStatus {
  for (const e of steps) if (e.at > t) return e.from;
  return current;
}

/**
 * The status and its reason in force at t (see statusAtTime). The reason before the first step
 * read is not in the history read; null there (the channel counts as merely unknown).
 */
export function stateAtTime(
  steps: readonly ChainStep[],
  current: { status: CameraStatus; reason: CameraReason | null },
  t: number,
): { status: CameraStatus; reason: CameraReason | null } {
  for (const e of steps) if (e.at > t) return { status: e.from, reason: e.fromReason ?? null };
  return current;
}

/**
 * Spans of [from, to) in which the channel was unknown behind a source that was down: not counted
 * time (#11), like planned maintenance. `current` is the state after the last step.
 */
export function sourceDownSpans(
  steps: readonly ChainStep[],
  current: { status: CameraStatus; reason: CameraReason | null },
  from: number,
  to: number,
): ExcludedSpan[] {
  const out: ExcludedSpan[] = [];
  let { status, reason } = stateAtTime(steps, current, from);
  let t = from;
  for (const e of steps) {
    if (e.at <= from) continue;
    if (e.at >= to) break;
    if (isSourceDown(status, reason)) out.push({ from: t, to: e.at });
    t = e.at;
    status = e.to;
    reason = e.reason;
  }
  if (isSourceDown(status, reason) && to > t) out.push({ from: t, to });
  return out;
}
/**
 * Online and counted time of one channel over [from, to) from its chain of changes (at least
 * those at or after `from`, time order) and its excluded spans (planned maintenance, from the
 * history and the current window). Time behind a source that was down is not counted either;
 * `currentReason` is the reason of `current`.
 */
export function historyUptime(
  steps: readonly ChainStep[],
  current: CameraStatus,
  from: number,
  to: number,
  excluded: readonly ExcludedSpan[],
  currentReason: CameraReason | null = null,
): { online: number; counted: number } {
  const down = sourceDownSpans(steps, { status: current, reason: currentReason }, from, to);
  if (down.length > 0) excluded = [...excluded, ...down];
  const changes: StatusChange[] = [];
  let first: ChainStep | undefined;
  for (const e of steps) {
    if (e.at < from) continue;
    first ??= e;
    if (e.at < to) changes.push({ at: e.at, status: e.to });
  }
  // The status in force at the period's start: the `from` of the first change at or after it.
  return channelUptime(first ? first.from : current, changes, from, to, excluded);
}
