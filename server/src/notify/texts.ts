import {
  DOMAIN_LABELS,
  countedChannels,
  pointsOf,
  toShanghaiIso,
  type CameraFigures,
  type Clue,
  type DownChannel,
} from '@zhihui/shared';

const ZH = {
  category: DOMAIN_LABELS.category['zh-CN'],
  source: DOMAIN_LABELS.source['zh-CN'],
  status: DOMAIN_LABELS.status['zh-CN'],
  reason: DOMAIN_LABELS.reason['zh-CN'],
  state: DOMAIN_LABELS.state['zh-CN'],
};

/** A change of rate in percentage points, floored towards zero: "+0.3" / "-1.2". */
export function pointsChange(now: number | null, before: number | null): string {
  if (now === null || before === null) return '—';
  const d = pointsOf(now - before);
  return `${d > 0 ? '+' : d < 0 ? '' : '±'}${d.toFixed(1)}`;
}

/** "3天4小时", "2小时5分", "12分钟", "不到1分钟". */
export function durationZh(ms: number): string {
  const m = Math.floor(Math.max(0, ms) / 60_000);
  if (m < 1) return '不到1分钟';
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return h > 0 ? `${d}天${h}小时` : `${d}天`;
  if (h > 0) return min > 0 ? `${h}小时${min}分` : `${h}小时`;
  return `${min}分钟`;
}

/** "11-27 09:30" in Asia/Shanghai. */
export function shortTime(iso: string | number): string {
  const s = toShanghaiIso(iso);
  return `${s.slice(5, 10)} ${s.slice(11, 16)}`;
}

/** One channel of a "down longest" list: name · reason · for how long. */
export function downLine(d: DownChannel, now: number): string {
  const reason = d.reason ? (ZH.reason[d.reason as keyof typeof ZH.reason] ?? d.reason) : ZH.state[d.state];
  return `${d.name}(${d.regionName})· ${reason} · 已 ${durationZh(now - Date.parse(d.since))}`;
}

export const categoryZh = (c: Clue['category']): string => ZH.category[c] ?? c;
export const sourceZh = (c: Clue['source']): string => ZH.source[c] ?? c;
export const statusZh = (c: Clue['status']): string => ZH.status[c] ?? c;

/**
 * "在线 929 / 应计 972 路,离线 30 路,失联 13 路": n and N of the rate beside it (N without planned
 * maintenance and channels behind a platform that is down, which are named apart when there are any).
 */
export function countsZh(c: CameraFigures): string {
  const lost = c.unknown - c.sourceDown;
  const platform = c.sourceDown > 0 ? `,平台离线状态未知 ${c.sourceDown} 路(不计入)` : '';
  return `在线 ${c.online} / 应计 ${countedChannels(c)} 路,离线 ${c.offline} 路,失联 ${lost} 路${platform}`;
}
