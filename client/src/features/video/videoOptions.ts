import {
  countedChannels,
  CAMERA_REASONS,
  CAMERA_STATES,
  floorPercent,
  formatRate,
  type DownChannel,
  type RegionSnapshot,
  type Trend,
} from '@zhihui/shared';
import { rateColor } from '../../lib/rateBands';

// Colours and type sizes are in logical pixels of the 1920×1080 canvas (read from 3–8 m).
const AXIS = '#8fb3d9';
const GRID_LINE = 'rgba(120,170,230,0.14)';
const FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export interface RankRow {
  name: string;
  rate: number | null;
  online: number;
  counted: number;
}

/** Child regions by operational rate, best first; with many children, the laggards matter most. */
export function rankingRows(s: Pick<RegionSnapshot, 'children' | 'childFigures'>, max = 10): RankRow[] {
  const rows = s.children.map((c, i) => {
    const f = s.childFigures[i]?.today.cameras;
    return {
      name: c.name,
      rate: f?.operationalRate ?? null,
      online: f?.online ?? 0,
      counted: f ? countedChannels(f) : 0,
    };
  });
  rows.sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || a.name.localeCompare(b.name, 'zh-CN'));
  return rows.length > max ? rows.slice(rows.length - max) : rows;
}

// Label formatters read only what the option's data holds, and are the same functions in every
// option: two options of the same figures are equal as data (EChart skips the second).
const rankLabel = (p: { data: { rateText: string } }) => p.data.rateText;
const trendEndLabel = (p: { value: number | null }) => (p.value === null ? '' : `${p.value.toFixed(1)}%`);

/** Horizontal bars, best at the top, each labelled with its rate (colour is not the only signal). */
export function rankingOption(rows: readonly RankRow[]) {
  const ordered = [...rows].reverse(); // ECharts draws the first category at the bottom
  const values = ordered.map((r) => (r.rate === null ? 0 : floorPercent(r.rate)));
  const min = Math.max(0, Math.floor((Math.min(100, ...values.filter((v) => v > 0)) - 10) / 10) * 10);
  return {
    // The order changes as figures move: no sliding bars on a wall read from across the room.
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: 8, right: 92, top: 4, bottom: 4, containLabel: true },
    xAxis: { type: 'value', min, max: 100, show: false },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.name),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { color: '#dbe9ff', fontSize: rows.length > 7 ? 18 : 20, margin: 12, interval: 0 },
    },
    series: [
      {
        type: 'bar',
        barWidth: rows.length > 7 ? '62%' : '56%',
        data: ordered.map((r, i) => ({
          value: values[i],
          rateText: formatRate(r.rate),
          itemStyle: { color: rateColor(r.rate), borderRadius: [0, 4, 4, 0] },
        })),
        showBackground: true,
        backgroundStyle: { color: 'rgba(80,140,220,0.10)' },
        label: {
          show: true,
          position: 'right',
          color: '#ffffff',
          fontSize: rows.length > 7 ? 18 : 20,
          fontWeight: 700,
          formatter: rankLabel,
        },
      },
    ],
  };
}

/** A township wall has no children to rank: its channels that are down, by reason. */
export function downByReason(
  cams: RegionSnapshot['cameras'],
): { reason: (typeof CAMERA_REASONS)[number] | 'none'; n: number }[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < cams.id.length; i++) {
    const st = CAMERA_STATES[cams.state[i]!];
    if (st !== 'offline' && st !== 'unknown') continue;
    const r = cams.reason[i]! > 0 ? (CAMERA_REASONS[cams.reason[i]! - 1] ?? 'other') : 'none';
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, n]) => ({ reason: reason as (typeof CAMERA_REASONS)[number] | 'none', n }))
    .sort((a, b) => b.n - a.n);
}

/** The last 24 hours of the operational rate, hour by hour, as an area line. */
export function trendOption(trend: Trend, hourLabel: (epochSec: number) => string) {
  const values = trend.rate.map((r) => (r === null ? null : floorPercent(r)));
  const known = values.filter((v): v is number => v !== null);
  const lo = known.length ? Math.min(...known) : 80;
  const min = Math.max(0, Math.floor((lo - 4) / 5) * 5);
  return {
    animationDurationUpdate: 600,
    textStyle: { fontFamily: FONT },
    grid: { left: 8, right: 78, top: 22, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: trend.t.map(hourLabel),
      axisLine: { lineStyle: { color: GRID_LINE } },
      axisTick: { show: false },
      axisLabel: { color: AXIS, fontSize: 18, interval: 5 },
    },
    yAxis: {
      type: 'value',
      min,
      max: 100,
      splitNumber: 3,
      axisLabel: { color: AXIS, fontSize: 18, formatter: '{value}%' },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        type: 'line',
        data: values,
        smooth: 0.3,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 7,
        showSymbol: false,
        lineStyle: { width: 3, color: '#38d6ff', shadowBlur: 12, shadowColor: 'rgba(56,214,255,0.6)' },
        itemStyle: { color: '#38d6ff' },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: 'rgba(56,214,255,0.45)' },
              { offset: 1, color: 'rgba(56,214,255,0.02)' },
            ],
          },
        },
        endLabel: {
          show: true,
          color: '#ffffff',
          fontSize: 20,
          fontWeight: 700,
          formatter: trendEndLabel,
        },
      },
    ],
  };
}

/**
 * Where a down channel is, as the wall's viewers think of it: the wall region's child first
 * (the county on a city wall), then the township when that is a level further down. Servers
 * older than `childName` send only the township.
 */
export function downPlace(d: Pick<DownChannel, 'regionName' | 'childName'>): { child: string; within: string | null } {
  if (d.childName === undefined || d.childName === d.regionName) return { child: d.regionName, within: null };
  return { child: d.childName, within: d.regionName };
}

/**
 * A channel's name without a leading "township・" when the place column already says it
 * ("后奕镇・冶河河道东岸3号" → "冶河河道东岸3号"): the narrow column keeps the part that differs.
 */
export function channelLabel(name: string, regionName: string): string {
  if (!name.startsWith(regionName)) return name;
  const rest = name.slice(regionName.length);
  const m = /^\s*[・·•\-—]\s*/.exec(rest);
  return m && rest.length > m[0].length ? rest.slice(m[0].length) : name;
}
