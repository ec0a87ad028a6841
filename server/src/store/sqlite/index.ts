import Database from 'better-sqlite3';
import {
  OPEN_CLUE_STATUSES,
  type CameraInput,
  type Clue,
  type ClueEvent,
  type ClueStatus,
  type GridReport,
  type GridWorkerView,
  type MaintenanceWindow,
  type Page,
  type Region,
} from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
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
import { applySqliteStatus } from './apply.js';
import {
  auditFromRow,
  camFromRow,
  clueFromRow,
  clueParams,
  credentialFromRow,
  deliveryFromRow,
  eventFromRow,
  ms,
  msOrNull,
  regionFromRow,
  reportFromRow,
  statusEventFromRow,
  toRecord,
  workerFromRow,
  type CamRow,
} from './rows.js';
import { firstEventAt, seedValidFrom } from '../validity.js';
import { MIGRATIONS } from './schema.js';
import { eventsBetweenSql, lastEventsBefore, MERGE_AT, RecentHistory } from './history.js';
import { sqlitePeople, type PeopleStore } from './people.js';
import { sqliteAppeals, type AppealStore } from './appeals.js';

type Db = Database.Database;
type Row = Record<string, unknown>;

/** A time-range query (@from, @to) narrowed to some channels when the range names them. */
function forChannels(base: string, q: ChannelRange): { sql: string; params: Row; and: string } {
  const params: Row = { from: ms(q.from), to: ms(q.to) };
  if (!q.cameraIds) return { sql: base, params, and: '' };
  params.ids = JSON.stringify(q.cameraIds);
  const and = ' AND camera_id IN (SELECT value FROM json_each(@ids))';
  return { sql: base + and, params, and };
}

/** The page size of a new database file, in bytes. */
export const PAGE_SIZE = 8192;

/** Page positions: a channel's id; [epoch ms, row id] (clues, deliveries); [epoch ms, source, row seq] (audit). */
const isIdCursor = (v: unknown): v is string => typeof v === 'string';
const isTimeIdCursor = tupleOf('number', 'string');
const isAuditCursor = tupleOf('number', 'string', 'number');

/** SQLite store (better-sqlite3, WAL). Synchronous under the hood: each write commits before its promise resolves. */
class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly #db: Db;
  /** id → current channel state; loaded on first use, updated only after a commit. SQLite stays the truth. */
  #cams: Map<string, CamRow> | null = null;
  readonly #stmts = new Map<string, Database.Statement>();

  readonly #mergeAt: number;

  constructor(file: string, mergeAt: number) {
    this.#mergeAt = mergeAt;
    this.#db = new Database(file);
    // 8 KiB pages for a new file (an existing one keeps its own: only VACUUM could change them).
    // A storm of changes inserts into the history's per-channel index at as many places as there
    // are channels, and each commit writes every page it touched. While channels have few events
    // each they share pages, and larger pages mean fewer of them; once each channel's events fill
    // pages of their own, every change writes a whole page, and smaller pages mean fewer bytes.
    // 8 KiB was never far from the best at any history size measured, 4 KiB and 16 KiB each were
    // at one end (README, Performance, round thirteen).
    this.#db.pragma(`page_size = ${PAGE_SIZE}`);
    // A file of a newer release is refused by migrate() as it is: not even switched to WAL.
    if ((this.#db.pragma('user_version', { simple: true }) as number) <= MIGRATIONS.length)
      this.#db.pragma('journal_mode = WAL');
    // FULL: an acknowledged write survives a power cut, not only a process crash.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    // Checkpoint every 10,000 pages of WAL (80 MB) instead of 1,000: a storm rewrites the same hot
    // pages (the channels, the history's indexes) in every batch, and each checkpoint copies them
    // back to the database file once. Commits still wait for their WAL fsync (synchronous=FULL).
    this.#db.pragma('wal_autocheckpoint = 10000');
    // A multi-row write keeps the pages it changes in a statement journal until it ends: in
    // memory, not a temporary file written page by page. A page cache of up to 64 MB: a storm's
    // batch on a long history touches thousands of pages, which a 2 MB cache (SQLite's default)
    // spills to the WAL before the commit and reads back.
    this.#db.pragma('temp_store = MEMORY');
    this.#db.pragma('cache_size = -65536');
    this.#db.pragma('foreign_keys = OFF');
  }

  #peopleStore: PeopleStore | null = null;
  get #people(): PeopleStore {
    return (this.#peopleStore ??= sqlitePeople(
      this.#db,
      (sql) => this.#st(sql),
      (e) => this.#insertAudit(e),
    ));
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
    return (this.#appealStore ??= sqliteAppeals(
      this.#db,
      (sql) => this.#st(sql),
      (e) => this.#insertAudit(e),
    ));
  }
  readonly putAppeals: AppealStore['putAppeals'] = (...a) => this.#appeals.putAppeals(...a);
  readonly getAppeal: AppealStore['getAppeal'] = (...a) => this.#appeals.getAppeal(...a);
  readonly listAppeals: AppealStore['listAppeals'] = (...a) => this.#appeals.listAppeals(...a);
  readonly putTopic: AppealStore['putTopic'] = (...a) => this.#appeals.putTopic(...a);
  readonly getTopic: AppealStore['getTopic'] = (...a) => this.#appeals.getTopic(...a);
  readonly listTopics: AppealStore['listTopics'] = (...a) => this.#appeals.listTopics(...a);

  #st(sql: string): Database.Statement {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #cache(): Map<string, CamRow> {
    if (!this.#cams) {
      const m = new Map<string, CamRow>();
      for (const r of this.#st('SELECT * FROM cameras_with_state').all() as Row[]) m.set(r.id as string, camFromRow(r));
      this.#cams = m;
    }
    return this.#cams;
  }

  async migrate(): Promise<void> {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    // An older release would misread a newer schema (since migration 11, a channel's state is
    // not in its row): it stops here, saying so, and leaves the file as it is.
    if (version > MIGRATIONS.length)
      throw new Error(
        `${this.#db.name}: this SQLite store has schema ${version}, written by a newer release; this release knows ${MIGRATIONS.length}. Run the newer release, or restore the copy taken before the upgrade.`,
      );
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[v]!);
        this.#db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  async isEmpty(): Promise<boolean> {
    const r = this.#st(
      'SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM regions LIMIT 1)) + (SELECT COUNT(*) FROM (SELECT 1 FROM cameras LIMIT 1)) + (SELECT COUNT(*) FROM (SELECT 1 FROM clues LIMIT 1)) AS n',
    ).get() as { n: number };
    return r.n === 0;
  }

  // ── regions ──────────────────────────────────────────────────────────────

  #upsertRegion(r: Region): void {
    this.#st(
      `INSERT INTO regions (code, name, level, parent, lon, lat, approximate) VALUES (@code, @name, @level, @parent, @lon, @lat, @approximate)
       ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, parent = excluded.parent, lon = excluded.lon, lat = excluded.lat, approximate = excluded.approximate`,
    ).run({
      code: r.code,
      name: r.name,
      level: r.level,
      parent: r.parent,
      lon: r.center?.[0] ?? null,
      lat: r.center?.[1] ?? null,
      approximate: r.approximate === undefined ? null : r.approximate ? 1 : 0,
    });
  }

  async upsertRegions(regions: readonly Region[]): Promise<void> {
    this.#db.transaction(() => {
      for (const r of regions) this.#upsertRegion(r);
    })();
  }

  async listRegions(): Promise<Region[]> {
    return (this.#st('SELECT * FROM regions ORDER BY code').all() as Row[]).map(regionFromRow);
  }

  // ── cameras ──────────────────────────────────────────────────────────────

  #writeCam(c: CamRow, actor: string, createdAt: number): void {
    this.#st(
      `INSERT INTO cameras (id, name, region, lon, lat, in_service, m_reason, m_from, m_to, created_at, updated_by, valid_from)
       VALUES (@id, @name, @region, @lon, @lat, @in_service, @m_reason, @m_from, @m_to, @created_at, @actor, @valid_from)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, region = excluded.region, lon = excluded.lon, lat = excluded.lat,
         in_service = excluded.in_service, m_reason = excluded.m_reason, m_from = excluded.m_from, m_to = excluded.m_to, updated_by = excluded.updated_by`,
    ).run({
      id: c.id,
      name: c.name,
      region: c.region,
      lon: c.lon,
      lat: c.lat,
      in_service: c.inService ? 1 : 0,
      m_reason: c.mReason,
      m_from: c.mFrom,
      m_to: c.mTo,
      created_at: createdAt,
      actor,
      valid_from: c.validFrom,
    });
    this.#st(
      `INSERT INTO camera_state (id, status, reason, since, last_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, reason = excluded.reason, since = excluded.since, last_seen = excluded.last_seen`,
    ).run(c.id, c.status, c.reason, c.since, c.lastSeen);
  }

  /** A row of the in-service flag's history (camera_service). */
  #recordService(id: string, at: number, inService: boolean, actor: string): void {
    this.#st('INSERT INTO camera_service (camera_id, at, in_service, actor) VALUES (?, ?, ?, ?)').run(
      id,
      at,
      inService ? 1 : 0,
      actor,
    );
  }

  async upsertCameras(rows: readonly CameraInput[], actor: string, now: string): Promise<CameraRecord[]> {
    const cache = this.#cache();
    const nowMs = ms(now);
    const next: CamRow[] = [];
    // The in-service flag's history: a new channel's first row, then every change.
    const service: { id: string; at: number; inService: boolean }[] = [];
    for (const r of rows) {
      const cur = cache.get(r.id);
      if (cur) {
        const inService = r.inService ?? cur.inService;
        if (inService !== cur.inService) service.push({ id: r.id, at: nowMs, inService });
        next.push({ ...cur, name: r.name, region: r.region, lon: r.lon, lat: r.lat, inService });
        continue;
      }
      // Valid from the given instant (never later than now); unknown since now, so the heartbeat
      // gives a channel never heard its usual time before calling it offline.
      const validFrom = r.validFrom === undefined ? nowMs : Math.min(ms(r.validFrom), nowMs);
      service.push({ id: r.id, at: validFrom, inService: r.inService ?? true });
      next.push({
        id: r.id,
        name: r.name,
        region: r.region,
        lon: r.lon,
        lat: r.lat,
        inService: r.inService ?? true,
        status: 'unknown',
        reason: null,
        since: nowMs,
        sinceIso: null,
        lastSeen: null,
        mReason: null,
        mFrom: null,
        mTo: null,
        validFrom,
        validFromIso: null,
      });
    }
    this.#db.transaction(() => {
      for (const c of next) this.#writeCam(c, actor, nowMs);
      for (const x of service) this.#recordService(x.id, x.at, x.inService, actor);
    })();
    for (const c of next) cache.set(c.id, c);
    return next.map(toRecord);
  }

  async setMaintenance(
    ids: readonly string[],
    window: MaintenanceWindow | null,
    actor: string,
  ): Promise<CameraRecord[]> {
    const cache = this.#cache();
    const now = Date.now();
    const from = window ? ms(window.from) : null;
    const to = window ? ms(window.to) : null;
    const next: CamRow[] = [];
    for (const id of new Set(ids)) {
      const cur = cache.get(id);
      if (cur) next.push({ ...cur, mReason: window?.reason ?? null, mFrom: from, mTo: to });
    }
    this.#db.transaction(() => {
      const upd = this.#st('UPDATE cameras SET m_reason = ?, m_from = ?, m_to = ?, updated_by = ? WHERE id = ?');
      // A window cleared or replaced early only counted until now; one that had not begun never counted.
      const cut = this.#st('UPDATE maintenance SET to_at = ? WHERE camera_id = ? AND from_at < ? AND to_at > ?');
      const drop = this.#st('DELETE FROM maintenance WHERE camera_id = ? AND from_at >= ?');
      const add = this.#st('INSERT INTO maintenance (camera_id, reason, from_at, to_at, actor) VALUES (?, ?, ?, ?, ?)');
      for (const c of next) {
        upd.run(c.mReason, c.mFrom, c.mTo, actor, c.id);
        cut.run(now, c.id, now, now);
        drop.run(c.id, now);
        if (window) add.run(c.id, window.reason, from, to, actor);
      }
    })();
    for (const c of next) cache.set(c.id, c);
    return next.map(toRecord);
  }

  async serviceHistory(q: ChannelRange): Promise<ServiceChange[]> {
    const { sql, params } = forChannels('SELECT camera_id, at, in_service FROM camera_service WHERE at < @to', q);
    return (this.#st(sql + ' ORDER BY camera_id, at, seq').all(params) as Row[]).map((r) => ({
      cameraId: r.camera_id as string,
      at: isoAt(r.at as number),
      inService: r.in_service === 1,
    }));
  }

  async maintenanceHistory(q: ChannelRange): Promise<MaintenanceSpan[]> {
    const { sql, params } = forChannels(
      'SELECT camera_id, reason, from_at, to_at FROM maintenance WHERE from_at < @to AND to_at > @from',
      q,
    );
    return (this.#st(sql + ' ORDER BY camera_id, from_at').all(params) as Row[]).map((r) => ({
      cameraId: r.camera_id as string,
      reason: r.reason as string,
      from: isoAt(r.from_at as number),
      to: isoAt(r.to_at as number),
    }));
  }

  async getCameras(ids: readonly string[]): Promise<Map<string, CameraRecord>> {
    const cache = this.#cache();
    const out = new Map<string, CameraRecord>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const c = cache.get(id);
      if (c) out.set(id, toRecord(c));
    }
    return out;
  }

  async placeCameras(ids: readonly string[]): Promise<Map<string, CameraPlace>> {
    const cache = this.#cache();
    const out = new Map<string, CameraPlace>();
    for (const id of ids) {
      const c = cache.get(id);
      if (c && !out.has(id)) out.set(id, { region: c.region, validFromMs: c.validFrom });
    }
    return out;
  }

  async allCameras(): Promise<CameraRecord[]> {
    return [...this.#cache().values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(toRecord);
  }

  async listCameras(q: CameraQuery): Promise<Page<CameraRecord>> {
    const where: string[] = [];
    const params: Row = { limit: q.limit + 1 };
    if (q.regions) {
      where.push('region IN (SELECT value FROM json_each(@regions))');
      params.regions = JSON.stringify(q.regions);
    }
    if (q.status) {
      where.push('status = @status');
      params.status = q.status;
    }
    if (q.cursor !== undefined) {
      const after = decodeCursor(q.cursor, isIdCursor)!;
      where.push('id > @after');
      params.after = after;
    }
    const sql = `SELECT * FROM cameras_with_state ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT @limit`;
    const rows = (this.#st(sql).all(params) as Row[]).map(camFromRow);
    const more = rows.length > q.limit;
    if (more) rows.pop();
    return { items: rows.map(toRecord), nextCursor: more ? encodeCursor(rows[rows.length - 1]!.id) : null };
  }

  #recentHistory: RecentHistory | null = null;
  /** The recent half of the history (history.ts); its table exists once migrate() has run. */
  get #recent(): RecentHistory {
    return (this.#recentHistory ??= new RecentHistory(this.#db, (sql) => this.#st(sql), this.#mergeAt));
  }

  async applyStatus(reports: readonly StatusInput[]): Promise<StatusApplied> {
    return applySqliteStatus((sql) => this.#st(sql), this.#cache(), this.#recent, reports);
  }

  async statusBefore(q: { before: string; cameraIds?: readonly string[] }): Promise<StatusEvent[]> {
    const params: Row = {};
    let where = '';
    if (q.cameraIds) {
      params.ids = JSON.stringify(q.cameraIds);
      where = 'WHERE c.id IN (SELECT value FROM json_each(@ids))';
    }
    return lastEventsBefore((sql) => this.#st(sql), ms(q.before), where, params).map(statusEventFromRow);
  }

  async statusEvents(q: ChannelRange): Promise<StatusEvent[]> {
    const { params, and } = forChannels('', q);
    return (this.#st(eventsBetweenSql(and)).all(params) as Row[]).map(statusEventFromRow);
  }

  // ── clues ────────────────────────────────────────────────────────────────

  #insertClueEvent(id: string, e: ClueEvent): void {
    this.#st(
      'INSERT INTO clue_events (clue_id, from_status, to_status, at, actor, note) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, e.from, e.to, ms(e.at), e.actor, e.note);
  }

  #getClueRow(id: string): Clue | null {
    const r = this.#st('SELECT * FROM clues WHERE id = ?').get(id) as Row | undefined;
    return r ? clueFromRow(r) : null;
  }

  async createClue(clue: Clue, first: ClueEvent): Promise<{ clue: Clue; created: boolean }> {
    return this.#db.transaction(() => {
      const res = this.#st(
        `INSERT OR IGNORE INTO clues (id, category, source, region, title, description, lon, lat, reported_at, due_at, status, assignee, outcome, urgent, grid_worker_id, resolved_at, updated_at, created_by)
         VALUES (@id, @category, @source, @region, @title, @description, @lon, @lat, @reported_at, @due_at, @status, @assignee, @outcome, @urgent, @grid_worker_id, @resolved_at, @updated_at, @created_by)`,
      ).run(clueParams(clue));
      if (res.changes === 0) return { clue: this.#getClueRow(clue.id)!, created: false };
      this.#insertClueEvent(clue.id, first);
      return { clue: this.#getClueRow(clue.id)!, created: true };
    })();
  }

  async updateClue(clue: Clue, event: ClueEvent): Promise<void> {
    this.#db.transaction(() => {
      this.#st(
        `UPDATE clues SET category = @category, source = @source, region = @region, title = @title, description = @description, lon = @lon, lat = @lat,
           reported_at = @reported_at, due_at = @due_at, status = @status, assignee = @assignee, outcome = @outcome, urgent = @urgent,
           grid_worker_id = @grid_worker_id, resolved_at = @resolved_at, updated_at = @updated_at, created_by = @created_by WHERE id = @id`,
      ).run(clueParams(clue));
      this.#insertClueEvent(clue.id, event);
    })();
  }

  async clueStatusesAt(ids: readonly string[], at: string): Promise<Map<string, ClueStatus>> {
    const out = new Map<string, ClueStatus>();
    if (ids.length === 0) return out;
    const rows = this.#st(
      'SELECT clue_id, from_status FROM clue_events WHERE clue_id IN (SELECT value FROM json_each(@ids)) AND at > @at AND from_status IS NOT NULL ORDER BY clue_id, at, seq',
    ).all({ ids: JSON.stringify(ids), at: ms(at) }) as Row[];
    for (const r of rows) if (!out.has(r.clue_id as string)) out.set(r.clue_id as string, r.from_status as ClueStatus);
    return out;
  }

  async getClue(id: string): Promise<{ clue: Clue; history: ClueEvent[] } | null> {
    const clue = this.#getClueRow(id);
    if (!clue) return null;
    const history = (this.#st('SELECT * FROM clue_events WHERE clue_id = ? ORDER BY seq').all(id) as Row[]).map(
      eventFromRow,
    );
    return { clue, history };
  }

  async listClues(q: ClueQuery): Promise<Page<Clue>> {
    const where: string[] = [];
    const params: Row = { limit: q.limit + 1 };
    if (q.regions) {
      where.push('region IN (SELECT value FROM json_each(@regions))');
      params.regions = JSON.stringify(q.regions);
    }
    if (q.status) {
      where.push('status IN (SELECT value FROM json_each(@status))');
      params.status = JSON.stringify(q.status);
    }
    if (q.category) {
      where.push('category IN (SELECT value FROM json_each(@category))');
      params.category = JSON.stringify(q.category);
    }
    if (q.openOnly) {
      where.push('status IN (SELECT value FROM json_each(@open))');
      params.open = JSON.stringify(OPEN_CLUE_STATUSES);
    }
    if (q.from !== undefined) {
      where.push('reported_at >= @from');
      params.from = ms(q.from);
    }
    if (q.to !== undefined) {
      where.push('reported_at < @to');
      params.to = ms(q.to);
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor, isTimeIdCursor)!;
      where.push('(reported_at < @cAt OR (reported_at = @cAt AND id > @cId))');
      params.cAt = c[0];
      params.cId = c[1];
    }
    const sql = `SELECT * FROM clues ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY reported_at DESC, id LIMIT @limit`;
    const rows = this.#st(sql).all(params) as Row[];
    const more = rows.length > q.limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      items: rows.map(clueFromRow),
      nextCursor: more && last ? encodeCursor([last.reported_at, last.id]) : null,
    };
  }

  async cluesForWall(since: string): Promise<Clue[]> {
    const rows = this.#st(
      'SELECT * FROM clues WHERE reported_at >= @since OR status IN (SELECT value FROM json_each(@open)) ORDER BY reported_at DESC, id',
    ).all({ since: ms(since), open: JSON.stringify(OPEN_CLUE_STATUSES) }) as Row[];
    return rows.map(clueFromRow);
  }

  // ── grid ─────────────────────────────────────────────────────────────────

  #upsertWorker(w: GridWorkerView): void {
    this.#st(
      `INSERT INTO grid_workers (id, name, region, phone, on_duty, last_report_at) VALUES (@id, @name, @region, @phone, @on_duty, @last_report_at)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, region = excluded.region, phone = excluded.phone, on_duty = excluded.on_duty, last_report_at = excluded.last_report_at`,
    ).run({
      id: w.id,
      name: w.name,
      region: w.region,
      phone: w.phone,
      on_duty: w.onDuty ? 1 : 0,
      last_report_at: msOrNull(w.lastReportAt),
    });
  }

  async upsertGridWorkers(rows: readonly GridWorkerView[]): Promise<void> {
    this.#db.transaction(() => {
      for (const w of rows) this.#upsertWorker(w);
    })();
  }

  async allGridWorkers(): Promise<GridWorkerView[]> {
    return (this.#st('SELECT * FROM grid_workers ORDER BY id').all() as Row[]).map(workerFromRow);
  }

  #insertReport(r: GridReport, replace: boolean): number {
    return this.#st(
      `INSERT OR ${replace ? 'REPLACE' : 'IGNORE'} INTO grid_reports (id, worker_id, region, at, text, clue_id) VALUES (@id, @worker_id, @region, @at, @text, @clue_id)`,
    ).run({ id: r.id, worker_id: r.workerId, region: r.region, at: ms(r.at), text: r.text, clue_id: r.clueId }).changes;
  }

  async addGridReport(report: GridReport): Promise<{ created: boolean }> {
    return { created: this.#insertReport(report, false) > 0 };
  }

  async gridReports(q: { from: string; to: string; regions?: readonly string[] }): Promise<GridReport[]> {
    const params: Row = { from: ms(q.from), to: ms(q.to) };
    let sql = 'SELECT * FROM grid_reports WHERE at >= @from AND at < @to';
    if (q.regions) {
      sql += ' AND region IN (SELECT value FROM json_each(@regions))';
      params.regions = JSON.stringify(q.regions);
    }
    return (this.#st(sql + ' ORDER BY at, id').all(params) as Row[]).map(reportFromRow);
  }

  async gridReportsPage(q: GridReportPageQuery): Promise<GridReport[]> {
    const params: Row = { from: ms(q.from), to: ms(q.to), limit: q.limit };
    // Newest first along the time index; SQLite sorts only the reports that share an instant.
    let sql = 'SELECT * FROM grid_reports WHERE at >= @from AND at < @to';
    if (q.regions) {
      sql += ' AND region IN (SELECT value FROM json_each(@regions))';
      params.regions = JSON.stringify(q.regions);
    }
    if (q.withoutClue) sql += ' AND clue_id IS NULL';
    if (q.after) {
      sql += ' AND (at < @afterAt OR (at = @afterAt AND id < @afterId))';
      params.afterAt = ms(q.after.at);
      params.afterId = q.after.id;
    }
    return (this.#st(sql + ' ORDER BY at DESC, id DESC LIMIT @limit').all(params) as Row[]).map(reportFromRow);
  }

  // ── credentials and audit ────────────────────────────────────────────────

  #insertAudit(e: AuditEntry): void {
    this.#st('INSERT INTO audit (at, actor, actor_id, action, target, details) VALUES (?, ?, ?, ?, ?, ?)').run(
      ms(e.at),
      e.actor,
      e.actorId ?? null,
      e.action,
      e.target,
      e.details === null ? null : JSON.stringify(e.details),
    );
  }

  async createCredential(c: CredentialRecord, audit: AuditEntry): Promise<void> {
    this.#db.transaction(() => {
      this.#st(
        `INSERT INTO credentials (id, kind, name, scopes, region, hash, created_at, created_by, revoked_at, revoked_by)
         VALUES (@id, @kind, @name, @scopes, @region, @hash, @created_at, @created_by, @revoked_at, @revoked_by)`,
      ).run({
        id: c.id,
        kind: c.kind,
        name: c.name,
        scopes: JSON.stringify(c.scopes),
        region: c.region,
        hash: c.hash,
        created_at: ms(c.createdAt),
        created_by: c.createdBy,
        revoked_at: msOrNull(c.revokedAt),
        revoked_by: c.revokedBy,
      });
      this.#insertAudit(audit);
    })();
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    return (this.#st('SELECT * FROM credentials ORDER BY created_at, id').all() as Row[]).map(credentialFromRow);
  }

  async revokeCredential(id: string, audit: AuditEntry): Promise<CredentialRecord | null> {
    return this.#db.transaction(() => {
      const res = this.#st(
        'UPDATE credentials SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
      ).run(ms(audit.at), audit.actor, id);
      if (res.changes > 0) this.#insertAudit(audit);
      const r = this.#st('SELECT * FROM credentials WHERE id = ?').get(id) as Row | undefined;
      return r ? credentialFromRow(r) : null;
    })();
  }

  async setPlayUrls(rows: readonly { id: string; url: string }[], actor: string, now: string): Promise<void> {
    const at = ms(now);
    this.#db.transaction(() => {
      const put = this.#st(
        'INSERT INTO camera_play_urls (camera_id, url, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT(camera_id) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
      );
      const del = this.#st('DELETE FROM camera_play_urls WHERE camera_id = ?');
      for (const r of rows) {
        if (r.url === '') del.run(r.id);
        else put.run(r.id, r.url, at, actor);
      }
    })();
  }

  async playUrls(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const get = this.#st('SELECT url FROM camera_play_urls WHERE camera_id = ?');
    for (const id of new Set(ids)) {
      const r = get.get(id) as { url: string } | undefined;
      if (r) out.set(id, r.url);
    }
    return out;
  }

  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.#db.transaction(() => {
      for (const e of entries) this.#insertAudit(e);
    })();
  }

  async listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    const where: string[] = [];
    const params: Row = { limit: q.limit + 1 };
    if (q.from !== undefined) {
      where.push('at >= @from');
      params.from = ms(q.from);
    }
    if (q.to !== undefined) {
      where.push('at < @to');
      params.to = ms(q.to);
    }
    if (q.actor !== undefined) {
      where.push('actor = @actor');
      params.actor = q.actor;
    }
    if (q.action !== undefined) {
      if (q.action.endsWith('.')) {
        where.push('substr(action, 1, @alen) = @action');
        params.alen = q.action.length;
      } else where.push('action = @action');
      params.action = q.action;
    }
    if (q.target !== undefined) {
      where.push('target = @target');
      params.target = q.target;
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor, isAuditCursor)!;
      where.push('(at < @cAt OR (at = @cAt AND (src < @cSrc OR (src = @cSrc AND seq < @cSeq))))');
      params.cAt = c[0];
      params.cSrc = c[1];
      params.cSeq = c[2];
    }
    // The time range is repeated inside the clue branch so SQLite can use clue_events_at there.
    const range = [
      params.from !== undefined ? 'at >= @from' : null,
      params.to !== undefined ? 'at < @to' : null,
    ].filter(Boolean);
    const sql = `SELECT * FROM (
        SELECT at, 'a' AS src, seq, actor, actor_id, action, target, details FROM audit
        UNION ALL
        SELECT at, 'c' AS src, seq, actor, NULL AS actor_id, CASE WHEN from_status IS NULL THEN 'clue.create' ELSE 'clue.transition' END AS action,
               clue_id AS target, json_object('from', from_status, 'to', to_status, 'note', note) AS details
        FROM clue_events ${range.length ? 'WHERE ' + range.join(' AND ') : ''}
      ) ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY at DESC, src DESC, seq DESC LIMIT @limit`;
    const rows = this.#st(sql).all(params) as Row[];
    const more = rows.length > q.limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      items: rows.map(auditFromRow),
      nextCursor: more && last ? encodeCursor([last.at, last.src, last.seq]) : null,
    };
  }

  // ── notifications ────────────────────────────────────────────────────────

  async addDelivery(d: DeliveryRecord): Promise<void> {
    this.#st(
      `INSERT INTO notify_deliveries (id, channel, rule, region, kind, title, status, attempts, error, merged_into, created_at, updated_at, sent_at, message)
       VALUES (@id, @channel, @rule, @region, @kind, @title, @status, @attempts, @error, @merged_into, @created_at, @updated_at, @sent_at, @message)`,
    ).run({
      id: d.id,
      channel: d.channel,
      rule: d.rule,
      region: d.region,
      kind: d.kind,
      title: d.title,
      status: d.status,
      attempts: d.attempts,
      error: d.error,
      merged_into: d.mergedInto,
      created_at: ms(d.createdAt),
      updated_at: ms(d.updatedAt),
      sent_at: msOrNull(d.sentAt),
      message: JSON.stringify(d.message),
    });
  }

  async updateDelivery(
    id: string,
    patch: Partial<Pick<DeliveryRecord, 'status' | 'attempts' | 'error' | 'mergedInto' | 'sentAt' | 'updatedAt'>>,
  ): Promise<void> {
    const cols: string[] = [];
    const params: Row = { id };
    const set = (col: string, v: unknown) => {
      cols.push(`${col} = @${col}`);
      params[col] = v;
    };
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.attempts !== undefined) set('attempts', patch.attempts);
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.mergedInto !== undefined) set('merged_into', patch.mergedInto);
    if (patch.sentAt !== undefined) set('sent_at', msOrNull(patch.sentAt));
    if (patch.updatedAt !== undefined) set('updated_at', ms(patch.updatedAt));
    if (cols.length === 0) return;
    this.#st(`UPDATE notify_deliveries SET ${cols.join(', ')} WHERE id = @id`).run(params);
  }

  async listDeliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>> {
    const where: string[] = [];
    const params: Row = { limit: q.limit + 1 };
    if (q.regions) {
      where.push('region IN (SELECT value FROM json_each(@regions))');
      params.regions = JSON.stringify(q.regions);
    }
    if (q.channel !== undefined) {
      where.push('channel = @channel');
      params.channel = q.channel;
    }
    if (q.status !== undefined) {
      where.push('status = @status');
      params.status = q.status;
    }
    if (q.from !== undefined) {
      where.push('created_at >= @from');
      params.from = ms(q.from);
    }
    if (q.to !== undefined) {
      where.push('created_at < @to');
      params.to = ms(q.to);
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor, isTimeIdCursor)!;
      where.push('(created_at < @cAt OR (created_at = @cAt AND id < @cId))');
      params.cAt = c[0];
      params.cId = c[1];
    }
    const rows = this.#st(
      `SELECT * FROM notify_deliveries ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ).all(params) as Row[];
    const more = rows.length > q.limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      items: rows.map(deliveryFromRow),
      nextCursor: more && last ? encodeCursor([last.created_at, last.id]) : null,
    };
  }

  async unfinishedDeliveries(): Promise<DeliveryRecord[]> {
    return (
      this.#st(
        `SELECT * FROM notify_deliveries WHERE status IN ('queued', 'held') ORDER BY created_at, seq`,
      ).all() as Row[]
    ).map(deliveryFromRow);
  }

  async listNotifySettings(): Promise<NotifySetting[]> {
    return (this.#st('SELECT * FROM notify_settings ORDER BY updated_at, kind, id').all() as Row[]).map((r) => ({
      kind: r.kind as NotifySetting['kind'],
      id: r.id as string,
      doc: JSON.parse(r.doc as string) as Record<string, unknown>,
      updatedAt: isoAt(r.updated_at as number),
      updatedBy: r.updated_by as string,
    }));
  }

  async putNotifySetting(s: NotifySetting, audit: AuditEntry): Promise<void> {
    this.#db.transaction(() => {
      this.#st(
        `INSERT INTO notify_settings (kind, id, doc, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ).run(s.kind, s.id, JSON.stringify(s.doc), ms(s.updatedAt), s.updatedBy);
      this.#insertAudit(audit);
    })();
  }

  async deleteNotifySetting(kind: NotifySetting['kind'], id: string, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(() => {
      const gone = this.#st('DELETE FROM notify_settings WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
      if (gone) this.#insertAudit(audit);
      return gone;
    })();
  }

  async listCalendarOverrides(): Promise<CalendarOverrideRecord[]> {
    return (this.#st('SELECT * FROM calendar_overrides ORDER BY date').all() as Row[]).map((r) => ({
      date: r.date as string,
      workday: r.workday === 1,
      note: (r.note as string | null) ?? null,
      updatedAt: isoAt(r.updated_at as number),
      updatedBy: r.updated_by as string,
    }));
  }

  async putCalendarOverride(o: CalendarOverrideRecord, audit: AuditEntry): Promise<void> {
    this.#db.transaction(() => {
      this.#st(
        `INSERT INTO calendar_overrides (date, workday, note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (date) DO UPDATE SET workday = excluded.workday, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ).run(o.date, o.workday ? 1 : 0, o.note, ms(o.updatedAt), o.updatedBy);
      this.#insertAudit(audit);
    })();
  }

  async deleteCalendarOverride(date: string, audit: AuditEntry): Promise<boolean> {
    return this.#db.transaction(() => {
      const gone = this.#st('DELETE FROM calendar_overrides WHERE date = ?').run(date).changes > 0;
      if (gone) this.#insertAudit(audit);
      return gone;
    })();
  }

  async listNotifyState(): Promise<NotifyStateEntry[]> {
    return (this.#st('SELECT key, doc FROM notify_state ORDER BY key').all() as Row[]).map((r) => ({
      key: r.key as string,
      doc: JSON.parse(r.doc as string) as Record<string, unknown>,
    }));
  }

  async saveNotifyState(put: readonly NotifyStateEntry[], del: readonly string[]): Promise<void> {
    if (put.length === 0 && del.length === 0) return;
    this.#db.transaction(() => {
      const up = this.#st(
        'INSERT INTO notify_state (key, doc) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc',
      );
      for (const e of put) up.run(e.key, JSON.stringify(e.doc));
      const rm = this.#st('DELETE FROM notify_state WHERE key = ?');
      for (const k of del) rm.run(k);
    })();
  }

  // ── seed ─────────────────────────────────────────────────────────────────

  async importSeed(data: SeedData): Promise<void> {
    // The recent history's transaction: the seed's events pass through its table.
    this.#recent.transaction(() => {
      for (const r of data.regions) this.#upsertRegion(r);
      const firstEvent = firstEventAt(data.statusEvents, data.maintenance);
      for (const c of data.cameras) {
        const since = ms(c.since);
        const validFrom = seedValidFrom(c, firstEvent.get(c.id));
        this.#writeCam(
          {
            ...c,
            since,
            sinceIso: null,
            lastSeen: msOrNull(c.lastSeen),
            mReason: c.maintenance?.reason ?? null,
            mFrom: msOrNull(c.maintenance?.from),
            mTo: msOrNull(c.maintenance?.to),
            validFrom,
            validFromIso: null,
          },
          'fixture',
          since,
        );
        this.#recordService(c.id, validFrom, c.inService, 'fixture');
      }
      const ev = this.#st(
        'INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const sorted = [...data.statusEvents].map((e) => ({ e, at: ms(e.at) })).sort((a, b) => a.at - b.at);
      for (const { e, at } of sorted) ev.run(e.cameraId, e.from, e.to, e.reason, at, e.actor);
      this.#recent.adoptLongWrites();
      const mt = this.#st('INSERT INTO maintenance (camera_id, reason, from_at, to_at, actor) VALUES (?, ?, ?, ?, ?)');
      for (const m of data.maintenance) mt.run(m.cameraId, m.reason, ms(m.from), ms(m.to), 'fixture');
      const clueIns = this.#st(
        `INSERT OR REPLACE INTO clues (id, category, source, region, title, description, lon, lat, reported_at, due_at, status, assignee, outcome, urgent, grid_worker_id, resolved_at, updated_at, created_by)
         VALUES (@id, @category, @source, @region, @title, @description, @lon, @lat, @reported_at, @due_at, @status, @assignee, @outcome, @urgent, @grid_worker_id, @resolved_at, @updated_at, @created_by)`,
      );
      const delEvents = this.#st('DELETE FROM clue_events WHERE clue_id = ?');
      for (const { clue, history } of data.clues) {
        clueIns.run(clueParams(clue));
        delEvents.run(clue.id);
        for (const e of history) this.#insertClueEvent(clue.id, e);
      }
      for (const w of data.workers) this.#upsertWorker(w);
      for (const r of data.reports) this.#insertReport(r, true);
    });
    this.#cams = null;
  }
}

/** Opens (creating if needed) the SQLite store in `file`. Call migrate() before use. */
export function createSqliteStore(file: string, opts: { mergeAt?: number } = {}): Store {
  return new SqliteStore(file, opts.mergeAt ?? MERGE_AT);
}
