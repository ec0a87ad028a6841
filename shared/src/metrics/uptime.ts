import type { CameraStatus } from '../schemas/camera.js';
import { rate } from './rate.js';

/** One status change of one channel. */
export interface StatusChange {
  at: number; // epoch ms
  status: CameraStatus;
}

/** A span during which a channel does not count (planned maintenance or out of service). */
export interface ExcludedSpan {
  from: number;
  to: number;
}

/**
 * Time-weighted uptime of one channel over [from, to): online time ÷ counted time.
 * `initial` is the status in force at `from`; `changes` are sorted by time; excluded spans
 * (planned maintenance) are taken out of both numerator and denominator.
 */
export function channelUptime(
  initial: CameraStatus,
  changes: readonly StatusChange[],
  from: number,
  to: number,
  excluded: readonly ExcludedSpan[] = [],
): { online: number; counted: number } {
  let online = 0;
  let counted = 0;
  let status = initial;
  let t = from;
  // Spans may overlap (a maintenance window inside an out-of-service spell): merge them so no
  // time is taken out twice.
  const spans = mergeSpans(excluded);
  const add = (a: number, b: number, s: CameraStatus) => {
    if (b <= a) return;
    let span = b - a;
    for (const e of spans) span -= Math.max(0, Math.min(b, e.to) - Math.max(a, e.from));
    counted += span;
    if (s === 'online') online += span;
  };
  for (const c of changes) {
    if (c.at <= from) {
      status = c.status;
      continue;
    }
    if (c.at >= to) break;
    add(t, c.at, status);
    t = c.at;
    status = c.status;
  }
  add(t, to, status);
  return { online, counted };
}

function mergeSpans(spans: readonly ExcludedSpan[]): ExcludedSpan[] {
  const sorted = spans.filter((e) => e.to > e.from).sort((a, b) => a.from - b.from);
  const out: ExcludedSpan[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.from <= last.to) last.to = Math.max(last.to, e.to);
    else out.push({ from: e.from, to: e.to });
  }
  return out;
}

/** Time-weighted operational rate of many channels: Σ online time ÷ Σ counted time. */
export function timeWeightedRate(parts: readonly { online: number; counted: number }[]): number | null {
  let online = 0;
  let counted = 0;
  for (const p of parts) {
    online += p.online;
    counted += p.counted;
  }
  return rate(online, counted);
}
