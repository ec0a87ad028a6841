import {
  CLUE_CATEGORIES,
  isOverdue,
  OPEN_CLUE_STATUSES,
  type Clue,
  type ClueCategory,
  type ClueFigures,
  type ClueStatus,
} from '@zhihui/shared';

/** The lifecycle as the wall draws it, left to right (invalid is shown apart). */
export const STAGES: readonly ClueStatus[] = ['reported', 'verified', 'dispatched', 'resolved', 'closed'];

/** Categories with their counts, largest first; categories with none come last in fixed order. */
export function categoryRows(f: ClueFigures): { category: ClueCategory; n: number; share: number }[] {
  const max = Math.max(1, ...CLUE_CATEGORIES.map((c) => f.byCategory[c] ?? 0));
  return CLUE_CATEGORIES.map((category, order) => ({
    category,
    n: f.byCategory[category] ?? 0,
    share: (f.byCategory[category] ?? 0) / max,
    order,
  }))
    .sort((a, b) => b.n - a.n || a.order - b.order)
    .map(({ category, n, share }) => ({ category, n, share }));
}

/** Open clues in scope and how many of them are past due, judged at `now`. */
export function openCounts(clues: readonly Clue[], now: number): { open: number; overdue: number } {
  let open = 0;
  let overdue = 0;
  for (const c of clues) {
    if (!OPEN_CLUE_STATUSES.includes(c.status)) continue;
    open++;
    if (isOverdue(c, now)) overdue++;
  }
  return { open, overdue };
}

export interface ClueRow {
  id: string;
  title: string;
  category: ClueCategory;
  status: ClueStatus;
  regionCode: string;
  reportedAt: number;
  overdue: boolean;
  urgent: boolean;
}

/** The newest clues for the scrolling list (the snapshot keeps them newest first). */
export function latestClues(clues: readonly Clue[], now: number, max = 20): ClueRow[] {
  return clues.slice(0, max).map((c) => ({
    id: c.id,
    title: c.title,
    category: c.category,
    status: c.status,
    regionCode: c.region,
    reportedAt: Date.parse(c.reportedAt),
    overdue: isOverdue(c, now),
    urgent: c.urgent,
  }));
}

/** Name of the region a clue belongs to, as the child (township) the wall knows, else its code. */
export function regionNameOf(code: string, names: ReadonlyMap<string, string>): string {
  for (let len = code.length; len >= 6; len -= 3) {
    const n = names.get(code.slice(0, len));
    if (n) return n;
  }
  return code;
}
