import { describe, expect, test } from 'vitest';
import { isDimHour, parseWallParams, pixelShift } from './wallParams';

describe('wall URL parameters', () => {
  test('defaults: no rotation, no dimming, a 4 px shift', () => {
    const p = parseWallParams('');
    expect(p.rotateSec).toBeNull();
    expect(p.dim).toBeNull();
    expect(p.shiftPx).toBe(4);
    expect(p.layout).toBeNull();
  });
  test('rotation, dimming and layout are read and bounded', () => {
    const p = parseWallParams('?rotate=60&overview=90&dim=22-6&dimLevel=2&shift=40&layout=wide');
    expect(p.rotateSec).toBe(60);
    expect(p.overviewSec).toBe(90);
    expect(p.dim).toEqual({ from: 22, to: 6 });
    expect(p.dimLevel).toBe(0.9);
    expect(p.shiftPx).toBe(16);
    expect(p.layout).toBe('wide');
    expect(parseWallParams('?rotate=1').rotateSec).toBe(5);
    expect(parseWallParams('?dim=banana').dim).toBeNull();
  });
  test('dim windows may wrap midnight', () => {
    const dim = { from: 22, to: 6 };
    expect([21, 22, 23, 0, 5, 6].map((h) => isDimHour(dim, h))).toEqual([false, true, true, true, true, false]);
    expect(isDimHour({ from: 1, to: 5 }, 3)).toBe(true);
    expect(isDimHour({ from: 1, to: 5 }, 5)).toBe(false);
    expect(isDimHour(null, 3)).toBe(false);
  });
  test('pixel shift stays within its bound and moves over time', () => {
    const seen = new Set<string>();
    for (let m = 0; m < 120; m++) {
      const s = pixelShift(4, m);
      expect(Math.abs(s.x)).toBeLessThanOrEqual(4);
      expect(Math.abs(s.y)).toBeLessThanOrEqual(4);
      seen.add(`${s.x},${s.y}`);
    }
    expect(seen.size).toBeGreaterThan(4);
    expect(pixelShift(0, 17)).toEqual({ x: 0, y: 0 });
  });
});
