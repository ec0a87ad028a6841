import type {
  CameraInput,
  CameraReason,
  CameraStatus,
  Clue,
  ClueEvent,
  GridReport,
  GridWorkerView,
  MaintenanceWindow,
  Page,
  Region,
} from '@zhihui/shared';

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

/** A status report that passed validation, ready to apply. */
export interface StatusInput {
  cameraId: string;
  status: CameraStatus;
  reason: CameraReason | null;
  at: string;
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

  /** Inventory upsert by id; new channels start `unknown` since now. */
  upsertCameras(rows: readonly CameraInput[], actor: string, now: string): Promise<CameraRecord[]>;
  /**
   * Sets (or with null clears) the planned maintenance window of the channels. Every window set is
   * also kept in the maintenance history; clearing or replacing a window cuts the recorded one
   * short at the time of the call, so past periods still exclude the time it was in force.
   */
  setMaintenance(ids: readonly string[], window: MaintenanceWindow | null, actor: string): Promise<CameraRecord[]>;
  /** Maintenance windows from the history that overlap [from, to), optionally for some channels only. */
  maintenanceHistory(q: { from: string; to: string; cameraIds?: readonly string[] }): Promise<MaintenanceSpan[]>;
  getCameras(ids: readonly string[]): Promise<Map<string, CameraRecord>>;
  allCameras(): Promise<CameraRecord[]>;
  /**
   * Channels ordered by id. Cursors are opaque; a cursor the store cannot decode rejects with an
   * Error whose `code` is 'BAD_CURSOR' (the API answers 400). The same holds for listClues.
   */
  listCameras(q: { regions?: readonly string[]; status?: CameraStatus; cursor?: string; limit: number }): Promise<Page<CameraRecord>>;
  /**
   * Applies reports in order in one transaction: updates last-seen for all, and for each real
   * change of status (or of reason while down) updates the current state and appends a
   * StatusEvent. Reports older than the channel's current `since` are kept as history only
   * (an event is inserted where they differ from the status then in force), except for a channel
   * never heard from (`unknown`, no last-seen), whose inventory time is not a real observation.
   * Returns the records that changed and the events appended.
   */
  applyStatus(reports: readonly StatusInput[]): Promise<{ changed: CameraRecord[]; events: StatusEvent[] }>;
  /** Status changes with `from <= at < to`, optionally for some channels only, in time order. */
  statusEvents(q: { from: string; to: string; cameraIds?: readonly string[] }): Promise<StatusEvent[]>;

  /** Creates a clue; an existing id returns the stored clue with `created: false` (idempotent). */
  createClue(clue: Clue, first: ClueEvent): Promise<{ clue: Clue; created: boolean }>;
  /** Stores a clue's new state and appends the event, in one transaction. */
  updateClue(clue: Clue, event: ClueEvent): Promise<void>;
  getClue(id: string): Promise<{ clue: Clue; history: ClueEvent[] } | null>;
  /**
   * Clues reported in [from, to) (and, with openOnly, still open), for the given regions (all when
   * omitted), newest first (reportedAt desc, then id).
   */
  listClues(q: {
    regions?: readonly string[];
    status?: readonly string[];
    category?: readonly string[];
    from?: string;
    to?: string;
    openOnly?: boolean;
    cursor?: string;
    limit: number;
  }): Promise<Page<Clue>>;
  /** Every clue reported at or after `since`, plus every clue still open: what a wall needs. */
  cluesForWall(since: string): Promise<Clue[]>;

  upsertGridWorkers(rows: readonly GridWorkerView[]): Promise<void>;
  allGridWorkers(): Promise<GridWorkerView[]>;
  addGridReport(report: GridReport): Promise<{ created: boolean }>;
  gridReports(q: { from: string; to: string; regions?: readonly string[] }): Promise<GridReport[]>;
}
