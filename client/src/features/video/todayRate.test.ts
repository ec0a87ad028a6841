import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { formatRate } from '@zhihui/shared';
import { figures, snapshot, COUNTY } from '../../test-support/fakeSnapshot';
import { todayRateAt } from './todayRate';

const H = 3_600_000;

// #18.6: today's time-weighted rate moves on the wall's clock between deltas. The snapshot says:
// at 10:00, 27 of 30 channels online, and since midnight 150 online of 300 counted channel-hours.
describe("the wall's time-weighted rate for today, on a clock", () => {
  const s = snapshot({
    at: '2026-11-27T10:00:00+08:00',
    figures: figures(COUNTY, {
      total: 30,
      inService: 30,
      online: 27,
      offline: 3,
      operationalRate: 0.9,
      onlineMs: 150 * H,
      countedMs: 300 * H,
      timeWeightedRate: 0.5,
    }),
  });
  let receivedAt = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    // The wall's own clock is 7 minutes off the server's: only the time since receipt counts.
    vi.setSystemTime(Date.parse(s.at) - 7 * 60_000);
    receivedAt = Date.now();
  });
  afterEach(() => vi.useRealTimers());

  /** What the rows imply after `h` hours of the present state: n and N both grow. */
  const expected = (h: number) => (150 + 27 * h) / (300 + 30 * h);

  test('advances with the clock, and is shown floored', () => {
    expect(todayRateAt(s, receivedAt, Date.now(), false)).toBe(0.5);
    expect(formatRate(todayRateAt(s, receivedAt, Date.now(), false))).toBe('50.0%');
    vi.advanceTimersByTime(2 * H);
    const r = todayRateAt(s, receivedAt, Date.now(), false)!;
    expect(r).toBeCloseTo(expected(2), 12);
    // 204 / 360 = 56.66…%: floored, never rounded up.
    expect(formatRate(r)).toBe('56.6%');
    vi.advanceTimersByTime(30 * 60_000);
    expect(todayRateAt(s, receivedAt, Date.now(), false)!).toBeCloseTo(expected(2.5), 12);
  });

  test('stops at the end of the day, and stands still while the link is lost', () => {
    vi.advanceTimersByTime(20 * H); // 06:00 the next day by the server's clock
    expect(todayRateAt(s, receivedAt, Date.now(), false)!).toBeCloseTo(expected(14), 12);
    expect(todayRateAt(s, receivedAt, Date.now(), true)).toBe(0.5);
    expect(todayRateAt(s, null, Date.now(), false)).toBe(0.5);
  });
});
