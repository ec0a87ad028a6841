import {
  descendantsOf,
  formatRate,
  isOverdue,
  periodOf,
  previousPeriod,
  toShanghaiIso,
  type Clue,
  type RegionTree,
} from '@zhihui/shared';
import { rankingOf } from '../domain/report/model.js';
import { periodDays, resolvePeriod } from '../domain/report/period.js';
import { computeSummary } from '../domain/summary.js';
import type { LiveService } from '../live/service.js';
import type { Store } from '../store/types.js';
import type { Message } from './message.js';
import type { Rule } from './rules.js';
import { categoryZh, countsZh, downLine, durationZh, pointsChange, shortTime } from './texts.js';

export interface DigestDeps {
  store: Store;
  tree: RegionTree;
  live: LiveService | null;
  baseUrl: string;
}

const base = (
  r: Rule,
  now: number,
): Pick<Message, 'kind' | 'region' | 'rule' | 'key' | 'urgent' | 'mentions' | 'at'> => ({
  kind: 'digest',
  region: r.region,
  rule: r.id,
  key: null,
  urgent: false,
  mentions: r.mentions ? { mobiles: r.mentions.mobiles ?? [], all: r.mentions.all ?? false } : null,
  at: toShanghaiIso(now),
});

/** Open clues of a subtree past their due time now, most overdue first (the same rule as the figures). */
export async function overdueNow(store: Store, tree: RegionTree, region: string, now: number): Promise<Clue[]> {
  const regions = descendantsOf(tree, region).map((r) => r.code);
  const out: Clue[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listClues({ regions, openOnly: true, limit: 5000, cursor });
    for (const c of page.items) if (isOverdue(c, now)) out.push(c);
    cursor = page.nextCursor ?? undefined;
  }
  return out.sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!) || a.id.localeCompare(b.id));
}

/**
 * 视频运行日报: yesterday's time-weighted rate and its change from the day before (both from
 * computeSummary, exactly what GET /regions/:code/summary answers for those days), the rate now
 * (the live figures the wall shows), the channels down longest and the clues overdue now.
 */
export async function dailyDigest(d: DigestDeps, r: Rule, now: number): Promise<Message> {
  const region = d.tree.byCode.get(r.region);
  const name = region?.name ?? r.region;
  const yesterday = periodOf('yesterday', now);
  const [y, p, overdue] = await Promise.all([
    computeSummary(d.store, d.tree, r.region, yesterday, now),
    computeSummary(d.store, d.tree, r.region, previousPeriod(yesterday), now),
    overdueNow(d.store, d.tree, r.region, now),
  ]);
  const rate = y.cameras.timeWeightedRate;
  const lines = [
    `昨日运行率(时间加权)${formatRate(rate)},较前日 ${pointsChange(rate, p.cameras.timeWeightedRate)} 个百分点`,
  ];
  const live = d.live?.has(r.region) ? d.live : null;
  if (live) {
    const c = live.figures(r.region).today.cameras;
    lines.push(`当前运行率 ${formatRate(c.operationalRate)}(${countsZh(c)})`);
  }
  lines.push(`昨日修复 ${y.cameras.repaired} 路,新增故障 ${y.cameras.newlyFailed} 路`);
  const lagging = y.children
    .filter((c) => c.cameras.timeWeightedRate !== null)
    .sort((a, b) => a.cameras.timeWeightedRate! - b.cameras.timeWeightedRate!);
  if (lagging.length > 1)
    lines.push(
      `运行率靠后:${lagging
        .slice(0, 3)
        .map((c) => `${c.region.name} ${formatRate(c.cameras.timeWeightedRate)}`)
        .join('、')}`,
    );
  const down = live ? live.engine.downLongest(r.region).slice(0, 5) : [];
  if (down.length > 0) lines.push('离线最久:', ...down.map((x, i) => `  ${i + 1}. ${downLine(x, now)}`));
  lines.push(`超期线索 ${overdue.length} 条${overdue.length > 0 ? ':' : ''}`);
  for (const c of overdue.slice(0, 5))
    lines.push(
      `  ${c.title}(${categoryZh(c.category)},时限 ${shortTime(c.dueAt!)},已超期 ${durationZh(now - Date.parse(c.dueAt!))})`,
    );
  const day = periodDays(yesterday).first;
  return {
    ...base(r, now),
    title: `视频运行日报 · ${name} · ${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`,
    headline: `${name} 昨日视频运行率 ${formatRate(rate)},较前日 ${pointsChange(rate, p.cameras.timeWeightedRate)} 个百分点`,
    lines,
    link: `${d.baseUrl}/wall/${r.region}`,
  };
}

/**
 * 每周一汇报: last week's figures as the dispatch meeting's report shows them (rankingOf, the same
 * function as GET /regions/:code/ranking?period=last_week), with a link to the meeting view.
 */
export async function weeklyReport(d: DigestDeps, r: Rule, now: number): Promise<Message> {
  const period = resolvePeriod({ period: 'last_week' }, now);
  const ranking = await rankingOf(d.store, d.tree, r.region, period, 'rate', 'desc', now);
  const cur = ranking.total.current;
  const delta = ranking.total.delta;
  const days = periodDays(period.period);
  const span = `${Number(days.first.slice(5, 7))}月${Number(days.first.slice(8, 10))}日–${Number(days.last.slice(5, 7))}月${Number(days.last.slice(8, 10))}日`;
  const pts = (x: number | null) => (x === null ? '—' : pointsChange(x, 0));
  const lines = [
    `视频运行率(时间加权)${formatRate(cur.cameras.timeWeightedRate)},较上周 ${pts(delta.rate)} 个百分点`,
    `离线及失联 ${cur.cameras.offline + cur.cameras.unknown} 路,修复 ${cur.cameras.repaired} 路,新增故障 ${cur.cameras.newlyFailed} 路`,
    `受理线索 ${cur.clues.total} 条,办结 ${cur.clues.byStatus.resolved + cur.clues.byStatus.closed} 条,超期 ${cur.clues.overdue} 条,办结率 ${formatRate(cur.clues.resolvedRate)}`,
    `矛盾纠纷调解 ${cur.mediation.cases} 件,成功 ${cur.mediation.success} 件,成功率 ${formatRate(cur.mediation.successRate)}`,
  ];
  const ranked = ranking.rows.filter((x) => x.current.cameras.timeWeightedRate !== null);
  if (ranked.length > 1) {
    lines.push(
      `运行率前列:${ranked
        .slice(0, 3)
        .map((x) => `${x.region.name} ${formatRate(x.current.cameras.timeWeightedRate)}`)
        .join('、')}`,
    );
    lines.push(
      `运行率靠后:${ranked
        .slice(-3)
        .reverse()
        .map((x) => `${x.region.name} ${formatRate(x.current.cameras.timeWeightedRate)}`)
        .join('、')}`,
    );
  }
  return {
    ...base(r, now),
    title: `每周一汇报 · ${ranking.region.name} · ${span}`,
    headline: `${ranking.region.name} 上周(${span})视频运行率 ${formatRate(cur.cameras.timeWeightedRate)},受理线索 ${cur.clues.total} 条,超期 ${cur.clues.overdue} 条`,
    lines,
    link: `${d.baseUrl}/meeting/${r.region}?period=last_week`,
  };
}
