import { periodOf, type Period } from '@zhihui/shared';
import { fieldError } from './errors.js';

import { isoAt } from '../store/isoAt.js';

// The store writes every time in this form and may not import domain/: the formatter lives beside it.
export { isoAt };

/** Reports, clues and patches may not claim a time further in the future than this (clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses a time from a query string. A bare date is the start of that day and a time without an
 * offset is read in Asia/Shanghai, whatever the server's own zone. Returns epoch ms or null.
 */
export function parseQueryTime(raw: string): number | null {
  let s = raw.trim();
  if (DATE_ONLY.test(s)) s = `${s}T00:00:00+08:00`;
  else if (NO_OFFSET.test(s)) s = `${s}+08:00`;
  else if (!WITH_OFFSET.test(s)) return null;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March; a real calendar date must survive a round trip.
  const day = s.slice(0, 10);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return ms;
}

/** The period of a summary-like query: both ends optional (default: today in Asia/Shanghai). */
export function periodFromQuery(from: string | undefined, to: string | undefined, now: number): Period {
  const today = periodOf('today', now);
  const f = from === undefined || from === '' ? Date.parse(today.from) : parseQueryTime(from);
  if (f === null)
    throw fieldError('from', `'${from}' is not a date (use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00+08:00)`);
  const t =
    to === undefined || to === ''
      ? from
        ? Math.max(Date.parse(today.to), f + 86400_000)
        : Date.parse(today.to)
      : parseQueryTime(to);
  if (t === null)
    throw fieldError('to', `'${to}' is not a date (use ISO 8601, e.g. 2026-11-16 or 2026-11-16T00:00:00+08:00)`);
  if (t <= f) throw fieldError('to', `must be after from (${isoAt(f)})`);
  if (t - f > 3700 * 86400_000) throw fieldError('to', 'the period may span at most ten years');
  return { from: isoAt(f), to: isoAt(t) };
}

/** Epoch ms of an ISO time that passed the schema's format check; NaN when it is not a real instant. */
export function msOf(iso: string): number {
  return Date.parse(iso);
}
