import { describe, expect, test } from 'vitest';
import { emptyClueFigures } from '@zhihui/shared';
import { clue } from '../../test-support/fakeSnapshot';
import { categoryRows, latestClues, openCounts, regionNameOf } from './clueData';

describe('clue panel data', () => {
  test('categories largest first, with shares of the largest', () => {
    const f = emptyClueFigures();
    f.byCategory.epidemic = 9;
    f.byCategory.dispute = 3;
    const rows = categoryRows(f);
    expect(rows[0]).toEqual({ category: 'epidemic', n: 9, share: 1 });
    expect(rows[1]).toEqual({ category: 'dispute', n: 3, share: 1 / 3 });
    expect(rows).toHaveLength(8);
  });

  test('open and overdue counts are judged at the given time', () => {
    const now = Date.parse('2026-11-27T12:00:00+08:00');
    const list = [
      clue('a', { dueAt: '2026-11-27T11:00:00+08:00' }),
      clue('b', { dueAt: '2026-11-27T13:00:00+08:00' }),
      clue('c', { status: 'resolved', dueAt: '2026-11-27T11:00:00+08:00' }),
    ];
    expect(openCounts(list, now)).toEqual({ open: 2, overdue: 1 });
    expect(latestClues(list, now).map((r) => r.overdue)).toEqual([true, false, false]);
  });

  test('a clue in a village is named after the township the wall knows', () => {
    const names = new Map([['130111101', '冶河镇']]);
    expect(regionNameOf('130111101203', names)).toBe('冶河镇');
    expect(regionNameOf('130111999', names)).toBe('130111999');
  });
});
