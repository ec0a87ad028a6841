import {
  GRID_REPORT_DEFAULT_DAYS,
  GRID_REPORT_LOOKBACK_DAYS,
  type ClueCategory,
  type GridReport,
  type GridReportItem,
  type GridReportListQuery,
  type GridReportPage,
  type RegionTree,
} from '@zhihui/shared';
import { decodeCursor, encodeCursor, tupleOf } from '../store/cursor.js';
import type { Store } from '../store/types.js';
import { fieldError } from './errors.js';
import { isoAt, parseQueryTime } from './time.js';

const DAY_MS = 86_400_000;

/**
 * Words of a grid report that suggest a clue's category, tried in this order (a boundary dispute
 * about a damaged wall is a dispute first). Only a suggestion: the desk shows it in the form, and
 * the operator changes it before the clue is made.
 */
const CATEGORY_WORDS: readonly [ClueCategory, RegExp][] = [
  ['dispute', /纠纷|矛盾|争执|争吵|边界|宅基地|欠薪|讨薪/],
  ['crowd', /聚集|聚众|围堵|上访/],
  ['epidemic', /疫情|发热|防疫|核酸|传染/],
  ['security', /盗窃|被盗|偷|斗殴|打架|诈骗|治安|可疑人员/],
  ['environment', /污染|排污|垃圾|焚烧|秸秆|扬尘|异味|黑烟|环境/],
  ['hazard', /隐患|塌陷|损坏|破损|积水|火灾|燃气|电线|井盖|路灯|危房|漏水|倒伏/],
  ['public_opinion', /反映|建议|意见|诉求|民意/],
];
/** A routine patrol that found nothing: no category to suggest. */
const ROUTINE = /无异常|未发现异常|秩序正常|情况稳定/;
// A verb the patrol texts open with is not part of the village's name ("走访东冯沟村…").
const VILLAGE = /(?:协助|走访|日常巡查|巡查|排查|前往)?([\u4e00-\u9fa5]{1,5}?村)(?![民委])/;

/** The category a report's words suggest, or null for a routine patrol or words that suggest none. */
export function categoryOfText(text: string): ClueCategory | null {
  if (ROUTINE.test(text)) return null;
  return CATEGORY_WORDS.find(([, re]) => re.test(text))?.[0] ?? null;
}

/** The village a report names (the first "…村"), or null. */
export function villageOfText(text: string): string | null {
  return VILLAGE.exec(text)?.[1] ?? null;
}

type Cursor = [at: number, id: string];
/** The last instant an ISO time of four-digit years holds (9999-12-31T23:59:59.999Z). */
const LAST_MS = 253_402_300_799_999;
/** A position this server could have issued: a report's time in ms (from 1970 on) and its id. */
const isCursor = (v: unknown): v is Cursor =>
  tupleOf('number', 'string')(v) && Number.isInteger(v[0]) && v[0] >= 0 && v[0] <= LAST_MS;

/** [since, now]: the query's `since` (400 naming it when not a time, in the future or too far back). */
export function sinceOf(raw: string | undefined, now: number): number {
  if (raw === undefined || raw === '') return now - GRID_REPORT_DEFAULT_DAYS * DAY_MS;
  const t = parseQueryTime(raw);
  if (t === null) throw fieldError('since', `'${raw}' is not a date (use ISO 8601, e.g. 2026-11-01)`);
  if (t > now) throw fieldError('since', 'is in the future');
  if (t < now - GRID_REPORT_LOOKBACK_DAYS * DAY_MS)
    throw fieldError('since', `reaches back more than ${GRID_REPORT_LOOKBACK_DAYS} days`);
  return t;
}

/**
 * One page of recent grid reports of `regions` (every region when undefined), newest first, each
 * with what a clue made from it starts with. The store reads newest first along its time index
 * and stops once it has the page (and one more row, which tells whether another page follows),
 * instead of the whole window being read and sorted here for every page.
 */
export async function gridReportPage(
  store: Store,
  tree: RegionTree,
  regions: readonly string[] | undefined,
  q: GridReportListQuery,
  now: number,
): Promise<GridReportPage> {
  const since = sinceOf(q.since, now);
  const after = decodeCursor(q.cursor, isCursor);
  const limit = q.limit ?? 20;
  const rows = await store.gridReportsPage({
    from: isoAt(since),
    to: isoAt(now + 1),
    regions,
    withoutClue: q.withoutClue === true,
    after: after && { at: isoAt(after[0]), id: after[1] },
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const workers = new Map((await store.allGridWorkers()).map((w) => [w.id, w.name]));
  const items = await Promise.all(page.map((r) => itemOf(store, tree, workers, r)));
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([Date.parse(last.at), last.id]) : null };
}

async function itemOf(
  store: Store,
  tree: RegionTree,
  workers: ReadonlyMap<string, string>,
  r: GridReport,
): Promise<GridReportItem> {
  const clue = r.clueId === null ? null : ((await store.getClue(r.clueId))?.clue ?? null);
  const region = tree.byCode.get(r.region);
  const guess = clue ? clue.category : categoryOfText(r.text);
  const point: [number, number] | null =
    clue && clue.lon !== null && clue.lat !== null ? [clue.lon, clue.lat] : (region?.center ?? null);
  return {
    id: r.id,
    workerId: r.workerId,
    workerName: workers.get(r.workerId) ?? null,
    region: r.region,
    regionName: region?.name ?? r.region,
    at: r.at,
    text: r.text,
    clueId: r.clueId,
    village: villageOfText(r.text),
    category: guess,
    categoryFrom: guess === null ? null : clue ? 'clue' : 'text',
    lon: point?.[0] ?? null,
    lat: point?.[1] ?? null,
    locationFrom: point === null ? null : clue && clue.lon !== null ? 'clue' : 'region',
  };
}
