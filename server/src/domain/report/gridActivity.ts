import { descendantsOf, isWithin, type GridActivity, type Period, type RegionTree } from '@zhihui/shared';
import type { Store } from '../../store/types.js';

/**
 * Grid workers of a region's subtree with their report counts in the period (most reports first,
 * then by name), and the latest `limit` reports.
 */
export async function gridActivity(
  store: Store,
  tree: RegionTree,
  code: string,
  period: Period,
  limit: number,
): Promise<GridActivity> {
  const codes = descendantsOf(tree, code).map((r) => r.code);
  const [all, reports] = await Promise.all([
    store.allGridWorkers(),
    store.gridReports({ from: period.from, to: period.to, regions: codes }),
  ]);
  const count = new Map<string, number>();
  for (const r of reports) count.set(r.workerId, (count.get(r.workerId) ?? 0) + 1);
  const workers = all
    .filter((w) => isWithin(tree, w.region, code))
    .map((w) => ({ ...w, reports: count.get(w.id) ?? 0 }))
    .sort((a, b) => b.reports - a.reports || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
  const latest = [...reports]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.id.localeCompare(b.id))
    .slice(0, limit);
  return { period, workers, reports: latest, totalReports: reports.length };
}
