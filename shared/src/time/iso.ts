// Every instant the system writes or shows, as ISO 8601 in Asia/Shanghai: one formatter (#16.3).
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
