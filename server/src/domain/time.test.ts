import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toShanghaiIso } from '@zhihui/shared';
import { isoAt } from './time.js';

describe('isoAt', () => {
  // From 1992 on: China observed summer time from 1986 to 1991, which the fixed +08:00 does not model.
  test('formats like toShanghaiIso for any instant since 1992, across days and with or without milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.boolean(), (t, whole) => {
        const ms = whole ? Math.floor(t / 1000) * 1000 : t;
        expect(isoAt(ms)).toBe(toShanghaiIso(ms));
        expect(Date.parse(isoAt(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  test('midnight in Shanghai and the last millisecond before it', () => {
    const midnight = Date.parse('2026-11-27T16:00:00Z');
    expect(isoAt(midnight)).toBe('2026-11-28T00:00:00+08:00');
    expect(isoAt(midnight - 1)).toBe('2026-11-27T23:59:59.999+08:00');
    expect(isoAt(midnight + 7)).toBe('2026-11-28T00:00:00.007+08:00');
  });
});
