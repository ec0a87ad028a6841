import {
  DOMAIN_LABELS,
  METRIC_LABELS,
  withNote,
  formatRate,
  toShanghaiIso,
  type RegionFigures,
  type RegionLevel,
  type VillageBoard,
} from '@zhihui/shared';
import type { ReportModel } from './model.js';
import { periodNameZh, periodTextZh } from './period.js';
import { METRIC_BETTER, countedChannels, metricValues, type MetricValues, type RankingMetric } from '@zhihui/shared';
import { formatDelta } from './ranking.js';

const zh = DOMAIN_LABELS;
const M = METRIC_LABELS['zh-CN'];

const withUnit = withNote;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What the children of a region are called in a report heading. */
const CHILD_NOUN: Record<RegionLevel, string> = {
  province: '省',
  city: '市',
  county: '县(市、区)',
  township: '乡镇(街道)',
  village: '村(社区)',
};

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Title of the report, e.g. 栾城区综合指挥工作调度报告. */
export function reportTitle(regionName: string): string {
  return `${regionName}综合指挥工作调度报告`;
}

const rate = (r: number | null) => formatRate(r);
const count = (n: number | null) => (n === null ? '—' : String(n));
const shDateTime = (iso: string) => toShanghaiIso(iso).slice(0, 16).replace('T', ' ');
const durationZh = (ms: number): string => {
  const h = ms / 3_600_000;
  if (h >= 48) return `${Math.floor(h / 24)}天${Math.round(h % 24)}小时`;
  if (h >= 1) return `${Math.floor(h)}小时${Math.round((ms % 3_600_000) / 60_000)}分`;
  return `${Math.max(1, Math.round(ms / 60_000))}分钟`;
};

/** A change with the arrow a reader expects and the class that colours it good or bad. */
function deltaCell(metric: RankingMetric, d: number | null): string {
  const text = formatDelta(metric, d, '');
  if (d === null || text === '持平') return `<td class="num delta">${escapeHtml(text)}</td>`;
  const better = METRIC_BETTER[metric];
  const good = better === 'neutral' ? null : d > 0 === (better === 'up');
  const arrow = d > 0 ? '↑' : '↓';
  return `<td class="num delta ${good === null ? '' : good ? 'good' : 'bad'}">${arrow} ${escapeHtml(text.replace(/^[+−]/, ''))}</td>`;
}

function summaryParagraph(m: ReportModel, unit: string): string {
  const { current: c, delta: d } = m.ranking.total;
  const v = metricValues(c);
  const trend = (metric: RankingMetric, dv: number | null) => {
    if (dv === null) return '';
    const t = formatDelta(metric, dv);
    if (t === '持平') return ',与上期持平';
    return `,较上期${dv > 0 ? '上升' : '下降'}${t.replace(/^[+−]/, '')}`;
  };
  const parts = [
    `本期${unit}公共视频通道共${c.cameras.inService}路,时间加权运行率${rate(v.rate)}${trend('rate', d.rate)};期末在线${c.cameras.online}路,离线及失联${v.down}路,计划维护${c.cameras.maintenance}路${c.cameras.sourceDown > 0 ? `,平台离线状态未知${c.cameras.sourceDown}路(不计入运行率)` : ''};期内修复${c.cameras.repaired}路次,新增故障${c.cameras.newlyFailed}路次。`,
    `受理有效线索${c.clues.total}条,办结${v.resolved}条,办结率${rate(v.resolvedRate)}${trend('resolvedRate', d.resolvedRate)};超期未办${c.clues.overdue}条。`,
    `调处矛盾纠纷${c.mediation.cases}件,调解成功${c.mediation.success}件,成功率${rate(v.mediationRate)};“说事儿”收集诉求${c.clues.appeals.collected}件,解决${c.clues.appeals.resolved}件。`,
    `网格员${c.grid.workers}人(在岗${c.grid.onDuty}人),期内网格上报${c.grid.reports}条。`,
  ];
  return parts.map((p) => `<p class="para">${escapeHtml(p)}</p>`).join('\n');
}

function keyFigures(m: ReportModel): string {
  const { current: c, previous: p, delta: d } = m.ranking.total;
  const cv = metricValues(c);
  const pv = metricValues(p);
  const n = (f: RegionFigures) => `${f.cameras.online}/${countedChannels(f.cameras)}`;
  const row = (name: string, metric: RankingMetric | null, cur: string, prev: string, dv: number | null = null) =>
    `<tr><th scope="row">${escapeHtml(name)}</th><td class="num">${escapeHtml(cur)}</td><td class="num">${escapeHtml(prev)}</td>${metric ? deltaCell(metric, dv) : '<td class="num delta">—</td>'}</tr>`;
  const fmt = (metric: RankingMetric, x: MetricValues) =>
    metric === 'rate' || metric === 'resolvedRate' || metric === 'mediationRate' ? rate(x[metric]) : count(x[metric]);
  const metricRow = (name: string, metric: RankingMetric) =>
    row(name, metric, fmt(metric, cv), fmt(metric, pv), d[metric]);
  return `<table class="figures">
<colgroup><col style="width:40%"><col><col><col></colgroup>
<thead><tr><th>指标</th><th>本期</th><th>上期</th><th>较上期</th></tr></thead>
<tbody>
${metricRow(`公共视频${M.rate.name}`, 'rate')}
${row(`期末${M.online.name}/${M.counted.short}`, null, n(c), n(p))}
${metricRow(`期末${withUnit(M.down.name, '路')}`, 'down')}
${row(`期末${withUnit(M.sourceDown.name, '路')}`, null, count(c.cameras.sourceDown), count(p.cameras.sourceDown))}
${metricRow(`期内${withUnit(M.repaired.name, '路次')}`, 'repaired')}
${row(`期内${withUnit(M.newlyFailed.name, '路次')}`, null, count(c.cameras.newlyFailed), count(p.cameras.newlyFailed))}
${metricRow(withUnit(M.received.name, '条'), 'received')}
${metricRow(withUnit(M.resolved.name, '条'), 'resolved')}
${metricRow(M.resolvedRate.name, 'resolvedRate')}
${metricRow(withUnit(M.overdue.name, '条'), 'overdue')}
${row('矛盾纠纷调处(件)', null, count(c.mediation.cases), count(p.mediation.cases))}
${metricRow(M.mediationRate.name, 'mediationRate')}
${metricRow(withUnit(M.appealsResolved.name, '件'), 'appealsResolved')}
${row(withUnit(M.gridReports.name, '条'), null, count(c.grid.reports), count(p.grid.reports))}
</tbody></table>`;
}

function rankingTable(m: ReportModel, noun: string): string {
  const rows = m.ranking.rows
    .map((r) => {
      const v = metricValues(r.current);
      const c = r.current;
      return `<tr>
<td class="num">${r.rank}</td><td class="name">${escapeHtml(r.region.name)}</td>
<td class="num strong">${rate(v.rate)}</td>${deltaCell('rate', r.delta.rate)}
<td class="num">${c.cameras.online}/${countedChannels(c.cameras)}</td>
<td class="num">${v.down}</td><td class="num">${v.repaired}</td>
<td class="num">${v.received}</td><td class="num">${v.resolved}</td><td class="num ${v.overdue ? 'bad' : ''}">${v.overdue}</td>
<td class="num">${rate(v.resolvedRate)}</td><td class="num">${rate(v.mediationRate)}</td><td class="num">${v.appealsResolved}</td>
</tr>`;
    })
    .join('\n');
  const sortName = M[m.ranking.sort].name;
  return `<p class="note">按${escapeHtml(sortName)}${m.ranking.dir === 'desc' ? '由高到低' : '由低到高'}排列;“较上期”为与上一同长周期相比的变化(百分点)。</p>
<table class="ranking">
<thead>
<tr><th rowspan="2">排名</th><th rowspan="2">${escapeHtml(noun)}</th><th colspan="3">公共视频</th><th rowspan="2">${M.down.short}</th><th rowspan="2">${M.repaired.short}</th><th colspan="3">线索(条)</th><th rowspan="2">${M.resolvedRate.short}</th><th rowspan="2">${M.mediationRate.short}</th><th rowspan="2">${M.appealsResolved.short}</th></tr>
<tr><th>${M.rate.short}</th><th>较上期</th><th>${M.online.short}/${M.counted.short}</th><th>${M.received.short}</th><th>${M.resolved.short}</th><th>${M.overdue.short}</th></tr>
</thead>
<tbody>${rows || `<tr><td colspan="13" class="empty">无下级区域</td></tr>`}</tbody>
</table>`;
}

function overdueTable(m: ReportModel): string {
  if (m.overdue.length === 0) return '<p class="para">本期无超期未办线索。</p>';
  const at = Math.min(Date.parse(m.ranking.period.to), Date.parse(m.ranking.generatedAt));
  const rows = m.overdue
    .map(
      (c, i) =>
        `<tr><td class="num">${i + 1}</td><td class="mono">${escapeHtml(c.id)}</td><td class="title">${escapeHtml(c.title)}</td><td class="nw">${escapeHtml(zh.category['zh-CN'][c.category])}</td><td class="nw">${escapeHtml(m.regionName(c.region))}</td><td class="num">${shDateTime(c.reportedAt)}</td><td class="num">${shDateTime(c.dueAt!)}</td><td class="num bad">${durationZh(at - Date.parse(c.dueAt!))}</td><td class="nw">${escapeHtml(zh.status['zh-CN'][c.status])}</td><td>${escapeHtml(c.assignee ?? '—')}</td></tr>`,
    )
    .join('\n');
  return `<p class="para">本期受理线索中,截至${escapeHtml(shDateTime(new Date(at).toISOString()))}仍未办结且已超过办理期限的共${m.overdue.length}条,请相关单位限期办结并反馈。</p>
<table class="list">
<thead><tr><th>序号</th><th>编号</th><th>线索</th><th>类别</th><th>区域</th><th>上报时间</th><th>办理期限</th><th>超期</th><th>环节</th><th>承办单位</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function outageTable(m: ReportModel): string {
  const { items, total } = m.outages;
  if (items.length === 0) return '<p class="para">本期公共视频通道无离线记录。</p>';
  const rows = items
    .map(
      (o, i) =>
        `<tr><td class="num">${i + 1}</td><td class="mono">${escapeHtml(o.id)}</td><td class="title">${escapeHtml(o.name)}</td><td class="nw">${escapeHtml(m.regionName(o.region))}</td><td class="num">${escapeHtml(durationZh(o.downMs))}</td><td class="num">${o.failures}</td><td class="nw">${escapeHtml(o.reason ? zh.reason['zh-CN'][o.reason] : '—')}</td><td>${escapeHtml(zh.state['zh-CN'][o.status === 'online' ? 'online' : o.status])}${o.status === 'online' ? '' : `(自${shDateTime(o.since)})`}</td></tr>`,
    )
    .join('\n');
  return `<p class="para">本期共有${total}路通道出现离线或失联,以下为累计离线时间最长的${items.length}路(计划维护时段不计)。</p>
<table class="list">
<thead><tr><th>序号</th><th>通道编号</th><th>点位名称</th><th>区域</th><th>期内离线</th><th>故障次数</th><th>原因</th><th>当前状态</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/**
 * The dispatch report as one self-contained HTML document (no external resources): a formal,
 * light A4 layout that prints from the browser as it renders in the server's PDF.
 */
/** 评事: the month's villages by score, red list first and black list last, with the figures behind each. */
function boardTable(b: VillageBoard): string {
  const mark = (v: string) =>
    b.red.includes(v) ? '<b class="red">红榜</b>' : b.black.includes(v) ? '<b class="black">黑榜</b>' : '';
  const rows = b.villages
    .map(
      (v, i) =>
        `<tr><td class="num">${i + 1}</td><th>${escapeHtml(v.village)}</th><td class="num">${v.appeals}</td><td class="num">${v.done}</td><td class="num">${rate(v.resolutionRate)}</td><td class="num">${v.overdue}</td><td class="num">${v.repeats}</td><td class="num">${v.score.toFixed(3)}</td><td>${mark(v.village)}</td></tr>`,
    )
    .join('');
  return `<p class="note">红榜:${escapeHtml(b.red.join('、') || '无')};黑榜:${escapeHtml(b.black.join('、') || '无')}。得分 = 办结率×${b.criteria.rate} − 超期数/诉求数×${b.criteria.overdue} − 重复诉求数/诉求数×${b.criteria.repeats};诉求不足 ${b.criteria.minAppeals} 件的村不参与排名。</p>
<table class="list"><thead><tr><th>序号</th><th>村</th><th>诉求</th><th>办结</th><th>办结率</th><th>超期</th><th>重复</th><th>得分</th><th>榜单</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function reportHtml(m: ReportModel): string {
  const r = m.ranking;
  const city = m.path.find((a) => a.level === 'city');
  const fullName = (city && r.region.level !== 'city' ? city.name : '') + r.region.name;
  const unit = `${fullName}综合指挥信息化网络中心`;
  const title = reportTitle(r.region.name);
  const noun = m.childLevel ? CHILD_NOUN[m.childLevel] : '下级区域';
  const sections: [string, string][] = [['主要指标', summaryParagraph(m, r.region.name) + keyFigures(m)]];
  if (r.rows.length > 0) sections.push([`${noun}排名`, rankingTable(m, noun.replace(/\(.*\)/, ''))]);
  sections.push(['超期线索', overdueTable(m)], ['视频通道故障情况', outageTable(m)]);
  if (m.board) sections.push([`说事儿·${m.board.month.replace('-', '年')}月村级红黑榜`, boardTable(m.board)]);
  sections.push([
    '指标说明',
    `<ol class="defs">
<li>运行率(时间加权):报告期内各通道在线时长之和 ÷ 应计时长之和;计划维护及停用时段不计入分母。</li>
<li>在线/应计:报告期末(或当前)在线通道数 / 在用且不在计划维护的通道数。</li>
<li>线索按上报时间归入报告期,无效线索不计;超期指截至报告期末(或当前)仍在上报、核实、派发环节且已超过办理期限。</li>
<li>“较上期”与上一同长周期比较:半月、整月与上一个半月、上一个月比较,其余与紧前同长时段比较(对比期 ${escapeHtml(periodTextZh(r.previous))})。</li>
<li>本报告由综合指挥平台根据实时数据自动生成,数据口径与指挥大屏一致。</li>
</ol>`,
  ]);
  const body = sections
    .map(([h, html], i) => `<section class="sec"><h2>${NUMERALS[i]}、${escapeHtml(h)}</h2>${html}</section>`)
    .join('\n');
  const generated = shDateTime(r.generatedAt);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<article class="report" data-report="${escapeHtml(r.region.code)}">
<header class="masthead">
<div class="masthead__org">${escapeHtml(unit)}</div>
<div class="masthead__rule"></div>
<h1>${escapeHtml(title)}</h1>
<table class="meta">
<tr><th>报告期</th><td>${escapeHtml(periodTextZh(r.period))}(${escapeHtml(periodNameZh(r.kind))})</td><th>对比期</th><td>${escapeHtml(periodTextZh(r.previous))}</td></tr>
<tr><th>单位</th><td>${escapeHtml(fullName)}</td><th>生成时间</th><td>${escapeHtml(generated)}</td></tr>
</table>
</header>
${body}
<footer class="sign">
<div>${escapeHtml(unit)}</div>
<div>${escapeHtml(generated.slice(0, 10).replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_s, y: string, mo: string, d: string) => `${y}年${Number(mo)}月${Number(d)}日`))}</div>
</footer>
</article>
</body>
</html>`;
}

const REPORT_CSS = `
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @bottom-center { content: "— " counter(page) " / " counter(pages) " —"; font: 9pt "Noto Serif CJK SC", serif; color: #555; }
}
* { box-sizing: border-box; }
html { background: #e9ebee; }
body { margin: 0; color: #111; font: 11pt/1.7 "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.report { width: 210mm; min-height: 297mm; margin: 12px auto; padding: 22mm 18mm 20mm; background: #fff; box-shadow: 0 2px 12px rgba(0,0,0,.18); }
@media print { html { background: #fff; } .report { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; } }
.masthead { text-align: center; margin-bottom: 8mm; }
.masthead__org { color: #c00000; font: 700 20pt/1.3 "Noto Serif CJK SC", serif; letter-spacing: .12em; }
.masthead__rule { border-top: 2.5pt solid #c00000; border-bottom: .8pt solid #c00000; height: 4pt; margin: 3mm 0 6mm; }
h1 { font: 700 19pt/1.4 "Noto Serif CJK SC", serif; margin: 0 0 5mm; letter-spacing: .04em; }
.meta { margin: 0 auto; border-collapse: collapse; font: 10pt/1.6 "Noto Sans CJK SC", sans-serif; }
.meta th { font-weight: 700; padding: 1mm 2mm 1mm 6mm; text-align: right; color: #333; }
.meta td { padding: 1mm 2mm; text-align: left; }
h2 { font: 700 14pt/1.5 "Noto Sans CJK SC", sans-serif; margin: 7mm 0 3mm; break-after: avoid; page-break-after: avoid; }
.para { text-indent: 2em; margin: 0 0 2mm; text-align: justify; }
.note { break-after: avoid; page-break-after: avoid; font: 9pt/1.5 "Noto Sans CJK SC", sans-serif; color: #444; margin: 0 0 2mm; }
table.figures, table.ranking, table.list { width: 100%; border-collapse: collapse; font: 9.5pt/1.45 "Noto Sans CJK SC", sans-serif; margin-top: 3mm; }
table.ranking, table.list { font-size: 8.6pt; }
table.figures th, table.figures td, table.ranking th, table.ranking td, table.list th, table.list td { border: .6pt solid #666; padding: 1.2mm 1.6mm; vertical-align: middle; }
thead { display: table-header-group; }
thead th { background: #eef1f5; font-weight: 700; text-align: center; }
tbody th { text-align: left; font-weight: 400; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: center; font-variant-numeric: tabular-nums; white-space: nowrap; }
b.red { color: #c00000; }
b.black { color: #fff; background: #222; padding: 0 1.5mm; }
td.name, td.nw { white-space: nowrap; }
td.title { max-width: 60mm; }
td.mono { font: 7.8pt/1.3 "Noto Sans Mono CJK SC", monospace; white-space: nowrap; }
td.strong { font-weight: 700; }
td.empty { text-align: center; color: #666; }
.good { color: #0a7d3b; }
.bad { color: #c00000; }
.delta { font-size: 8.4pt; }
ol.defs { margin: 0; padding-left: 2em; font-size: 9.5pt; color: #333; }
.sign { margin-top: 14mm; text-align: right; line-height: 1.9; break-inside: avoid; page-break-inside: avoid; }
`;
