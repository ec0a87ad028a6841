import { OPEN_CLUE_STATUSES, isWithin, type Clue, type ClueCategory, type RegionTree } from '@zhihui/shared';

/** The desk's queues: new, mine, my township's, due soon, overdue. */
export const QUEUES = ['new', 'mine', 'township', 'dueSoon', 'overdue', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

/** Due within this of now counts as "due soon". */
export const DUE_SOON_MS = 24 * 3_600_000;

export interface QueueContext {
  me: string;
  /** The person's own region (their township's subtree for an operator); null: the whole tree. */
  myRegion: string | null;
  tree: RegionTree;
  now: number;
}

const isOpen = (c: Clue) => OPEN_CLUE_STATUSES.includes(c.status);
const due = (c: Clue) => (c.dueAt ? Date.parse(c.dueAt) : Number.POSITIVE_INFINITY);

/** Whether a clue is in a queue. "Mine": created by me or assigned to me, not yet closed. */
export function inQueue(q: Queue, c: Clue, ctx: QueueContext): boolean {
  switch (q) {
    case 'new':
      return c.status === 'reported';
    case 'mine':
      return (c.createdBy === ctx.me || c.assignee === ctx.me) && c.status !== 'closed' && c.status !== 'invalid';
    case 'township':
      return (
        (ctx.myRegion === null || isWithin(ctx.tree, c.region, ctx.myRegion)) &&
        c.status !== 'closed' &&
        c.status !== 'invalid'
      );
    case 'dueSoon':
      return isOpen(c) && due(c) >= ctx.now && due(c) - ctx.now <= DUE_SOON_MS;
    case 'overdue':
      return isOpen(c) && due(c) < ctx.now;
    case 'all':
      return true;
  }
}

export interface DeskFilter {
  category: ClueCategory | null;
  /** A region under the desk (village or township): its subtree. */
  place: string | null;
}

/** The clues of a queue under the filter, most urgent first: overdue and urgent ones, then by due time, then newest. */
export function queueItems(clues: Iterable<Clue>, q: Queue, f: DeskFilter, ctx: QueueContext): Clue[] {
  const out: Clue[] = [];
  for (const c of clues) {
    if (!inQueue(q, c, ctx)) continue;
    if (f.category && c.category !== f.category) continue;
    if (f.place && !isWithin(ctx.tree, c.region, f.place)) continue;
    out.push(c);
  }
  return out.sort(
    (a, b) =>
      Number(b.urgent) - Number(a.urgent) ||
      due(a) - due(b) ||
      b.reportedAt.localeCompare(a.reportedAt) ||
      a.id.localeCompare(b.id),
  );
}

/** How many clues each queue holds (for the tab counts). */
export function queueCounts(clues: Iterable<Clue>, f: DeskFilter, ctx: QueueContext): Record<Queue, number> {
  const counts = Object.fromEntries(QUEUES.map((q) => [q, 0])) as Record<Queue, number>;
  const list = [...clues];
  for (const q of QUEUES) counts[q] = queueItems(list, q, f, ctx).length;
  return counts;
}

/** The lifecycle steps the desk offers from a status (the server still decides: 409 on a bad one). */
export const STEPS = ['verify', 'dispatch', 'feedback', 'close', 'invalid'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_TARGET: Record<Step, Clue['status']> = {
  verify: 'verified',
  dispatch: 'dispatched',
  feedback: 'resolved',
  close: 'closed',
  invalid: 'invalid',
};
