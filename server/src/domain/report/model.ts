import { monthBoard } from '../../appeals/board.js';
import type { VillageBoard } from '@zhihui/shared';
import {
  ancestorsOf,
  descendantsOf,
  isOverdue,
  type Clue,
  type PeriodKind,
  type Region,
  type RegionTree,
} from '@zhihui/shared';
import type { Store } from '../../store/types.js';
import { computeSummary } from '../summary.js';
import { channelOutages } from './outages.js';
import type { ChannelOutage } from '@zhihui/shared';
import type { ResolvedPeriod } from './period.js';
import { buildRanking, type Ranking, type RankingMetric, type SortDir } from '@zhihui/shared';

/** The ranking of a region's children over a period against the previous period: both from computeSummary. */
export async function rankingOf(
  store: Store,
  tree: RegionTree,
  code: string,
  p: ResolvedPeriod,
  sort: RankingMetric,
  dir: SortDir,
  now: number,
): Promise<Ranking> {
  const [current, previous] = await Promise.all([
    computeSummary(store, tree, code, p.period, now),
    computeSummary(store, tree, code, p.previous, now),
  ]);
  const { total, rows } = buildRanking(current, previous, sort, dir);
  return { ...p, region: current.region, sort, dir, generatedAt: new Date(now).toISOString(), total, rows };
}

/**
 * Clues of the period still open past their due time, judged at min(period end, now) — the same
 * rule as the `overdue` figure, so the list is exactly what that number counts. Most overdue first.
 */
export async function overdueClues(
  store: Store,
  tree: RegionTree,
  code: string,
  p: ResolvedPeriod,
  now: number,
): Promise<Clue[]> {
  const regions = descendantsOf(tree, code).map((r) => r.code);
  const at = Math.min(now, Date.parse(p.period.to));
  const out: Clue[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listClues({
      regions,
      from: p.period.from,
      to: p.period.to,
      openOnly: true,
      limit: 5000,
      cursor,
    });
    for (const c of page.items) if (isOverdue(c, at)) out.push(c);
    cursor = page.nextCursor ?? undefined;
  }
  out.sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!) || a.id.localeCompare(b.id));
  return out;
}

/** Everything the printed report shows. */
export interface ReportModel {
  ranking: Ranking;
  /** Ancestors, root first: the report names its unit with them (石家庄市栾城区). */
  path: Region[];
  childLevel: Region['level'] | null;
  overdue: Clue[];
  outages: { items: ChannelOutage[]; total: number };
  regionName: (code: string) => string;
  kind: PeriodKind;
  /** 说事儿's red and black list of villages for the month the period ends in, when appeals were heard there. */
  board: VillageBoard | null;
}

export async function reportModel(
  store: Store,
  tree: RegionTree,
  code: string,
  p: ResolvedPeriod,
  sort: RankingMetric,
  dir: SortDir,
  now: number,
): Promise<ReportModel> {
  const [ranking, overdue, outages, board] = await Promise.all([
    rankingOf(store, tree, code, p, sort, dir, now),
    overdueClues(store, tree, code, p, now),
    channelOutages(store, tree, code, p.period, now, 20),
    monthBoard(store, tree, code, Math.min(Date.parse(p.period.to), now) - 1, now),
  ]);
  const children = tree.childrenOf.get(code) ?? [];
  return {
    ranking,
    path: ancestorsOf(tree, code),
    childLevel: children[0]?.level ?? null,
    overdue,
    outages,
    regionName: (c) => tree.byCode.get(c)?.name ?? c,
    kind: p.kind,
    board,
  };
}
