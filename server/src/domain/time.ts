import { periodOf, type Period } from '@zhihui/shared';
import { fieldError } from './errors.js';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/**
 * An instant as ISO 8601 in Asia/Shanghai (+08:00). China has kept a fixed offset since 1991, so
 * this avoids a time-zone database look-up on the hot ingest path; output matches toShanghaiIso.
 */
export function isoAt(ms: number): string {
  const local = ms + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  // The ingest path formats several times per report: the date part is cached per day and the
  // time of day built from integers, which is several times faster than toISOString.
  if (day !== cachedDay) {
    if (!(local >= MIN_FAST && local < MAX_FAST)) return slowIsoAt(local);
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rem = local - day * DAY_MS;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const m = Math.floor(rem / 60_000);
  rem -= m * 60_000;
  const sec = Math.floor(rem / 1000);
  const milli = rem - sec * 1000;
  const time = `${TWO[h]}:${TWO[m]}:${TWO[sec]}`;
  return `${cachedPrefix}${time}${milli === 0 ? '' : `.${String(milli).padStart(3, '0')}`}+08:00`;
}

const DAY_MS = 86_400_000;
/** Years 1970..9999: outside them (or for non-integers) the plain formatter is used. */
const MIN_FAST = 0;
const MAX_FAST = Date.UTC(10000, 0, 1);
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedPrefix = '';

function slowIsoAt(local: number): string {
  const s = new Date(local).toISOString();
  return (s.endsWith('.000Z') ? s.slice(0, -5) : s.slice(0, -1)) + '+08:00';
}

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
  if (f === null) throw fieldError('from', `'${from}' is not a date (use ISO 8601, e.g. 2026-11-01 or 2026-11-01T00:00:00+08:00)`);
  const t = to === undefined || to === '' ? (from ? Math.max(Date.parse(today.to), f + 86400_000) : Date.parse(today.to)) : parseQueryTime(to);
  if (t === null) throw fieldError('to', `'${to}' is not a date (use ISO 8601, e.g. 2026-11-16 or 2026-11-16T00:00:00+08:00)`);
  if (t <= f) throw fieldError('to', `must be after from (${isoAt(f)})`);
  if (t - f > 3700 * 86400_000) throw fieldError('to', 'the period may span at most ten years');
  return { from: isoAt(f), to: isoAt(t) };
}

/** Epoch ms of an ISO time that passed the schema's format check; NaN when it is not a real instant. */
export function msOf(iso: string): number {
  return Date.parse(iso);
}
