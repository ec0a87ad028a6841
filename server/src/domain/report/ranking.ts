import { RANKING_METRICS, RATE_METRICS, defaultDir, pointsOf, type RankingMetric, type SortDir } from '@zhihui/shared';
import { fieldError } from '../errors.js';

/** "+0.4 个百分点" / "−2" — the way a change is written in the report and the CSV. */
export function formatDelta(metric: RankingMetric, d: number | null, unitPoints = ' 个百分点'): string {
  if (d === null) return '—';
  if (RATE_METRICS.has(metric)) {
    const pts = pointsOf(d);
    if (pts === 0) return '持平';
    return `${pts > 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)}${unitPoints}`;
  }
  if (d === 0) return '持平';
  return `${d > 0 ? '+' : '−'}${Math.abs(d)}`;
}

/** `?sort=&dir=` of a ranking: a known metric (default rate) and a direction (default: best first). */
export function rankingSort(q: { sort?: string; dir?: string }): { sort: RankingMetric; dir: SortDir } {
  const sort = (q.sort || 'rate') as RankingMetric;
  if (!RANKING_METRICS.includes(sort))
    throw fieldError('sort', `'${q.sort}' is not one of ${RANKING_METRICS.join(', ')}`);
  if (q.dir !== undefined && q.dir !== '' && q.dir !== 'asc' && q.dir !== 'desc')
    throw fieldError('dir', `'${q.dir}' is not asc or desc`);
  return { sort, dir: (q.dir || defaultDir(sort)) as SortDir };
}
