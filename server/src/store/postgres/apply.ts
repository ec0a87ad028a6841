import type pg from 'pg';
import { msAt, type CameraReason, type CameraStatus } from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
import { betweenLate, neverHeard, planLate, takeBack, type HistoryStep } from '../late.js';
import { cameraRecordOf, type CameraRowOf } from './cameraRow.js';
import { COPY_FROM_ROWS, copyCameraStates, copyStatusEvents, statusEventsText, type StatusEventsText } from './copy.js';
import { t, tOrNull } from './time.js';
import type { CameraRecord, StatusEvent, StatusInput } from '../types.js';

/** What one batch of reports does to the channels it names. */
export interface StatusDecision {
  /** Every channel the batch moved, in its new state (last-seen moves even on heartbeats). */
  touched: CameraRecord[];
  /** Channels whose status or reason changed. */
  changed: CameraRecord[];
  /** Every event of the batch, in order. */
  events: StatusEvent[];
  /** The tail of `events` still to be written (the late hook writes what came before it). */
  unwritten: StatusEvent[];
  /** Stored events the late hook took back (dropped, or re-chained: in their old form). */
  retracted: StatusEvent[];
}

/** What a late report did to the stored history. */
export interface LateFiled {
  /** The event it added. */
  event: StatusEvent;
  /** The next stored change, taken back (dropped or re-chained), in its old form. */
  retracted?: StatusEvent;
  /** The re-chained change in its new form (already stored). */
  rechained?: StatusEvent;
  /** The dropped change was the channel's latest (no change is left after the report). */
  latest?: boolean;
}

/**
 * Files a late report into the stored history (see planLate) and returns the event it added, if
 * any. `unwritten` are this batch's events not stored yet: the hook writes them first, so the
 * history it reads is the one the batch has made so far.
 */
export type LateHook = (
  report: StatusInput & { reason: StatusEvent['reason'] },
  current: CameraStatus,
  unwritten: readonly StatusEvent[],
) => Promise<LateFiled | null>;

/** The stored history as a batch's decisions read it (one transaction's; see lateHistory). */
export interface LateHistory {
  file: LateHook;
  /** Whether a stored change of the channel lies after `at` (ISO); this batch's unwritten events are the caller's. */
  changedAfter(cameraId: string, at: string): Promise<boolean>;
}

/** A channel's record in this batch with its since and last-seen as epoch ms. */
interface Times {
  rec: CameraRecord;
  since: number;
  lastSeen: number | null;
}

function instant(iso: string): number {
  const t = msAt(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return t;
}

/** `instant` remembered for one batch: its reports and records mostly share a few instants. */
function instants(): (iso: string) => number {
  const seen = new Map<string, number>();
  return (iso) => {
    let t = seen.get(iso);
    if (t === undefined) seen.set(iso, (t = instant(iso)));
    return t;
  };
}

/** The times of a channel, read on its first report in the batch; undefined for an unknown channel. */
function timesOf(
  seen: Map<string, Times>,
  state: ReadonlyMap<string, CameraRecord>,
  current: ReadonlyMap<string, CameraRecord>,
  id: string,
  ms: (iso: string) => number,
): Times | undefined {
  let t = seen.get(id);
  if (t) return t;
  const rec = state.get(id) ?? current.get(id);
  if (!rec) return undefined;
  t = { rec, since: ms(rec.since), lastSeen: rec.lastSeen === null ? null : ms(rec.lastSeen) };
  seen.set(id, t);
  return t;
}

/**
 * Applies reports in order to copies of `current`, with the same rules as the SQLite store:
 * a repeat of the current state is a heartbeat; a report older than `since` cannot change the
 * present and only teaches the history what was true then (the late hook, which sees this
 * batch's earlier events), unless the channel was never heard from, whose `since` is only its
 * inventory time; a verdict of silence (`heard: false`) is void once the channel was heard from
 * or changed at or after it. Unknown channels are skipped.
 */
export async function decideStatus(
  current: ReadonlyMap<string, CameraRecord>,
  reports: readonly StatusInput[],
  history: LateHistory,
): Promise<StatusDecision> {
  const state = new Map<string, CameraRecord>();
  /** Each channel looked at, its times read once (records keep them as ISO strings). */
  const seen = new Map<string, Times>();
  const changedIds = new Set<string>();
  const events: StatusEvent[] = [];
  const retracted: StatusEvent[] = [];
  let written = 0;
  const ms = instants();
  for (const r of reports) {
    const times = timesOf(seen, state, current, r.cameraId, ms);
    if (!times) continue;
    const at = r.atMs ?? ms(r.at);
    const heard = r.heard !== false;
    if (!heard && ((times.lastSeen !== null && times.lastSeen >= at) || at < times.since)) continue;
    let row = state.get(r.cameraId);
    if (!row) state.set(r.cameraId, (row = { ...times.rec }));
    times.rec = row;
    const since = times.since;
    const fresh =
      heard && neverHeard(row) && (at >= since || !(await changedAfter(r, at, events.slice(written), ms, history)));
    if (heard && (times.lastSeen === null || at > times.lastSeen)) {
      row.lastSeen = r.at;
      times.lastSeen = at;
    }
    const reason = r.status === 'online' ? null : r.reason;
    if (at < since && !fresh) {
      const filed = await history.file({ ...r, reason }, row.status, events.slice(written));
      if (filed) {
        events.push(filed.event);
        if (filed.retracted) {
          // The hook wrote this batch's earlier events: one of them may be what it took back
          // (`written` is recounted from `events` below, so it needs no adjusting here). Taken
          // back before the new form is added, as sqlite/apply.ts does.
          takeBack(events, retracted, filed.retracted);
          // The dropped change was what started the current state (the channel's latest change, not
          // only one at the instant of `since`): it now holds since the report.
          if (filed.latest && ms(filed.retracted.at) === since) {
            row.since = r.at;
            times.since = at;
            changedIds.add(row.id);
          }
        }
        if (filed.rechained) events.push(filed.rechained);
      }
      written = events.length;
      continue;
    }
    const between = betweenLate(row, times.lastSeen, at, r.status, reason, heard && !fresh);
    if (between !== null) {
      // Older than the latest observation: true then, but not now (see betweenLate).
      events.push({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: r.at, actor: r.actor });
      events.push({
        cameraId: r.cameraId,
        from: r.status,
        to: row.status,
        reason: row.reason,
        at: row.lastSeen!,
        actor: r.actor,
      });
      row.since = row.lastSeen!;
      times.since = between;
      changedIds.add(row.id);
      continue;
    }
    if (r.status !== row.status || (r.status !== 'online' && reason !== row.reason)) {
      events.push({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: r.at, actor: r.actor });
      row.status = r.status;
      row.reason = reason;
      row.since = r.at;
      times.since = at;
      changedIds.add(row.id);
    }
  }
  return {
    touched: [...state.values()],
    changed: [...changedIds].map((id) => state.get(id)!),
    events,
    unwritten: events.slice(written),
    retracted,
  };
}

/** Whether the history holds a change of the report's channel after `at`, this batch's unwritten events included. */
async function changedAfter(
  r: StatusInput,
  at: number,
  unwritten: readonly StatusEvent[],
  ms: (iso: string) => number,
  history: LateHistory,
): Promise<boolean> {
  if (unwritten.some((e) => e.cameraId === r.cameraId && ms(e.at) > at)) return true;
  return history.changedAfter(r.cameraId, r.at);
}

/** A stored instant as epoch ms, truncated as the driver's Date parsing would (exact from PostgreSQL 14). */
export const epochMs = (col: string) => `floor(extract(epoch FROM ${col}) * 1000)::float8 AS ${col}`;
const READ_SQL = (ids: string) =>
  `SELECT id, name, region, lon, lat, in_service, status, reason, ${epochMs('since')}, ${epochMs('last_seen')},
     maintenance, ${epochMs('valid_from')}
   FROM cameras WHERE id = ANY(${ids})`;

/** The batch's rows are read with their times as epoch ms (no Date per row). */
type ReadRow = CameraRowOf<number>;

/**
 * The named channels as committed. The caller holds the lock on camera writes (channelCache.ts),
 * so no row locks, unless `lockRows`: the retry after a writer outside that lock moved cameras
 * mid-batch locks its rows as well, in id order. Times come as epoch ms and the ids go as one
 * string: a batch of 5,000 parses no Date and escapes no array element per row.
 */
export async function readChannels(
  c: pg.ClientBase,
  ids: readonly string[],
  lockRows = false,
): Promise<Map<string, CameraRecord>> {
  // Ids are checked against a pattern without commas; any other caller's still gets an array.
  const joined = ids.some((id) => id.includes(',')) ? null : ids.join(',');
  const sql = READ_SQL(joined === null ? '$1::text[]' : "string_to_array($1::text, ',')");
  const { rows } = await c.query<ReadRow>(lockRows ? `${sql} ORDER BY id FOR UPDATE` : sql, [joined ?? ids]);
  const out = new Map<string, CameraRecord>();
  for (const r of rows) out.set(r.id, cameraRecordOf(r, isoAt));
  return out;
}

export async function insertStatusEvents(c: pg.PoolClient, events: readonly StatusEvent[]): Promise<void> {
  if (events.length === 0) return;
  await c.query(
    `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])`,
    [
      events.map((e) => e.cameraId),
      events.map((e) => e.from),
      events.map((e) => e.to),
      events.map((e) => e.reason),
      events.map((e) => t(e.at)),
      events.map((e) => e.actor),
    ],
  );
}

/** A stored status change as the late hook reads it. */
interface StepRow {
  id: string;
  from_status: CameraStatus;
  to_status: CameraStatus;
  reason: CameraReason | null;
  at: Date;
  actor: string;
}

/**
 * The stored change after a late report, found again by its key (at, id) since migration 11: `at`
 * within a millisecond either side of the time read back ($2, $4; the driver's Date holds whole
 * milliseconds), so the lookup is a short range of the key, not the channel's whole later history.
 */
const NEXT_ROW = 'WHERE at >= $2 AND at <= $4 AND id = $3 AND camera_id = $1';
/** The parameters of NEXT_ROW for the stored change `n`. */
const nextRow = (cameraId: string, n: StepRow) => {
  const at = n.at.getTime();
  return [cameraId, new Date(at - 1), n.id, new Date(at + 1)];
};

/** A fix-up that missed its row would leave the history wrong: the batch's transaction rolls back. */
function mustHaveTouched(rowCount: number | null, n: StepRow): void {
  if (rowCount !== 1) throw new Error(`late report: stored change ${n.id} not found again (${rowCount} rows)`);
}

const stepOf = (x: StepRow | undefined): HistoryStep | undefined =>
  x && { from: x.from_status, to: x.to_status, reason: x.reason };

/** The history as one transaction's batch reads it: the late hook, and whether a channel changed after an instant. */
export function lateHistory(c: pg.PoolClient): LateHistory {
  return {
    file: lateHook(c),
    async changedAfter(cameraId, at) {
      const { rowCount } = await c.query('SELECT 1 FROM status_events WHERE camera_id = $1 AND at > $2 LIMIT 1', [
        cameraId,
        t(at),
      ]);
      return (rowCount ?? 0) > 0;
    },
  };
}

/**
 * The late hook of one transaction (see planLate): reads the stored changes either side of a late
 * report, files it, and drops or re-chains the next stored change, as sqlite/apply.ts does.
 */
function lateHook(c: pg.PoolClient): LateHook {
  return async (r, cur, unwritten) => {
    await insertStatusEvents(c, unwritten);
    const at = t(r.at);
    const { rows: prev } = await c.query<StepRow>(
      'SELECT id, from_status, to_status, reason FROM status_events WHERE camera_id = $1 AND at <= $2 ORDER BY at DESC, id DESC LIMIT 1',
      [r.cameraId, at],
    );
    const { rows: next } = await c.query<StepRow>(
      // Two rows: whether the next change is the channel's latest is known without another query.
      'SELECT id, from_status, to_status, reason, at, actor FROM status_events WHERE camera_id = $1 AND at > $2 ORDER BY at, id LIMIT 2',
      [r.cameraId, at],
    );
    const plan = planLate(r.status, r.reason, stepOf(prev[0]), stepOf(next[0]), cur);
    if (!plan) return null;
    const e: StatusEvent = {
      cameraId: r.cameraId,
      from: plan.from,
      to: r.status,
      reason: r.reason,
      at: r.at,
      actor: r.actor,
    };
    await insertStatusEvents(c, [e]);
    if (plan.next === 'keep') return { event: e };
    const n = next[0]!;
    const old: StatusEvent = {
      cameraId: r.cameraId,
      from: n.from_status,
      to: n.to_status,
      reason: n.reason,
      at: isoAt(n.at.getTime()),
      actor: n.actor,
    };
    if (plan.next === 'rechain') {
      const { rowCount } = await c.query(`UPDATE status_events SET from_status = $5 ${NEXT_ROW}`, [
        ...nextRow(r.cameraId, n),
        r.status,
      ]);
      mustHaveTouched(rowCount, n);
      return { event: e, retracted: old, rechained: { ...old, from: r.status } };
    }
    const { rowCount } = await c.query(`DELETE FROM status_events ${NEXT_ROW}`, nextRow(r.cameraId, n));
    mustHaveTouched(rowCount, n);
    return { event: e, retracted: old, latest: next.length === 1 };
  };
}

/** Channels that share a new state, their ids as one comma-joined string (`keep`: only last-seen moved). */
interface StateGroup {
  ids: string[];
  keep: boolean;
  rec: CameraRecord;
}

/**
 * The touched channels grouped by the state they get, or null when grouping does not pay (many
 * distinct states) or an id has a comma. A heartbeat moves only last-seen, so its channel joins
 * the other heartbeats of the same instant whatever its own status and since.
 */
function stateGroups(touched: readonly CameraRecord[], before: ReadonlyMap<string, CameraRecord>): StateGroup[] | null {
  const groups = new Map<string, StateGroup>();
  const most = Math.floor(touched.length / GROUPED_ROWS_PER_STATE);
  let last: StateGroup | undefined;
  for (const r of touched) {
    if (r.id.includes(',')) return null;
    const was = before.get(r.id);
    const keep = was !== undefined && was.status === r.status && was.reason === r.reason && was.since === r.since;
    // Neighbours mostly share a state: compared field by field before any key is built.
    let g = last && last.keep === keep && sameState(last.rec, r, keep) ? last : undefined;
    if (!g) {
      const key = keep ? `k\t${r.lastSeen}` : `w\t${r.status}\t${r.reason}\t${r.since}\t${r.lastSeen}`;
      g = groups.get(key);
      if (!g) {
        if (groups.size >= most) return null;
        groups.set(key, (g = { ids: [], keep, rec: r }));
      }
    }
    g.ids.push(r.id);
    last = g;
  }
  return [...groups.values()];
}

const sameState = (a: CameraRecord, b: CameraRecord, keep: boolean): boolean =>
  a.lastSeen === b.lastSeen && (keep || (a.status === b.status && a.reason === b.reason && a.since === b.since));

/** Rows per distinct state from which a batch's channels are written grouped (few statements' worth of text). */
const GROUPED_ROWS_PER_STATE = 8;

/**
 * One UPDATE for channels grouped by their new state: each group's ids travel as one string the
 * server splits. A batch's reports mostly share a few instants, so 5,000 channels are a handful
 * of groups: no staging table, no per-row escaping. A kept group leaves status, reason and since.
 */
async function updateGrouped(c: pg.PoolClient, groups: readonly StateGroup[]): Promise<void> {
  await c.query(
    `UPDATE cameras AS c SET
       status = CASE WHEN u.keep THEN c.status ELSE u.status END,
       reason = CASE WHEN u.keep THEN c.reason ELSE u.reason END,
       since = CASE WHEN u.keep THEN c.since ELSE u.since END,
       last_seen = u.last_seen
     FROM (
       SELECT unnest(string_to_array(g.ids, ',')) AS id, g.keep, g.status, g.reason, g.since, g.last_seen
       FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
         AS g(ids, keep, status, reason, since, last_seen)
     ) AS u
     WHERE c.id = u.id`,
    [
      groups.map((g) => g.ids.join(',')),
      groups.map((g) => g.keep),
      groups.map((g) => g.rec.status),
      groups.map((g) => g.rec.reason),
      groups.map((g) => t(g.rec.since)),
      groups.map((g) => tOrNull(g.rec.lastSeen)),
    ],
  );
}

/** The channels' new states: grouped by state when they share a few, else by COPY when many, else one unnest. */
async function writeStates(
  c: pg.PoolClient,
  touched: readonly CameraRecord[],
  before: ReadonlyMap<string, CameraRecord>,
): Promise<void> {
  if (touched.length === 0) return;
  const groups = stateGroups(touched, before);
  if (groups) {
    await updateGrouped(c, groups);
  } else if (touched.length >= COPY_FROM_ROWS) {
    await copyCameraStates(c, touched);
  } else {
    await c.query(
      `UPDATE cameras AS c SET status = u.status, reason = u.reason, since = u.since, last_seen = u.last_seen
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
         AS u(id, status, reason, since, last_seen)
       WHERE c.id = u.id`,
      [
        touched.map((r) => r.id),
        touched.map((r) => r.status),
        touched.map((r) => r.reason),
        touched.map((r) => t(r.since)),
        touched.map((r) => tOrNull(r.lastSeen)),
      ],
    );
  }
}

/**
 * Writes a decided batch: the channels' new states (writeStates), then its events not yet
 * written (COPY when many). `before` is what the batch decided from. The events' COPY text is
 * encoded while the server runs the channels' update: the update is sent first and awaited after.
 */
export async function writeStatus(
  c: pg.PoolClient,
  d: StatusDecision,
  before: ReadonlyMap<string, CameraRecord>,
): Promise<void> {
  const { touched, unwritten } = d;
  const states = writeStates(c, touched, before);
  let text: StatusEventsText | null = null;
  try {
    if (unwritten.length >= COPY_FROM_ROWS) text = statusEventsText(unwritten);
  } finally {
    // Awaited even when the encoding throws: no write of the batch is left running unobserved.
    await states;
  }
  if (text) await copyStatusEvents(c, text);
  else await insertStatusEvents(c, unwritten);
}

/**
 * Renders the batch's times as the store reads them back (isoAt). decideStatus made these records
 * and events for this batch alone, so they are rendered in place.
 */
export function renderTimes(changed: CameraRecord[], events: StatusEvent[]): void {
  // A batch's reports mostly share a few instants: render each once.
  const shown = new Map<string, string>();
  const sh = (iso: string): string => {
    let s = shown.get(iso);
    if (s === undefined) shown.set(iso, (s = isoAt(msAt(iso))));
    return s;
  };
  for (const r of changed) {
    r.since = sh(r.since);
    if (r.lastSeen !== null) r.lastSeen = sh(r.lastSeen);
  }
  for (const e of events) e.at = sh(e.at);
}
