import { formatRate, toShanghaiIso } from '@zhihui/shared';
import { getLocale } from '../../lib/i18n';
import { METRIC_BETTER, RATE_METRICS, pointsOf } from '@zhihui/shared';
import type { Metric } from './meetingParams';
import { mt } from './meetingText';

export const fmtRate = (r: number | null) => formatRate(r);
export const fmtValue = (m: Metric, v: number | null) =>
  RATE_METRICS.has(m) ? formatRate(v) : v === null ? '—' : String(v);

/** A change as arrow + magnitude, and whether it is good news. */
export function fmtDelta(
  m: Metric,
  d: number | null,
): { text: string; tone: 'good' | 'bad' | 'flat' | 'neutral'; arrow: string } {
  if (d === null) return { text: '—', tone: 'flat', arrow: '' };
  const mag = RATE_METRICS.has(m) ? Math.abs(pointsOf(d)) : Math.abs(d);
  if (mag === 0) return { text: mt('same'), tone: 'flat', arrow: '' };
  const text = RATE_METRICS.has(m) ? `${mag.toFixed(1)}` : String(mag);
  const better = METRIC_BETTER[m];
  const tone = better === 'neutral' ? 'neutral' : d > 0 === (better === 'up') ? 'good' : 'bad';
  return { text, tone, arrow: d > 0 ? '▲' : '▼' };
}

/** "2026-11-16 14:05" in Shanghai. */
export const fmtTime = (iso: string | null) => (iso ? toShanghaiIso(iso).slice(0, 16).replace('T', ' ') : '—');

/** Inclusive day range of [from, to), e.g. 2026-11-16 至 2026-11-22. */
export function fmtPeriod(p: { from: string; to: string }): string {
  const first = toShanghaiIso(p.from).slice(0, 10);
  const last = toShanghaiIso(Date.parse(p.to) - 1).slice(0, 10);
  return first === last ? first : `${first} ${mt('to')} ${last}`;
}

export function fmtDuration(ms: number): string {
  const en = getLocale() === 'en';
  const h = ms / 3_600_000;
  if (h >= 48)
    return en ? `${Math.floor(h / 24)} d ${Math.round(h % 24)} h` : `${Math.floor(h / 24)}天${Math.round(h % 24)}小时`;
  if (h >= 1)
    return en
      ? `${Math.floor(h)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
      : `${Math.floor(h)}小时${Math.round((ms % 3_600_000) / 60_000)}分`;
  return en ? `${Math.max(1, Math.round(ms / 60_000))} min` : `${Math.max(1, Math.round(ms / 60_000))}分钟`;
}
