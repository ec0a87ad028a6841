import type {
  Appeal,
  Topic,
  CameraInput,
  CameraReason,
  CameraStatus,
  Clue,
  ClueEvent,
  ClueStatus,
  GridReport,
  GridWorkerView,
  Delivery,
  DeliveryStatus,
  MaintenanceWindow,
  Page,
  Region,
} from '@zhihui/shared';

/** The `code` of the Error a store rejects with for a cursor it did not issue (the errors plugin answers 400). */
export const BAD_CURSOR = 'BAD_CURSOR';

/** A channel's region and the instant it counts from (epoch ms; null when not known). */
export interface CameraPlace {
  region: string;
  validFromMs: number | null;
}

/** A channel's inventory and current status, as stored. Times are ISO strings. */
export interface CameraRecord {
  id: string;
  name: string;
  region: string;
  lon: number;
  lat: number;
  inService: boolean;
  status: CameraStatus;
  reason: CameraReason | null;
  /** Since when in `status`. */
  since: string;
  lastSeen: string | null;
  maintenance: MaintenanceWindow | null;
  /**
   * Since when the channel is valid: periods count it from then on, and reports dated before it
   * are refused (#18.2). The stores always fill it; optional so records built elsewhere (tests,
   * the bus of an older process) still type.
   */
  validFrom?: string;
}

/** One change of a channel's in-service flag (its first row: the flag it became valid with). */
export interface ServiceChange {
  cameraId: string;
  at: string;
  inService: boolean;
}

/** One real status change of a channel (repeated identical reports are heartbeats, not changes). */
export interface StatusEvent {
  cameraId: string;
  from: CameraStatus;
  to: CameraStatus;
  reason: CameraReason | null;
  at: string;
  actor: string;
}

/** What one applyStatus did (see Store.applyStatus). */
export interface StatusApplied {
  changed: CameraRecord[];
  events: StatusEvent[];
  retracted: StatusEvent[];
}

/** A status report that passed validation, ready to apply. */
export interface StatusInput {
  cameraId: string;
  status: CameraStatus;
  reason: CameraReason | null;
  at: string;
  /**
   * `at` as epoch ms, when the caller has read it already (the ingest has): the store does not
   * read it again. Given only with `at` in the store's own form (isoAt(atMs)), which the store
   * then keeps as the event's and the channel's text instead of formatting it again.
   */
  atMs?: number;
  actor: string;
  /**
   * False for a change derived from silence (the heartbeat sweep): last-seen is left alone, and the
   * report is dropped when the channel was heard from at or after `at` or changed after `at`.
   * Default true.
   */
  heard?: boolean;
}

/** One planned maintenance window of one channel, as kept in the maintenance history. */
export interface MaintenanceSpan {
  cameraId: string;
  reason: string;
  from: string;
  to: string;
}

/** Everything a seed writes, in one go (see Store.importSeed). */
export interface SeedData {
  regions: readonly Region[];
  /** Full records: inventory and the state at the seed's anchor. */
  cameras: readonly CameraRecord[];
  /** Status history, any order. */
  statusEvents: readonly StatusEvent[];
  maintenance: readonly MaintenanceSpan[];
  clues: readonly { clue: Clue; history: readonly ClueEvent[] }[];
  workers: readonly GridWorkerView[];
  reports: readonly GridReport[];
  /** 说事儿's appeals and topics (fixtures of 双山子镇); absent in older fixture sets. */
  appeals?: readonly Appeal[];
  topics?: readonly Topic[];
}

/** What a stored credential is: an ingest/admin key (bearer) or a wall's viewer (display) token. */
export type CredentialKind = 'key' | 'viewer';

/**
 * A credential created through the admin API. Only the SHA-256 of the secret is kept; the id is
 * part of the token (not secret) so a token is found by id and its hash compared in constant time.
 */
export interface CredentialRecord {
  /** 16 hex digits, unique, also inside the token. */
  id: string;
  kind: CredentialKind;
  /** Who holds it; becomes the actor of what it writes. */
  name: string;
  /** Keys: status, inventory, clues, grid, metrics and/or admin. Viewer tokens: []. */
  scopes: string[];
  /** Root of the region subtree it reaches; null: the whole tree (credentials created before regions were bound). */
  region: string | null;
  /** Hex SHA-256 of the whole token. */
  hash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** What a person may do: administer, read and lead meetings, or work clues and appeals at a desk. */
export type PersonRole = 'admin' | 'leader' | 'operator';

/** Filters of Store.listAppeals. */
export interface AppealQuery {
  regions?: readonly string[];
  from?: string;
  to?: string;
  topicId?: string;
}

/** A person's account (people sign in with a password; machines and walls use credentials). */
export interface UserRecord {
  /** `u` + 16 hex digits; also the actor id the audit log names. */
  id: string;
  /** Sign-in name; the actor written into records. Unique for ever. */
  name: string;
  role: PersonRole;
  /** Root of the region subtree the person reaches; null: the whole tree. */
  region: string | null;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Failed sign-ins since the last success. */
  failedCount: number;
  /** Sign-in refused until then, after too many failures. */
  lockedUntil: string | null;
  createdAt: string;
  createdBy: string;
  passwordChangedAt: string;
  lastSignInAt: string | null;
  disabledAt: string | null;
}

/** A signed-in browser. The store keeps the SHA-256 of the cookie's secret, never the secret. */
export interface SessionRecord {
  /** Hex SHA-256 of the session secret. */
  id: string;
  userId: string;
  /** Sent back by the browser in `x-csrf-token` on every write. */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  /** Ends then however active it is. */
  expiresAt: string;
  ip: string;
}

/** One line of the audit log: who did what to what, and when. */
export interface AuditEntry {
  at: string;
  actor: string;
  /**
   * The credential that acted: a stored credential's id, `env:<name>` for one from the
   * environment; null for the server's own actors and for clue steps (whose actor names are unique).
   */
  actorId: string | null;
  /** e.g. key.create, key.revoke, viewer.create, maintenance.set, clue.create, clue.transition. */
  action: string;
  /** What it was done to (key id, clue id, …). */
  target: string | null;
  details: Record<string, unknown> | null;
}

/** Filters of Store.listAudit; newest first. `action` ending in '.' is a prefix ('clue.'). */
export interface AuditQuery {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  target?: string;
  cursor?: string;
  limit: number;
}

/** [from, to) as ISO times, optionally for some channels only (all when omitted). */
export interface ChannelRange {
  from: string;
  to: string;
  cameraIds?: readonly string[];
}

/** A page of channels: of some leaf regions (all when omitted), in a status, after a cursor. */
export interface CameraQuery {
  regions?: readonly string[];
  status?: CameraStatus;
  cursor?: string;
  limit: number;
}

/** A page of clues: reported in [from, to) and/or open, filtered by region, status and category. */
export interface ClueQuery {
  regions?: readonly string[];
  status?: readonly string[];
  category?: readonly string[];
  from?: string;
  to?: string;
  openOnly?: boolean;
  cursor?: string;
  limit: number;
}

export type { DeliveryStatus } from '@zhihui/shared';

/**
 * One line of the delivery log as stored: the API's Delivery, with the whole channel-independent
 * message (notify/message.ts), kept to resend after a restart and to show.
 */
export type DeliveryRecord = Omit<Delivery, 'message'> & { message: Record<string, unknown> };

/** The delivery log, newest first, filtered. */
export interface DeliveryQuery {
  regions?: readonly string[];
  channel?: string;
  status?: DeliveryStatus;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** A channel or rule written through the admin API (file ones are not stored). */
export interface NotifySetting {
  kind: 'channel' | 'rule';
  id: string;
  doc: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string;
}

/** An admin's ruling on a day of the working-day calendar. */
export interface CalendarOverrideRecord {
  date: string;
  workday: boolean;
  note: string | null;
  updatedAt: string;
  updatedBy: string;
}

/** Durable state of the alert engine (an alert's last state sent, a digest's last day sent), by key. */
export interface NotifyStateEntry {
  key: string;
  doc: Record<string, unknown>;
}

/** What `gridReportsPage` reads: a window, its regions, and where the previous page ended. */
export interface GridReportPageQuery {
  from: string;
  to: string;
  regions?: readonly string[];
  withoutClue?: boolean;
  after?: { at: string; id: string } | null;
  limit: number;
}

/**
 * The one store interface: SQLite (embedded default) and PostgreSQL implement it.
 * Every method that writes resolves only after the write is committed.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** True before the first seeding. */
  isEmpty(): Promise<boolean>;
  /**
   * Writes a whole seed (regions, cameras with their current state, status history, maintenance
   * history, clues with their lifecycle, grid workers and reports) in one transaction. Existing ids
   * are replaced. Used on an empty store only.
   */
  importSeed(data: SeedData): Promise<void>;

  upsertRegions(regions: readonly Region[]): Promise<void>;
  listRegions(): Promise<Region[]>;

  /**
   * Inventory upsert by id; new channels start `unknown`, valid from their `validFrom` (capped at
   * now) or now. A change of the in-service flag is recorded in the service history at `now`.
   */
  upsertCameras(rows: readonly CameraInput[], actor: string, now: string): Promise<CameraRecord[]>;
  /**
   * Sets (or with null clears) the planned maintenance window of the channels. Every window set is
   * also kept in the maintenance history; clearing or replacing a window cuts the recorded one
   * short at the time of the call, so past periods still exclude the time it was in force.
   */
  setMaintenance(ids: readonly string[], window: MaintenanceWindow | null, actor: string): Promise<CameraRecord[]>;
  /** Maintenance windows from the history that overlap [from, to), optionally for some channels only. */
  maintenanceHistory(q: ChannelRange): Promise<MaintenanceSpan[]>;
  /**
   * The in-service flag's history (camera_service): every change before `to`, optionally for some
   * channels only, by channel then time. A period reads a channel's flag at any instant from it.
   */
  serviceHistory(q: ChannelRange): Promise<ServiceChange[]>;
  /**
   * Each channel's last status change before `before` (none for a channel without one), optionally
   * for some channels only: what a period's first change started from, reason included (#11: a
   * spell behind a source that was down, begun before the period, is not counted time).
   */
  statusBefore(q: { before: string; cameraIds?: readonly string[] }): Promise<StatusEvent[]>;
  getCameras(ids: readonly string[]): Promise<Map<string, CameraRecord>>;
  /**
   * Where known channels belong and since when they count: what the status ingest checks of each
   * report, without building whole records (a storm's batch asks for 5,000).
   */
  placeCameras(ids: readonly string[]): Promise<Map<string, CameraPlace>>;
  allCameras(): Promise<CameraRecord[]>;
  /**
   * Channels ordered by id. Cursors are opaque; a cursor the store cannot decode rejects with an
   * Error whose `code` is BAD_CURSOR (the API answers 400). The same holds for listClues.
   */
  listCameras(q: CameraQuery): Promise<Page<CameraRecord>>;
  /**
   * Applies reports in order in one transaction: updates last-seen for all, and for each real
   * change of status (or of reason while down) updates the current state and appends a
   * StatusEvent. Reports older than the channel's current `since` are kept as history only
   * (an event is inserted where they differ from the status then in force), except for a channel
   * never heard from (`unknown`, no last-seen), whose inventory time is not a real observation.
   * The history stays a chain (each change's `from` is the `to` of the one before it): a late
   * event re-chains the next change after it, or drops it when it no longer changes anything
   * (see late.ts). The current state comes from the latest observation: `since` moves back when
   * the late report now starts the current state, and a report older than the last sign of life
   * (`lastSeen`) is history only, with the change back at `lastSeen` (late.ts, betweenLate).
   * Returns the records that changed, the events appended (a re-chained change again, in its new
   * form) and the stored events taken back (dropped, or re-chained: in their old form), so a
   * reader that counted them can take them out again.
   */
  applyStatus(reports: readonly StatusInput[]): Promise<StatusApplied>;
  /** Status changes with `from <= at < to`, optionally for some channels only, in time order. */
  statusEvents(q: ChannelRange): Promise<StatusEvent[]>;

  /** Creates a clue; an existing id returns the stored clue with `created: false` (idempotent). */
  createClue(clue: Clue, first: ClueEvent): Promise<{ clue: Clue; created: boolean }>;
  /** Stores a clue's new state and appends the event, in one transaction. */
  updateClue(clue: Clue, event: ClueEvent): Promise<void>;
  getClue(id: string): Promise<{ clue: Clue; history: ClueEvent[] } | null>;
  /**
   * For those of `ids` whose lifecycle moved after `at`: the status in force at `at` (the `from`
   * of their first step after it). A past period judges "still open at its end" with it (#18.5).
   */
  clueStatusesAt(ids: readonly string[], at: string): Promise<Map<string, ClueStatus>>;
  /**
   * Clues reported in [from, to) (and, with openOnly, still open), for the given regions (all when
   * omitted), newest first (reportedAt desc, then id).
   */
  listClues(q: ClueQuery): Promise<Page<Clue>>;
  /** Every clue reported at or after `since`, plus every clue still open: what a wall needs. */
  cluesForWall(since: string): Promise<Clue[]>;

  upsertGridWorkers(rows: readonly GridWorkerView[]): Promise<void>;
  allGridWorkers(): Promise<GridWorkerView[]>;
  addGridReport(report: GridReport): Promise<{ created: boolean }>;
  gridReports(q: { from: string; to: string; regions?: readonly string[] }): Promise<GridReport[]>;
  /**
   * At most `limit` grid reports in [from, to) of `regions` (every region when undefined), newest
   * first (time, then id, both descending; ids compared as code units), those after `after` (the
   * last report of the previous page) when given; with `withoutClue`, only those that raised none.
   */
  gridReportsPage(q: GridReportPageQuery): Promise<GridReport[]>;

  // ── credentials and audit (security) ──

  /** Stores a new credential and its audit line in one transaction. */
  createCredential(c: CredentialRecord, audit: AuditEntry): Promise<void>;
  /** Every credential, revoked ones included, oldest first. */
  listCredentials(): Promise<CredentialRecord[]>;
  /**
   * Revokes a credential (and appends the audit line) in one transaction. Returns the record as
   * stored afterwards, or null for an unknown id; revoking twice changes nothing and logs nothing.
   */
  revokeCredential(id: string, audit: AuditEntry): Promise<CredentialRecord | null>;
  /**
   * Sets channels' own play URLs (from the inventory's `playUrl`); an empty url clears one. The
   * URLs may carry credentials: only the video broker reads them back, never a read API.
   */
  setPlayUrls(rows: readonly { id: string; url: string }[], actor: string, now: string): Promise<void>;
  /** The own play URLs of those of `ids` that have one. */
  playUrls(ids: readonly string[]): Promise<Map<string, string>>;
  /** Appends audit lines (admin actions the store does not log itself). */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  /**
   * The audit log, newest first: the appended lines plus every clue lifecycle step (the clue
   * history is the audit of clues: `clue.create` for the first step, `clue.transition` after,
   * target the clue id, details { from, to, note }). Cursor errors as for listClues.
   */
  listAudit(q: AuditQuery): Promise<Page<AuditEntry>>;

  // ── people and sessions ──

  /** Stores a new account with its audit line; a name in use rejects. */
  createUser(u: UserRecord, audit: AuditEntry): Promise<void>;
  /** Every account, oldest first. */
  listUsers(): Promise<UserRecord[]>;
  getUserByName(name: string): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Replaces an account's mutable fields (role, region, password, lock, sign-in times, disabled) with its audit line, when one is given. */
  updateUser(u: UserRecord, audit: AuditEntry | null): Promise<void>;
  /**
   * Counts a failed sign-in atomically: failedCount + 1, and when it reaches `max`, lockedUntil =
   * `lockUntil`. Appends the audit line. Returns the account afterwards (null when unknown).
   */
  recordSignInFailure(id: string, max: number, lockUntil: string, audit: AuditEntry): Promise<UserRecord | null>;
  createSession(s: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, lastSeenAt: string): Promise<void>;
  /** Deletes one session; false when there was none. */
  deleteSession(id: string): Promise<boolean>;
  /** Deletes a person's sessions (password changed, account disabled); returns how many. */
  deleteSessionsOf(userId: string): Promise<number>;
  /** Deletes sessions idle since before `idleBefore` or past their end at `now`; returns how many. */
  deleteStaleSessions(idleBefore: string, now: string): Promise<number>;

  // ── 说事儿: appeals and topics ──

  /** Creates or replaces appeals (with one audit line, when given). */
  putAppeals(rows: readonly Appeal[], audit: AuditEntry | null): Promise<void>;
  getAppeal(id: string): Promise<Appeal | null>;
  /** Appeals heard in [from, to) in the given regions (all when omitted), or of one topic; oldest first. */
  listAppeals(q: AppealQuery): Promise<Appeal[]>;
  /** Creates or replaces a topic (with its audit line, when given). */
  putTopic(t: Topic, audit: AuditEntry | null): Promise<void>;
  getTopic(id: string): Promise<Topic | null>;
  /** Topics whose meeting date is in [from, to) (YYYY-MM-DD) in the given regions; by meeting date. */
  listTopics(q: { regions?: readonly string[]; from?: string; to?: string }): Promise<Topic[]>;

  // ── notifications ──

  /** Appends a line to the delivery log. */
  addDelivery(d: DeliveryRecord): Promise<void>;
  /** Updates the outcome of a delivery (status, attempts, error, mergedInto, sentAt, updatedAt). */
  updateDelivery(
    id: string,
    patch: Partial<Pick<DeliveryRecord, 'status' | 'attempts' | 'error' | 'mergedInto' | 'sentAt' | 'updatedAt'>>,
  ): Promise<void>;
  /** The delivery log, newest first (createdAt desc, then id). Cursor errors as for listClues. */
  listDeliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>>;
  /** Deliveries still queued or held (to resume after a restart), oldest first. */
  unfinishedDeliveries(): Promise<DeliveryRecord[]>;
  /** Channels and rules stored through the admin API, oldest first. */
  listNotifySettings(): Promise<NotifySetting[]>;
  /** Creates or replaces a channel or rule and appends its audit line, in one transaction. */
  putNotifySetting(s: NotifySetting, audit: AuditEntry): Promise<void>;
  /** Deletes one (with its audit line); false when there was none (and nothing is logged). */
  deleteNotifySetting(kind: NotifySetting['kind'], id: string, audit: AuditEntry): Promise<boolean>;
  /** The calendar override table, by date. */
  listCalendarOverrides(): Promise<CalendarOverrideRecord[]>;
  /** Sets or replaces the override of a day (with its audit line). */
  putCalendarOverride(o: CalendarOverrideRecord, audit: AuditEntry): Promise<void>;
  /** Removes the override of a day (with its audit line); false when there was none. */
  deleteCalendarOverride(date: string, audit: AuditEntry): Promise<boolean>;
  /** Every saved alert-engine state entry. */
  listNotifyState(): Promise<NotifyStateEntry[]>;
  /** Writes (upserts) and deletes state entries in one transaction. */
  saveNotifyState(put: readonly NotifyStateEntry[], del: readonly string[]): Promise<void>;
}
