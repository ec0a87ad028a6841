import { dateOf, startOfDate, type WorkCalendar } from './calendar.js';
import type { Rule } from './rules.js';

const DAY_MS = 86_400_000;
const DEFAULT_AT = { daily_digest: '08:00', weekly_report: '08:30' } as const;

/** ISO weekday of a date (1 = Monday … 7 = Sunday). */
const weekdayOf = (date: string): number => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * The day whose digest of `rule` is due at `now` (its time of day has passed, and the day is one
 * it runs on), or null. Daily: every day, or working days only. Weekly: the given weekday
 * (Monday by default), or with workdaysOnly the first working day of the week from it on.
 */
export function digestDue(rule: Rule, now: number, cal: WorkCalendar): string | null {
  if (rule.kind !== 'daily_digest' && rule.kind !== 'weekly_report') return null;
  const today = dateOf(now);
  const at = rule.at ?? DEFAULT_AT[rule.kind];
  if (now < startOfDate(today) + (Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5))) * 60_000) return null;
  if (rule.kind === 'daily_digest') return !rule.workdaysOnly || cal.isWorkday(today) ? today : null;
  const want = rule.weekday ?? 1;
  const wd = weekdayOf(today);
  if (!rule.workdaysOnly) return wd === want ? today : null;
  if (wd < want || !cal.isWorkday(today)) return null;
  // The first working day from the wanted weekday on, within this week.
  for (let d = want; d < wd; d++)
    if (cal.isWorkday(dateOf(startOfDate(today) - (wd - d) * DAY_MS + 3_600_000))) return null;
  return today;
}
