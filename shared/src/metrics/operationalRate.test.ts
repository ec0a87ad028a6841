import { describe, expect, test } from 'vitest';
import type { CameraState } from '../schemas/camera.js';
import type { CameraFigures } from '../schemas/summary.js';
import {
  cameraFiguresAt,
  cameraFigures,
  cameraStateOf,
  countCameraState,
  emptyCameraFigures,
  finishCameraFigures,
  inMaintenance,
  operationalRate,
  reasonOf,
  sumCameraFigures,
} from './operationalRate.js';
import fc from 'fast-check';
import { formatRate, rate, rateCell } from './rate.js';

const T = Date.parse('2026-11-27T10:00:00+08:00');
const window = { reason: '立杆迁移', from: '2026-11-27T08:00:00+08:00', to: '2026-11-27T12:00:00+08:00' };

const repeat = (s: CameraState, n: number): CameraState[] => Array.from({ length: n }, () => s);

describe('cameraStateOf', () => {
  test('a channel in service reports its own status outside any window', () => {
    expect(cameraStateOf({ inService: true, status: 'online', maintenance: null }, T)).toBe('online');
    expect(cameraStateOf({ inService: true, status: 'offline', maintenance: null }, T)).toBe('offline');
    expect(cameraStateOf({ inService: true, status: 'unknown', maintenance: null }, T)).toBe('unknown');
  });

  test('a planned maintenance window covers [from, to): from inclusive, to exclusive', () => {
    const c = { inService: true, status: 'offline' as const, maintenance: window };
    expect(cameraStateOf(c, Date.parse(window.from))).toBe('maintenance');
    expect(cameraStateOf(c, T)).toBe('maintenance');
    expect(cameraStateOf(c, Date.parse(window.to) - 1)).toBe('maintenance');
    expect(cameraStateOf(c, Date.parse(window.to))).toBe('offline');
    expect(cameraStateOf(c, Date.parse(window.from) - 1)).toBe('offline');
  });

  test('window times with other offsets are compared as instants', () => {
    // 00:00Z–04:00Z is 08:00–12:00 in Shanghai.
    const m = { reason: 'x', from: '2026-11-27T00:00:00Z', to: '2026-11-27T04:00:00Z' };
    expect(inMaintenance(m, T)).toBe(true);
    expect(inMaintenance(m, Date.parse('2026-11-27T12:00:00+08:00'))).toBe(false);
    expect(inMaintenance(null, T)).toBe(false);
  });

  test('out of service wins over maintenance and status', () => {
    expect(cameraStateOf({ inService: false, status: 'online', maintenance: window }, T)).toBe('out_of_service');
    expect(cameraStateOf({ inService: false, status: 'offline', maintenance: null }, T)).toBe('out_of_service');
  });

  test('a channel in maintenance that happens to be online still counts as maintenance', () => {
    expect(cameraStateOf({ inService: true, status: 'online', maintenance: window }, T)).toBe('maintenance');
  });
});

describe('operationalRate', () => {
  test('online ÷ (in service − maintenance)', () => {
    expect(operationalRate(9, 12, 2)).toBeCloseTo(0.9, 12);
    expect(operationalRate(9, 10, 0)).toBeCloseTo(0.9, 12);
  });

  test('null when nothing is counted', () => {
    expect(operationalRate(0, 0, 0)).toBeNull();
    expect(operationalRate(0, 5, 5)).toBeNull();
  });

  test('the seed: 1593 online of 1779 in service, 9 in maintenance → exactly 0.9, shown as 90.0%', () => {
    // 1,564 rectified + 215 new = 1,779 channels; the article's 运行率 is 90%.
    const r = operationalRate(1593, 1779, 9);
    expect(r).toBe(0.9);
    expect(formatRate(r)).toBe('90.0%');
    // Without the maintenance exclusion it would not be 90%.
    expect(formatRate(operationalRate(1593, 1779, 0))).toBe('89.5%');
  });
});

describe('cameraFigures', () => {
  test('counts each state once and derives the rate excluding maintenance and out-of-service', () => {
    const f = cameraFigures([
      ...repeat('online', 7),
      ...repeat('offline', 2),
      'unknown',
      ...repeat('maintenance', 3),
      ...repeat('out_of_service', 4),
    ]);
    expect(f).toMatchObject({ total: 17, inService: 13, maintenance: 3, online: 7, offline: 2, unknown: 1 });
    expect(f.operationalRate).toBeCloseTo(7 / 10, 12);
    // Not part of a snapshot of states.
    expect(f.repaired).toBe(0);
    expect(f.newlyFailed).toBe(0);
    expect(f.timeWeightedRate).toBeNull();
  });

  test('the seed figures from states', () => {
    const states = [
      ...repeat('online', 1593),
      ...repeat('offline', 120),
      ...repeat('unknown', 57),
      ...repeat('maintenance', 9),
    ];
    const f = cameraFigures(states);
    expect(f.inService).toBe(1779);
    expect(f.operationalRate).toBe(0.9);
  });

  test('no channels → null rate, zero counts', () => {
    expect(cameraFigures([])).toEqual(emptyCameraFigures());
  });

  test('countCameraState with sign −1 undoes +1 for every state', () => {
    const states: CameraState[] = ['online', 'offline', 'unknown', 'maintenance', 'out_of_service'];
    const f = emptyCameraFigures();
    for (const s of states) countCameraState(f, s);
    for (const s of states) countCameraState(f, s, -1);
    expect(finishCameraFigures(f)).toEqual(emptyCameraFigures());
  });
});

describe('sumCameraFigures', () => {
  const part = (over: Partial<CameraFigures>): CameraFigures =>
    finishCameraFigures({ ...emptyCameraFigures(), ...over });

  test('adds counts and recomputes the rate from the sums (not an average of rates)', () => {
    const a = part({ total: 10, inService: 10, online: 9, offline: 1 }); // 90%
    const b = part({ total: 100, inService: 100, maintenance: 10, online: 45, offline: 45 }); // 50%
    const s = sumCameraFigures([a, b]);
    expect(s).toMatchObject({ total: 110, inService: 110, maintenance: 10, online: 54, offline: 46 });
    expect(s.operationalRate).toBeCloseTo(54 / 100, 12);
  });

  test('repaired and newly failed add up', () => {
    const s = sumCameraFigures([part({ repaired: 3, newlyFailed: 1 }), part({ repaired: 2, newlyFailed: 5 })]);
    expect(s.repaired).toBe(5);
    expect(s.newlyFailed).toBe(6);
  });

  test("time-weighted rate is pooled over channel-time, not an average of the parts' rates (#18.3)", () => {
    // 栾城区 last week: every township right, the county an average weighted by end-of-period
    // channels. Pooled, a county is its channels' online time over their counted time.
    const a = part({
      inService: 30,
      maintenance: 10,
      online: 20,
      onlineMs: 5_000,
      countedMs: 10_000,
      timeWeightedRate: 0.5,
    });
    const b = part({ inService: 60, online: 60, onlineMs: 59_000, countedMs: 60_000, timeWeightedRate: 59 / 60 });
    const c = part({ inService: 1000, online: 0, timeWeightedRate: null });
    const s = sumCameraFigures([a, b, c]);
    expect(s.timeWeightedRate).toBe(64_000 / 70_000);
    expect(s.timeWeightedRate).not.toBeCloseTo((0.5 * 20 + (59 / 60) * 60) / 80, 6);
    expect([s.onlineMs, s.countedMs]).toEqual([64_000, 70_000]);
    expect(sumCameraFigures([c]).timeWeightedRate).toBeNull();
  });

  test('cameraFiguresAt carries the parts with the clock from the counts', () => {
    const f = part({
      inService: 10,
      maintenance: 2,
      online: 6,
      offline: 2,
      onlineMs: 600,
      countedMs: 800,
      timeWeightedRate: 0.75,
    });
    const g = cameraFiguresAt(f, 1000, 1100);
    // 6 online and 8 counted channels for 100 ms more.
    expect([g.onlineMs, g.countedMs, g.timeWeightedRate]).toEqual([1200, 1600, 0.75]);
    expect(cameraFiguresAt(f, 1000, 1000)).toBe(f);
  });

  test('empty roll-up', () => {
    expect(sumCameraFigures([])).toEqual(emptyCameraFigures());
  });
});

describe('reasonOf', () => {
  test('online and out-of-service channels show no reason; down ones keep theirs', () => {
    expect(reasonOf('online', 'power')).toBeNull();
    expect(reasonOf('out_of_service', 'power')).toBeNull();
    expect(reasonOf('offline', 'black_screen')).toBe('black_screen');
    expect(reasonOf('unknown', null)).toBeNull();
    expect(reasonOf('maintenance', 'maintenance')).toBe('maintenance');
  });
});

describe('rate and formatRate', () => {
  test('rate is null without a denominator', () => {
    expect(rate(1, 0)).toBeNull();
    expect(rate(0, 3)).toBe(0);
  });

  test('one decimal, floored: a shown rate never overstates', () => {
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(0.12345)).toBe('12.3%');
    expect(formatRate(0.12355)).toBe('12.3%');
    expect(formatRate(0.9555)).toBe('95.5%');
    expect(formatRate(0.8996)).toBe('89.9%'); // not "90.0%" beside the 90% line
    expect(formatRate(0.29)).toBe('29.0%'); // 0.29 × 1000 is 289.999… in binary: still 29.0
    expect(formatRate(0.5, 0)).toBe('50%');
    expect(formatRate(2 / 3, 2)).toBe('66.66%');
  });

  test('n/N shown equals the integer floor of 1000·n/N, for any counts', () => {
    // Recomputed with integers only (BigInt), independent of floating point.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000_000 }).chain((N) => fc.tuple(fc.integer({ min: 0, max: N }), fc.constant(N))),
        ([n, N]) => {
          const tenths = (BigInt(n) * 1000n) / BigInt(N);
          const expected = `${tenths / 10n}.${tenths % 10n}%`;
          expect(formatRate(n / N)).toBe(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('rateCell: the fraction floored to four decimals', () => {
    expect(rateCell(929 / 972)).toBe(0.9557);
    expect(rateCell(0.9)).toBe(0.9);
    expect(rateCell(null)).toBe('');
  });

  test('no rate → a dash', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
