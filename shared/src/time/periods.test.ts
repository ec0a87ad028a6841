import { describe, expect, test } from 'vitest';
import {
  RECENT_DAYS,
  customPeriod,
  periodOf,
  previousPeriod,
  recentPeriod,
  shanghaiDate,
  toShanghaiIso,
} from './periods.js';

// Instants are chosen near Shanghai midnight, where the UTC (and most hosts') calendar day differs,
// so a computation done in the host's zone instead of Asia/Shanghai gives a different answer.
// 2026-11-27 is a Friday; 2026-11-30 a Monday.
const LAST_SECOND_27 = '2026-11-27T15:59:59Z'; // 23:59:59 on the 27th in Shanghai
const MIDNIGHT_28 = '2026-11-27T16:00:00Z'; // 00:00:00 on the 28th in Shanghai

const p = (from: string, to: string) => ({ from: `${from}T00:00:00+08:00`, to: `${to}T00:00:00+08:00` });

describe('toShanghaiIso / shanghaiDate', () => {
  test('renders any instant with the +08:00 offset, no milliseconds when whole', () => {
    expect(toShanghaiIso('2026-11-27T00:00:00Z')).toBe('2026-11-27T08:00:00+08:00');
    expect(toShanghaiIso(LAST_SECOND_27)).toBe('2026-11-27T23:59:59+08:00');
    expect(toShanghaiIso(Date.parse(MIDNIGHT_28))).toBe('2026-11-28T00:00:00+08:00');
    expect(toShanghaiIso(new Date('2026-11-27T10:00:00-05:00'))).toBe('2026-11-27T23:00:00+08:00');
  });

  test('the rendering is the same instant', () => {
    for (const t of [0, 1_764_230_400_123, Date.parse('2028-02-29T16:30:00Z')]) {
      expect(Date.parse(toShanghaiIso(t))).toBe(t);
    }
  });

  test('calendar date in Shanghai, not in UTC', () => {
    expect(shanghaiDate(LAST_SECOND_27)).toBe('2026-11-27');
    expect(shanghaiDate(MIDNIGHT_28)).toBe('2026-11-28');
  });
});

describe('periodOf: days', () => {
  test('today and yesterday across Shanghai midnight', () => {
    expect(periodOf('today', LAST_SECOND_27)).toEqual(p('2026-11-27', '2026-11-28'));
    expect(periodOf('today', MIDNIGHT_28)).toEqual(p('2026-11-28', '2026-11-29'));
    expect(periodOf('yesterday', LAST_SECOND_27)).toEqual(p('2026-11-26', '2026-11-27'));
    expect(periodOf('yesterday', MIDNIGHT_28)).toEqual(p('2026-11-27', '2026-11-28'));
  });

  test('accepts epoch ms and Date as well as strings', () => {
    expect(periodOf('today', Date.parse(MIDNIGHT_28))).toEqual(p('2026-11-28', '2026-11-29'));
    expect(periodOf('today', new Date(LAST_SECOND_27))).toEqual(p('2026-11-27', '2026-11-28'));
  });

  test('today contains its instant and nothing of the next day', () => {
    const t = periodOf('today', LAST_SECOND_27);
    expect(Date.parse(t.from)).toBeLessThanOrEqual(Date.parse(LAST_SECOND_27));
    expect(Date.parse(t.to)).toBe(Date.parse(MIDNIGHT_28));
  });
});

describe('periodOf: weeks start on Monday', () => {
  test('Sunday 23:59:59 in Shanghai is still the week that began on Monday the 23rd', () => {
    const sunday = '2026-11-29T15:59:59Z';
    expect(periodOf('this_week', sunday)).toEqual(p('2026-11-23', '2026-11-30'));
    expect(periodOf('last_week', sunday)).toEqual(p('2026-11-16', '2026-11-23'));
  });

  test('Monday 00:00 in Shanghai (still Sunday in UTC) starts a new week', () => {
    const monday = '2026-11-29T16:00:00Z';
    expect(periodOf('this_week', monday)).toEqual(p('2026-11-30', '2026-12-07'));
    expect(periodOf('last_week', monday)).toEqual(p('2026-11-23', '2026-11-30'));
  });

  test('a week across the change of year', () => {
    // 2027-01-01 is a Friday.
    expect(periodOf('this_week', '2027-01-01T12:00:00+08:00')).toEqual(p('2026-12-28', '2027-01-04'));
  });
});

describe('periodOf: half-months (1st–15th, 16th–end)', () => {
  test('the 15th at 23:59:59 is the first half; the 16th at 00:00 the second', () => {
    expect(periodOf('this_half_month', '2026-11-15T15:59:59Z')).toEqual(p('2026-11-01', '2026-11-16'));
    expect(periodOf('this_half_month', '2026-11-15T16:00:00Z')).toEqual(p('2026-11-16', '2026-12-01'));
  });

  test('last half-month from either half', () => {
    expect(periodOf('last_half_month', '2026-11-20T10:00:00+08:00')).toEqual(p('2026-11-01', '2026-11-16'));
    expect(periodOf('last_half_month', '2026-11-05T10:00:00+08:00')).toEqual(p('2026-10-16', '2026-11-01'));
    expect(periodOf('last_half_month', '2027-01-03T10:00:00+08:00')).toEqual(p('2026-12-16', '2027-01-01'));
  });

  test('months of 30 and 31 days', () => {
    expect(periodOf('this_half_month', '2026-11-30T23:00:00+08:00')).toEqual(p('2026-11-16', '2026-12-01'));
    expect(periodOf('this_half_month', '2026-12-31T23:59:59+08:00')).toEqual(p('2026-12-16', '2027-01-01'));
    expect(periodOf('last_half_month', '2026-12-01T00:00:00+08:00')).toEqual(p('2026-11-16', '2026-12-01'));
  });

  test('February in a leap year (2028) and a common year (2027)', () => {
    expect(periodOf('this_half_month', '2028-02-29T12:00:00+08:00')).toEqual(p('2028-02-16', '2028-03-01'));
    expect(periodOf('this_half_month', '2027-02-28T12:00:00+08:00')).toEqual(p('2027-02-16', '2027-03-01'));
    expect(periodOf('last_half_month', '2028-03-01T00:00:00+08:00')).toEqual(p('2028-02-16', '2028-03-01'));
    expect(periodOf('this_half_month', '2028-02-10T12:00:00+08:00')).toEqual(p('2028-02-01', '2028-02-16'));
  });
});

describe('periodOf: months', () => {
  test('the last second of the year and the first of the next', () => {
    expect(periodOf('this_month', '2026-12-31T15:59:59Z')).toEqual(p('2026-12-01', '2027-01-01'));
    expect(periodOf('this_month', '2026-12-31T16:00:00Z')).toEqual(p('2027-01-01', '2027-02-01'));
  });

  test("January's last month is December of the previous year", () => {
    expect(periodOf('last_month', '2027-01-01T00:00:00+08:00')).toEqual(p('2026-12-01', '2027-01-01'));
    expect(periodOf('last_month', '2027-01-31T23:59:59+08:00')).toEqual(p('2026-12-01', '2027-01-01'));
  });

  test('last month of March 31st is February (no day overflow)', () => {
    expect(periodOf('last_month', '2027-03-31T12:00:00+08:00')).toEqual(p('2027-02-01', '2027-03-01'));
    expect(periodOf('this_month', '2028-02-29T12:00:00+08:00')).toEqual(p('2028-02-01', '2028-03-01'));
  });
});

describe('previousPeriod', () => {
  test('second half of November → first half', () => {
    expect(previousPeriod(p('2026-11-16', '2026-12-01'))).toEqual(p('2026-11-01', '2026-11-16'));
  });

  test('first half of November → second half of October (31 days)', () => {
    expect(previousPeriod(p('2026-11-01', '2026-11-16'))).toEqual(p('2026-10-16', '2026-11-01'));
  });

  test('first half of March → second half of February, leap and common', () => {
    expect(previousPeriod(p('2028-03-01', '2028-03-16'))).toEqual(p('2028-02-16', '2028-03-01'));
    expect(previousPeriod(p('2027-03-01', '2027-03-16'))).toEqual(p('2027-02-16', '2027-03-01'));
  });

  test('a month → the previous calendar month, also across the year', () => {
    expect(previousPeriod(p('2026-12-01', '2027-01-01'))).toEqual(p('2026-11-01', '2026-12-01'));
    expect(previousPeriod(p('2027-01-01', '2027-02-01'))).toEqual(p('2026-12-01', '2027-01-01'));
    expect(previousPeriod(p('2027-03-01', '2027-04-01'))).toEqual(p('2027-02-01', '2027-03-01'));
  });

  test('periods given in UTC are recognised by their Shanghai calendar', () => {
    // 1–15 Nov (Shanghai) written in UTC
    expect(previousPeriod({ from: '2026-10-31T16:00:00Z', to: '2026-11-15T16:00:00Z' })).toEqual(
      p('2026-10-16', '2026-11-01'),
    );
  });

  test('a custom 3-day period → the 3 days before', () => {
    expect(previousPeriod(p('2026-11-10', '2026-11-13'))).toEqual(p('2026-11-07', '2026-11-10'));
  });

  test('a day and a week → the day and the week before', () => {
    expect(previousPeriod(p('2026-11-01', '2026-11-02'))).toEqual(p('2026-10-31', '2026-11-01'));
    expect(previousPeriod(p('2026-11-23', '2026-11-30'))).toEqual(p('2026-11-16', '2026-11-23'));
  });

  test('a period that is not whole days keeps its length', () => {
    const r = previousPeriod({ from: '2026-11-27T08:30:00+08:00', to: '2026-11-27T10:00:00+08:00' });
    expect(r).toEqual({ from: '2026-11-27T07:00:00+08:00', to: '2026-11-27T08:30:00+08:00' });
  });

  test('previous of every current period kind is the matching last_* kind', () => {
    for (const now of [
      '2026-11-27T15:59:59Z',
      '2026-11-15T16:00:00Z',
      '2027-01-01T00:00:00+08:00',
      '2028-03-01T10:00:00+08:00',
    ]) {
      expect(previousPeriod(periodOf('today', now))).toEqual(periodOf('yesterday', now));
      expect(previousPeriod(periodOf('this_week', now))).toEqual(periodOf('last_week', now));
      expect(previousPeriod(periodOf('this_half_month', now))).toEqual(periodOf('last_half_month', now));
      expect(previousPeriod(periodOf('this_month', now))).toEqual(periodOf('last_month', now));
    }
  });
});

describe('recentPeriod', () => {
  test(`${RECENT_DAYS} days including today, in Shanghai days`, () => {
    expect(RECENT_DAYS).toBe(182);
    const r = recentPeriod(LAST_SECOND_27);
    expect(r.to).toBe('2026-11-28T00:00:00+08:00');
    expect((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000).toBe(182);
    expect(r.from).toBe('2026-05-30T00:00:00+08:00');
  });

  test('moves at Shanghai midnight', () => {
    expect(recentPeriod(MIDNIGHT_28)).toEqual(p('2026-05-31', '2026-11-29'));
  });
});

describe('customPeriod', () => {
  test('normalises to Shanghai ISO', () => {
    expect(customPeriod('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual({
      from: '2026-11-01T08:00:00+08:00',
      to: '2026-11-02T08:00:00+08:00',
    });
    expect(customPeriod('2026-11-01T00:00:00+08:00', '2026-11-16T00:00:00+08:00')).toEqual(
      p('2026-11-01', '2026-11-16'),
    );
  });

  test('rejects from ≥ to', () => {
    expect(customPeriod('2026-11-02T00:00:00+08:00', '2026-11-01T00:00:00+08:00')).toBeNull();
    expect(customPeriod('2026-11-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00')).toBeNull();
    // the same instant written with two offsets is still empty
    expect(customPeriod('2026-11-01T08:00:00+08:00', '2026-11-01T00:00:00Z')).toBeNull();
  });

  test('rejects garbage', () => {
    expect(customPeriod('yesterday', '2026-11-01T00:00:00+08:00')).toBeNull();
    expect(customPeriod('2026-11-01T00:00:00+08:00', '')).toBeNull();
    expect(customPeriod('2026-13-01T00:00:00+08:00', '2026-14-01T00:00:00+08:00')).toBeNull();
  });
});
