import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode, type ActiveAlert, type Clue, type Page, type RegionTree } from '@zhihui/shared';
import type { Bus } from '../bus.js';
import type { NotificationsSection, NotifyChannelConfig, NotifyRuleConfig } from '../config/sections/notifications.js';
import { auditEntry, type AuditActor } from '../domain/audit.js';
import { HttpError, notFound } from '../domain/errors.js';
import { isoAt } from '../domain/time.js';
import type { LiveService } from '../live/service.js';
import type { CalendarOverrideRecord, DeliveryQuery, DeliveryRecord, Store } from '../store/types.js';
import { WorkCalendar, isQuiet, quietUntil, type CalendarOverride } from './calendar.js';
import { createTransport, defaultRatePerMinute } from './channels/index.js';
import { dailyDigest, weeklyReport } from './digests.js';
import type { Message } from './message.js';
import { ChannelQueue, type DeliveryOutcome, type DeliverySink } from './queue.js';
import { AlertEngine, type Rule } from './rules.js';
import { digestDue } from './schedule.js';
import { scrub } from './secrets.js';
import {
  channelView,
  checkChannelWrite,
  checkRuleWrite,
  mergeSettings,
  type Channel,
  type ChannelView,
} from './settings.js';
import type { AlertRecord } from './tracker.js';

export interface NotifyDeps {
  store: Store;
  bus: Bus;
  tree(): RegionTree;
  live(): LiveService | null;
  section: NotificationsSection | undefined;
  /** Public URL of this server, for links in messages. */
  baseUrl: string;
  /** Region of messages that belong to no rule (a channel's test message, when the channel names none). */
  defaultRegion: string;
  log: FastifyBaseLogger;
  /** Whether this process runs the deployment's alerting (the leader). */
  isLeader(): boolean;
  metrics?: { inc(name: string, labels?: Record<string, string | number>, n?: number): void };
}

const STATE_PREFIX = { alert: 'alert:', digest: 'digest:' } as const;
const RELOAD_MS = 30_000;
export const DEFAULT_ANNOUNCE_SEC = 30;

/**
 * The notifications capability: channels (one outbox each), rules (the alert engine), digests on
 * a schedule, quiet hours by the working-day calendar, and the delivery log. Only the leading
 * process evaluates and sends; every process serves the API and keeps its calendar current.
 */
export class NotifyService {
  readonly calendar = new WorkCalendar();
  readonly engine: AlertEngine;
  #channels: Channel[] = [];
  #rules: Rule[] = [];
  readonly #queues = new Map<string, ChannelQueue>();
  /** Each channel's settings as its queue runs them, to notice a change. */
  readonly #sigs = new Map<string, string>();
  #digestMarks = new Map<string, string>();
  #logChain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #lastReload = 0;
  #offs: (() => void)[] = [];
  #closed = false;
  #ticking = false;
  #leading = false;

  constructor(private readonly d: NotifyDeps) {
    this.engine = new AlertEngine({
      tree: d.tree,
      live: d.live,
      now: Date.now,
      baseUrl: d.baseUrl.replace(/\/+$/, ''),
      send: (r, m) => this.#route(r, m),
    });
  }

  readonly #sink: DeliverySink = {
    add: (rec) => this.#write(() => this.d.store.addDelivery(rec)),
    update: (id, patch) => this.#write(() => this.d.store.updateDelivery(id, patch)),
  };

  #write(fn: () => Promise<void>): void {
    this.#logChain = this.#logChain
      .then(fn)
      .catch((err: unknown) => this.d.log.error({ err }, 'notify: could not write the delivery log'));
  }

  /** Resolves once every delivery-log write issued so far is done. */
  flushLog(): Promise<void> {
    return this.#logChain;
  }

  async start(): Promise<void> {
    await this.reload();
    // Bus listeners run inside the emitter's call (ingest, after its commit): nothing thrown here
    // may reach it, and sending happens later on the channels' own queues.
    const guard = (what: string, fn: () => void) => {
      if (!this.#leading) return;
      try {
        fn();
      } catch (err) {
        this.d.log.error({ err }, `notify: ${what} failed`);
      }
    };
    this.#offs.push(
      this.d.bus.on('clues', (p) => guard('clue alerts', () => this.engine.onClues(p.clues))),
      this.d.bus.on('source', (p) => guard('source alerts', () => this.engine.onSource(p))),
    );
    this.#timer = setInterval(() => void this.tick(), (this.d.section?.evaluateEverySec ?? 15) * 1000);
    this.#timer.unref();
    await this.tick();
  }

  /** Re-reads channels, rules and calendar overrides from the config file and the store. */
  async reload(): Promise<void> {
    this.#lastReload = Date.now();
    const [stored, overrides] = await Promise.all([
      this.d.store.listNotifySettings(),
      this.d.store.listCalendarOverrides(),
    ]);
    this.calendar.setOverrides([
      ...(this.d.section?.calendar?.overrides ?? []).map((o) => ({
        date: o.date,
        workday: o.workday,
        note: o.note ?? null,
      })),
      ...overrides.map((o): CalendarOverride => ({ date: o.date, workday: o.workday, note: o.note })),
    ]);
    const { channels, rules } = mergeSettings(this.d.section, stored);
    this.#channels = channels;
    this.#rules = rules;
    await this.#syncQueues();
    this.engine.setRules(rules);
  }

  async #syncQueues(): Promise<void> {
    const wanted = new Map(this.#channels.filter((c) => c.enabled !== false).map((c) => [c.id, c]));
    for (const [id, q] of this.#queues) {
      if (!wanted.has(id)) {
        q.close();
        this.#queues.delete(id);
        this.#sigs.delete(id);
      }
    }
    for (const c of wanted.values()) {
      const sig = JSON.stringify(c);
      if (this.#sigs.get(c.id) === sig) continue;
      const options = {
        channel: c.id,
        transport: await createTransport(c),
        ratePerMinute: c.ratePerMinute ?? defaultRatePerMinute(c),
        retries: c.retries ?? 4,
        sink: this.#sink,
        scrub: (t: string) => scrub(t, [c.url, c.secret, c.smtp?.pass]),
        backoffMs: (n: number) =>
          Math.min(60_000, (c.retryDelayMs ?? 1000) * 2 ** (n - 1)) * (0.8 + Math.random() * 0.4),
        onOutcome: (o: DeliveryOutcome) =>
          this.d.metrics?.inc('zhihui_notify_deliveries_total', { channel: c.id, status: o.status }),
      };
      const q = this.#queues.get(c.id);
      if (q) q.reconfigure(options);
      else this.#queues.set(c.id, new ChannelQueue(options));
      this.#sigs.set(c.id, sig);
    }
  }

  /** One round: leadership, settings, the engine's clock-driven rules, quiet hours, digests, state. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    try {
      if (Date.now() - this.#lastReload >= RELOAD_MS) await this.reload();
      const leading = this.d.isLeader();
      if (leading && !this.#leading) await this.#takeOver();
      this.#leading = leading;
      if (!leading) return;
      this.engine.tick();
      if (!this.quietNow()) for (const q of this.#queues.values()) q.releaseHeld();
      await this.#digests(Date.now());
      await this.#saveState();
    } catch (err) {
      this.d.log.error({ err }, 'notify: evaluation failed');
    } finally {
      this.#ticking = false;
    }
  }

  /** Becoming the leader: the alert state, open clues and unfinished deliveries of the deployment. */
  async #takeOver(): Promise<void> {
    const [state, unfinished] = await Promise.all([
      this.d.store.listNotifyState(),
      this.d.store.unfinishedDeliveries(),
    ]);
    const alerts: AlertRecord[] = [];
    for (const e of state) {
      if (e.key.startsWith(STATE_PREFIX.alert)) alerts.push(e.doc as unknown as AlertRecord);
      else if (e.key.startsWith(STATE_PREFIX.digest))
        this.#digestMarks.set(e.key.slice(STATE_PREFIX.digest.length), String(e.doc.day));
    }
    this.engine.tracker.load(alerts);
    this.engine.loadClues(await this.#openClues());
    for (const rec of unfinished) {
      const q = this.#queues.get(rec.channel);
      if (q) q.restore(rec);
      else
        this.#sink.update(rec.id, {
          status: 'failed',
          error: `channel '${rec.channel}' no longer exists`,
          updatedAt: isoAt(Date.now()),
        });
    }
  }

  async #openClues(): Promise<Clue[]> {
    const out: Clue[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.d.store.listClues({ openOnly: true, limit: 5000, cursor });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    }
    return out;
  }

  async #saveState(): Promise<void> {
    const { put, del } = this.engine.tracker.takeDirty();
    if (put.length === 0 && del.length === 0) return;
    await this.d.store.saveNotifyState(
      put.map((r) => ({ key: STATE_PREFIX.alert + r.key, doc: r as unknown as Record<string, unknown> })),
      del.map((k) => STATE_PREFIX.alert + k),
    );
  }

  async #digests(now: number): Promise<void> {
    for (const r of this.engine.rules) {
      if (r.kind !== 'daily_digest' && r.kind !== 'weekly_report') continue;
      const day = digestDue(r, now, this.calendar);
      const mark = this.#digestMarks.get(r.id);
      // A rule seen for the first time after its hour today starts with the next one, not at once.
      const next = mark === undefined ? (day ?? '') : day !== null && day !== mark ? day : null;
      if (next === null) continue;
      this.#digestMarks.set(r.id, next);
      await this.d.store.saveNotifyState([{ key: STATE_PREFIX.digest + r.id, doc: { day: next } }], []);
      if (mark !== undefined) await this.sendDigest(r.id, now);
    }
  }

  /** Builds a rule's digest as of `now` and sends it (the admin's "send now", and the schedule). */
  async sendDigest(ruleId: string, now = Date.now()): Promise<Message> {
    const r = this.engine.rules.find((x) => x.id === ruleId);
    if (!r || (r.kind !== 'daily_digest' && r.kind !== 'weekly_report')) throw notFound('digest rule', ruleId);
    const deps = {
      store: this.d.store,
      tree: this.d.tree(),
      live: this.d.live(),
      baseUrl: this.d.baseUrl.replace(/\/+$/, ''),
    };
    const m = r.kind === 'daily_digest' ? await dailyDigest(deps, r, now) : await weeklyReport(deps, r, now);
    this.#route(r, m);
    return m;
  }

  /** Hands a rule's message to its channels: held through quiet hours unless the rule may wake people. */
  #route(r: Rule, m: Message): void {
    const hold = m.kind !== 'digest' && !r.ignoreQuietHours && this.quietNow();
    for (const id of r.channels) {
      const q = this.#queues.get(id);
      if (!q) {
        this.d.log.warn({ rule: r.id, channel: id }, 'notify: the rule names a channel that is disabled or gone');
        continue;
      }
      if (hold) q.hold(m);
      else void q.enqueue(m);
    }
  }

  quietNow(now = Date.now()): boolean {
    return isQuiet(this.d.section?.quietHours, this.calendar, now);
  }

  /** Quiet hours and the wall's announcement pace, for the wall. */
  quietState(now = Date.now()): { quiet: boolean; until: string | null; announceEverySec: number } {
    const until = quietUntil(this.d.section?.quietHours, this.calendar, now);
    return {
      quiet: this.quietNow(now),
      until: until === null ? null : isoAt(until),
      announceEverySec: this.d.section?.announce?.minIntervalSec ?? DEFAULT_ANNOUNCE_SEC,
    };
  }

  activeAlerts(region: string): ActiveAlert[] {
    return this.engine.activeAlerts(region);
  }

  // ── settings through the admin API ──

  channels(): ChannelView[] {
    return this.#channels.map(channelView);
  }

  channel(id: string): Channel | undefined {
    return this.#channels.find((c) => c.id === id);
  }

  rules(): Rule[] {
    return this.#rules;
  }

  async putChannel(body: NotifyChannelConfig, actor: AuditActor): Promise<ChannelView> {
    const doc = checkChannelWrite(body, this.channel(body.id));
    await this.d.store.putNotifySetting(
      {
        kind: 'channel',
        id: body.id,
        doc: doc as unknown as Record<string, unknown>,
        updatedAt: isoAt(Date.now()),
        updatedBy: actor.name,
      },
      auditEntry(actor, 'notify.channel.put', body.id, { kind: body.kind }),
    );
    await this.reload();
    return channelView(this.channel(body.id)!);
  }

  async putRule(body: NotifyRuleConfig & { id: string }, actor: AuditActor): Promise<Rule> {
    const doc = checkRuleWrite(
      body,
      this.rules().find((r) => r.id === body.id),
      this.#channels,
      this.d.tree(),
    );
    await this.d.store.putNotifySetting(
      {
        kind: 'rule',
        id: body.id,
        doc: doc as unknown as Record<string, unknown>,
        updatedAt: isoAt(Date.now()),
        updatedBy: actor.name,
      },
      auditEntry(actor, 'notify.rule.put', body.id, { kind: body.kind, region: body.region }),
    );
    await this.reload();
    return this.rules().find((r) => r.id === body.id)!;
  }

  async deleteSetting(kind: 'channel' | 'rule', id: string, actor: AuditActor): Promise<void> {
    const fromFile =
      kind === 'channel'
        ? this.channel(id)?.origin === 'file'
        : this.rules().find((r) => r.id === id)?.origin === 'file';
    if (fromFile)
      throw new HttpError(
        409,
        ErrorCode.conflict,
        `${kind} '${id}' comes from the config file (ZHIHUI_CONFIG): remove it there`,
      );
    if (kind === 'channel') {
      const users = this.rules()
        .filter((r) => r.channels.includes(id))
        .map((r) => r.id);
      if (users.length > 0)
        throw new HttpError(
          409,
          ErrorCode.conflict,
          `channel '${id}' is used by rules ${users.join(', ')}: change them first`,
        );
    }
    const gone = await this.d.store.deleteNotifySetting(kind, id, auditEntry(actor, `notify.${kind}.delete`, id, null));
    if (!gone) throw notFound(kind, id);
    await this.reload();
  }

  /** Sends a test message through a channel now and says what became of it. */
  async testChannel(id: string, actor: AuditActor): Promise<DeliveryOutcome> {
    const c = this.channel(id);
    if (!c) throw notFound('channel', id);
    const q = this.#queues.get(id);
    if (!q) throw new HttpError(409, ErrorCode.conflict, `channel '${id}' is disabled`);
    const now = Date.now();
    const m: Message = {
      kind: 'test',
      title: '测试消息 · 指挥 Zhihui',
      headline: `这是一条测试消息:通道「${c.name ?? c.id}」可以收到告警`,
      lines: [`发送人:${actor.name}`, `时间:${isoAt(now).slice(0, 16).replace('T', ' ')}`],
      link: null,
      region: c.region ?? this.d.defaultRegion,
      rule: null,
      key: null,
      urgent: false,
      mentions: null,
      at: isoAt(now),
    };
    const out = await q.enqueue(m);
    await this.flushLog();
    return out;
  }

  // ── the delivery log and the calendar ──

  async deliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>> {
    await this.flushLog();
    return this.d.store.listDeliveries(q);
  }

  async overrides(): Promise<CalendarOverrideRecord[]> {
    return this.d.store.listCalendarOverrides();
  }

  async putOverride(o: { date: string; workday: boolean; note: string | null }, actor: AuditActor): Promise<void> {
    await this.d.store.putCalendarOverride(
      { ...o, updatedAt: isoAt(Date.now()), updatedBy: actor.name },
      auditEntry(actor, 'calendar.override.put', o.date, { workday: o.workday, note: o.note }),
    );
    await this.reload();
  }

  async deleteOverride(date: string, actor: AuditActor): Promise<void> {
    if (!(await this.d.store.deleteCalendarOverride(date, auditEntry(actor, 'calendar.override.delete', date, null))))
      throw notFound('calendar override', date);
    await this.reload();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const off of this.#offs) off();
    for (const q of this.#queues.values()) q.close();
    await this.#saveState().catch(() => {});
    await this.flushLog();
  }
}
