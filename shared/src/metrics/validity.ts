import type { ExcludedSpan } from './uptime.js';

/**
 * When a channel counts (#18.2): from the instant it became valid, while its in-service flag is
 * on. `service` is the flag's history in time order, its first entry at validFrom; empty where
 * no history is known (then the current flag holds since validFrom).
 */
export interface Validity {
  validFrom: number; // epoch ms; -Infinity when not known
  service: readonly { at: number; inService: boolean }[];
}

/** The in-service flag at t: the last change at or before it (false before the channel was valid). */
export function inServiceAt(v: Validity, current: boolean, t: number): boolean {
  if (t < v.validFrom) return false;
  let flag: boolean | null = null;
  for (const s of v.service) {
    if (s.at > t) break;
    flag = s.inService;
  }
  return flag ?? v.service[0]?.inService ?? current;
}

/**
 * Spans of [from, to) in which the channel does not count: before it became valid, and while
 * out of service. Taken out of online and counted time alike, as planned maintenance is.
 */
export function notCountedSpans(v: Validity, current: boolean, from: number, to: number): ExcludedSpan[] {
  const out: ExcludedSpan[] = [];
  if (to <= from) return out;
  if (v.validFrom > from) out.push({ from, to: Math.min(to, v.validFrom) });
  const start = Math.max(from, v.validFrom);
  if (start >= to) return out;
  let t = start;
  let on = inServiceAt(v, current, start);
  for (const s of v.service) {
    if (s.at <= start) continue;
    if (s.at >= to) break;
    if (!on) out.push({ from: t, to: s.at });
    t = s.at;
    on = s.inService;
  }
  if (!on) out.push({ from: t, to });
  return out;
}
