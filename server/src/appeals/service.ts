import { randomBytes } from 'node:crypto';
import {
  DEFAULT_BOARD_CRITERIA,
  ErrorCode,
  TOPIC_DAY,
  descendantsOf,
  isAppealDay,
  monthRange,
  villageBoard,
  type Appeal,
  type AppealCreate,
  type AppealPatch,
  type BoardCriteria,
  type RegionTree,
  type Topic,
  type TopicCreate,
  type TopicPatch,
  type VillageBoard,
} from '@zhihui/shared';
import { auditEntry, type AuditActor } from '../domain/audit.js';
import { HttpError, fieldError, notFound } from '../domain/errors.js';
import { assertReaches, reaches, type RegionRoot } from '../domain/reach.js';
import { isoAt } from '../domain/time.js';
import type { Store } from '../store/types.js';

/** Audit actions of 说事儿. */
export const AppealAudit = {
  create: 'appeal.create',
  update: 'appeal.update',
  topicCreate: 'topic.create',
  topicUpdate: 'topic.update',
} as const;

const newId = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;
const shanghaiDay = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

/** The 26th of the month of `t` (Beijing time). */
function topicDayOf(t: number): string {
  return `${shanghaiDay(t).slice(0, 8)}${String(TOPIC_DAY).padStart(2, '0')}`;
}

/**
 * 说事儿, the four steps, over the store: appeals heard (说事), grouped into topics for the 26th
 * (议事), given an owner, a due time and an outcome (办事), and ranked by village each month (评事).
 * Every change is audited under the acting person's or key's name; regions go through reach.ts.
 */
export class AppealService {
  constructor(
    private readonly store: Store,
    private readonly regions: () => RegionTree,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(body: AppealCreate, by: AuditActor, within: RegionRoot): Promise<Appeal> {
    if (!this.regions().byCode.has(body.region))
      throw fieldError('region', `'${body.region}' is not a region of this deployment`, ErrorCode.unknownRegion);
    assertReaches(this.regions(), within, body.region, 'region');
    const now = this.clock();
    const heard = body.heardAt !== undefined ? Date.parse(body.heardAt) : now;
    if (heard > now + 5 * 60_000) throw fieldError('heardAt', 'is in the future');
    if (body.id !== undefined && (await this.store.getAppeal(body.id)))
      throw new HttpError(409, ErrorCode.conflict, `id: an appeal '${body.id}' exists`, [
        { field: 'id', message: 'in use' },
      ]);
    const heardAt = isoAt(heard);
    const a: Appeal = {
      id: body.id ?? newId('ap'),
      region: body.region,
      village: body.village.trim(),
      appellant: body.appellant.trim(),
      text: body.text.trim(),
      category: body.category,
      heardAt,
      appealDay: isAppealDay(heardAt),
      topicId: null,
      owner: null,
      dueAt: null,
      outcome: null,
      note: null,
      doneAt: null,
      clueId: null,
      createdBy: by.name,
      updatedAt: isoAt(now),
    };
    await this.store.putAppeals(
      [a],
      auditEntry(
        by,
        AppealAudit.create,
        a.id,
        { region: a.region, village: a.village, category: a.category, appealDay: a.appealDay },
        now,
      ),
    );
    return a;
  }

  /** An appeal in reach, or 404 (outside the subtree it is as unknown). */
  async get(id: string, within: RegionRoot): Promise<Appeal> {
    const a = await this.store.getAppeal(id);
    if (!a || !reaches(this.regions(), within, a.region)) throw notFound('appeal', id);
    return a;
  }

  async patch(id: string, p: AppealPatch, by: AuditActor, within: RegionRoot): Promise<Appeal> {
    const cur = await this.get(id, within);
    const now = this.clock();
    if (p.dueAt !== undefined && Date.parse(p.dueAt) <= Date.parse(cur.heardAt))
      throw fieldError('dueAt', `must be after the appeal was heard (${cur.heardAt})`);
    if (p.topicId !== undefined && p.topicId !== null) {
      const t = await this.store.getTopic(p.topicId);
      if (!t || t.region !== cur.region)
        throw fieldError('topicId', `no topic '${p.topicId}' in this appeal's township`);
    }
    if (p.clueId !== undefined) {
      const found = await this.store.getClue(p.clueId);
      if (
        !found ||
        !reaches(this.regions(), within, found.clue.region) ||
        !reaches(this.regions(), cur.region, found.clue.region)
      )
        throw fieldError('clueId', `no clue '${p.clueId}' in this appeal's township`);
    }
    const next: Appeal = {
      ...cur,
      clueId: p.clueId ?? cur.clueId,
      owner: p.owner?.trim() ?? cur.owner,
      dueAt: p.dueAt !== undefined ? isoAt(Date.parse(p.dueAt)) : cur.dueAt,
      outcome: p.outcome ?? cur.outcome,
      note: p.note !== undefined ? p.note.trim() || null : cur.note,
      topicId: p.topicId !== undefined ? p.topicId : cur.topicId,
      doneAt: p.outcome !== undefined && p.outcome !== cur.outcome ? isoAt(now) : cur.doneAt,
      updatedAt: isoAt(now),
    };
    if (next.outcome !== null && next.owner === null)
      throw fieldError('owner', 'an outcome needs an owner (办事: one owner per matter)');
    await this.store.putAppeals([next], auditEntry(by, AppealAudit.update, id, { ...p }, now));
    return next;
  }

  async list(region: string | undefined, month: string | undefined, within: RegionRoot): Promise<Appeal[]> {
    return this.store.listAppeals({ ...this.#scope(region, within), ...this.#months(month) });
  }

  async createTopic(
    body: TopicCreate,
    by: AuditActor,
    within: RegionRoot,
  ): Promise<{ topic: Topic; appeals: Appeal[] }> {
    if (!this.regions().byCode.has(body.region))
      throw fieldError('region', `'${body.region}' is not a region of this deployment`, ErrorCode.unknownRegion);
    assertReaches(this.regions(), within, body.region, 'region');
    const ids = [...new Set(body.appealIds)];
    const appeals: Appeal[] = [];
    for (const id of ids) {
      const a = await this.store.getAppeal(id);
      if (!a || a.region !== body.region || !reaches(this.regions(), within, a.region))
        throw fieldError('appealIds', `no appeal '${id}' in this township`);
      if (a.topicId !== null)
        throw new HttpError(409, ErrorCode.conflict, `appealIds: appeal '${id}' is already in topic '${a.topicId}'`, [
          { field: 'appealIds', message: 'already in a topic' },
        ]);
      appeals.push(a);
    }
    if (body.id !== undefined && (await this.store.getTopic(body.id)))
      throw new HttpError(409, ErrorCode.conflict, `id: a topic '${body.id}' exists`, [
        { field: 'id', message: 'in use' },
      ]);
    const now = this.clock();
    const first = Math.min(...appeals.map((a) => Date.parse(a.heardAt)));
    const topic: Topic = {
      id: body.id ?? newId('tp'),
      region: body.region,
      title: body.title.trim(),
      meetingDate: body.meetingDate ?? topicDayOf(first),
      decision: body.decision?.trim() || null,
      owner: null,
      dueAt: null,
      outcome: null,
      doneAt: null,
      createdBy: by.name,
      updatedAt: isoAt(now),
    };
    if (Number.isNaN(Date.parse(`${topic.meetingDate}T00:00:00+08:00`))) throw fieldError('meetingDate', 'not a date');
    await this.store.putTopic(
      topic,
      auditEntry(
        by,
        AppealAudit.topicCreate,
        topic.id,
        { title: topic.title, appeals: ids.length, meetingDate: topic.meetingDate },
        now,
      ),
    );
    const grouped = appeals.map((a) => ({ ...a, topicId: topic.id, updatedAt: isoAt(now) }));
    await this.store.putAppeals(grouped, null);
    return { topic, appeals: grouped };
  }

  /** A topic's decision, owner, due time and outcome; an outcome is given to its appeals that have none yet (with the topic's owner). */
  async patchTopic(id: string, p: TopicPatch, by: AuditActor, within: RegionRoot): Promise<Topic> {
    const cur = await this.store.getTopic(id);
    if (!cur || !reaches(this.regions(), within, cur.region)) throw notFound('topic', id);
    const now = this.clock();
    const next: Topic = {
      ...cur,
      decision: p.decision?.trim() ?? cur.decision,
      owner: p.owner?.trim() ?? cur.owner,
      dueAt: p.dueAt !== undefined ? isoAt(Date.parse(p.dueAt)) : cur.dueAt,
      outcome: p.outcome ?? cur.outcome,
      doneAt: p.outcome !== undefined && p.outcome !== cur.outcome ? isoAt(now) : cur.doneAt,
      updatedAt: isoAt(now),
    };
    if (next.outcome !== null && next.owner === null)
      throw fieldError('owner', 'an outcome needs an owner (办事: one owner per matter)');
    await this.store.putTopic(next, auditEntry(by, AppealAudit.topicUpdate, id, { ...p }, now));
    const members = await this.store.listAppeals({ topicId: id });
    const changed = members
      .filter((a) => a.outcome === null || a.owner === null || a.dueAt === null)
      .map((a) => ({
        ...a,
        owner: a.owner ?? next.owner,
        dueAt: a.dueAt ?? next.dueAt,
        outcome: a.outcome ?? next.outcome,
        doneAt: a.outcome === null && next.outcome !== null ? isoAt(now) : a.doneAt,
        updatedAt: isoAt(now),
      }));
    if (changed.length > 0) await this.store.putAppeals(changed, null);
    return next;
  }

  async listTopics(region: string | undefined, month: string | undefined, within: RegionRoot): Promise<Topic[]> {
    const scope = this.#scope(region, within);
    const r = month ? monthRange(month) : null;
    if (month && !r) throw fieldError('month', `'${month}' is not a month (YYYY-MM)`);
    return this.store.listTopics({ ...scope, ...(r ? { from: shanghaiDay(r.from), to: shanghaiDay(r.to) } : {}) });
  }

  /** 评事: the month's red and black list of the region's villages, by the criteria given (defaults otherwise). */
  async board(
    region: string,
    month: string,
    criteria: Partial<BoardCriteria>,
    within: RegionRoot,
  ): Promise<VillageBoard> {
    const r = monthRange(month);
    if (!r) throw fieldError('month', `'${month}' is not a month (YYYY-MM)`);
    const scope = this.#scope(region, within);
    const appeals = await this.store.listAppeals({ ...scope, from: isoAt(r.from), to: isoAt(r.to) });
    const given = Object.fromEntries(
      Object.entries(criteria).filter(([, v]) => v !== undefined),
    ) as Partial<BoardCriteria>;
    return villageBoard(region, month, appeals, Math.min(r.to, this.clock()), { ...DEFAULT_BOARD_CRITERIA, ...given });
  }

  #scope(region: string | undefined, within: RegionRoot): { regions?: string[] } {
    const tree = this.regions();
    if (region !== undefined) {
      if (!tree.byCode.has(region))
        throw fieldError('region', `'${region}' is not a region of this deployment`, ErrorCode.unknownRegion);
      assertReaches(tree, within, region, 'region');
      return { regions: descendantsOf(tree, region).map((x) => x.code) };
    }
    return within === null ? {} : { regions: descendantsOf(tree, within).map((x) => x.code) };
  }

  #months(month: string | undefined): { from?: string; to?: string } {
    if (month === undefined) return {};
    const r = monthRange(month);
    if (!r) throw fieldError('month', `'${month}' is not a month (YYYY-MM)`);
    return { from: isoAt(r.from), to: isoAt(r.to) };
  }
}
