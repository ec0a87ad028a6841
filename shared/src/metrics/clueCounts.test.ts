import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  CLUE_CATEGORIES,
  CLUE_SOURCES,
  CLUE_STATUSES,
  type ClueCategory,
  type ClueSource,
  type ClueStatus,
} from '../schemas/clue.js';
import type { Period } from '../schemas/common.js';
import {
  clueFigures,
  countClue,
  emptyClueFigures,
  finishClueFigures,
  inPeriod,
  isDone,
  isOverdue,
  sumClueFigures,
  type ClueCountable,
} from './clueCounts.js';

// Second half of November 2026, Shanghai.
const period: Period = { from: '2026-11-16T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' };
const ms = (iso: string) => Date.parse(iso);

const clue = (over: Partial<ClueCountable> = {}): ClueCountable => ({
  category: 'hazard',
  source: 'grid',
  status: 'reported',
  reportedAt: '2026-11-20T09:00:00+08:00',
  dueAt: null,
  ...over,
});

describe('isOverdue', () => {
  test('open and past due', () => {
    for (const status of ['reported', 'verified', 'dispatched'] as const) {
      expect(isOverdue({ status, dueAt: '2026-11-20T10:00:00+08:00' }, ms('2026-11-20T10:00:01+08:00'))).toBe(true);
    }
  });

  test('not overdue at the due instant itself, nor without a due time', () => {
    expect(isOverdue({ status: 'reported', dueAt: '2026-11-20T10:00:00+08:00' }, ms('2026-11-20T10:00:00+08:00'))).toBe(
      false,
    );
    expect(isOverdue({ status: 'reported', dueAt: null }, ms('2030-01-01T00:00:00Z'))).toBe(false);
  });

  test('resolved, closed and invalid clues are never overdue', () => {
    for (const status of ['resolved', 'closed', 'invalid'] as const) {
      expect(isOverdue({ status, dueAt: '2026-11-20T10:00:00+08:00' }, ms('2027-01-01T00:00:00+08:00'))).toBe(false);
    }
  });
});

describe('inPeriod / isDone', () => {
  test('[from, to): from inclusive, to exclusive, any offset', () => {
    expect(inPeriod('2026-11-16T00:00:00+08:00', period)).toBe(true);
    expect(inPeriod('2026-11-15T16:00:00Z', period)).toBe(true); // the same instant
    expect(inPeriod('2026-11-15T15:59:59.999Z', period)).toBe(false);
    expect(inPeriod('2026-12-01T00:00:00+08:00', period)).toBe(false);
    expect(inPeriod('2026-11-30T23:59:59+08:00', period)).toBe(true);
  });

  test('done means resolved or closed', () => {
    expect(CLUE_STATUSES.filter(isDone)).toEqual(['resolved', 'closed']);
  });
});

describe('clueFigures', () => {
  const now = ms('2026-11-25T12:00:00+08:00');

  test('byCategory and byStatus; invalid counted by status only, never in total', () => {
    const f = clueFigures(
      [
        clue({ category: 'epidemic', status: 'resolved' }),
        clue({ category: 'epidemic', status: 'closed' }),
        clue({ category: 'dispute', status: 'dispatched' }),
        clue({ category: 'environment', status: 'invalid' }),
        clue({ category: 'environment', status: 'invalid' }),
      ],
      period,
      now,
    );
    expect(f.total).toBe(3);
    expect(f.byCategory).toEqual({
      environment: 0,
      crowd: 0,
      epidemic: 2,
      dispute: 1,
      hazard: 0,
      public_opinion: 0,
      security: 0,
      other: 0,
    });
    expect(f.byStatus).toEqual({ reported: 0, verified: 0, dispatched: 1, resolved: 1, closed: 1, invalid: 2 });
    expect(f.resolvedRate).toBeCloseTo(2 / 3, 12);
  });

  test('only clues reported in the period count', () => {
    const f = clueFigures(
      [
        clue({ reportedAt: '2026-11-15T23:59:59+08:00' }),
        clue({ reportedAt: '2026-11-16T00:00:00+08:00' }),
        clue({ reportedAt: '2026-12-01T00:00:00+08:00' }),
      ],
      period,
      now,
    );
    expect(f.total).toBe(1);
  });

  test('the article: 15 valid clues, 9 on epidemic prevention, all 9 resolved', () => {
    const clues = [
      ...Array.from({ length: 9 }, () => clue({ category: 'epidemic', status: 'resolved' })),
      ...Array.from({ length: 6 }, () => clue({ category: 'public_opinion', status: 'dispatched' })),
      clue({ status: 'invalid' }),
    ];
    const f = clueFigures(clues, period, now);
    expect(f.total).toBe(15);
    expect(f.byCategory.epidemic).toBe(9);
    expect(f.byStatus.resolved).toBe(9);
    expect(f.resolvedRate).toBeCloseTo(9 / 15, 12);
  });

  test('overdue is judged at now while the period is running', () => {
    const clues = [
      clue({ dueAt: '2026-11-25T11:00:00+08:00' }), // past due at now
      clue({ dueAt: '2026-11-28T00:00:00+08:00' }), // due later in the period
    ];
    expect(clueFigures(clues, period, now).overdue).toBe(1);
  });

  test('overdue is judged at the period end for a period that is over', () => {
    const later = ms('2027-03-01T00:00:00+08:00');
    const clues = [
      clue({ dueAt: '2026-11-30T23:00:00+08:00' }), // overdue by the period's end
      clue({ dueAt: '2026-12-05T00:00:00+08:00' }), // only overdue after the period: not counted
      clue({ dueAt: '2026-11-30T23:00:00+08:00', status: 'resolved' }),
    ];
    expect(clueFigures(clues, period, later).overdue).toBe(1);
  });

  test('appeals (说事儿日): collected = valid appeal-day clues, resolved = those done', () => {
    const clues = [
      clue({ source: 'appeal_day', status: 'resolved' }),
      clue({ source: 'appeal_day', status: 'closed' }),
      clue({ source: 'appeal_day', status: 'verified' }),
      clue({ source: 'appeal_day', status: 'invalid' }),
      clue({ source: 'hotline', status: 'resolved' }),
    ];
    expect(clueFigures(clues, period, now).appeals).toEqual({ collected: 3, resolved: 2 });
  });

  test('no valid clues → resolved rate null', () => {
    expect(clueFigures([clue({ status: 'invalid' })], period, now).resolvedRate).toBeNull();
    expect(clueFigures([], period, now)).toEqual(emptyClueFigures());
  });
});

describe('sumClueFigures', () => {
  test('adds every count and recomputes the rate', () => {
    const now = ms('2026-11-25T12:00:00+08:00');
    const a = clueFigures(
      [clue({ status: 'resolved', source: 'appeal_day' }), clue({ dueAt: '2026-11-20T10:00:00+08:00' })],
      period,
      now,
    );
    const b = clueFigures([clue({ category: 'dispute' }), clue({ status: 'invalid' })], period, now);
    const s = sumClueFigures([a, b]);
    expect(s.total).toBe(3);
    expect(s.overdue).toBe(1);
    expect(s.byCategory.hazard).toBe(2);
    expect(s.byCategory.dispute).toBe(1);
    expect(s.byStatus.invalid).toBe(1);
    expect(s.byStatus.reported).toBe(2);
    expect(s.appeals).toEqual({ collected: 1, resolved: 1 });
    expect(s.resolvedRate).toBeCloseTo(1 / 3, 12);
  });
});

describe('countClue', () => {
  const arbClue: fc.Arbitrary<ClueCountable> = fc.record({
    category: fc.constantFrom<ClueCategory>(...CLUE_CATEGORIES),
    source: fc.constantFrom<ClueSource>(...CLUE_SOURCES),
    status: fc.constantFrom<ClueStatus>(...CLUE_STATUSES),
    reportedAt: fc.constant('2026-11-20T09:00:00+08:00'),
    dueAt: fc.option(
      fc
        .integer({ min: ms('2026-11-01T00:00:00Z'), max: ms('2026-12-31T00:00:00Z') })
        .map((t) => new Date(t).toISOString()),
      { nil: null },
    ),
  });
  const at = ms('2026-11-25T12:00:00+08:00');

  test('sign −1 undoes +1: adding then removing random clues (any order) returns to empty', () => {
    fc.assert(
      fc.property(fc.array(arbClue, { maxLength: 40 }), fc.func(fc.integer()), (clues, order) => {
        const f = emptyClueFigures();
        for (const c of clues) countClue(f, c, at);
        const shuffled = clues
          .map((c, i) => [order(i), c] as const)
          .sort((x, y) => x[0] - y[0])
          .map(([, c]) => c);
        for (const c of shuffled) countClue(f, c, at, -1);
        expect(finishClueFigures(f)).toEqual(emptyClueFigures());
      }),
    );
  });

  test('incremental counting equals clueFigures over the same clues', () => {
    fc.assert(
      fc.property(fc.array(arbClue, { maxLength: 40 }), (clues) => {
        const f = emptyClueFigures();
        for (const c of clues) countClue(f, c, at);
        expect(finishClueFigures(f)).toEqual(clueFigures(clues, period, at));
        // total is the valid clues; byStatus covers every clue
        expect(f.total).toBe(clues.filter((c) => c.status !== 'invalid').length);
        expect(Object.values(f.byStatus).reduce((a, b) => a + b, 0)).toBe(clues.length);
      }),
    );
  });

  test('moving a clue to a new status = remove the old, add the new', () => {
    const f = emptyClueFigures();
    const before = clue({ status: 'dispatched', source: 'appeal_day', dueAt: '2026-11-20T10:00:00+08:00' });
    countClue(f, before, at);
    expect(f.overdue).toBe(1);
    countClue(f, before, at, -1);
    countClue(f, { ...before, status: 'resolved' }, at);
    expect(f.overdue).toBe(0);
    expect(f.byStatus).toMatchObject({ dispatched: 0, resolved: 1 });
    expect(f.appeals).toEqual({ collected: 1, resolved: 1 });
  });
});
