import { describe, expect, test } from 'vitest';
import { snapshot } from '../../test-support/fakeSnapshot';
import { rateColor } from '../../lib/rateBands';
import { alertsByRegion } from './alerts';
import { channelLabel, downByReason, downPlace, rankingOption, rankingRows, trendOption } from './videoOptions';
import { clue } from '../../test-support/fakeSnapshot';
import { sameData } from '../../ui/sameData';

describe('video panel options', () => {
  test('ranking rows are best first; the chart lists best at the top with rate labels', () => {
    const rows = rankingRows(snapshot());
    expect(rows.map((r) => r.name)).toEqual(['栾城镇', '冶河镇', '窦妪镇']);
    const opt = rankingOption(rows);
    expect(opt.yAxis.data).toEqual(['窦妪镇', '冶河镇', '栾城镇']);
    expect(opt.series[0]!.data.map((d) => d.value)).toEqual([80, 90, 100]);
    expect(opt.series[0]!.data[0]!.itemStyle.color).toBe(rateColor(0.8));
    // ECharts hands a label formatter the data item it labels.
    const fmt = opt.series[0]!.label.formatter;
    expect(opt.series[0]!.data.map((d) => fmt({ data: d }))).toEqual(['80.0%', '90.0%', '100.0%']);
  });

  test('options of the same figures are equal as data, formatters included (EChart skips the second)', () => {
    const rows = rankingRows(snapshot());
    expect(sameData(rankingOption(rows), rankingOption(rows.map((r) => ({ ...r }))))).toBe(true);
    expect(sameData(rankingOption(rows), rankingOption([{ ...rows[0]!, rate: 0.5 }, ...rows.slice(1)]))).toBe(false);
    const trend = { t: [0, 3600], rate: [0.912, null] };
    const label = (s: number) => `${s / 3600}时`;
    expect(sameData(trendOption(trend, label), trendOption({ ...trend, rate: [0.912, null] }, label))).toBe(true);
    expect(sameData(trendOption(trend, label), trendOption({ ...trend, rate: [0.913, null] }, label))).toBe(false);
  });

  test('with many children, the ranking keeps the laggards', () => {
    const s = snapshot();
    const many = { children: [...s.children, ...s.children], childFigures: [...s.childFigures, ...s.childFigures] };
    expect(rankingRows(many, 2).map((r) => r.rate)).toEqual([0.8, 0.8]);
  });

  test('trend: percent values, gaps kept as null, hour labels from the caller', () => {
    const opt = trendOption({ t: [0, 3600, 7200], rate: [0.912, null, 0.95] }, (s) => `${s / 3600}时`);
    expect(opt.series[0]!.data).toEqual([91.2, null, 95]);
    expect(opt.xAxis.data).toEqual(['0时', '1时', '2时']);
    expect(opt.yAxis.min).toBeLessThan(91.2);
  });

  test('down channels by reason for a township wall', () => {
    expect(downByReason(snapshot().cameras)).toEqual([
      { reason: 'power', n: 1 },
      { reason: 'none', n: 1 },
    ]);
  });

  test('alerts roll up per child region, worst first (an overdue clue weighs two channels), never per channel', () => {
    const now = Date.parse('2026-11-27T12:00:00+08:00');
    const s = snapshot({ clues: [clue('x', { region: '130111100', dueAt: '2026-11-27T08:00:00+08:00' })] });
    const alerts = alertsByRegion(s, now);
    expect(alerts).toEqual([
      { code: '130111100', name: '栾城镇', down: 0, overdue: 1 },
      { code: '130111102', name: '窦妪镇', down: 2, overdue: 0 },
      { code: '130111101', name: '冶河镇', down: 1, overdue: 0 },
    ]);
  });

  test("a down channel names the wall region's child, then its township when that is further down", () => {
    expect(downPlace({ regionName: '祁各庄镇', childName: '大厂回族自治县' })).toEqual({
      child: '大厂回族自治县',
      within: '祁各庄镇',
    });
    // A county wall: the child is the township itself, said once.
    expect(downPlace({ regionName: '冶河镇', childName: '冶河镇' })).toEqual({ child: '冶河镇', within: null });
    // A township wall, or a server without childName.
    expect(downPlace({ regionName: '冶河镇' })).toEqual({ child: '冶河镇', within: null });
  });

  test('a channel name drops the township prefix the place column already shows, and nothing else', () => {
    expect(channelLabel('后奕镇・冶河河道东岸3号', '后奕镇')).toBe('冶河河道东岸3号');
    expect(channelLabel('后奕镇 · 卫生院', '后奕镇')).toBe('卫生院');
    // Not a prefix with a separator: kept whole.
    expect(channelLabel('后奕镇卫生院', '后奕镇')).toBe('后奕镇卫生院');
    expect(channelLabel('卫生院5号', '后奕镇')).toBe('卫生院5号');
    expect(channelLabel('后奕镇・', '后奕镇')).toBe('后奕镇・');
  });
});
