import { describe, expect, test } from 'vitest';
import { WorkCalendar, isQuiet, quietUntil } from './calendar.js';

const at = (s: string) => Date.parse(`${s}+08:00`);
const cal = new WorkCalendar();

describe("China's working-day calendar (chinese-days, 调休 included)", () => {
  test('the 2026 National Day holiday: 1–7 October off, Saturday 10 October (调休) worked, Sunday 20 September (调休) worked', () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkday(`2026-10-0${d}`)).toBe(false);
    expect(cal.day('2026-10-01')).toMatchObject({ workday: false, name: '国庆节', source: 'official', known: true });
    expect(cal.day('2026-10-10')).toMatchObject({ workday: true, name: '国庆节', source: 'official' });
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false); // a plain Sunday
    expect(cal.day('2026-10-12')).toMatchObject({ workday: true, source: 'weekday', name: null });
  });

  test('3个工作日 for a clue reported on the eve of the holiday: 8, 9 and the 调休 Saturday 10 October, due at its end', () => {
    expect(cal.dueAfterWorkdays(at('2026-09-30T15:00:00'), 3)).toBe(at('2026-10-11T00:00:00'));
    // Reported during the holiday: the first working day after it counts first.
    expect(cal.dueAfterWorkdays(at('2026-10-03T09:00:00'), 1)).toBe(at('2026-10-09T00:00:00'));
    // Reported on the 调休 Saturday itself: it does not count, the next working days do (11th is Sunday).
    expect(cal.dueAfterWorkdays(at('2026-10-10T10:00:00'), 2)).toBe(at('2026-10-14T00:00:00'));
    // An ordinary week: Monday + 3 → end of Thursday.
    expect(cal.dueAfterWorkdays(at('2026-11-23T10:00:00'), 3)).toBe(at('2026-11-27T00:00:00'));
    // Late evening still counts as the day of report (Asia/Shanghai, not UTC).
    expect(cal.dueAfterWorkdays(at('2026-11-23T23:30:00'), 1)).toBe(at('2026-11-25T00:00:00'));
  });

  test('a year the package does not know is plain weekdays until an admin overrides a day', () => {
    const c = new WorkCalendar();
    expect(c.day('2027-10-01')).toMatchObject({ workday: true, known: false, source: 'weekday' });
    c.setOverrides([
      { date: '2027-10-01', workday: false, note: '国庆节' },
      { date: '2027-09-26', workday: true, note: '国庆调休' },
    ]);
    expect(c.day('2027-10-01')).toMatchObject({ workday: false, name: '国庆节', source: 'override' });
    expect(c.isWorkday('2027-09-26')).toBe(true); // a Sunday made a working day
    expect(c.dueAfterWorkdays(at('2027-09-30T12:00:00'), 1)).toBe(at('2027-10-05T00:00:00'));
  });

  test('quiet hours follow the calendar: a 调休 Saturday is a working day (not quiet by day), a plain Saturday is', () => {
    const q = { from: '22:00', to: '07:00', nonWorkdays: true };
    expect(isQuiet(q, cal, at('2026-10-10T10:00:00'))).toBe(false); // 调休 Saturday
    expect(isQuiet(q, cal, at('2026-10-10T23:00:00'))).toBe(true); // its night
    expect(isQuiet(q, cal, at('2026-10-17T10:00:00'))).toBe(true); // plain Saturday
    expect(isQuiet(q, cal, at('2026-10-05T10:00:00'))).toBe(true); // National Day, a Monday
    expect(isQuiet(q, cal, at('2026-11-27T06:59:00'))).toBe(true);
    expect(isQuiet(q, cal, at('2026-11-27T07:00:00'))).toBe(false);
    expect(isQuiet({ from: '12:00', to: '13:30' }, cal, at('2026-11-28T12:30:00'))).toBe(true); // no nonWorkdays: only the span
    // The quiet weekend ends Monday 07:00; the National Day week ends Thursday 8 October 07:00.
    expect(quietUntil(q, cal, at('2026-10-17T10:00:00'))).toBe(at('2026-10-19T07:00:00'));
    expect(quietUntil(q, cal, at('2026-09-30T23:00:00'))).toBe(at('2026-10-08T07:00:00'));
    expect(quietUntil(q, cal, at('2026-10-09T23:00:00'))).toBe(at('2026-10-10T07:00:00'));
    expect(quietUntil(q, cal, at('2026-10-12T10:00:00'))).toBeNull();
  });
});
