import { randomUUID } from 'node:crypto';
import { CLUE_TRANSITIONS, ErrorCode, type Clue, type ClueCreate, type CluePatch } from '@zhihui/shared';
import { WorkCalendar } from '../../notify/calendar.js';
import { HttpError, fieldError, notFound } from '../errors.js';
import { assertReaches, reaches, type RegionRoot } from '../reach.js';
import { isoAt } from '../time.js';
import type { IngestContext } from './context.js';

const DAY_MS = 86_400_000;
/** Due time when the sender gives none: a day for urgent clues, three otherwise. */
const DEFAULT_DUE_MS = { urgent: DAY_MS, normal: 3 * DAY_MS };

/** China's official calendar without overrides, where no notifications capability supplies one. */
const officialCalendar = new WorkCalendar();

const sameTime = (a: string | null, b: string | undefined) =>
  b === undefined || (a !== null && Date.parse(a) === Date.parse(b));

/** Fields of a create request that differ from the stored clue (fields the request leaves out are not compared). */
function clueDifferences(c: Clue, b: ClueCreate): string[] {
  const out: string[] = [];
  const given = <K extends keyof ClueCreate>(k: K) => b[k] !== undefined;
  if (c.category !== b.category) out.push('category');
  if (c.source !== b.source) out.push('source');
  if (c.region !== b.region) out.push('region');
  if (c.title !== b.title) out.push('title');
  if (given('description') && c.description !== b.description) out.push('description');
  if (given('lon') && c.lon !== b.lon) out.push('lon');
  if (given('lat') && c.lat !== b.lat) out.push('lat');
  if (!sameTime(c.reportedAt, b.reportedAt)) out.push('reportedAt');
  if (!sameTime(c.dueAt, b.dueAt)) out.push('dueAt');
  if (given('urgent') && c.urgent !== b.urgent) out.push('urgent');
  if (given('gridWorkerId') && c.gridWorkerId !== b.gridWorkerId) out.push('gridWorkerId');
  return out;
}

/** The 409 for a step the lifecycle does not allow, naming both states and the allowed ones. */
function badTransition(from: Clue['status'], to: Clue['status']): HttpError {
  const allowed = CLUE_TRANSITIONS[from];
  return new HttpError(
    409,
    ErrorCode.badTransition,
    `cannot go from ${from} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`}`,
    { from, to, allowed },
  );
}

/**
 * Clues: creation (idempotent by id) and their lifecycle. Bodies come checked against their shared
 * schema (by the route, or built by the caller); what is checked here is what a schema cannot know:
 * regions, times against now and each other, ids already taken.
 */
export function clueIngest(ctx: IngestContext) {
  return {
    createClue: createClue.bind(null, ctx),
    patchClue: patchClue.bind(null, ctx),
  };
}

/** When the clue is due: the working days or the time given, else the default for its urgency. */
function dueTime(ctx: IngestContext, b: ClueCreate, reportedAt: number): number {
  if (b.dueWorkdays !== undefined) {
    if (b.dueAt !== undefined) throw fieldError('dueWorkdays', 'give either dueAt or dueWorkdays, not both');
    return (ctx.deps.workdays?.() ?? officialCalendar).dueAfterWorkdays(reportedAt, b.dueWorkdays);
  }
  if (b.dueAt !== undefined) {
    const dueAt = Date.parse(b.dueAt);
    if (dueAt <= reportedAt) throw fieldError('dueAt', `must be after reportedAt (${isoAt(reportedAt)})`);
    return dueAt;
  }
  return reportedAt + (b.urgent ? DEFAULT_DUE_MS.urgent : DEFAULT_DUE_MS.normal);
}

/** A retry of a stored clue (its id repeated with the same content), or null when the id is new. */
async function retried(ctx: IngestContext, b: ClueCreate, within: RegionRoot): Promise<Clue | null> {
  const { store } = ctx;
  if (b.id === undefined) return null;
  // A retry is answered before anything else is judged (its time may have passed); the same id
  // with other content is someone else's clue, never silently the answer.
  const existing = await store.getClue(b.id);
  if (!existing) return null;
  if (!reaches(ctx.deps.regions(), within, existing.clue.region))
    throw new HttpError(409, ErrorCode.conflict, `id: clue id '${b.id}' is already taken; choose another id`);
  const diff = clueDifferences(existing.clue, b);
  if (diff.length > 0)
    throw new HttpError(
      409,
      ErrorCode.conflict,
      `id: a clue '${b.id}' already exists with other content (${diff.join(', ')}); a retry must repeat the same clue`,
      { fields: diff },
    );
  return existing.clue;
}

async function createChecked(
  ctx: IngestContext,
  b: ClueCreate,
  actor: string,
  now: number,
  within: RegionRoot,
): Promise<{ clue: Clue; created: boolean }> {
  const { store } = ctx;
  const tree = ctx.deps.regions();
  if (!tree.byCode.has(b.region))
    throw fieldError('region', `unknown region code '${b.region}'`, ErrorCode.unknownRegion);
  assertReaches(tree, within, b.region, 'region');
  const stored = await retried(ctx, b, within);
  if (stored) return { clue: stored, created: false };
  const reportedAt = b.reportedAt !== undefined ? Date.parse(b.reportedAt) : now;
  ctx.futureCheck('reportedAt', reportedAt, now);
  const dueAt = dueTime(ctx, b, reportedAt);
  if ((b.lon === undefined) !== (b.lat === undefined))
    throw fieldError(b.lon === undefined ? 'lon' : 'lat', 'lon and lat go together');
  if (b.gridWorkerId !== undefined && !(await ctx.workerWithin(b.gridWorkerId, within))) {
    throw fieldError('gridWorkerId', `unknown grid worker '${b.gridWorkerId}'`, ErrorCode.unknownWorker);
  }
  const at = isoAt(reportedAt);
  const clue: Clue = {
    id: b.id ?? `${isoAt(now).slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 13)}`,
    category: b.category,
    source: b.source,
    region: b.region,
    title: b.title,
    description: b.description ?? null,
    lon: b.lon ?? null,
    lat: b.lat ?? null,
    reportedAt: at,
    dueAt: isoAt(dueAt),
    status: 'reported',
    assignee: null,
    outcome: null,
    urgent: b.urgent ?? false,
    gridWorkerId: b.gridWorkerId ?? null,
    resolvedAt: null,
    updatedAt: at,
    createdBy: actor,
  };
  const res = await store.createClue(clue, { from: null, to: 'reported', at, actor, note: null });
  if (res.created) {
    ctx.inc('zhihui_clues_total', { source: clue.source });
    ctx.deps.bus.emit('clues', { clues: [res.clue] });
  }
  return res;
}

/** Creates a clue; a repeated id with the same content returns the stored clue with created: false, with other content 409. */
async function createClue(
  ctx: IngestContext,
  body: ClueCreate,
  actor: string,
  within: RegionRoot = null,
): Promise<{ clue: Clue; created: boolean }> {
  const now = ctx.clock();
  return body.id === undefined
    ? createChecked(ctx, body, actor, now, within)
    : ctx.withLock(`clue:${body.id}`, () => createChecked(ctx, body, actor, now, within));
}

/** Moves a clue along its lifecycle (409 BAD_TRANSITION when not allowed). */
async function patchClue(
  ctx: IngestContext,
  id: string,
  p: CluePatch,
  actor: string,
  within: RegionRoot = null,
): Promise<Clue> {
  const { store } = ctx;
  return ctx.withLock(`clue:${id}`, async () => {
    const now = ctx.clock();
    const found = await store.getClue(id);
    if (!found || !reaches(ctx.deps.regions(), within, found.clue.region)) throw notFound('clue', id);
    const cur = found.clue;
    const at = p.at !== undefined ? Date.parse(p.at) : now;
    ctx.futureCheck('at', at, now);
    const last = found.history[found.history.length - 1];
    if (last && at < Date.parse(last.at)) throw fieldError('at', `is before the clue's last step (${last.at})`);
    if (p.outcome !== undefined && cur.category !== 'dispute')
      throw fieldError('outcome', `only disputes have a mediation outcome (this clue is ${cur.category})`);
    const assignee = p.assignee ?? cur.assignee;
    const outcome = p.outcome ?? cur.outcome;
    const dueAt = p.dueAt !== undefined ? isoAt(Date.parse(p.dueAt)) : cur.dueAt;
    if (p.dueAt !== undefined && Date.parse(p.dueAt) <= at)
      throw fieldError('dueAt', 'must be after the step it is set with');
    if (p.status === cur.status) {
      // Same status: a retry changes nothing; a new assignee, outcome or due time is recorded as a step.
      if (assignee === cur.assignee && outcome === cur.outcome && dueAt === cur.dueAt) return cur;
    } else if (!CLUE_TRANSITIONS[cur.status].includes(p.status)) throw badTransition(cur.status, p.status);
    const iso = isoAt(at);
    const next: Clue = {
      ...cur,
      status: p.status,
      assignee,
      outcome,
      dueAt,
      resolvedAt:
        p.status === 'resolved' && cur.status !== 'resolved' ? iso : p.status === 'dispatched' ? null : cur.resolvedAt,
      updatedAt: iso,
    };
    await store.updateClue(next, { from: cur.status, to: p.status, at: iso, actor, note: p.note ?? null });
    ctx.inc('zhihui_clue_transitions_total', { to: p.status });
    ctx.deps.bus.emit('clues', { clues: [next] });
    return next;
  });
}
