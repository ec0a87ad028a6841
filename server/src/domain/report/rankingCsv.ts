import { countedChannels, formatRate, metricValues, pointsOf, rateCell, type Ranking } from '@zhihui/shared';
import { toCsv, type CsvCell } from './csv.js';

const HEADER = [
  '排名',
  '区划代码',
  '名称',
  '运行率(时间加权)',
  '运行率较上期(百分点)',
  '期末在线',
  '应计通道',
  '离线及失联',
  '状态未知(平台离线)',
  '修复',
  '新增故障',
  '受理线索',
  '办结线索',
  '超期线索',
  '办结率',
  '办结率较上期(百分点)',
  '调解成功率',
  '说事儿收集',
  '说事儿解决',
  '网格上报',
  '在线时长(通道·秒)',
  '应计时长(通道·秒)',
  '运行率(四位小数)',
  '办结率(四位小数)',
  '调解件数',
  '调解成功',
  '调解成功率(四位小数)',
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
