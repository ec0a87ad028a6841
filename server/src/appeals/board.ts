import { descendantsOf, monthRange, villageBoard, type RegionTree, type VillageBoard } from '@zhihui/shared';
import { isoAt } from '../domain/time.js';
import type { Store } from '../store/types.js';

/** 'YYYY-MM' of an instant in Beijing time. */
export const monthOf = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 7);

/**
 * The red and black list of the villages under `code` for the month holding `at` (default
 * criteria), or null when no appeal was heard there that month: what the report and the meeting show.
 */
export async function monthBoard(
  store: Store,
  tree: RegionTree,
  code: string,
  at: number,
  now: number,
): Promise<VillageBoard | null> {
  const month = monthOf(at);
  const r = monthRange(month)!;
  const appeals = await store.listAppeals({
    regions: descendantsOf(tree, code).map((x) => x.code),
    from: isoAt(r.from),
    to: isoAt(r.to),
  });
  if (appeals.length === 0) return null;
  return villageBoard(code, month, appeals, Math.min(r.to, now));
}
