import type { GridWorkerView, RegionTree, RejectedItem } from '@zhihui/shared';
import type { Bus } from '../../bus.js';
import type { WorkCalendar } from '../../notify/calendar.js';
import type { Liveness } from '../../sources/liveness.js';
import type { CameraRecord, ServiceChange, StatusInput, Store } from '../../store/types.js';
import { fieldError } from '../errors.js';
import { reaches, type RegionRoot } from '../reach.js';
import { MAX_FUTURE_MS, isoAt } from '../time.js';

/** What the ingest needs from its surroundings (the plugin passes the app's). */
export interface IngestDeps {
  store: Store;
  /** The current region tree (read on every call: it may be reloaded). */
  regions: () => RegionTree;
  bus: Bus;
  metrics?: { inc(name: string, labels?: Record<string, string | number>, n?: number): void };
  heartbeatTimeoutSec: number;
  heartbeatGraceSec: number;
  /** Status reports dated further back than this are rejected, with their reason (default 90 days). */
  lateReportMaxDays?: number;
  /** Which source feeds each channel and its heartbeat policy (default: every channel on the REST API's timeout). */
  liveness?: Liveness;
  /** Clock (tests and the simulator may drive it). */
  now?: () => number;
  /** The working-day calendar with the admin's overrides (due times given in working days). */
  workdays?: () => Pick<WorkCalendar, 'dueAfterWorkdays'> | null;
}

/** What every domain part of the ingest shares: its dependencies and the few steps they all take. */
export interface IngestContext {
  deps: IngestDeps;
  store: Store;
  clock: () => number;
  startedAt: number;
  liveness: Liveness;
  inc(name: string, labels?: Record<string, string | number>, n?: number): void;
  /** Lists a batch item as rejected and counts it. */
  reject(kind: string, rejected: RejectedItem[], index: number, code: string, message: string): void;
  /** Runs `fn` after every earlier call with the same key (read-check-write of one record). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** 400 naming `field` when `t` is more than the allowed skew in the future. */
  futureCheck(field: string, t: number, now: number): void;
  emitCameras(cameras: CameraRecord[], service?: ServiceChange[]): void;
  /** Commits status changes, tells the bus, and returns how many channels changed. */
  applyAndEmit(inputs: readonly StatusInput[]): Promise<number>;
  /** The grid worker of an id, as unknown when outside `within`. */
  workerWithin(id: string, within: RegionRoot): Promise<GridWorkerView | undefined>;
}

/** Message of an item rejected for its region. */
export const outside = (where: string, code: string) => `${where}: region ${code} is outside this key's region`;

export function ingestContext(deps: IngestDeps, liveness: Liveness): IngestContext {
  const { store, bus } = deps;
  const clock = deps.now ?? Date.now;
  const inc = (name: string, labels?: Record<string, string | number>, n = 1) => deps.metrics?.inc(name, labels, n);
  const locks = new Map<string, Promise<unknown>>();
  return {
    deps,
    store,
    clock,
    startedAt: clock(),
    liveness,
    inc,
    reject(kind, rejected, index, code, message) {
      rejected.push({ index, code, message });
      inc('zhihui_ingest_rejects_total', { kind, code });
    },
    async withLock(key, fn) {
      const prev = locks.get(key) ?? Promise.resolve();
      const run = prev.then(fn, fn);
      const tail = run.catch(() => undefined);
      locks.set(key, tail);
      try {
        return await run;
      } finally {
        if (locks.get(key) === tail) locks.delete(key);
      }
    },
    futureCheck(field, t, now) {
      if (t > now + MAX_FUTURE_MS) throw fieldError(field, `${isoAt(t)} is more than 5 minutes in the future`);
    },
    emitCameras(cameras, service) {
      if (cameras.length > 0)
        bus.emit('cameras', { cameras, events: [], ...(service && service.length > 0 ? { service } : {}) });
    },
    async applyAndEmit(inputs) {
      if (inputs.length === 0) return 0;
      const { changed, events, retracted } = await store.applyStatus(inputs);
      liveness.seen(inputs);
      if (deps.metrics) {
        // Counted per target status, not per event: a batch of thousands is a handful of increments.
        const byTo = new Map<string, number>();
        for (const e of events) byTo.set(e.to, (byTo.get(e.to) ?? 0) + 1);
        for (const [to, n] of byTo) inc('zhihui_status_changes_total', { to }, n);
      }
      // A late report may take stored changes back: the live state counts them out again.
      if (changed.length > 0 || events.length > 0)
        bus.emit('cameras', { cameras: changed, events, ...(retracted.length > 0 ? { retracted } : {}) });
      return changed.length;
    },
    async workerWithin(id, within) {
      const w = (await store.allGridWorkers()).find((x) => x.id === id);
      return w && reaches(deps.regions(), within, w.region) ? w : undefined;
    },
  };
}
