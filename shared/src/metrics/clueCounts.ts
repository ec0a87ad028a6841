import { msAt } from '../time/iso.js';
import { CLUE_CATEGORIES, CLUE_STATUSES, DONE_CLUE_STATUSES, OPEN_CLUE_STATUSES } from '../schemas/clue.js';
import type { Clue, ClueCategory, ClueStatus } from '../schemas/clue.js';
import type { Period } from '../schemas/common.js';
import type { ClueFigures } from '../schemas/summary.js';
import { rate } from './rate.js';

/** The fields of a clue that figures depend on. */
export type ClueCountable = Pick<Clue, 'category' | 'source' | 'status' | 'reportedAt' | 'dueAt'>;

/** Open past its due time at `at` (epoch ms). */
export function isOverdue(c: Pick<Clue, 'status' | 'dueAt'>, at: number): boolean {
  return c.dueAt !== null && OPEN_CLUE_STATUSES.includes(c.status) && msAt(c.dueAt) < at;
}

export function isDone(status: ClueStatus): boolean {
  return DONE_CLUE_STATUSES.includes(status);
}

export function inPeriod(t: string, p: Period): boolean {
  const x = msAt(t);
  return msAt(p.from) <= x && x < msAt(p.to);
}

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function emptyClueFigures(): ClueFigures {
  return {
    total: 0,
    byCategory: zeroes(CLUE_CATEGORIES),
    byStatus: zeroes(CLUE_STATUSES),
    overdue: 0,
    resolvedRate: null,
    appeals: { collected: 0, resolved: 0 },
  };
}

/**
 * Counts one clue into `f` (mutates). `sign` −1 takes it out again, for incremental roll-ups.
 * `statusThen` is its status at `overdueAt` where its lifecycle moved since (default: as now).
 */
export function countClue(
  f: ClueFigures,
  c: ClueCountable,
  overdueAt: number,
  sign: 1 | -1 = 1,
  statusThen: ClueStatus = c.status,
): void {
  f.byStatus[c.status] += sign;
  if (c.status === 'invalid') return;
  f.total += sign;
  f.byCategory[c.category as ClueCategory] += sign;
  if (isOverdue({ status: statusThen, dueAt: c.dueAt }, overdueAt)) f.overdue += sign;
  if (c.source === 'appeal_day') {
    f.appeals.collected += sign;
    if (isDone(c.status)) f.appeals.resolved += sign;
  }
}

/** Fills in the resolved rate from the counts (mutates and returns `f`). */
export function finishClueFigures(f: ClueFigures): ClueFigures {
  f.resolvedRate = rate(f.byStatus.resolved + f.byStatus.closed, f.total);
  return f;
}

/**
 * Figures of the clues reported in `period`. Overdue is "still open past its due time" at the
 * period's end or at `now`, whichever comes first: for a past period, with the status the clue
 * had then (`statusAtEnd`, from its lifecycle history), not the one it has now (#18.5).
 */
export function clueFigures<C extends ClueCountable>(
  clues: Iterable<C>,
  period: Period,
  now: number,
  statusAtEnd?: (c: C) => ClueStatus | undefined,
): ClueFigures {
  const f = emptyClueFigures();
  const at = Math.min(now, msAt(period.to));
  for (const c of clues) if (inPeriod(c.reportedAt, period)) countClue(f, c, at, 1, statusAtEnd?.(c) ?? c.status);
  return finishClueFigures(f);
}

/** Sum of clue figures (roll-up along the region tree). */
export function sumClueFigures(parts: readonly ClueFigures[]): ClueFigures {
  const f = emptyClueFigures();
  for (const p of parts) {
    f.total += p.total;
    f.overdue += p.overdue;
    for (const k of CLUE_CATEGORIES) f.byCategory[k] += p.byCategory[k] ?? 0;
    for (const k of CLUE_STATUSES) f.byStatus[k] += p.byStatus[k] ?? 0;
    f.appeals.collected += p.appeals.collected;
    f.appeals.resolved += p.appeals.resolved;
  }
  return finishClueFigures(f);
}
