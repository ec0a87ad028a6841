// Every instant the system writes or shows, as ISO 8601 in Asia/Shanghai: one formatter (#16.3).
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The last instant isoAt formatted and the last text msAt read (see there). */
let lastIsoMs = NaN;
let lastIso = '';
let lastReadIso = '';
let lastReadMs = NaN;

/**
 * An instant as ISO 8601 in Asia/Shanghai (+08:00). China has kept a fixed offset since 1991, so
 * this avoids a time-zone database look-up on the hot ingest path; output matches toShanghaiIso.
 */
export function isoAt(ms: number): string {
  // A batch's reports mostly share one instant (a source's storm is stamped on arrival): the
  // last instant's text is kept, so they share one string too (and msAt reads it once).
  if (ms === lastIsoMs) return lastIso;
  const iso = formatIso(ms);
  lastIsoMs = ms;
  lastIso = iso;
  return iso;
}

/** isoAt without the memo. */
function formatIso(ms: number): string {
  const local = ms + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  // The ingest path formats several times per report: the date part is cached per day (a record
  // mixes days: a change of today, a validity from months ago) and the time of day built from
  // integers, which is several times faster than toISOString.
  let prefix = datePrefix.get(day);
  if (prefix === undefined) {
    if (!(local >= MIN_FAST && local < MAX_FAST)) return slowIsoAt(local);
    if (datePrefix.size >= MAX_CACHED_DAYS) datePrefix.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    datePrefix.set(day, prefix);
  }
  let rem = local - day * DAY_MS;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const m = Math.floor(rem / 60_000);
  rem -= m * 60_000;
  const sec = Math.floor(rem / 1000);
  const milli = rem - sec * 1000;
  const time = `${TWO[h]}:${TWO[m]}:${TWO[sec]}`;
  return `${prefix}${time}${milli === 0 ? '' : `.${String(milli).padStart(3, '0')}`}+08:00`;
}

const DAY_MS = 86_400_000;
/** Years 1970..9999: outside them (or for non-integers) the plain formatter is used. */
const MIN_FAST = 0;
const MAX_FAST = Date.UTC(10000, 0, 1);
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** Day number → `YYYY-MM-DDT`, for the days recently formatted. */
const datePrefix = new Map<number, string>();
const MAX_CACHED_DAYS = 4096;

function slowIsoAt(local: number): string {
  const s = new Date(local).toISOString();
  return (s.endsWith('.000Z') ? s.slice(0, -5) : s.slice(0, -1)) + '+08:00';
}

const DIGIT0 = 48;
const CUMULATIVE_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** The number written by the `n` digits at `i`, or -1 when one of them is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = s.charCodeAt(k) - DIGIT0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Epoch ms of a valid date and time of day, or NaN when a field is out of range. */
function epochMs(y: number, mo: number, d: number, h: number, mi: number, sec: number, milli: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > monthDays || h > 23 || mi > 59 || sec > 59) return NaN;
  // Days since 1970-01-01 (proleptic Gregorian): the same arithmetic as Date.UTC, without a Date.
  const yb = y - 1;
  const days =
    365 * (y - 1970) +
    (Math.floor(yb / 4) - Math.floor(yb / 100) + Math.floor(yb / 400) - 477) +
    CUMULATIVE_DAYS[mo - 1]! +
    (leap && mo > 2 ? 1 : 0) +
    d -
    1;
  return days * DAY_MS + h * 3_600_000 + mi * 60_000 + sec * 1000 + milli;
}

/**
 * Epoch ms of an instant written in one of the forms the system writes
 * (`YYYY-MM-DDTHH:MM:SS[.mmm]` with `Z` or `±HH:MM`, years from 1970, every field in range), read
 * digit by digit without allocating; NaN for anything else (which may still be a valid ISO 8601
 * instant: see msAt). A string it reads is a valid RFC 3339 date-time.
 */
export function exactIsoMs(iso: string): number {
  const n = iso.length;
  const frac = n === 24 || n === 29 ? 4 : 0;
  if (
    !(n === 20 || n === 24 || n === 25 || n === 29) ||
    iso.charCodeAt(4) !== 45 || // -
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 || // T
    iso.charCodeAt(13) !== 58 || // :
    iso.charCodeAt(16) !== 58 ||
    (frac > 0 && iso.charCodeAt(19) !== 46) // .
  )
    return NaN;
  const y = digits(iso, 0, 4);
  const mo = digits(iso, 5, 2);
  const d = digits(iso, 8, 2);
  const h = digits(iso, 11, 2);
  const mi = digits(iso, 14, 2);
  const sec = digits(iso, 17, 2);
  const milli = frac > 0 ? digits(iso, 20, 3) : 0;
  if ((y | mo | d | h | mi | sec | milli) < 0) return NaN;
  const z = 19 + frac;
  let offset = 0;
  if (n === z + 1) {
    if (iso.charCodeAt(z) !== 90) return NaN; // Z
  } else {
    const sign = iso.charCodeAt(z);
    const oh = digits(iso, z + 1, 2);
    const om = digits(iso, z + 4, 2);
    if ((sign !== 43 && sign !== 45) || iso.charCodeAt(z + 3) !== 58 || oh < 0 || om < 0 || oh > 23 || om > 59)
      return NaN;
    offset = (sign === 43 ? 1 : -1) * (oh * 3_600_000 + om * 60_000);
  }
  const t = epochMs(y, mo, d, h, mi, sec, milli);
  return Number.isNaN(t) ? NaN : t - offset;
}

/**
 * Epoch ms of an ISO 8601 instant, as Date.parse reads it, NaN when it is not one. The forms the
 * system writes are read by exactIsoMs, several times faster than Date.parse, which the ingest
 * path would otherwise call several times per report; anything else goes to Date.parse.
 */
export function msAt(iso: string): number {
  // The engine reads each change's instant several times, and a batch's changes mostly share one.
  if (iso === lastReadIso) return lastReadMs;
  const e = exactIsoMs(iso);
  const t = Number.isNaN(e) ? Date.parse(iso) : e;
  lastReadIso = iso;
  lastReadMs = t;
  return t;
}
