import type {
  BatchResult,
  Clue,
  ClueCreate,
  CluePatch,
  GridReport,
  GridReportCreate,
  GridWorkerView,
  MaintenanceResult,
  MaintenanceWindow,
  UpsertResult,
} from '@zhihui/shared';
import { Liveness } from '../../sources/liveness.js';
import type { StatusInput } from '../../store/types.js';
import type { RegionRoot } from '../reach.js';
import { cameraIngest } from './cameras.js';
import { clueIngest } from './clues.js';
import { ingestContext, type IngestDeps } from './context.js';
import { gridIngest } from './grid.js';
import { statusIngest } from './status.js';

export type { IngestDeps } from './context.js';

/**
 * The one write path: REST routes, the simulator and the sources all call these. Each commits
 * through the store, then tells the bus. Bad input throws an HttpError (4xx).
 *
 * Every input is checked against its shared schema once. A single record (a clue, a patch, a grid
 * report, a maintenance window) arrives typed: the route's schema checked it, or the caller built
 * it. The items of a batch arrive as they were sent and are checked here one by one, so that one
 * bad item is listed in `rejected` while the others are stored (the route checks only the list).
 * What a schema cannot know (regions, times against now, ids already taken) is checked here.
 *
 * `within` is the root of the caller's region subtree (domain/reach.ts; null or omitted: the
 * whole tree). Batches reject the items outside it one by one (FORBIDDEN); a single record in a
 * region outside it is 403, and a record addressed by id outside it is as unknown (404).
 */
export interface IngestService {
  /** Stores the valid reports of a batch (at most MAX_STATUS_BATCH) in one transaction; lists the others with why. */
  statusBatch(reports: readonly unknown[], actor: string, within?: RegionRoot): Promise<BatchResult>;
  /** Inventory upsert (at most MAX_INVENTORY_ROWS); `source: 'csv'` makes reject messages name CSV lines. */
  upsertCameras(
    rows: readonly unknown[],
    actor: string,
    opts?: { source?: 'json' | 'csv'; within?: RegionRoot },
  ): Promise<UpsertResult>;
  /** Sets (window) or clears (null) planned maintenance; unknown ids are listed as rejected. */
  setMaintenance(
    ids: readonly string[],
    window: MaintenanceWindow | null,
    actor: string,
    within?: RegionRoot,
  ): Promise<MaintenanceResult>;
  /** Creates a clue; a repeated id with the same content returns the stored clue with created: false, with other content 409. */
  createClue(body: ClueCreate, actor: string, within?: RegionRoot): Promise<{ clue: Clue; created: boolean }>;
  /** Moves a clue along its lifecycle (409 BAD_TRANSITION when not allowed). */
  patchClue(id: string, body: CluePatch, actor: string, within?: RegionRoot): Promise<Clue>;
  /** Grid worker inventory upsert (at most MAX_INVENTORY_ROWS). */
  upsertWorkers(rows: readonly unknown[], actor: string, within?: RegionRoot): Promise<UpsertResult>;
  /** A grid worker's report; with `clue` it also raises a clue (source grid). */
  gridReport(
    body: GridReportCreate,
    actor: string,
    within?: RegionRoot,
  ): Promise<{ report: GridReport; clue: Clue | null; created: boolean }>;
  setWorkerDuty(workerId: string, onDuty: boolean, actor: string, within?: RegionRoot): Promise<GridWorkerView>;
  /**
   * Heartbeat sweep: silent online channels → unknown, long-unknown → offline, each on the heartbeat
   * timeout of the source that feeds it (none for change-only sources). Returns channels changed.
   */
  markSilent(now: number): Promise<number>;
  /**
   * Applies changes a source derives rather than observes (`heard: false`): a source gone down makes
   * its channels unknown (source_down). Dropped for a channel heard from at or after `at`.
   */
  applyDerived(inputs: readonly StatusInput[]): Promise<number>;
  /** Who feeds each channel (sources, REST API) and how its liveness is judged. */
  readonly liveness: Liveness;
  /** When this service started (the heartbeat grace counts from here). */
  readonly startedAt: number;
}

/** The ingest, assembled from one part per domain: channel status, camera inventory, clues, grid. */
export function createIngest(deps: IngestDeps): IngestService {
  const ctx = ingestContext(deps, deps.liveness ?? new Liveness({ restHeartbeatSec: deps.heartbeatTimeoutSec }));
  const status = statusIngest(ctx);
  const cameras = cameraIngest(ctx);
  const clues = clueIngest(ctx);
  const grid = gridIngest(ctx, clues.createClue);
  return {
    startedAt: ctx.startedAt,
    liveness: ctx.liveness,
    ...status,
    ...cameras,
    ...clues,
    gridReport: grid.gridReport,
    // Worker rows and the duty flag store no actor.
    upsertWorkers: (rows, _actor, within) => grid.upsertWorkers(rows, within),
    setWorkerDuty: (workerId, onDuty, _actor, within) => grid.setWorkerDuty(workerId, onDuty, within),
  };
}
