import { describe, expect, test } from 'vitest';
import {
  emptyCameraFigures,
  emptyClueFigures,
  emptyMediationFigures,
  finishClueFigures,
  previousPeriod,
  type RegionFigures,
  type RegionSummary,
} from '@zhihui/shared';
import { buildRanking, compareFigures, metricValues } from '@zhihui/shared';
import { formatDelta } from '../../server/src/domain/report/ranking.js';
import { contentDisposition, csvCell, toCsv } from '../../server/src/domain/report/csv.js';
import { periodTextZh, resolvePeriod } from '../../server/src/domain/report/period.js';

const P = { from: '2026-11-16T00:00:00+08:00', to: '2026-11-23T00:00:00+08:00' };
const PREV = previousPeriod(P);

function figs(
  code: string,
  o: {
    rate?: number | null;
    online?: number;
    inService?: number;
    clues?: number;
    resolved?: number;
    overdue?: number;
    period?: typeof P;
  },
): RegionFigures {
  const cameras = {
    ...emptyCameraFigures(),
    inService: o.inService ?? 10,
    online: o.online ?? 9,
    offline: (o.inService ?? 10) - (o.online ?? 9),
    timeWeightedRate: o.rate === undefined ? 0.9 : o.rate,
  };
  const clues = emptyClueFigures();
  clues.total = o.clues ?? 0;
  clues.byStatus.resolved = o.resolved ?? 0;
  clues.overdue = o.overdue ?? 0;
  finishClueFigures(clues);
  return {
    region: { code, name: `R${code}`, level: 'township' },
    period: o.period ?? P,
    cameras,
    clues,
    mediation: emptyMediationFigures(),
    grid: { workers: 0, onDuty: 0, reports: 0 },
  };
}
const summary = (period: typeof P, children: RegionFigures[]): RegionSummary => ({
  ...figs('130111', { period }),
  children,
});

describe('period resolution for the meeting (Asia/Shanghai)', () => {
  // 2026-11-27 is a Friday; 00:30 on the 27th in Shanghai is still the 26th in UTC.
  const now = Date.parse('2026-11-26T16:30:00Z');
  test('last_week is Monday to Monday before this week, compared with the week before', () => {
    const r = resolvePeriod({ period: 'last_week' }, now);
    expect(r.period).toEqual({ from: '2026-11-16T00:00:00+08:00', to: '2026-11-23T00:00:00+08:00' });
    expect(r.previous).toEqual({ from: '2026-11-09T00:00:00+08:00', to: '2026-11-16T00:00:00+08:00' });
  });
  test('the second half-month compares with the first half of the same month', () => {
    const r = resolvePeriod({ period: 'this_half_month' }, now);
    expect(r.period).toEqual({ from: '2026-11-16T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' });
    expect(r.previous).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-11-16T00:00:00+08:00' });
    expect(resolvePeriod({ period: 'last_half_month' }, now).period).toEqual({
      from: '2026-11-01T00:00:00+08:00',
      to: '2026-11-16T00:00:00+08:00',
    });
  });
  test('custom periods read bare dates as Shanghai midnights and compare with the same length before', () => {
    const r = resolvePeriod({ from: '2026-11-02', to: '2026-11-05' }, now);
    expect(r.kind).toBe('custom');
    expect(r.period).toEqual({ from: '2026-11-02T00:00:00+08:00', to: '2026-11-05T00:00:00+08:00' });
    expect(r.previous).toEqual({ from: '2026-10-30T00:00:00+08:00', to: '2026-11-02T00:00:00+08:00' });
    expect(periodTextZh(r.period)).toBe('2026年11月2日至2026年11月4日');
  });
  test('an unknown kind or a backwards custom period is a 400 naming the field', () => {
    expect(() => resolvePeriod({ period: 'fortnight' }, now)).toThrow(/period/);
    expect(() => resolvePeriod({ period: 'custom' }, now)).toThrow(/from/);
    expect(() => resolvePeriod({ from: '2026-11-05', to: '2026-11-02' }, now)).toThrow(/to/);
  });
});

describe('comparison with the previous period', () => {
  test('delta is current − previous per metric, null where a rate has no denominator', () => {
    const d = compareFigures(
      figs('1', { rate: 0.75, clues: 2, resolved: 1, overdue: 1 }),
      figs('1', { rate: 0.5, clues: 1, resolved: 1, period: PREV }),
    );
    expect(d.rate).toBe(0.25);
    expect(d.received).toBe(1);
    expect(d.resolved).toBe(0);
    expect(d.overdue).toBe(1);
    expect(d.resolvedRate).toBe(-0.5);
    expect(d.mediationRate).toBeNull();
    expect(compareFigures(figs('1', { rate: 0.9 }), figs('1', { rate: null })).rate).toBeNull();
  });
  test('float noise does not show as a change', () => {
    expect(compareFigures(figs('1', { rate: 0.3 }), figs('1', { rate: 0.1 + 0.2 })).rate).toBe(0);
  });
  test('formatted with arrows-ready signs, rates in percentage points', () => {
    expect(formatDelta('rate', 0.0234)).toBe('+2.3 个百分点');
    expect(formatDelta('rate', -0.004)).toBe('−0.4 个百分点');
    expect(formatDelta('rate', 0.0001)).toBe('持平');
    expect(formatDelta('overdue', -3)).toBe('−3');
    expect(formatDelta('received', null)).toBe('—');
  });
});

describe('buildRanking', () => {
  const cur = summary(P, [
    figs('130111100', { rate: 0.8, overdue: 2 }),
    figs('130111103', { rate: null }),
    figs('130111104', { rate: 0.95, overdue: 0 }),
    figs('130111105', { rate: 0.8, overdue: 1 }),
  ]);
  const prev = summary(PREV, [
    figs('130111100', { rate: 0.85, period: PREV }),
    figs('130111103', { rate: null, period: PREV }),
    figs('130111104', { rate: 0.9, period: PREV }),
  ]);

  test('best first by default, regions without a value last, ties by code', () => {
    const { rows } = buildRanking(cur, prev, 'rate', 'desc');
    expect(rows.map((r) => [r.rank, r.region.code])).toEqual([
      [1, '130111104'],
      [2, '130111100'],
      [3, '130111105'],
      [4, '130111103'],
    ]);
    expect(rows[0]!.delta.rate).toBe(0.05);
    expect(rows[1]!.delta.rate).toBe(-0.05);
  });
  test('ascending keeps null last', () => {
    expect(buildRanking(cur, prev, 'rate', 'asc').rows.map((r) => r.region.code)).toEqual([
      '130111100',
      '130111105',
      '130111104',
      '130111103',
    ]);
  });
  test('sorts by any metric', () => {
    expect(
      buildRanking(cur, prev, 'overdue', 'desc')
        .rows.map((r) => r.region.code)
        .slice(0, 2),
    ).toEqual(['130111100', '130111105']);
  });
  test('a region new since the previous period compares with nothing', () => {
    const row = buildRanking(cur, prev, 'rate', 'desc').rows.find((r) => r.region.code === '130111105')!;
    expect(row.previous.period).toEqual(PREV);
    expect(metricValues(row.previous).rate).toBeNull();
    expect(row.delta.rate).toBeNull();
  });
});

describe('CSV', () => {
  test('BOM, CRLF, quoting of commas, quotes and line breaks, formula neutralised', () => {
    const csv = toCsv(
      ['名称', '值'],
      [
        ['栾城镇', 1],
        ['a,b', 'say "hi"'],
        ['two\nlines', '=HYPERLINK("x")'],
        [null, -2],
      ],
    );
    expect(csv.startsWith('\uFEFF名称,值\r\n')).toBe(true);
    expect(csv.split('\r\n')).toEqual([
      '\uFEFF名称,值',
      '栾城镇,1',
      '"a,b","say ""hi"""',
      '"two\nlines","\'=HYPERLINK(""x"")"',
      ',-2',
      '',
    ]);
    expect(csvCell(' padded')).toBe('" padded"');
  });
  test('Content-Disposition carries the Chinese name per RFC 5987 and an ASCII fallback', () => {
    const h = contentDisposition("栾城区_排名(上周)'.csv", 'ranking.csv');
    expect(h).toBe(
      `attachment; filename="ranking.csv"; filename*=UTF-8''${encodeURIComponent('栾城区_排名')}%28${encodeURIComponent('上周')}%29%27.csv`,
    );
    expect(decodeURIComponent(h.split("UTF-8''")[1]!)).toBe("栾城区_排名(上周)'.csv");
  });
});
