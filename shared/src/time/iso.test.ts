import { describe, expect, test } from 'vitest';
import { isoAt, msAt } from './iso.js';

describe('msAt', () => {
  test('reads what isoAt writes, and toISOString, as Date.parse does', () => {
    // A deterministic walk over instants from 1970 to 2200, with and without milliseconds.
    let x = 12345;
    for (let k = 0; k < 20_000; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = Math.floor((x / 2147483648) * Date.UTC(2200, 0, 1)) - (k % 2 === 0 ? 0 : x % 1000);
      for (const s of [isoAt(t), new Date(t).toISOString()]) {
        expect(msAt(s)).toBe(Date.parse(s));
        expect(msAt(s)).toBe(t);
      }
    }
  });

  test('the last instant is remembered, never mixed up with another', () => {
    const a = Date.UTC(2026, 11, 2, 1, 2, 3, 456);
    const b = a + 1;
    const sa = isoAt(a);
    expect(isoAt(a)).toBe(sa);
    expect(isoAt(b)).toBe('2026-12-02T09:02:03.457+08:00');
    expect(isoAt(a)).toBe('2026-12-02T09:02:03.456+08:00');
    for (const [s, t] of [
      [sa, a],
      [sa, a],
      [isoAt(b), b],
      [sa, a],
      ['not a time', NaN],
      ['', NaN],
      [sa, a],
    ] as const)
      expect(msAt(s)).toBe(t);
  });

  test('other offsets, leap days and the edges of every field', () => {
    for (const s of [
      '2024-02-29T23:59:59.999-05:30',
      '2000-02-29T00:00:00Z',
      '1970-01-01T00:00:00.000Z',
      '2026-12-31T23:59:59+14:00',
      '2100-03-01T12:00:00.001-12:00',
      '1999-12-31T16:00:00.000+08:00',
    ])
      expect(msAt(s), s).toBe(Date.parse(s));
  });

  test('anything else is Date.parse’s answer: invalid fields, other forms, garbage', () => {
    for (const s of [
      '2023-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00+08:00',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:00:60Z',
      '2026-01-01T00:00:00+24:00',
      '1969-12-31T23:59:59Z',
      '2026-01-01T00:00:00.5Z',
      '2026-01-01T00:00:00.123456Z',
      '2026-01-01 00:00:00Z',
      '2026-01-01',
      '2026-01-01T00:00Z',
      '2026-0a-01T00:00:00Z',
      'x026-01-01T00:00:00.000+08:00',
      '2026-01-01T00:00:00.000*08:00',
      '',
      'not a time',
    ]) {
      const want = Date.parse(s);
      if (Number.isNaN(want)) expect(msAt(s), s).toBeNaN();
      else expect(msAt(s), s).toBe(want);
    }
  });
});
