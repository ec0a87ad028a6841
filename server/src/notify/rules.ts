import {
  OPEN_CLUE_STATUSES,
  type ActiveAlert,
  ancestorsOf,
  descendantsOf,
  formatRate,
  isOverdue,
  isWithin,
  toShanghaiIso,
  type Clue,
  type Region,
  type RegionTree,
} from '@zhihui/shared';
import type { SourceHealthEvent } from '../bus.js';
import type { NotifyRuleConfig } from '../config/sections/notifications.js';
import type { LiveService } from '../live/service.js';
import type { Message } from './message.js';
import { categoryZh, countsZh, downLine, durationZh, shortTime, sourceZh, statusZh } from './texts.js';
import { AlertTracker, type AlertPhase, type ObserveOptions } from './tracker.js';

/** A rule in force: from the config file or the admin API, with its id. */
export interface Rule extends NotifyRuleConfig {
  id: string;
  origin: 'file' | 'admin';
}

export interface EngineDeps {
  tree(): RegionTree;
  live(): LiveService | null;
  now(): number;
  /** Public URL of this server for links (no trailing slash). */
  baseUrl: string;
  /** Hands a message of a rule to its channels (quiet hours are judged there). */
  send(rule: Rule, m: Message): void;
}

const MIN = 60_000;
const ROLLUP_KINDS = new Set<Rule['kind']>(['channels_down', 'source_down', 'township_rate']);
const SEEN_MAX = 20_000;

const options = (r: Rule, d: { forMin: number; flapMin: number }): ObserveOptions => ({
  forMs: (r.minutes ?? d.forMin) * MIN,
  flapMs: (r.flapMinutes ?? d.flapMin) * MIN,
  repeatMs: (r.repeatMinutes ?? 0) * MIN,
  recovery: r.recovery ?? true,
});
/** One-shot clue alerts: no settling time, no flap interval. */
const CLUE_OPTIONS = (r: Rule): ObserveOptions => ({ forMs: 0, flapMs: 0, repeatMs: 0, recovery: r.recovery ?? true });

/**
 * The alert engine: turns the bus's clues and source events, and the live engine's figures,
 * into messages per rule. Township rates and channels down are read from app.live (the same
 * figures the wall and the summary show) on every tick; clue alerts follow the bus at once.
 * A source that is down replaces its channels' alerts: they are left out of the counts and the
 * township alerts they caused are cleared without a message, while the source's own alert
 * names the townships affected.
 */
export class AlertEngine {
  readonly tracker = new AlertTracker();
  #rules: Rule[] = [];
  readonly #open = new Map<string, Clue>();
  readonly #seen = new Set<string>();
  readonly #sources = new Map<string, { ev: SourceHealthEvent; ids: Set<string> }>();

  constructor(private readonly d: EngineDeps) {}

  setRules(rules: readonly Rule[]): void {
    const ids = new Set(rules.map((r) => `${r.id}:${r.kind}:${r.region}`));
    for (const old of this.#rules) if (!ids.has(`${old.id}:${old.kind}:${old.region}`)) this.tracker.dropRule(old.id);
    this.#rules = rules.filter((r) => r.enabled !== false);
  }

  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** Open clues at start (overdue ones are judged on the next tick; none counts as new). */
  loadClues(clues: readonly Clue[]): void {
    for (const c of clues) {
      this.#remember(c.id);
      if (OPEN_CLUE_STATUSES.includes(c.status)) this.#open.set(c.id, c);
    }
  }

  /** Clues created or moved (the bus `clues` event). */
  onClues(clues: readonly Clue[]): void {
    const now = this.d.now();
    for (const c of clues) {
      const isNew = !this.#seen.has(c.id) && c.status === 'reported';
      this.#remember(c.id);
      if (OPEN_CLUE_STATUSES.includes(c.status)) this.#open.set(c.id, c);
      else this.#open.delete(c.id);
      for (const r of this.#rulesFor(c, 'urgent_clue')) {
        const key = `${r.id}|clue:${c.id}`;
        if (!c.urgent || (!isNew && !this.tracker.get(key))) continue;
        const phase = this.tracker.observe(
          key,
          r.id,
          c.region,
          OPEN_CLUE_STATUSES.includes(c.status),
          now,
          CLUE_OPTIONS(r),
        );
        if (phase) this.d.send(r, this.#urgentMessage(r, c, phase, now));
      }
      if (!OPEN_CLUE_STATUSES.includes(c.status)) this.#overdueCleared(c, now);
    }
  }

  /** A source went down or came back (the bus `source` event). */
  onSource(ev: SourceHealthEvent): void {
    if (ev.up) this.#sources.delete(ev.id);
    else this.#sources.set(ev.id, { ev, ids: new Set(ev.cameraIds) });
    this.#evaluateSources(this.d.now(), ev.up ? ev : null);
    if (!ev.up) this.tick();
  }

  /** Clock-driven rules: township rates, channels down, overdue clues, reminders. */
  tick(): void {
    const now = this.d.now();
    const live = this.d.live();
    const townshipRules = this.#rules.filter((r) => r.kind === 'township_rate' || r.kind === 'channels_down');
    if (live && townshipRules.length > 0) {
      const covered = this.#coveredByTownship(live);
      for (const r of townshipRules)
        for (const t of this.#townships(r.region)) this.#evaluateTownship(r, t, live, now, covered.get(t.code) ?? 0);
    }
    this.#evaluateSources(now, null);
    this.#evaluateOverdue(now);
  }

  /** Roll-up alerts firing now within a region's subtree, newest first. */
  activeAlerts(region: string): ActiveAlert[] {
    const tree = this.d.tree();
    const out: ActiveAlert[] = [];
    for (const r of this.#rules) {
      if (!ROLLUP_KINDS.has(r.kind)) continue;
      for (const a of this.tracker.withPrefix(`${r.id}|`)) {
        if (a.sent !== 'firing' || a.firedAt === null || !isWithin(tree, a.region, region)) continue;
        out.push({
          key: a.key,
          rule: r.id,
          kind: r.kind,
          region: a.region,
          headline: this.#headlineOf(r, a.key, a.region),
          since: toShanghaiIso(a.firedAt),
        });
      }
    }
    return out.sort((a, b) => b.since.localeCompare(a.since));
  }

  // ── townships ──

  #townships(region: string): Region[] {
    const tree = this.d.tree();
    return descendantsOf(tree, region).filter((x) => x.level === 'township');
  }

  /** Down channels per township that a down source covers: left to the source's alert. One pass. */
  #coveredByTownship(live: LiveService): Map<string, number> {
    const out = new Map<string, number>();
    const ids = new Set<string>();
    for (const s of this.#sources.values()) for (const id of s.ids) ids.add(id);
    const tree = this.d.tree();
    for (const c of live.engine.cameras()) {
      if (c.status === 'online' || !c.inService) continue;
      if (!ids.has(c.id) && (c.reason as string | null) !== 'source_down') continue;
      const t = townshipOf(tree, c.region).code;
      out.set(t, (out.get(t) ?? 0) + 1);
    }
    return out;
  }

  #evaluateTownship(r: Rule, t: Region, live: LiveService, now: number, covered: number): void {
    if (!live.has(t.code)) return;
    const cams = live.figures(t.code).today.cameras;
    const key = `${r.id}|township:${t.code}`;
    let cond: boolean;
    if (r.kind === 'channels_down') cond = cams.offline + cams.unknown - covered >= (r.minDown ?? 1);
    else cond = covered === 0 && cams.operationalRate !== null && cams.operationalRate < (r.threshold ?? 0);
    const silent = !cond && covered > 0;
    const phase = this.tracker.observe(
      key,
      r.id,
      t.code,
      cond,
      now,
      options(r, { forMin: r.kind === 'channels_down' ? 2 : 10, flapMin: 10 }),
      silent,
    );
    if (phase) this.d.send(r, this.#townshipMessage(r, t, live, phase, now, covered));
  }

  #townshipMessage(r: Rule, t: Region, live: LiveService, phase: AlertPhase, now: number, covered: number): Message {
    const cams = live.figures(t.code).today.cameras;
    const down = cams.offline + cams.unknown - covered;
    const rec = this.tracker.get(`${r.id}|township:${t.code}`);
    const lasted = rec?.firedAt ? durationZh(now - rec.firedAt) : null;
    const rateLine = `运行率 ${formatRate(cams.operationalRate)}(${countsZh(cams)})`;
    const longest = live.engine
      .downLongest(t.code)
      .slice(0, 5)
      .map((x, i) => `  ${i + 1}. ${downLine(x, now)}`);
    const threshold = formatRate(
      r.threshold ?? null,
      r.threshold !== undefined && Math.round(r.threshold * 1000) % 10 === 0 ? 0 : 1,
    );
    let title: string;
    let headline: string;
    if (r.kind === 'channels_down') {
      headline = phase === 'recovery' ? `${t.name} 视频离线已恢复至 ${down} 路` : `${t.name} ${down}路视频离线`;
      title =
        phase === 'recovery' ? `恢复 · ${t.name}视频离线` : phase === 'reminder' ? `持续 · ${headline}` : headline;
    } else {
      headline =
        phase === 'recovery'
          ? `${t.name} 视频运行率恢复至 ${formatRate(cams.operationalRate)}`
          : `${t.name} 视频运行率 ${formatRate(cams.operationalRate)},低于 ${threshold}`;
      title =
        phase === 'recovery'
          ? `恢复 · ${t.name}运行率`
          : `${phase === 'reminder' ? '持续 · ' : ''}运行率低于 ${threshold} · ${t.name}`;
    }
    const lines = [rateLine];
    if (phase === 'reminder' && lasted) lines.push(`已持续 ${lasted}`);
    if (phase !== 'recovery' && longest.length > 0) lines.push('离线最久:', ...longest);
    if (phase === 'recovery' && lasted) lines.push(`告警持续 ${lasted}`);
    return this.#message(
      r,
      phase,
      t.code,
      `${r.id}|township:${t.code}`,
      title,
      headline,
      lines,
      `${this.d.baseUrl}/wall/${t.code}`,
      false,
    );
  }

  // ── sources ──

  #evaluateSources(now: number, cameBack: SourceHealthEvent | null): void {
    for (const r of this.#rules) {
      if (r.kind !== 'source_down') continue;
      for (const s of this.#sources.values()) this.#observeSource(r, s.ev, true, now);
      if (cameBack) this.#observeSource(r, cameBack, false, now);
    }
  }

  #observeSource(r: Rule, ev: SourceHealthEvent, down: boolean, now: number): void {
    const byTownship = this.#affected(ev, r.region);
    if (byTownship.size === 0) return;
    const key = `${r.id}|source:${ev.id}`;
    const phase = this.tracker.observe(key, r.id, r.region, down, now, options(r, { forMin: 0, flapMin: 10 }));
    if (!phase) return;
    const total = [...byTownship.values()].reduce((a, b) => a + b.n, 0);
    const list = [...byTownship.values()].sort((a, b) => b.n - a.n);
    const headline = phase === 'recovery' ? `${ev.name} 已恢复` : `${ev.name} 离线,${total}路通道状态未知`;
    const lines =
      phase === 'recovery'
        ? [`恢复时间 ${shortTime(ev.at)}`, '其下乡镇的离线告警恢复按通道判断']
        : [
            ...(ev.error ? [`原因:${ev.error}`] : []),
            `涉及 ${list.length} 个乡镇:${list
              .slice(0, 10)
              .map((x) => `${x.name} ${x.n} 路`)
              .join('、')}${list.length > 10 ? ' 等' : ''}`,
            '这些通道的离线告警由本条代替,平台恢复后重新判断',
          ];
    this.d.send(
      r,
      this.#message(
        r,
        phase,
        r.region,
        key,
        phase === 'recovery' ? `恢复 · ${ev.name}` : `平台离线 · ${ev.name}`,
        headline,
        lines,
        null,
        true,
      ),
    );
  }

  #affected(ev: SourceHealthEvent, region: string): Map<string, { name: string; n: number }> {
    const tree = this.d.tree();
    const live = this.d.live();
    const out = new Map<string, { name: string; n: number }>();
    if (!live) return out;
    for (const id of ev.cameraIds) {
      const cam = live.engine.camera(id);
      if (!cam || !isWithin(tree, cam.region, region)) continue;
      const t = townshipOf(tree, cam.region);
      const e = out.get(t.code) ?? { name: t.name, n: 0 };
      e.n++;
      out.set(t.code, e);
    }
    return out;
  }

  // ── clues ──

  #rulesFor(c: Clue, kind: Rule['kind']): Rule[] {
    const tree = this.d.tree();
    return this.#rules.filter(
      (r) =>
        r.kind === kind && isWithin(tree, c.region, r.region) && (!r.categories || r.categories.includes(c.category)),
    );
  }

  #urgentMessage(r: Rule, c: Clue, phase: AlertPhase, now: number): Message {
    const tree = this.d.tree();
    const t = townshipOf(tree, c.region);
    const place = [
      ...ancestorsOf(tree, c.region).filter((x) => x.level !== 'province' && x.level !== 'city'),
      tree.byCode.get(c.region),
    ]
      .filter(Boolean)
      .map((x) => x!.name)
      .join('');
    if (phase === 'recovery') {
      const headline = `紧急线索已${statusZh(c.status)}:${t.name},${c.title}`;
      return this.#message(
        r,
        phase,
        c.region,
        `${r.id}|clue:${c.id}`,
        `紧急线索${statusZh(c.status)} · ${t.name}`,
        headline,
        [`用时 ${durationZh(now - Date.parse(c.reportedAt))}`],
        this.#clueLink(r, c),
        true,
      );
    }
    const lines = [
      `类别:${categoryZh(c.category)} · 来源:${sourceZh(c.source)}`,
      `地点:${place}`,
      `上报:${shortTime(c.reportedAt)}`,
    ];
    if (c.dueAt) lines.push(`办理时限:${shortTime(c.dueAt)}`);
    if (c.description) lines.push(`情况:${c.description.replace(/\s+/g, ' ').slice(0, 300)}`);
    return this.#message(
      r,
      phase,
      c.region,
      `${r.id}|clue:${c.id}`,
      `紧急线索 · ${t.name}`,
      `紧急线索:${t.name},${c.title}`,
      lines,
      this.#clueLink(r, c),
      true,
    );
  }

  #clueLink(r: Rule, c: Clue): string {
    return `${this.d.baseUrl}/meeting/${r.region}?tab=clues&clue=${encodeURIComponent(c.id)}`;
  }

  #evaluateOverdue(now: number): void {
    const tree = this.d.tree();
    for (const r of this.#rules) {
      if (r.kind !== 'clue_overdue') continue;
      const fired = new Map<string, Clue[]>();
      for (const c of this.#open.values()) {
        if (
          !isOverdue(c, now) ||
          !isWithin(tree, c.region, r.region) ||
          (r.categories && !r.categories.includes(c.category))
        )
          continue;
        if (this.tracker.observe(`${r.id}|overdue:${c.id}`, r.id, c.region, true, now, CLUE_OPTIONS(r)) !== 'firing')
          continue;
        const t = townshipOf(tree, c.region).code;
        fired.set(t, [...(fired.get(t) ?? []), c]);
      }
      for (const [t, clues] of fired) this.d.send(r, this.#overdueMessage(r, t, clues, now));
    }
  }

  #overdueMessage(r: Rule, township: string, clues: Clue[], now: number): Message {
    const name = this.d.tree().byCode.get(township)?.name ?? township;
    clues.sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
    const lines = clues
      .slice(0, 10)
      .map(
        (c) =>
          `${c.title}(${categoryZh(c.category)},时限 ${shortTime(c.dueAt!)},已超期 ${durationZh(now - Date.parse(c.dueAt!))})`,
      );
    if (clues.length > 10) lines.push(`…另有 ${clues.length - 10} 条`);
    const key = clues.length === 1 ? `${r.id}|overdue:${clues[0]!.id}` : null;
    return this.#message(
      r,
      'firing',
      township,
      key,
      `超期线索 · ${name}`,
      `${name} ${clues.length}条线索超期未办结`,
      lines,
      `${this.d.baseUrl}/meeting/${r.region}?tab=clues&clues=overdue`,
      false,
    );
  }

  #overdueCleared(c: Clue, now: number): void {
    for (const r of this.#rulesFor(c, 'clue_overdue')) {
      const key = `${r.id}|overdue:${c.id}`;
      if (this.tracker.observe(key, r.id, c.region, false, now, CLUE_OPTIONS(r)) !== 'recovery') continue;
      const t = townshipOf(this.d.tree(), c.region);
      const late = c.dueAt ? durationZh((c.resolvedAt ? Date.parse(c.resolvedAt) : now) - Date.parse(c.dueAt)) : '';
      this.d.send(
        r,
        this.#message(
          r,
          'recovery',
          c.region,
          key,
          `超期线索${statusZh(c.status)} · ${t.name}`,
          `${t.name} 超期线索已${statusZh(c.status)}:${c.title}`,
          late ? [`超期 ${late}`] : [],
          null,
          false,
        ),
      );
    }
  }

  // ── common ──

  #headlineOf(r: Rule, key: string, region: string): string {
    const live = this.d.live();
    const name = this.d.tree().byCode.get(region)?.name ?? region;
    if (r.kind === 'source_down')
      return `${this.#sources.get(key.slice(key.indexOf('source:') + 7))?.ev.name ?? '视频平台'} 离线`;
    if (!live || !live.has(region)) return name;
    const cams = live.figures(region).today.cameras;
    return r.kind === 'channels_down'
      ? `${name} ${cams.offline + cams.unknown}路视频离线`
      : `${name} 视频运行率 ${formatRate(cams.operationalRate)}`;
  }

  #message(
    r: Rule,
    phase: AlertPhase,
    region: string,
    key: string | null,
    title: string,
    headline: string,
    lines: string[],
    link: string | null,
    urgent: boolean,
  ): Message {
    return {
      kind: phase === 'firing' ? 'alert' : phase,
      title,
      headline,
      lines,
      link,
      region,
      rule: r.id,
      key,
      urgent: urgent && phase !== 'recovery',
      mentions: r.mentions ? { mobiles: r.mentions.mobiles ?? [], all: r.mentions.all ?? false } : null,
      at: toShanghaiIso(this.d.now()),
    };
  }

  #remember(id: string): void {
    if (this.#seen.size >= SEEN_MAX) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(id);
  }
}

/** The township a region lies in (itself when it is one, or when none is above it). */
export function townshipOf(tree: RegionTree, code: string): Region {
  const self = tree.byCode.get(code);
  if (self?.level === 'township') return self;
  const t = ancestorsOf(tree, code).find((x) => x.level === 'township');
  return t ?? self ?? { code, name: code, level: 'township', parent: null, center: [0, 0] };
}
