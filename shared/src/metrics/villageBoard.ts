import { msAt } from '../time/iso.js';
import type { Appeal, VillageBoard, VillageScore } from '../schemas/appeal.js';

/** What the monthly board weighs, and how long its lists are. */
export interface BoardCriteria {
  /** Weight of the resolution rate (0–1). */
  rate: number;
  /** Weight of overdue appeals (per appeal of the village). */
  overdue: number;
  /** Weight of repeat appeals (per appeal of the village). */
  repeats: number;
  /** Villages on each list. */
  size: number;
  /** Villages with fewer appeals in the month are not ranked. */
  minAppeals: number;
}

/** The defaults: resolution rate counts most, then overdue and repeat appeals. */
export const DEFAULT_BOARD_CRITERIA: BoardCriteria = { rate: 1, overdue: 1, repeats: 0.5, size: 3, minAppeals: 3 };

type BoardAppeal = Pick<
  Appeal,
  'id' | 'village' | 'appellant' | 'category' | 'heardAt' | 'dueAt' | 'outcome' | 'doneAt'
>;

/**
 * 评事: the villages of a month's appeals (heard in [from, to)), each with its appeals, outcomes,
 * overdue and repeat counts and a score = rate·w_rate − overdue/appeals·w_overdue −
 * repeats/appeals·w_repeats; the best `size` villages form the red list, the worst the black list
 * (a village is on one list at most). `monthEnd` judges what is overdue.
 */
export function villageBoard(
  region: string,
  month: string,
  appeals: readonly BoardAppeal[],
  monthEnd: number,
  c: BoardCriteria = DEFAULT_BOARD_CRITERIA,
): VillageBoard {
  const byVillage = new Map<string, BoardAppeal[]>();
  for (const a of appeals) {
    const list = byVillage.get(a.village);
    if (list) list.push(a);
    else byVillage.set(a.village, [a]);
  }
  const villages: VillageScore[] = [];
  for (const [village, list] of byVillage) {
    const sorted = [...list].sort((x, y) => x.heardAt.localeCompare(y.heardAt) || x.id.localeCompare(y.id));
    const seen = new Set<string>();
    let repeats = 0;
    let done = 0;
    let overdue = 0;
    for (const a of sorted) {
      const key = `${a.appellant}\u0000${a.category}`;
      if (seen.has(key)) repeats++;
      seen.add(key);
      if (a.outcome !== null) done++;
      if (a.dueAt !== null) {
        const due = msAt(a.dueAt);
        const finished = a.outcome !== null && a.doneAt !== null ? msAt(a.doneAt) : null;
        if (finished === null ? due < monthEnd : finished > due) overdue++;
      }
    }
    const n = sorted.length;
    const resolutionRate = n === 0 ? 0 : done / n;
    const score = c.rate * resolutionRate - (c.overdue * overdue) / n - (c.repeats * repeats) / n;
    villages.push({
      village,
      appeals: n,
      done,
      resolutionRate,
      overdue,
      repeats,
      score: Math.round(score * 10_000) / 10_000,
    });
  }
  villages.sort((a, b) => b.score - a.score || b.appeals - a.appeals || a.village.localeCompare(b.village, 'zh-CN'));
  const ranked = villages.filter((v) => v.appeals >= c.minAppeals);
  const size = Math.min(c.size, Math.floor(ranked.length / 2));
  const red = ranked.slice(0, size).map((v) => v.village);
  const black = ranked
    .slice(ranked.length - size)
    .reverse()
    .map((v) => v.village);
  return { region, month, criteria: { ...c }, villages, red, black };
}

/** True when an instant falls on a 说事儿日 (the 6th or 16th, Beijing time). */
export function isAppealDay(iso: string): boolean {
  const d = new Date(msAt(iso) + 8 * 3_600_000).getUTCDate();
  return d === 6 || d === 16;
}

/** [from, to) of a month 'YYYY-MM' in Beijing time, as epoch ms; null for a malformed month. */
export function monthRange(month: string): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  const from = Date.UTC(y, mo - 1, 1) - 8 * 3_600_000;
  const to = Date.UTC(mo === 12 ? y + 1 : y, mo === 12 ? 0 : mo, 1) - 8 * 3_600_000;
  return { from, to };
}
