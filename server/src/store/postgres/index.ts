import pg from 'pg';
import type {
  CameraInput,
  Clue,
  ClueEvent,
  ClueStatus,
  GridReport,
  GridWorkerView,
  MaintenanceWindow,
  Page,
  Region,
} from '@zhihui/shared';
import { OPEN_CLUE_STATUSES } from '@zhihui/shared';
import type {
  AuditEntry,
  AuditQuery,
  CalendarOverrideRecord,
  CameraPlace,
  CameraQuery,
  CameraRecord,
  ChannelRange,
  ServiceChange,
  ClueQuery,
  CredentialRecord,
  DeliveryQuery,
  DeliveryRecord,
  GridReportPageQuery,
  MaintenanceSpan,
  NotifySetting,
  NotifyStateEntry,
  SeedData,
  StatusApplied,
  StatusEvent,
  StatusInput,
  Store,
} from '../types.js';
import { decodeCursor, encodeCursor, tupleOf } from '../cursor.js';
import { runMigrations } from './migrations.js';
import { postgresPeople } from './people.js';
import { postgresAppeals } from './appeals.js';
import type { AppealStore } from '../sqlite/appeals.js';
import type { PeopleStore } from '../sqlite/people.js';
import { decideStatus, epochMs, lateHistory, renderTimes, writeStatus } from './apply.js';
import { netEffect } from '../late.js';
import { ChannelCache, LOCK_CAMERA_WRITES, type ChannelView } from './channelCache.js';
import { COPY_FROM_ROWS, forgetStaging } from './copy.js';
import { t, tOrNull } from './time.js';
import {
  CAMERA_COLS,
  CLUE_COLS,
  clueParams,
  isoShanghai,
  normWindow,
  toCamera,
  toClue,
  toCredential,
  toDelivery,
  toReport,
  toStatusEvent,
  toWorker,
  type CameraRow,
  type ClueRow,
  type CredentialRow,
  type DeliveryRow,
  type ReportRow,
  type StatusEventRow,
  type WorkerRow,
} from './rows.js';
import { lastById, seedInto, upsertRegions, upsertWorkers } from './seed.js';

/** A status batch's answer when it was rolled back for deciding from rows moved outside the lock. */
const STALE = Symbol('stale');

const isIdCursor = tupleOf('string');
const isClueCursor = (v: unknown): v is [string, string] =>
  Array.isArray(v) &&
  v.length === 2 &&
  typeof v[0] === 'string' &&
  typeof v[1] === 'string' &&
  Number.isFinite(Date.parse(v[0]));

async function insertAudit(db: pg.Pool | pg.PoolClient, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO audit (at, actor, action, target, details, actor_id)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
    [
      entries.map((e) => t(e.at)),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.target),
      entries.map((e) => (e.details === null ? null : JSON.stringify(e.details))),
      entries.map((e) => e.actorId ?? null),
    ],
  );
}
/** [epoch ms, source ('a' audit / 'c' clue step), row id]: the listAudit order, newest first. */
const isAuditCursor = (v: unknown): v is [number, 'a' | 'c', string] =>
  Array.isArray(v) &&
  v.length === 3 &&
  Number.isFinite(v[0]) &&
  (v[1] === 'a' || v[1] === 'c') &&
  typeof v[2] === 'string' &&
  /^[0-9]+$/.test(v[2]);

/** [created_at epoch ms, id]: the delivery log order, newest first. */
const isDeliveryCursor = tupleOf('number', 'string');

/** Parses the first schema of a `search_path` setting (tests isolate runs in their own schema). */
function firstSchema(searchPath: string): string | null {
  const first = searchPath.split(',')[0]?.trim() ?? '';
  if (!first || first === '"$user"' || first === '$user') return null;
  return first.startsWith('"') ? first.slice(1, -1).replace(/""/g, '"') : first;
}

const EMPTY_SQL = `SELECT NOT EXISTS (SELECT 1 FROM regions) AND NOT EXISTS (SELECT 1 FROM cameras)
  AND NOT EXISTS (SELECT 1 FROM clues) AS empty`;

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  #peopleStore: PeopleStore | null = null;
  get #people(): PeopleStore {
    return (this.#peopleStore ??= postgresPeople(this.#pool, (fn) => this.#tx(fn), insertAudit, isoShanghai));
  }
  readonly createUser: PeopleStore['createUser'] = (...a) => this.#people.createUser(...a);
  readonly listUsers: PeopleStore['listUsers'] = (...a) => this.#people.listUsers(...a);
  readonly getUserByName: PeopleStore['getUserByName'] = (...a) => this.#people.getUserByName(...a);
  readonly getUser: PeopleStore['getUser'] = (...a) => this.#people.getUser(...a);
  readonly updateUser: PeopleStore['updateUser'] = (...a) => this.#people.updateUser(...a);
  readonly recordSignInFailure: PeopleStore['recordSignInFailure'] = (...a) => this.#people.recordSignInFailure(...a);
  readonly createSession: PeopleStore['createSession'] = (...a) => this.#people.createSession(...a);
  readonly getSession: PeopleStore['getSession'] = (...a) => this.#people.getSession(...a);
  readonly touchSession: PeopleStore['touchSession'] = (...a) => this.#people.touchSession(...a);
  readonly deleteSession: PeopleStore['deleteSession'] = (...a) => this.#people.deleteSession(...a);
  readonly deleteSessionsOf: PeopleStore['deleteSessionsOf'] = (...a) => this.#people.deleteSessionsOf(...a);
  readonly deleteStaleSessions: PeopleStore['deleteStaleSessions'] = (...a) => this.#people.deleteStaleSessions(...a);

  #appealStore: AppealStore | null = null;
  get #appeals(): AppealStore {
    return (this.#appealStore ??= postgresAppeals(this.#pool, (fn) => this.#tx(fn), insertAudit));
  }
  readonly putAppeals: AppealStore['putAppeals'] = (...a) => this.#appeals.putAppeals(...a);
  readonly getAppeal: AppealStore['getAppeal'] = (...a) => this.#appeals.getAppeal(...a);
  readonly listAppeals: AppealStore['listAppeals'] = (...a) => this.#appeals.listAppeals(...a);
  readonly putTopic: AppealStore['putTopic'] = (...a) => this.#appeals.putTopic(...a);
  readonly getTopic: AppealStore['getTopic'] = (...a) => this.#appeals.getTopic(...a);
  readonly listTopics: AppealStore['listTopics'] = (...a) => this.#appeals.listTopics(...a);

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      const { rows } = await client.query<{ schema: string | null; search_path: string }>(
        'SELECT current_schema() AS schema, current_setting($1) AS search_path',
        ['search_path'],
      );
      const wanted = firstSchema(rows[0]?.search_path ?? '');
      if (rows[0]?.schema == null && wanted) {
        // Two processes may create it at once: serialise on a lock, and IF NOT EXISTS does the rest.
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`zhihui-schema:${wanted}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(wanted)}`);
        await client.query('COMMIT');
      }
      await runMigrations(client);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.#pool.query<{ empty: boolean }>(EMPTY_SQL);
    return rows[0]!.empty;
  }

  async importSeed(data: SeedData): Promise<void> {
    await this.#tx(async (c) => {
      // Processes started together all find the store empty and seed; the lock makes the later
      // ones wait for the first one's commit, and then there is nothing left for them to do.
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('zhihui-seed:' || current_schema()))`);
      const { rows } = await c.query<{ empty: boolean }>(EMPTY_SQL);
      if (!rows[0]!.empty) return;
      await c.query(LOCK_CAMERA_WRITES);
      await seedInto(c, data);
    });
  }

  async upsertRegions(regions: readonly Region[]): Promise<void> {
    await upsertRegions(this.#pool, regions);
  }

  async listRegions(): Promise<Region[]> {
    const { rows } = await this.#pool.query<{ doc: Region }>('SELECT doc FROM regions ORDER BY code');
    return rows.map((r) => r.doc);
  }

  async upsertCameras(input: readonly CameraInput[], actor: string, now: string): Promise<CameraRecord[]> {
    const rows = lastById(input);
    if (rows.length === 0) return [];
    const nowMs = Date.parse(now);
    // Valid from the given instant, never later than now (#18.2); unknown since now, so the
    // heartbeat gives a channel never heard its usual time before calling it offline.
    const validFrom = rows.map(
      (r) => new Date(r.validFrom === undefined ? nowMs : Math.min(t(r.validFrom).getTime(), nowMs)),
    );
    const out = await this.#tx(async (c) => {
      // Status batches decide from these rows and return them: they wait for this commit.
      await c.query(LOCK_CAMERA_WRITES);
      const { rows: before } = await c.query<{ id: string; in_service: boolean }>(
        'SELECT id, in_service FROM cameras WHERE id = ANY($1::text[])',
        [rows.map((r) => r.id)],
      );
      const was = new Map(before.map((r) => [r.id, r.in_service]));
      // A row without inService keeps the stored flag; a new channel is in service by default.
      const { rows: out } = await c.query<CameraRow>(
        `INSERT INTO cameras AS c (id, name, region, lon, lat, in_service, status, reason, since, valid_from)
         SELECT u.id, u.name, u.region, u.lon, u.lat, COALESCE(u.in_service, true), 'unknown', NULL, $9::timestamptz, u.valid_from
         FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::boolean[], $7::timestamptz[])
           AS u(id, name, region, lon, lat, in_service, valid_from)
         ON CONFLICT (id) DO UPDATE SET
           name = excluded.name, region = excluded.region, lon = excluded.lon, lat = excluded.lat,
           in_service = CASE WHEN excluded.id = ANY($8::text[]) THEN c.in_service ELSE excluded.in_service END
         RETURNING ${CAMERA_COLS}`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.name),
          rows.map((r) => r.region),
          rows.map((r) => r.lon),
          rows.map((r) => r.lat),
          rows.map((r) => r.inService ?? null),
          validFrom,
          rows.filter((r) => r.inService === undefined).map((r) => r.id),
          t(now),
        ],
      );
      // The in-service flag's history: a new channel's first row, then every change.
      const service = out.flatMap((r) => {
        const old = was.get(r.id);
        if (old === r.in_service) return [];
        return [{ id: r.id, at: old === undefined ? r.valid_from : t(now), inService: r.in_service }];
      });
      if (service.length > 0)
        await c.query(
          `INSERT INTO camera_service (camera_id, at, in_service, actor)
           SELECT u.*, $4::text FROM unnest($1::text[], $2::timestamptz[], $3::boolean[]) AS u`,
          [service.map((x) => x.id), service.map((x) => x.at), service.map((x) => x.inService), actor],
        );
      return out;
    });
    const byId = new Map(out.map((r) => [r.id, toCamera(r)]));
    return rows.map((r) => byId.get(r.id)!);
  }

  async serviceHistory(q: ChannelRange): Promise<ServiceChange[]> {
    const { rows } = await this.#pool.query<{ camera_id: string; at: Date; in_service: boolean }>(
      `SELECT camera_id, at, in_service FROM camera_service
       WHERE at < $1::timestamptz AND ($2::text[] IS NULL OR camera_id = ANY($2::text[]))
       ORDER BY camera_id, at, id`,
      [t(q.to), q.cameraIds ?? null],
    );
    return rows.map((r) => ({ cameraId: r.camera_id, at: isoShanghai(r.at), inService: r.in_service }));
  }

  async setMaintenance(
    ids: readonly string[],
    window: MaintenanceWindow | null,
    actor: string,
  ): Promise<CameraRecord[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    const now = new Date();
    const rows = await this.#tx(async (c) => {
      // A status batch returns the window with the channel: it waits for this commit.
      await c.query(LOCK_CAMERA_WRITES);
      const { rows } = await c.query<CameraRow>(
        `UPDATE cameras SET maintenance = $2::jsonb WHERE id = ANY($1::text[]) RETURNING ${CAMERA_COLS}`,
        [unique, window ? JSON.stringify(normWindow(window)) : null],
      );
      const known = rows.map((r) => r.id);
      // A window cleared or replaced early only counted until now; one that had not begun never counted.
      await c.query(
        `UPDATE maintenance_spans SET to_at = $2 WHERE camera_id = ANY($1::text[]) AND from_at < $2 AND to_at > $2`,
        [known, now],
      );
      await c.query('DELETE FROM maintenance_spans WHERE camera_id = ANY($1::text[]) AND from_at >= $2', [known, now]);
      if (window) {
        await c.query(
          `INSERT INTO maintenance_spans (camera_id, reason, from_at, to_at, actor)
           SELECT u.id, $2, $3, $4, $5 FROM unnest($1::text[]) AS u(id)`,
          [known, window.reason, t(window.from), t(window.to), actor],
        );
      }
      return rows;
    });
    const byId = new Map(rows.map((r) => [r.id, toCamera(r)]));
    return unique.flatMap((id) => byId.get(id) ?? []);
  }

  async maintenanceHistory(q: ChannelRange): Promise<MaintenanceSpan[]> {
    const { rows } = await this.#pool.query<{ camera_id: string; reason: string; from_at: Date; to_at: Date }>(
      `SELECT camera_id, reason, from_at, to_at FROM maintenance_spans
       WHERE from_at < $2::timestamptz AND to_at > $1::timestamptz AND ($3::text[] IS NULL OR camera_id = ANY($3::text[]))
       ORDER BY camera_id, from_at, id`,
      [t(q.from), t(q.to), q.cameraIds ?? null],
    );
    return rows.map((r) => ({
      cameraId: r.camera_id,
      reason: r.reason,
      from: isoShanghai(r.from_at),
      to: isoShanghai(r.to_at),
    }));
  }

  async getCameras(ids: readonly string[]): Promise<Map<string, CameraRecord>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.#pool.query<CameraRow>(
      `SELECT ${CAMERA_COLS} FROM cameras WHERE id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, toCamera(r)]));
  }

  async placeCameras(ids: readonly string[]): Promise<Map<string, CameraPlace>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.#pool.query<{ id: string; region: string; valid_from: number }>(
      `SELECT id, region, ${epochMs('valid_from')} FROM cameras WHERE id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { region: r.region, validFromMs: r.valid_from }]));
  }

  async allCameras(): Promise<CameraRecord[]> {
    const { rows } = await this.#pool.query<CameraRow>(`SELECT ${CAMERA_COLS} FROM cameras ORDER BY id`);
    return rows.map(toCamera);
  }

  async listCameras(q: CameraQuery): Promise<Page<CameraRecord>> {
    const after = decodeCursor(q.cursor, isIdCursor);
    const limit = Math.max(1, Math.floor(q.limit));
    const { rows } = await this.#pool.query<CameraRow>(
      `SELECT ${CAMERA_COLS} FROM cameras
       WHERE ($1::text[] IS NULL OR region = ANY($1::text[]))
         AND ($2::text IS NULL OR status = $2::text)
         AND ($3::text IS NULL OR id > $3::text)
       ORDER BY id LIMIT $4`,
      [q.regions ?? null, q.status ?? null, after?.[0] ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toCamera);
    const nextCursor = rows.length > limit ? encodeCursor([items[items.length - 1]!.id]) : null;
    return { items, nextCursor };
  }

  /** The channels this process last read or wrote, trusted under the camera-writes lock (channelCache.ts). */
  readonly #channels = new ChannelCache();
  /** This process's status batches, one after another (they would queue on the lock anyway). */
  #statusQueue: Promise<unknown> = Promise.resolve();

  applyStatus(reports: readonly StatusInput[]): Promise<StatusApplied> {
    if (reports.length === 0) return Promise.resolve({ changed: [], events: [], retracted: [] });
    const run = this.#statusQueue.then(async () => {
      // Decided from rows someone outside the lock moved meanwhile: undone, and done again with
      // the rows locked too.
      const first = await this.#applyStatus(reports, false);
      return first === STALE ? ((await this.#applyStatus(reports, true)) as StatusApplied) : first;
    });
    this.#statusQueue = run.catch(() => {});
    return run;
  }

  async #applyStatus(reports: readonly StatusInput[], lockRows: boolean): Promise<StatusApplied | typeof STALE> {
    let bulk: pg.PoolClient | null = null;
    let view: ChannelView | null = null;
    let written: { touched: CameraRecord[]; changed: CameraRecord[] } = { touched: [], changed: [] };
    let sealed: { clock: string; alone: boolean } | null = null;
    try {
      const out = await this.#tx(async (c) => {
        view = await this.#channels.open(c, reports, lockRows);
        const decided = await decideStatus(view.current, reports, lateHistory(c));
        // A failed COPY leaves its staging table behind on this connection: forgotten below.
        if (decided.touched.length >= COPY_FROM_ROWS) bulk = c;
        await writeStatus(c, decided, view.current);
        written = decided;
        sealed = await this.#channels.seal(c, view, decided.touched.length > 0);
        if (!sealed.alone && !lockRows) throw STALE;
        const { changed, events, retracted } = decided;
        // After the write: `events` doubles as what is still to write until then (late.ts).
        netEffect(events, retracted);
        renderTimes(changed, events);
        return { changed, events, retracted };
      });
      // Acknowledged after the commit, as before; the rows are kept for the next batch.
      this.#channels.committed(view!, written, sealed!.alone ? sealed!.clock : null);
      return out;
    } catch (err) {
      // Whether the commit happened is not known: nothing held is trusted.
      this.#channels.forget();
      if (bulk) forgetStaging(bulk);
      if (err === STALE) return STALE;
      throw err;
    }
  }

  async statusBefore(q: { before: string; cameraIds?: readonly string[] }): Promise<StatusEvent[]> {
    const { rows } = await this.#pool.query<StatusEventRow>(
      `SELECT e.camera_id, e.from_status, e.to_status, e.reason, e.at, e.actor FROM cameras c
       CROSS JOIN LATERAL (
         SELECT camera_id, from_status, to_status, reason, at, actor FROM status_events x
         WHERE x.camera_id = c.id AND x.at < $1::timestamptz ORDER BY x.at DESC, x.id DESC LIMIT 1
       ) e
       WHERE $2::text[] IS NULL OR c.id = ANY($2::text[])
       ORDER BY e.camera_id`,
      [t(q.before), q.cameraIds ?? null],
    );
    return rows.map(toStatusEvent);
  }

  async statusEvents(q: ChannelRange): Promise<StatusEvent[]> {
    const { rows } = await this.#pool.query<StatusEventRow>(
      `SELECT camera_id, from_status, to_status, reason, at, actor FROM status_events
       WHERE at >= $1::timestamptz AND at < $2::timestamptz AND ($3::text[] IS NULL OR camera_id = ANY($3::text[]))
       ORDER BY at, id`,
      [t(q.from), t(q.to), q.cameraIds ?? null],
    );
    return rows.map(toStatusEvent);
  }

  async createClue(clue: Clue, first: ClueEvent): Promise<{ clue: Clue; created: boolean }> {
    return this.#tx(async (c) => {
      const ins = await c.query<ClueRow>(
        `INSERT INTO clues (${CLUE_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (id) DO NOTHING RETURNING ${CLUE_COLS}`,
        clueParams(clue),
      );
      if (ins.rows[0]) {
        await this.#insertClueEvent(c, clue.id, first);
        return { clue: toClue(ins.rows[0]), created: true };
      }
      const { rows } = await c.query<ClueRow>(`SELECT ${CLUE_COLS} FROM clues WHERE id = $1`, [clue.id]);
      return { clue: toClue(rows[0]!), created: false };
    });
  }

  async #insertClueEvent(c: pg.PoolClient, id: string, e: ClueEvent): Promise<void> {
    await c.query(
      'INSERT INTO clue_events (clue_id, from_status, to_status, at, actor, note) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, e.from, e.to, t(e.at), e.actor, e.note],
    );
  }

  async updateClue(clue: Clue, event: ClueEvent): Promise<void> {
    await this.#tx(async (c) => {
      const p = clueParams(clue);
      await c.query(
        `UPDATE clues SET category = $2, source = $3, region = $4, title = $5, description = $6, lon = $7, lat = $8,
           reported_at = $9, due_at = $10, status = $11, assignee = $12, outcome = $13, urgent = $14,
           grid_worker_id = $15, resolved_at = $16, updated_at = $17, created_by = $18
         WHERE id = $1`,
        p,
      );
      await this.#insertClueEvent(c, clue.id, event);
    });
  }

  async clueStatusesAt(ids: readonly string[], at: string): Promise<Map<string, ClueStatus>> {
    const out = new Map<string, ClueStatus>();
    if (ids.length === 0) return out;
    const { rows } = await this.#pool.query<{ clue_id: string; from_status: ClueStatus }>(
      `SELECT DISTINCT ON (clue_id) clue_id, from_status FROM clue_events
       WHERE clue_id = ANY($1::text[]) AND at > $2 AND from_status IS NOT NULL ORDER BY clue_id, at, id`,
      [ids, t(at)],
    );
    for (const r of rows) out.set(r.clue_id, r.from_status);
    return out;
  }

  async getClue(id: string): Promise<{ clue: Clue; history: ClueEvent[] } | null> {
    const { rows } = await this.#pool.query<ClueRow>(`SELECT ${CLUE_COLS} FROM clues WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const ev = await this.#pool.query<{
      from_status: ClueEvent['from'];
      to_status: ClueEvent['to'];
      at: Date;
      actor: string;
      note: string | null;
    }>('SELECT from_status, to_status, at, actor, note FROM clue_events WHERE clue_id = $1 ORDER BY id', [id]);
    return {
      clue: toClue(rows[0]),
      history: ev.rows.map((e) => ({
        from: e.from_status,
        to: e.to_status,
        at: isoShanghai(e.at),
        actor: e.actor,
        note: e.note,
      })),
    };
  }

  async listClues(q: ClueQuery): Promise<Page<Clue>> {
    const after = decodeCursor(q.cursor, isClueCursor);
    const limit = Math.max(1, Math.floor(q.limit));
    // Newest first, ties by id: the order compareClues gives on the wall.
    const { rows } = await this.#pool.query<ClueRow>(
      `SELECT ${CLUE_COLS} FROM clues
       WHERE ($1::text[] IS NULL OR region = ANY($1::text[]))
         AND ($2::text[] IS NULL OR status = ANY($2::text[]))
         AND ($3::text[] IS NULL OR category = ANY($3::text[]))
         AND ($4::timestamptz IS NULL OR reported_at >= $4::timestamptz)
         AND ($5::timestamptz IS NULL OR reported_at < $5::timestamptz)
         AND (NOT $6::boolean OR status = ANY($7::text[]))
         AND ($8::timestamptz IS NULL OR reported_at < $8::timestamptz OR (reported_at = $8::timestamptz AND id > $9::text))
       ORDER BY reported_at DESC, id
       LIMIT $10`,
      [
        q.regions ?? null,
        q.status ?? null,
        q.category ?? null,
        tOrNull(q.from),
        tOrNull(q.to),
        q.openOnly ?? false,
        OPEN_CLUE_STATUSES,
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit + 1,
      ],
    );
    const items = rows.slice(0, limit).map(toClue);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > limit && last ? encodeCursor([rows[limit - 1]!.reported_at.toISOString(), last.id]) : null;
    return { items, nextCursor };
  }

  async cluesForWall(since: string): Promise<Clue[]> {
    const { rows } = await this.#pool.query<ClueRow>(
      `SELECT ${CLUE_COLS} FROM clues WHERE reported_at >= $1::timestamptz OR status = ANY($2::text[])
       ORDER BY reported_at DESC, id`,
      [t(since), OPEN_CLUE_STATUSES],
    );
    return rows.map(toClue);
  }

  async upsertGridWorkers(input: readonly GridWorkerView[]): Promise<void> {
    await upsertWorkers(this.#pool, input);
  }

  async allGridWorkers(): Promise<GridWorkerView[]> {
    const { rows } = await this.#pool.query<WorkerRow>('SELECT * FROM grid_workers ORDER BY id');
    return rows.map(toWorker);
  }

  async addGridReport(report: GridReport): Promise<{ created: boolean }> {
    return this.#tx(async (c) => {
      // The ingest owns the worker's last-report time (it upserts the worker); this only files the report.
      const ins = await c.query(
        `INSERT INTO grid_reports (id, worker_id, region, at, text, clue_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING`,
        [report.id, report.workerId, report.region, t(report.at), report.text, report.clueId],
      );
      return { created: (ins.rowCount ?? 0) > 0 };
    });
  }

  async gridReports(q: { from: string; to: string; regions?: readonly string[] }): Promise<GridReport[]> {
    const { rows } = await this.#pool.query<ReportRow>(
      `SELECT * FROM grid_reports
       WHERE at >= $1::timestamptz AND at < $2::timestamptz AND ($3::text[] IS NULL OR region = ANY($3::text[]))
       ORDER BY at, id`,
      [t(q.from), t(q.to), q.regions ?? null],
    );
    return rows.map(toReport);
  }

  async gridReportsPage(q: GridReportPageQuery): Promise<GridReport[]> {
    // Ids compare as code units (COLLATE "C"), as the SQLite store and the cursor do.
    const { rows } = await this.#pool.query<ReportRow>(
      `SELECT * FROM grid_reports
       WHERE at >= $1::timestamptz AND at < $2::timestamptz AND ($3::text[] IS NULL OR region = ANY($3::text[]))
         AND (NOT $4::boolean OR clue_id IS NULL)
         AND ($5::timestamptz IS NULL OR at < $5::timestamptz OR (at = $5::timestamptz AND id COLLATE "C" < $6::text))
       ORDER BY at DESC, id COLLATE "C" DESC
       LIMIT $7`,
      [
        t(q.from),
        t(q.to),
        q.regions ?? null,
        q.withoutClue === true,
        tOrNull(q.after?.at),
        q.after?.id ?? null,
        q.limit,
      ],
    );
    return rows.map(toReport);
  }
  // ── credentials and audit ──────────────────────────────────────────────

  async createCredential(cr: CredentialRecord, audit: AuditEntry): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(
        `INSERT INTO credentials (id, kind, name, scopes, hash, created_at, created_by, revoked_at, revoked_by, region)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
        [
          cr.id,
          cr.kind,
          cr.name,
          JSON.stringify(cr.scopes),
          cr.hash,
          t(cr.createdAt),
          cr.createdBy,
          tOrNull(cr.revokedAt),
          cr.revokedBy,
          cr.region,
        ],
      );
      await insertAudit(c, [audit]);
    });
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    const { rows } = await this.#pool.query<CredentialRow>('SELECT * FROM credentials ORDER BY created_at, id');
    return rows.map(toCredential);
  }

  async revokeCredential(id: string, audit: AuditEntry): Promise<CredentialRecord | null> {
    return this.#tx(async (c) => {
      // A concurrent revoke waits on the row lock, then finds it revoked: one audit line only.
      const res = await c.query(
        'UPDATE credentials SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL',
        [id, t(audit.at), audit.actor],
      );
      if ((res.rowCount ?? 0) > 0) await insertAudit(c, [audit]);
      const { rows } = await c.query<CredentialRow>('SELECT * FROM credentials WHERE id = $1', [id]);
      return rows[0] ? toCredential(rows[0]) : null;
    });
  }

  async setPlayUrls(rows: readonly { id: string; url: string }[], actor: string, now: string): Promise<void> {
    if (rows.length === 0) return;
    // Last row per id wins, as in one pass over the rows.
    const last = new Map(rows.map((r) => [r.id, r.url]));
    const set = [...last].filter(([, url]) => url !== '');
    const clear = [...last].filter(([, url]) => url === '').map(([id]) => id);
    await this.#tx(async (client) => {
      if (clear.length > 0)
        await client.query('DELETE FROM camera_play_urls WHERE camera_id = ANY($1::text[])', [clear]);
      if (set.length > 0) {
        await client.query(
          `INSERT INTO camera_play_urls (camera_id, url, updated_at, updated_by)
           SELECT id, url, $3, $4 FROM unnest($1::text[], $2::text[]) AS t(id, url)
           ON CONFLICT (camera_id) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [set.map(([id]) => id), set.map(([, url]) => url), now, actor],
        );
      }
    });
  }

  async playUrls(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.#pool.query<{ camera_id: string; url: string }>(
      'SELECT camera_id, url FROM camera_play_urls WHERE camera_id = ANY($1::text[])',
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.camera_id, r.url]));
  }

  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    await insertAudit(this.#pool, entries);
  }

  async listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    const after = decodeCursor(q.cursor, isAuditCursor);
    const limit = Math.max(1, Math.floor(q.limit));
    const prefix = q.action?.endsWith('.') ?? false;
    // The time range is repeated in each branch so both use their `at` index.
    const { rows } = await this.#pool.query<{
      at: Date;
      src: 'a' | 'c';
      id: string;
      actor: string;
      actor_id: string | null;
      action: string;
      target: string | null;
      details: Record<string, unknown> | null;
    }>(
      `SELECT * FROM (
         SELECT at, 'a' AS src, id, actor, actor_id, action, target, details FROM audit
         WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
         UNION ALL
         SELECT at, 'c' AS src, id, actor, NULL::text, CASE WHEN from_status IS NULL THEN 'clue.create' ELSE 'clue.transition' END,
                clue_id, jsonb_build_object('from', from_status, 'to', to_status, 'note', note)
         FROM clue_events
         WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
       ) AS x
       WHERE ($3::text IS NULL OR actor = $3)
         AND ($4::text IS NULL OR (CASE WHEN $5::boolean THEN left(action, length($4)) = $4 ELSE action = $4 END))
         AND ($6::text IS NULL OR target = $6)
         AND ($7::timestamptz IS NULL OR at < $7 OR (at = $7 AND (src < $8::text OR (src = $8::text AND id < $9::bigint))))
       ORDER BY at DESC, src DESC, id DESC
       LIMIT $10`,
      [
        tOrNull(q.from),
        tOrNull(q.to),
        q.actor ?? null,
        q.action ?? null,
        prefix,
        q.target ?? null,
        after ? new Date(after[0]) : null,
        after?.[1] ?? null,
        after?.[2] ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        at: isoShanghai(r.at),
        actor: r.actor,
        actorId: r.actor_id,
        action: r.action,
        target: r.target,
        details: r.details,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at.getTime(), last.src, last.id]) : null,
    };
  }

  // ── notifications ──────────────────────────────────────────────────────

  async addDelivery(d: DeliveryRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO notify_deliveries (id, channel, rule, region, kind, title, status, attempts, error, merged_into, created_at, updated_at, sent_at, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)`,
      [
        d.id,
        d.channel,
        d.rule,
        d.region,
        d.kind,
        d.title,
        d.status,
        d.attempts,
        d.error,
        d.mergedInto,
        t(d.createdAt),
        t(d.updatedAt),
        tOrNull(d.sentAt),
        JSON.stringify(d.message),
      ],
    );
  }

  async updateDelivery(
    id: string,
    patch: Partial<Pick<DeliveryRecord, 'status' | 'attempts' | 'error' | 'mergedInto' | 'sentAt' | 'updatedAt'>>,
  ): Promise<void> {
    const cols: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => {
      params.push(v);
      cols.push(`${col} = $${params.length}`);
    };
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.attempts !== undefined) set('attempts', patch.attempts);
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.mergedInto !== undefined) set('merged_into', patch.mergedInto);
    if (patch.sentAt !== undefined) set('sent_at', tOrNull(patch.sentAt));
    if (patch.updatedAt !== undefined) set('updated_at', t(patch.updatedAt));
    if (cols.length === 0) return;
    await this.#pool.query(`UPDATE notify_deliveries SET ${cols.join(', ')} WHERE id = $1`, params);
  }

  async listDeliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>> {
    const after = decodeCursor(q.cursor, isDeliveryCursor);
    const limit = Math.max(1, Math.floor(q.limit));
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT * FROM notify_deliveries
       WHERE ($1::text[] IS NULL OR region = ANY($1)) AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)
         AND ($6::timestamptz IS NULL OR created_at < $6 OR (created_at = $6 AND id < $7::text))
       ORDER BY created_at DESC, id DESC
       LIMIT $8`,
      [
        q.regions ?? null,
        q.channel ?? null,
        q.status ?? null,
        tOrNull(q.from),
        tOrNull(q.to),
        after ? new Date(after[0]) : null,
        after?.[1] ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDelivery),
      nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.getTime(), last.id]) : null,
    };
  }

  async unfinishedDeliveries(): Promise<DeliveryRecord[]> {
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT * FROM notify_deliveries WHERE status IN ('queued', 'held') ORDER BY created_at, seq`,
    );
    return rows.map(toDelivery);
  }

  async listNotifySettings(): Promise<NotifySetting[]> {
    const { rows } = await this.#pool.query<{
      kind: NotifySetting['kind'];
      id: string;
      doc: Record<string, unknown>;
      updated_at: Date;
      updated_by: string;
    }>('SELECT * FROM notify_settings ORDER BY updated_at, kind, id');
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      doc: r.doc,
      updatedAt: isoShanghai(r.updated_at),
      updatedBy: r.updated_by,
    }));
  }

  async putNotifySetting(s: NotifySetting, audit: AuditEntry): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(
        `INSERT INTO notify_settings (kind, id, doc, updated_at, updated_by) VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [s.kind, s.id, JSON.stringify(s.doc), t(s.updatedAt), s.updatedBy],
      );
      await insertAudit(c, [audit]);
    });
  }

  async deleteNotifySetting(kind: NotifySetting['kind'], id: string, audit: AuditEntry): Promise<boolean> {
    return this.#tx(async (c) => {
      const res = await c.query('DELETE FROM notify_settings WHERE kind = $1 AND id = $2', [kind, id]);
      const gone = (res.rowCount ?? 0) > 0;
      if (gone) await insertAudit(c, [audit]);
      return gone;
    });
  }

  async listCalendarOverrides(): Promise<CalendarOverrideRecord[]> {
    const { rows } = await this.#pool.query<{
      date: string;
      workday: boolean;
      note: string | null;
      updated_at: Date;
      updated_by: string;
    }>('SELECT * FROM calendar_overrides ORDER BY date');
    return rows.map((r) => ({
      date: r.date,
      workday: r.workday,
      note: r.note,
      updatedAt: isoShanghai(r.updated_at),
      updatedBy: r.updated_by,
    }));
  }

  async putCalendarOverride(o: CalendarOverrideRecord, audit: AuditEntry): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(
        `INSERT INTO calendar_overrides (date, workday, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (date) DO UPDATE SET workday = excluded.workday, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [o.date, o.workday, o.note, t(o.updatedAt), o.updatedBy],
      );
      await insertAudit(c, [audit]);
    });
  }

  async deleteCalendarOverride(date: string, audit: AuditEntry): Promise<boolean> {
    return this.#tx(async (c) => {
      const res = await c.query('DELETE FROM calendar_overrides WHERE date = $1', [date]);
      const gone = (res.rowCount ?? 0) > 0;
      if (gone) await insertAudit(c, [audit]);
      return gone;
    });
  }

  async listNotifyState(): Promise<NotifyStateEntry[]> {
    const { rows } = await this.#pool.query<{ key: string; doc: Record<string, unknown> }>(
      'SELECT key, doc FROM notify_state ORDER BY key',
    );
    return rows;
  }

  async saveNotifyState(put: readonly NotifyStateEntry[], del: readonly string[]): Promise<void> {
    if (put.length === 0 && del.length === 0) return;
    await this.#tx(async (c) => {
      const rows = new Map(put.map((e) => [e.key, e.doc]));
      if (rows.size > 0) {
        await c.query(
          `INSERT INTO notify_state (key, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])
           ON CONFLICT (key) DO UPDATE SET doc = excluded.doc`,
          [[...rows.keys()], [...rows.values()].map((d) => JSON.stringify(d))],
        );
      }
      if (del.length > 0) await c.query('DELETE FROM notify_state WHERE key = ANY($1::text[])', [del]);
    });
  }
}

/**
 * Opens a pool on `url` and migrates the schema. Tests pass `?options=-c search_path=<schema>`
 * to isolate a run; a schema named there that does not exist yet is created.
 */
export async function createPostgresStore(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its server emits here; without a listener that would crash the process.
  pool.on('error', (err) => {
    console.error(`[postgres] idle client error: ${err.message}`);
  });
  const store = new PostgresStore(pool);
  try {
    await store.migrate();
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return store;
}
