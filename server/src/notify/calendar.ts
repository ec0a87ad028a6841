import chineseDays from 'chinese-days';
import type { QuietHours } from '../config/sections/notifications.js';
import { isoAt } from '../domain/time.js';

const DAY_MS = 86_400_000;

/** An admin's ruling on one day the package does not know (next year's notice, a local holiday). */
export interface CalendarOverride {
  /** yyyy-MM-dd, Asia/Shanghai. */
  date: string;
  workday: boolean;
  note: string | null;
}

/** What the calendar says about one day, and on whose authority. */
export interface DayInfo {
  date: string;
  workday: boolean;
  /** Holiday or 调休 name from the State Council notice (e.g. 国庆节), or the override's note. */
  name: string | null;
  /** `override` (admin table), `official` (a holiday or 调休 in the notice) or `weekday` (plain Mon–Fri / Sat–Sun). */
  source: 'override' | 'official' | 'weekday';
  /** Whether chinese-days has the notice of that year; days of other years are plain weekdays unless overridden. */
  known: boolean;
}

/** The calendar date (yyyy-MM-dd) of an instant in Asia/Shanghai. */
export const dateOf = (ms: number): string => isoAt(ms).slice(0, 10);
/** Midnight at the start of a date, Asia/Shanghai (fixed +08:00 since 1991). */
export const startOfDate = (date: string): number => Date.parse(`${date}T00:00:00+08:00`);
const nextDate = (date: string): string => dateOf(startOfDate(date) + DAY_MS + 3_600_000);

const knownYears = new Map<number, boolean>();
/** chinese-days has a year's notice when it lists any holiday on a weekday that year. */
function packageKnows(year: number): boolean {
  let k = knownYears.get(year);
  if (k === undefined) {
    k = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    knownYears.set(year, k);
  }
  return k;
}

/**
 * China's official working days: chinese-days (State Council notices, 调休 included) with an
 * admin override table on top for days the package does not know yet. Working-day due times,
 * quiet hours and digests all ask this one calendar.
 */
export class WorkCalendar {
  #overrides = new Map<string, CalendarOverride>();

  constructor(overrides: readonly CalendarOverride[] = []) {
    this.setOverrides(overrides);
  }

  /** Replaces the override table (config file rows first, then the admin's, which win). */
  setOverrides(list: readonly CalendarOverride[]): void {
    this.#overrides = new Map(list.map((o) => [o.date, o]));
  }

  overrides(): CalendarOverride[] {
    return [...this.#overrides.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  day(date: string): DayInfo {
    const known = packageKnows(Number(date.slice(0, 4)));
    const o = this.#overrides.get(date);
    if (o) return { date, workday: o.workday, name: o.note, source: 'override', known };
    const d = chineseDays.getDayDetail(date);
    // getDayDetail names plain days by their weekday (Monday …); official days carry "English,中文,n".
    const official = d.name.includes(',');
    return {
      date,
      workday: d.work,
      name: official ? (d.name.split(',')[1] ?? null) : null,
      source: official ? 'official' : 'weekday',
      known,
    };
  }

  isWorkday(date: string): boolean {
    return this.day(date).workday;
  }

  /** The days of [from, to] (yyyy-MM-dd, inclusive), at most 400. */
  range(from: string, to: string): DayInfo[] {
    const out: DayInfo[] = [];
    for (let d = from; d <= to && out.length < 400; d = nextDate(d)) out.push(this.day(d));
    return out;
  }

  /**
   * When something reported at `ms` is due if given `n` working days ("3个工作日"): the end of the
   * nth working day after the day it was reported (the day of report does not count, as the
   * notices count 办理时限), i.e. midnight after that day, Asia/Shanghai.
   */
  dueAfterWorkdays(ms: number, n: number): number {
    let date = dateOf(ms);
    for (let left = n; left > 0;) {
      date = nextDate(date);
      if (this.isWorkday(date)) left--;
    }
    return startOfDate(nextDate(date));
  }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `ms` lies in quiet hours: the daily span (which may wrap midnight, 22:00–07:00) and,
 * with `nonWorkdays`, the whole of every non-working day by the official calendar (a 调休
 * Saturday is a working day and so not quiet).
 */
export function isQuiet(q: QuietHours | undefined, cal: WorkCalendar, ms: number): boolean {
  if (!q) return false;
  const date = dateOf(ms);
  if (q.nonWorkdays && !cal.isWorkday(date)) return true;
  const m = Math.floor((ms - startOfDate(date)) / 60_000);
  const from = minutesOf(q.from);
  const to = minutesOf(q.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** When the quiet period around `ms` ends (null when not quiet, or not within 60 days). */
export function quietUntil(q: QuietHours | undefined, cal: WorkCalendar, ms: number): number | null {
  if (!q || !isQuiet(q, cal, ms)) return null;
  // Quiet changes only at midnight and at the two daily boundaries.
  let date = dateOf(ms);
  for (let i = 0; i < 60; i++, date = nextDate(date)) {
    const start = startOfDate(date);
    const edges = [start, start + minutesOf(q.from) * 60_000, start + minutesOf(q.to) * 60_000].sort((a, b) => a - b);
    for (const t of edges) if (t > ms && !isQuiet(q, cal, t)) return t;
  }
  return null;
}
