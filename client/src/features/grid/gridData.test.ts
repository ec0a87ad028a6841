import { describe, expect, test } from 'vitest';
import { mediationBreakdown } from './gridData';

describe('grid panel data', () => {
  test('mediation parts keep their order and share out the cases', () => {
    const rows = mediationBreakdown({ cases: 10, success: 6, failed: 1, court: 1, pending: 2, successRate: 0.6 });
    expect(rows.map((r) => r.part)).toEqual(['success', 'failed', 'court', 'pending']);
    expect(rows.map((r) => r.n)).toEqual([6, 1, 1, 2]);
    expect(rows.map((r) => r.share)).toEqual([0.6, 0.1, 0.1, 0.2]);
  });

  test('no cases: every share is 0, not NaN', () => {
    const rows = mediationBreakdown({ cases: 0, success: 0, failed: 0, court: 0, pending: 0, successRate: null });
    expect(rows.every((r) => r.share === 0)).toBe(true);
  });
});
