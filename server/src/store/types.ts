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

  upsertRegions(regions: readonly Region[]): Promise<void>;
  listRegions(): Promise<Region[]>;

  /** Inventory upsert by id; new channels start `unknown` since now. */
  upsertCameras(rows: readonly CameraInput[], actor: string, now: string): Promise<CameraRecord[]>;
  setMaintenance(ids: readonly string[], window: MaintenanceWindow | null, actor: string): Promise<CameraRecord[]>;
  getCameras(ids: readonly string[]): Promise<Map<string, CameraRecord>>;
  allCameras(): Promise<CameraRecord[]>;
  listCameras(q: { regions?: readonly string[]; status?: CameraStatus; cursor?: string; limit: number }): Promise<Page<CameraRecord>>;
  /**
   * Applies reports in order in one transaction: updates last-seen for all, and for each real
   * change of status (or of reason while down) updates the current state and appends a
   * StatusEvent. Reports older than the channel's current `since` are kept as history only.
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
  /** Clues reported in [from, to) and/or open, for the given leaf regions (all when omitted). */
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
