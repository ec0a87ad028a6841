import { TIME_ZONE } from '@zhihui/shared';
import { getLocale, t } from './i18n';

// Every clock on the wall is China Standard Time, whatever the display PC's zone.
const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = getLocale() + JSON.stringify(opts);
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: TIME_ZONE,
      hour12: false,
      ...opts,
    });
    fmtCache.set(key, f);
  }
  return f;
}

const parts = (ms: number, opts: Intl.DateTimeFormatOptions): Record<string, string> =>
  Object.fromEntries(
    fmt(opts)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );

/** "14:05:09" */
export function clockTime(ms: number): string {
  const p = parts(ms, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second}`;
}

/** "14:05" */
export function shortTime(ms: number): string {
  return clockTime(ms).slice(0, 5);
}

/** "2026年11月27日 星期五" / "Fri 27 Nov 2026" */
export function longDate(ms: number): string {
  if (getLocale() === 'en')
    return fmt({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(ms);
  const p = parts(ms, { year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long' });
  return `${p.year}年${p.month}月${p.day}日 ${p.weekday}`;
}

/** Hour of day (0–23) in Asia/Shanghai. */
export function shanghaiHour(ms: number): number {
  return Number(parts(ms, { hour: '2-digit' }).hour) % 24;
}

/** A past day, short: 昨天 / yesterday, else 11-26. */
export function dayLabel(ms: number, todayFrom: number): string {
  if (ms >= todayFrom - 86_400_000) return getLocale() === 'en' ? 'Yesterday' : '昨天';
  const p = parts(ms, { month: '2-digit', day: '2-digit' });
  return `${p.month}-${p.day}`;
}

/** "12 秒前", "3 分钟前" … */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t('age.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('age.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('age.hours', { n: h });
  return t('age.days', { n: Math.floor(h / 24) });
}

/** A duration as the down-longest list shows it: "3天4小时", "2小时5分", "12分". */
export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  const en = getLocale() === 'en';
  if (d > 0) return en ? `${d}d ${h}h` : `${d}天${h}小时`;
  if (h > 0) return en ? `${h}h ${mm}m` : `${h}小时${mm}分`;
  return en ? `${mm} min` : `${mm}分钟`;
}
