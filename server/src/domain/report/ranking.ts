import { RATE_METRICS, pointsOf, type RankingMetric } from '@zhihui/shared';

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
