import { describe, expect, test } from 'vitest';
import { addDays, meetingSearch, nextSort, parseMeetingState, periodQuery, DEFAULT_STATE } from './meetingParams';

describe('meeting URL state', () => {
  test('a deep link round-trips', () => {
    const s = parseMeetingState('?period=last_week&sort=overdue&dir=desc&tab=clues&clues=overdue&clue=C1');
    expect(s).toMatchObject({
      period: 'last_week',
      sort: 'overdue',
      dir: 'desc',
      tab: 'clues',
      clues: 'overdue',
      clue: 'C1',
    });
    expect(parseMeetingState(meetingSearch(s))).toEqual(s);
  });
  test('custom periods carry the exclusive end in the URL and the last day in the state', () => {
    const s = parseMeetingState('?from=2026-11-01&to=2026-11-16');
    expect(s).toMatchObject({ period: 'custom', from: '2026-11-01', last: '2026-11-15' });
    expect(periodQuery(s).toString()).toBe('period=custom&from=2026-11-01&to=2026-11-16');
    expect(parseMeetingState('?period=custom&from=2026-11-16&to=2026-11-01').period).toBe('last_week');
  });
  test('period and sort are always spelled out; other defaults stay out; unknown values fall back', () => {
    expect(meetingSearch(DEFAULT_STATE)).toBe('?period=last_week&sort=rate&dir=desc');
    expect(parseMeetingState('?period=fortnight&sort=speed&tab=x')).toEqual(DEFAULT_STATE);
    expect(parseMeetingState('?sort=overdue').dir).toBe('asc');
  });
  test('sorting: a new column best first, the same column flips', () => {
    expect(nextSort(DEFAULT_STATE, 'rate')).toEqual({ sort: 'rate', dir: 'asc' });
    expect(nextSort(DEFAULT_STATE, 'overdue')).toEqual({ sort: 'overdue', dir: 'asc' });
    expect(nextSort(DEFAULT_STATE, 'received')).toEqual({ sort: 'received', dir: 'desc' });
  });
  test('calendar days across month and leap-year ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});
