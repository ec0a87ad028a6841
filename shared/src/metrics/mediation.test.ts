import { describe, expect, test } from 'vitest';
import type { Period } from '../schemas/common.js';
import { formatRate } from './rate.js';
import {
  countMediation,
  emptyMediationFigures,
  finishMediationFigures,
  mediationFigures,
  sumMediationFigures,
  type MediationCountable,
} from './mediation.js';

const period: Period = { from: '2026-06-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' };
const dispute = (over: Partial<MediationCountable> = {}): MediationCountable => ({
  category: 'dispute',
  status: 'resolved',
  outcome: 'success',
  reportedAt: '2026-09-01T10:00:00+08:00',
  ...over,
});
const many = (n: number, over: Partial<MediationCountable>) => Array.from({ length: n }, () => dispute(over));

describe('mediationFigures', () => {
  test('the article: 929 of 972 disputes mediated → 95.5%', () => {
    const f = mediationFigures(
      [...many(929, { outcome: 'success' }), ...many(30, { outcome: 'failed' }), ...many(13, { outcome: 'court' })],
      period,
    );
    expect(f).toMatchObject({ cases: 972, success: 929, failed: 30, court: 13, pending: 0 });
    expect(f.successRate).toBeCloseTo(929 / 972, 12);
    // 929/972 = 95.576…%: shown floored, as the article prints it (a rate never overstates).
    expect(formatRate(f.successRate)).toBe('95.5%');
  });

  test('only valid disputes reported in the period count; no outcome yet is pending', () => {
    const f = mediationFigures(
      [
        dispute(),
        dispute({ outcome: null, status: 'dispatched' }),
        dispute({ status: 'invalid', outcome: null }),
        dispute({ category: 'hazard' }),
        dispute({ reportedAt: '2026-05-31T23:59:59+08:00' }),
        dispute({ reportedAt: '2026-12-01T00:00:00+08:00' }),
      ],
      period,
    );
    expect(f).toEqual({ cases: 2, success: 1, failed: 0, court: 0, pending: 1, successRate: 0.5 });
  });

  test('no disputes → rate null', () => {
    expect(mediationFigures([dispute({ category: 'other' })], period)).toEqual(emptyMediationFigures());
  });

  test('countMediation with sign −1 undoes +1', () => {
    const all = [
      dispute(),
      dispute({ outcome: 'failed' }),
      dispute({ outcome: 'court' }),
      dispute({ outcome: null }),
      dispute({ status: 'invalid' }),
    ];
    const f = emptyMediationFigures();
    for (const c of all) countMediation(f, c);
    expect(f.cases).toBe(4);
    for (const c of all) countMediation(f, c, -1);
    expect(finishMediationFigures(f)).toEqual(emptyMediationFigures());
  });

  test('roll-up adds counts and recomputes the rate', () => {
    const a = mediationFigures([...many(9, {}), dispute({ outcome: 'failed' })], period);
    const b = mediationFigures([dispute({ outcome: null }), dispute({ outcome: 'court' })], period);
    const s = sumMediationFigures([a, b]);
    expect(s).toEqual({ cases: 12, success: 9, failed: 1, court: 1, pending: 1, successRate: 9 / 12 });
  });
});
