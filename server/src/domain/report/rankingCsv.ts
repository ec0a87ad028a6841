import {
  countedChannels,
  formatRate,
  METRIC_LABELS,
  metricZh,
  metricValues,
  pointsOf,
  rateCell,
  type Ranking,
} from '@zhihui/shared';
import { toCsv, type CsvCell } from './csv.js';

const HEADER = [
  '排名',
  '区划代码',
  '名称',
  metricZh('rate'),
  `${METRIC_LABELS['zh-CN'].rate.short}较上期(百分点)`,
  `期末${metricZh('online')}`,
  metricZh('counted'),
  metricZh('down'),
  metricZh('sourceDown'),
  metricZh('repaired'),
  metricZh('newlyFailed'),
  metricZh('received'),
  metricZh('resolved'),
  metricZh('overdue'),
  metricZh('resolvedRate'),
  `${METRIC_LABELS['zh-CN'].resolvedRate.short}较上期(百分点)`,
  metricZh('mediationRate'),
  metricZh('appealsHeard'),
  metricZh('appealsResolved'),
  metricZh('gridReports'),
  '在线时长(通道·秒)',
  '应计时长(通道·秒)',
  `${METRIC_LABELS['zh-CN'].rate.short}(四位小数)`,
  `${METRIC_LABELS['zh-CN'].resolvedRate.short}(四位小数)`,
  '调解件数',
  '调解成功',
  `${METRIC_LABELS['zh-CN'].mediationRate.short}(四位小数)`,
];

const pct = (r: number | null) => (r === null ? '' : formatRate(r));
// Changes of rates go out as numbers (percentage points, cut towards zero) so a spreadsheet can sort and sum them.
const points = (d: number | null) => (d === null ? null : pointsOf(d));
// Channel-time in seconds with milliseconds: exact, so n ÷ N recomputes the rate.
const seconds = (ms: number) => Math.round(ms) / 1000;

type Figures = Ranking['total'];

function line(rank: CsvCell, f: Figures['current'], d: Figures['delta']): CsvCell[] {
  const v = metricValues(f);
  return [
    rank,
    f.region.code,
    f.region.name,
    pct(v.rate),
    points(d.rate),
    f.cameras.online,
    countedChannels(f.cameras),
    v.down,
    f.cameras.sourceDown,
    v.repaired,
    f.cameras.newlyFailed,
    v.received,
    v.resolved,
    v.overdue,
    pct(v.resolvedRate),
    points(d.resolvedRate),
    pct(v.mediationRate),
    f.clues.appeals.collected,
    v.appealsResolved,
    f.grid.reports,
    // n, N and the rate to four decimals (floored), beside each rate shown in percent (README: how a rate is shown).
    seconds(f.cameras.onlineMs),
    seconds(f.cameras.countedMs),
    rateCell(v.rate),
    rateCell(v.resolvedRate),
    f.mediation.cases,
    f.mediation.success,
    rateCell(v.mediationRate),
  ];
}

/** The ranking as a spreadsheet: one row per child region in rank order, then the total (合计). */
export function rankingCsv(r: Ranking): string {
  const rows = r.rows.map((row) => line(row.rank, row.current, row.delta));
  rows.push(line('合计', r.total.current, r.total.delta));
  return toCsv(HEADER, rows);
}
