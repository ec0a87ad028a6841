import {
  DOMAIN_LABELS,
  descendantsOf,
  isOverdue,
  toShanghaiIso,
  type Clue,
  type ClueStatus,
  type Period,
  type RegionTree,
} from '@zhihui/shared';
import type { Store } from '../../store/types.js';
import { toCsv, type CsvCell } from './csv.js';

/** The most clues one export lists: a county's years of clues, well within a spreadsheet's rows. */
export const MAX_EXPORTED_CLUES = 100_000;

/** Clues of a region's subtree, newest first, all pages of them (up to MAX_EXPORTED_CLUES). */
export async function clueList(
  store: Store,
  tree: RegionTree,
  code: string,
  filter: { status?: ClueStatus[]; period: Period | null },
): Promise<Clue[]> {
  const regions = descendantsOf(tree, code).map((r) => r.code);
  const clues: Clue[] = [];
  for (
    let cursor: string | undefined, first = true;
    (first || cursor) && clues.length < MAX_EXPORTED_CLUES;
    first = false
  ) {
    const page = await store.listClues({
      regions,
      status: filter.status,
      from: filter.period?.from,
      to: filter.period?.to,
      limit: 5000,
      cursor,
    });
    clues.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  }
  return clues;
}

const zh = DOMAIN_LABELS;
const HEADER = [
  '编号',
  '标题',
  '类别',
  '来源',
  '区划代码',
  '区域',
  '状态',
  '是否超期',
  '上报时间',
  '办理期限',
  '办结时间',
  '承办单位',
  '调解结果',
  '紧急',
];
/** Shanghai wall-clock time as a spreadsheet reads it: 2026-11-03 08:15:00. */
const shTime = (iso: string | null) => (iso ? toShanghaiIso(iso).slice(0, 19).replace('T', ' ') : '');

/** The clue list as a spreadsheet, in Chinese, overdue judged at `now`. */
export function cluesCsv(clues: readonly Clue[], tree: RegionTree, now: number): string {
  const name = (c: string) => tree.byCode.get(c)?.name ?? c;
  const rows = clues.map((c): CsvCell[] => [
    c.id,
    c.title,
    zh.category['zh-CN'][c.category],
    zh.source['zh-CN'][c.source],
    c.region,
    name(c.region),
    zh.status['zh-CN'][c.status],
    isOverdue(c, now) ? '是' : '否',
    shTime(c.reportedAt),
    shTime(c.dueAt),
    shTime(c.resolvedAt),
    c.assignee ?? '',
    c.outcome ? zh.outcome['zh-CN'][c.outcome] : '',
    c.urgent ? '是' : '否',
  ]);
  return toCsv(HEADER, rows);
}
