import { TZDate } from '@date-fns/tz';
import {
  addDays,
  addMonths,
  differenceInMilliseconds,
  endOfMonth,
  startOfDay,
  startOfMonth,
  startOfWeek,
} from 'date-fns';
import type { Period } from '../schemas/common.js';
import { isoAt } from './iso.js';

/** Every period and every clock on the wall is in China Standard Time, whatever the host's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

export const PERIOD_KINDS = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_half_month',
  'last_half_month',
  'this_month',
  'last_month',
  'custom',
] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Days in the wall's "recent" window (近半年). */
export const RECENT_DAYS = 182;

const inZone = (t: Date | number | string): TZDate => new TZDate(new Date(t).getTime(), TIME_ZONE);
const iso = (d: TZDate): string => isoAt(d.getTime());

/** An instant as ISO 8601 in Asia/Shanghai, e.g. `2026-11-27T08:00:00+08:00` (the one formatter, isoAt). */
export function toShanghaiIso(t: Date | number | string): string {
  return isoAt(typeof t === 'number' ? t : new Date(t).getTime());
}

function halfMonthStart(d: TZDate): TZDate {
  const first = startOfMonth(d);
  return d.getDate() <= 15 ? first : addDays(first, 15);
}

function halfMonthEnd(start: TZDate): TZDate {
  // 1st–15th, then 16th to the month's last day.
  return start.getDate() === 1 ? addDays(start, 15) : startOfDay(addDays(endOfMonth(start), 1));
}

/**
 * The period of the given kind containing `now`, as [from, to) in Asia/Shanghai.
 * Current periods (today, this week …) run to their natural end, not to `now`.
 */
export function periodOf(kind: Exclude<PeriodKind, 'custom'>, now: Date | number | string): Period {
  const d = inZone(now);
  let from: TZDate;
  let to: TZDate;
  switch (kind) {
    case 'today':
      from = startOfDay(d);
      to = addDays(from, 1);
      break;
    case 'yesterday':
      to = startOfDay(d);
      from = addDays(to, -1);
      break;
    case 'this_week':
      from = startOfWeek(d, { weekStartsOn: 1 });
      to = addDays(from, 7);
      break;
    case 'last_week':
      to = startOfWeek(d, { weekStartsOn: 1 });
      from = addDays(to, -7);
      break;
    case 'this_half_month':
      from = halfMonthStart(d);
      to = halfMonthEnd(from);
      break;
    case 'last_half_month':
      to = halfMonthStart(d);
      from = halfMonthStart(addDays(to, -1));
      break;
    case 'this_month':
      from = startOfMonth(d);
      to = addMonths(from, 1);
      break;
    case 'last_month':
      to = startOfMonth(d);
      from = addMonths(to, -1);
      break;
  }
  return { from: iso(from), to: iso(to) };
}

/**
 * The period just before `p`: for a half-month or a month, the previous calendar half-month or
 * month (so 16–30 Nov compares with 1–15 Nov); otherwise the same length immediately before.
 */
export function previousPeriod(p: Period): Period {
  const from = inZone(p.from);
  const to = inZone(p.to);
  const isMonthStart = (x: TZDate) => x.getDate() === 1 && x.getTime() === startOfDay(x).getTime();
  const isHalfStart = (x: TZDate) =>
    (x.getDate() === 1 || x.getDate() === 16) && x.getTime() === startOfDay(x).getTime();
  if (isMonthStart(from) && isMonthStart(to) && addMonths(from, 1).getTime() === to.getTime()) {
    return { from: iso(addMonths(from, -1)), to: iso(from) };
  }
  if (isHalfStart(from) && isHalfStart(to) && halfMonthEnd(from).getTime() === to.getTime()) {
    return { from: iso(halfMonthStart(addDays(from, -1))), to: iso(from) };
  }
  const ms = differenceInMilliseconds(to, from);
  return { from: iso(inZone(from.getTime() - ms)), to: iso(from) };
}

/** The wall's recent window: the last RECENT_DAYS days including today. */
export function recentPeriod(now: Date | number | string): Period {
  const today = startOfDay(inZone(now));
  return { from: iso(addDays(today, -(RECENT_DAYS - 1))), to: iso(addDays(today, 1)) };
}

/** Checks and normalises a custom period; null when it is not a valid [from, to). */
export function customPeriod(from: string, to: string): Period | null {
  const f = Date.parse(from);
  const t = Date.parse(to);
  if (!Number.isFinite(f) || !Number.isFinite(t) || f >= t) return null;
  return { from: toShanghaiIso(f), to: toShanghaiIso(t) };
}

/** Calendar date (yyyy-MM-dd) of an instant in Asia/Shanghai. */
export function shanghaiDate(t: Date | number | string): string {
  return toShanghaiIso(t).slice(0, 10);
}
