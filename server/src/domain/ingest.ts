import { randomUUID } from 'node:crypto';
import {
  CLUE_TRANSITIONS,
  CameraInputSchema,
  ClueCreateSchema,
  CluePatchSchema,
  ErrorCode,
  GridReportCreateSchema,
  GridWorkerSchema,
  MAX_INVENTORY_ROWS,
  MAX_STATUS_BATCH,
  MaintenanceWindowSchema,
  StatusReportSchema,
  inMaintenance,
  type BatchResult,
  type CameraInput,
  type Clue,
  type ClueCreate,
  type GridReport,
  type GridWorkerView,
  type MaintenanceWindow,
  type RegionTree,
  type RejectedItem,
} from '@zhihui/shared';
import type { Bus } from '../bus.js';
import type { CameraRecord, StatusInput, Store } from '../store/types.js';
import { HttpError, fieldError, notFound, validationError } from './errors.js';
import { assertReaches, reaches, type RegionRoot } from './reach.js';
import { MAX_FUTURE_MS, isoAt } from './time.js';
import { strictChecker } from './validate.js';
import { Liveness } from '../sources/liveness.js';
import { WorkCalendar } from '../notify/calendar.js';

/** What the ingest needs from its surroundings (the plugin passes the app's). */
export interface IngestDeps {
  store: Store;
  /** The current region tree (read on every call: it may be reloaded). */
  regions: () => RegionTree;
  bus: Bus;
  metrics?: { inc(name: string, labels?: Record<string, string | number>, n?: number): void };
  heartbeatTimeoutSec: number;
  heartbeatGraceSec: number;
  /** Which source feeds each channel and its heartbeat policy (default: every channel on the REST API's timeout). */
  liveness?: Liveness;
  /** Clock (tests and the simulator may drive it). */
  now?: () => number;
  /** The working-day calendar with the admin's overrides (due times given in working days). */
  workdays?: () => Pick<WorkCalendar, 'dueAfterWorkdays'> | null;
}

/** Result of an inventory-like upsert: how many rows were stored and which were not, with why. */
export interface UpsertResult {
  upserted: number;
  rejected: RejectedItem[];
}

/**
 * The one write path: REST routes and the simulator both call these. Each checks its input,
 * commits through the store, then tells the bus. Bad input throws an HttpError (4xx).
 *
 * `within` is the root of the caller's region subtree (domain/reach.ts; null or omitted: the
 * whole tree). Batches reject the items outside it one by one (FORBIDDEN); a single record in a
 * region outside it is 403, and a record addressed by id outside it is as unknown (404).
 */
export interface IngestService {
  /** Stores the valid reports of a batch in one transaction; lists the others with why. */
  statusBatch(reports: unknown[], actor: string, within?: RegionRoot): Promise<BatchResult>;
  /** Inventory upsert; `source: 'csv'` makes reject messages name CSV lines. */
  upsertCameras(rows: unknown[], actor: string, opts?: { source?: 'json' | 'csv'; within?: RegionRoot }): Promise<UpsertResult>;
  /** Sets (window) or clears (null) planned maintenance; unknown ids are listed as rejected. */
  setMaintenance(ids: string[], window: MaintenanceWindow | null, actor: string, within?: RegionRoot): Promise<{ updated: number; rejected: RejectedItem[] }>;
  /** Creates a clue; a repeated id with the same content returns the stored clue with created: false, with other content 409. */
  createClue(body: unknown, actor: string, within?: RegionRoot): Promise<{ clue: Clue; created: boolean }>;
  /** Moves a clue along its lifecycle (409 BAD_TRANSITION when not allowed). */
  patchClue(id: string, body: unknown, actor: string, within?: RegionRoot): Promise<Clue>;
  /** Grid worker inventory upsert. */
  upsertWorkers(rows: unknown[], actor: string, within?: RegionRoot): Promise<UpsertResult>;
  /** A grid worker's report; with `clue` it also raises a clue (source grid). */
  gridReport(body: unknown, actor: string, within?: RegionRoot): Promise<{ report: GridReport; clue: Clue | null; created: boolean }>;
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

const DAY_MS = 86_400_000;
/** Due time when the sender gives none: a day for urgent clues, three otherwise. */
const DEFAULT_DUE_MS = { urgent: DAY_MS, normal: 3 * DAY_MS };

/** China's official calendar without overrides, where no notifications capability supplies one. */
const officialCalendar = new WorkCalendar();

const checkReport = strictChecker(StatusReportSchema);
const checkCamera = strictChecker(CameraInputSchema);
const checkWindow = strictChecker(MaintenanceWindowSchema);
const checkClue = strictChecker(ClueCreateSchema);
const checkPatch = strictChecker(CluePatchSchema);
const checkWorker = strictChecker(GridWorkerSchema);
const checkGridReport = strictChecker(GridReportCreateSchema);

const sameWorker = (a: GridWorkerView, b: GridWorkerView): boolean =>
  a.name === b.name && a.region === b.region && a.phone === b.phone && a.onDuty === b.onDuty && a.lastReportAt === b.lastReportAt;

const sameTime = (a: string | null, b: string | undefined) => b === undefined || (a !== null && Date.parse(a) === Date.parse(b));

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

/** Message of an item rejected for its region. */
const outside = (where: string, code: string) => `${where}: region ${code} is outside this key's region`;

export function createIngest(deps: IngestDeps): IngestService {
  const { store, bus } = deps;
  const clock = deps.now ?? Date.now;
  const startedAt = clock();
  const liveness = deps.liveness ?? new Liveness({ restHeartbeatSec: deps.heartbeatTimeoutSec });
  const inc = (name: string, labels?: Record<string, string | number>, n = 1) => deps.metrics?.inc(name, labels, n);
  // Read-check-write of one clue must not interleave with another on the same clue.
  const locks = new Map<string, Promise<unknown>>();
  async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (locks.get(key) === tail) locks.delete(key);
    }
  }

  const reject = (kind: string, rejected: RejectedItem[], index: number, code: string, message: string) => {
    rejected.push({ index, code, message });
    inc('zhihui_ingest_rejects_total', { kind, code });
  };

  function futureCheck(field: string, t: number, now: number): void {
    if (t > now + MAX_FUTURE_MS) throw fieldError(field, `${isoAt(t)} is more than 5 minutes in the future`);
  }

  function emitCameras(cameras: CameraRecord[]): void {
    if (cameras.length > 0) bus.emit('cameras', { cameras, events: [] });
  }

  async function applyAndEmit(inputs: readonly StatusInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const { changed, events } = await store.applyStatus(inputs);
    liveness.seen(inputs);
    for (const e of events) inc('zhihui_status_changes_total', { to: e.to });
    if (changed.length > 0 || events.length > 0) bus.emit('cameras', { cameras: changed, events });
    return changed.length;
  }

  /** The grid worker of an id, as unknown when outside `within`. */
  async function workerWithin(id: string, within: RegionRoot): Promise<GridWorkerView | undefined> {
    const w = (await store.allGridWorkers()).find((x) => x.id === id);
    return w && reaches(deps.regions(), within, w.region) ? w : undefined;
  }

  async function createClueChecked(body: unknown, actor: string, now: number, within: RegionRoot): Promise<{ clue: Clue; created: boolean }> {
    const r = checkClue(body);
    if (!r.ok) throw validationError(r.errors);
    const b: ClueCreate = r.value;
    const tree = deps.regions();
    if (!tree.byCode.has(b.region)) throw fieldError('region', `unknown region code '${b.region}'`, ErrorCode.unknownRegion);
    assertReaches(tree, within, b.region, 'region');
    if (b.id !== undefined) {
      // A retry of a stored clue is answered before anything else is judged (its time may have passed);
      // the same id with other content is someone else's clue, never silently the answer.
      const existing = await store.getClue(b.id);
      if (existing) {
        if (!reaches(tree, within, existing.clue.region)) throw new HttpError(409, ErrorCode.conflict, `id: clue id '${b.id}' is already taken; choose another id`);
        const diff = clueDifferences(existing.clue, b);
        if (diff.length > 0) throw new HttpError(409, ErrorCode.conflict, `id: a clue '${b.id}' already exists with other content (${diff.join(', ')}); a retry must repeat the same clue`, { fields: diff });
        return { clue: existing.clue, created: false };
      }
    }
    const reportedAt = b.reportedAt !== undefined ? Date.parse(b.reportedAt) : now;
    futureCheck('reportedAt', reportedAt, now);
    let dueAt: number;
    if (b.dueWorkdays !== undefined) {
      if (b.dueAt !== undefined) throw fieldError('dueWorkdays', 'give either dueAt or dueWorkdays, not both');
      dueAt = (deps.workdays?.() ?? officialCalendar).dueAfterWorkdays(reportedAt, b.dueWorkdays);
    } else if (b.dueAt !== undefined) {
      dueAt = Date.parse(b.dueAt);
      if (dueAt <= reportedAt) throw fieldError('dueAt', `must be after reportedAt (${isoAt(reportedAt)})`);
    } else dueAt = reportedAt + (b.urgent ? DEFAULT_DUE_MS.urgent : DEFAULT_DUE_MS.normal);
    if ((b.lon === undefined) !== (b.lat === undefined)) throw fieldError(b.lon === undefined ? 'lon' : 'lat', 'lon and lat go together');
    if (b.gridWorkerId !== undefined && !(await workerWithin(b.gridWorkerId, within))) {
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
      inc('zhihui_clues_total', { source: clue.source });
      bus.emit('clues', { clues: [res.clue] });
    }
    return res;
  }

  async function createClue(body: unknown, actor: string, within: RegionRoot = null): Promise<{ clue: Clue; created: boolean }> {
    const now = clock();
    const id = body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : null;
    return id === null ? createClueChecked(body, actor, now, within) : withLock(`clue:${id}`, () => createClueChecked(body, actor, now, within));
  }

  return {
    startedAt,
    liveness,
    createClue,
    applyDerived: (inputs) => applyAndEmit(inputs.map((i) => ({ ...i, heard: false }))),

    async statusBatch(reports, actor, within = null) {
      if (!Array.isArray(reports)) throw fieldError('reports', 'must be an array');
      if (reports.length > MAX_STATUS_BATCH) throw fieldError('reports', `at most ${MAX_STATUS_BATCH} reports per batch (got ${reports.length}); split it into smaller batches`);
      const now = clock();
      const rejected: RejectedItem[] = [];
      const candidates: { index: number; input: StatusInput; t: number }[] = [];
      reports.forEach((item, index) => {
        const r = checkReport(item);
        if (!r.ok) {
          const e = r.errors[0]!;
          reject('status', rejected, index, ErrorCode.validation, `reports/${index}/${e.field}: ${e.message}`);
          return;
        }
        const t = r.value.at !== undefined ? Date.parse(r.value.at) : now;
        if (t > now + MAX_FUTURE_MS) {
          reject('status', rejected, index, ErrorCode.validation, `reports/${index}/at: ${r.value.at} is more than 5 minutes in the future`);
          return;
        }
        candidates.push({ index, t, input: { cameraId: r.value.cameraId, status: r.value.status, reason: r.value.reason ?? null, at: isoAt(t), actor } });
      });
      const known = await store.getCameras([...new Set(candidates.map((c) => c.input.cameraId))]);
      const tree = deps.regions();
      const valid: { input: StatusInput; t: number }[] = [];
      for (const c of candidates) {
        const cam = known.get(c.input.cameraId);
        if (!cam) reject('status', rejected, c.index, ErrorCode.unknownCamera, `reports/${c.index}/cameraId: unknown camera '${c.input.cameraId}'`);
        else if (!reaches(tree, within, cam.region)) reject('status', rejected, c.index, ErrorCode.forbidden, outside(`reports/${c.index}/cameraId`, cam.region));
        else valid.push(c);
      }
      rejected.sort((a, b) => a.index - b.index);
      // Applied in time order, so a batch that lists a channel's reports out of order still ends right.
      valid.sort((a, b) => a.t - b.t);
      await applyAndEmit(valid.map((v) => v.input));
      inc('zhihui_ingest_reports_total', { result: 'accepted' }, valid.length);
      inc('zhihui_ingest_reports_total', { result: 'rejected' }, rejected.length);
      return { accepted: valid.length, rejected };
    },

    async upsertCameras(rows, actor, opts = {}) {
      if (!Array.isArray(rows)) throw fieldError('cameras', 'must be an array');
      if (rows.length > MAX_INVENTORY_ROWS) throw fieldError('cameras', `at most ${MAX_INVENTORY_ROWS} rows per request (got ${rows.length}); split it`);
      const tree = deps.regions();
      const within = opts.within ?? null;
      const rejected: RejectedItem[] = [];
      const where = (i: number, field: string) => (opts.source === 'csv' ? `line ${i + 2}, ${field}` : `cameras/${i}/${field}`);
      // A bound key may neither place a channel outside its subtree nor take over one that lies outside it.
      const ids = within === null ? [] : rows.map((row) => (row && typeof row === 'object' ? (row as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string');
      const existing = ids.length > 0 ? await store.getCameras([...new Set(ids)]) : new Map<string, CameraRecord>();
      const valid: CameraInput[] = [];
      rows.forEach((row, i) => {
        const r = checkCamera(row);
        if (!r.ok) {
          const e = r.errors[0]!;
          reject('camera', rejected, i, ErrorCode.validation, `${where(i, e.field)}: ${e.message}`);
        } else if (!tree.byCode.has(r.value.region)) {
          reject('camera', rejected, i, ErrorCode.unknownRegion, `${where(i, 'region')}: unknown region code '${r.value.region}'`);
        } else if (!reaches(tree, within, r.value.region)) {
          reject('camera', rejected, i, ErrorCode.forbidden, outside(where(i, 'region'), r.value.region));
        } else if (!reaches(tree, within, existing.get(r.value.id)?.region ?? r.value.region)) {
          reject('camera', rejected, i, ErrorCode.forbidden, outside(where(i, 'id'), existing.get(r.value.id)!.region));
        } else valid.push(r.value);
      });
      if (valid.length > 0) {
        const now = isoAt(clock());
        const records = await store.upsertCameras(valid, actor, now);
        // A channel's own play URL is a secret kept apart from the row (video broker only).
        const urls = valid.flatMap((r) => (r.playUrl === undefined ? [] : [{ id: r.id, url: r.playUrl }]));
        if (urls.length > 0) await store.setPlayUrls(urls, actor, now);
        emitCameras(records);
      }
      return { upserted: valid.length, rejected };
    },

    async setMaintenance(ids, window, actor, within = null) {
      if (!Array.isArray(ids) || ids.length === 0) throw fieldError('ids', 'must be a non-empty array of camera ids');
      if (ids.length > MAX_INVENTORY_ROWS) throw fieldError('ids', `at most ${MAX_INVENTORY_ROWS} ids per request`);
      if (window !== null) {
        const w = checkWindow(window);
        if (!w.ok) throw validationError(w.errors, 'window');
        if (Date.parse(window.to) <= Date.parse(window.from)) throw fieldError('window/to', 'must be after window/from');
      }
      const known = await store.getCameras(ids);
      const tree = deps.regions();
      const rejected: RejectedItem[] = [];
      ids.forEach((id, index) => {
        const cam = known.get(id);
        if (!cam) reject('maintenance', rejected, index, ErrorCode.unknownCamera, `ids/${index}: unknown camera '${id}'`);
        else if (!reaches(tree, within, cam.region)) {
          reject('maintenance', rejected, index, ErrorCode.forbidden, outside(`ids/${index}`, cam.region));
          known.delete(id);
        }
      });
      const records = known.size > 0 ? await store.setMaintenance([...known.keys()], window, actor) : [];
      emitCameras(records);
      return { updated: records.length, rejected };
    },

    async patchClue(id, body, actor, within = null) {
      const r = checkPatch(body);
      if (!r.ok) throw validationError(r.errors);
      const p = r.value;
      return withLock(`clue:${id}`, async () => {
        const now = clock();
        const found = await store.getClue(id);
        if (!found || !reaches(deps.regions(), within, found.clue.region)) throw notFound('clue', id);
        const cur = found.clue;
        const at = p.at !== undefined ? Date.parse(p.at) : now;
        futureCheck('at', at, now);
        const last = found.history[found.history.length - 1];
        if (last && at < Date.parse(last.at)) throw fieldError('at', `is before the clue's last step (${last.at})`);
        if (p.outcome !== undefined && cur.category !== 'dispute') throw fieldError('outcome', `only disputes have a mediation outcome (this clue is ${cur.category})`);
        const assignee = p.assignee ?? cur.assignee;
        const outcome = p.outcome ?? cur.outcome;
        if (p.status === cur.status) {
          // Same status: a retry changes nothing; a new assignee or outcome is recorded as a step.
          if (assignee === cur.assignee && outcome === cur.outcome) return cur;
        } else if (!CLUE_TRANSITIONS[cur.status].includes(p.status)) {
          const allowed = CLUE_TRANSITIONS[cur.status];
          throw new HttpError(409, ErrorCode.badTransition, `cannot go from ${cur.status} to ${p.status}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${cur.status} is final)`}`, {
            from: cur.status,
            to: p.status,
            allowed,
          });
        }
        const iso = isoAt(at);
        const next: Clue = {
          ...cur,
          status: p.status,
          assignee,
          outcome,
          resolvedAt: p.status === 'resolved' && cur.status !== 'resolved' ? iso : p.status === 'dispatched' ? null : cur.resolvedAt,
          updatedAt: iso,
        };
        await store.updateClue(next, { from: cur.status, to: p.status, at: iso, actor, note: p.note ?? null });
        inc('zhihui_clue_transitions_total', { to: p.status });
        bus.emit('clues', { clues: [next] });
        return next;
      });
    },

    async upsertWorkers(rows, actor, within = null) {
      void actor;
      if (!Array.isArray(rows)) throw fieldError('workers', 'must be an array');
      if (rows.length > MAX_INVENTORY_ROWS) throw fieldError('workers', `at most ${MAX_INVENTORY_ROWS} rows per request`);
      const tree = deps.regions();
      const existing = new Map((await store.allGridWorkers()).map((w) => [w.id, w]));
      const rejected: RejectedItem[] = [];
      const next = new Map<string, GridWorkerView>();
      rows.forEach((row, i) => {
        const r = checkWorker(row);
        if (!r.ok) {
          const e = r.errors[0]!;
          reject('worker', rejected, i, ErrorCode.validation, `workers/${i}/${e.field}: ${e.message}`);
          return;
        }
        const w = r.value;
        if (!tree.byCode.has(w.region)) {
          reject('worker', rejected, i, ErrorCode.unknownRegion, `workers/${i}/region: unknown region code '${w.region}'`);
          return;
        }
        const old = next.get(w.id) ?? existing.get(w.id);
        const outOf = [w.region, existing.get(w.id)?.region ?? w.region].find((code) => !reaches(tree, within, code));
        if (outOf !== undefined) {
          reject('worker', rejected, i, ErrorCode.forbidden, outside(`workers/${i}/${outOf === w.region ? 'region' : 'id'}`, outOf));
          return;
        }
        next.set(w.id, {
          id: w.id,
          name: w.name,
          region: w.region,
          phone: w.phone === undefined ? (old?.phone ?? null) : w.phone,
          onDuty: w.onDuty ?? old?.onDuty ?? false,
          lastReportAt: old?.lastReportAt ?? null,
        });
      });
      const workers = [...next.values()];
      if (workers.length > 0) {
        await store.upsertGridWorkers(workers);
        bus.emit('grid', { workers, reports: [] });
      }
      return { upserted: rows.length - rejected.length, rejected };
    },

    async gridReport(body, actor, within = null) {
      const r = checkGridReport(body);
      if (!r.ok) throw validationError(r.errors);
      const b = r.value;
      const now = clock();
      const worker = await workerWithin(b.workerId, within);
      if (!worker) throw fieldError('workerId', `unknown grid worker '${b.workerId}'`, ErrorCode.unknownWorker);
      const at = b.at !== undefined ? Date.parse(b.at) : now;
      futureCheck('at', at, now);
      let clue: Clue | null = null;
      if (b.clue) {
        try {
          // Without a time of its own the clue is reported now, as the report is: a retry then repeats the same clue.
          const reportedAt = b.clue.reportedAt ?? (b.at !== undefined ? isoAt(at) : undefined);
          const res = await createClue({ ...b.clue, source: 'grid', region: worker.region, gridWorkerId: worker.id, ...(reportedAt ? { reportedAt } : {}) }, actor, within);
          clue = res.clue;
        } catch (err) {
          if (err instanceof HttpError && err.statusCode === 400) {
            const details = Array.isArray(err.details) ? (err.details as { field: string; message: string }[]).map((d) => ({ ...d, field: `clue/${d.field}` })) : err.details;
            throw new HttpError(400, err.code, `clue/${err.message}`, details);
          }
          throw err;
        }
      }
      const report: GridReport = { id: b.id ?? randomUUID(), workerId: worker.id, region: worker.region, at: isoAt(at), text: b.text, clueId: clue?.id ?? null };
      const { created } = await store.addGridReport(report);
      // A retry of a report already stored (same id) changes nothing and tells nobody.
      if (!created) return { report, clue, created: false };
      const updated: GridWorkerView =
        worker.lastReportAt === null || Date.parse(worker.lastReportAt) < at ? { ...worker, lastReportAt: report.at } : worker;
      if (!sameWorker(updated, worker)) await store.upsertGridWorkers([updated]);
      inc('zhihui_grid_reports_total');
      bus.emit('grid', { workers: [updated], reports: [report] });
      return { report, clue, created: true };
    },

    async setWorkerDuty(workerId, onDuty, actor, within = null) {
      void actor;
      const worker = await workerWithin(workerId, within);
      if (!worker) throw notFound('grid worker', workerId, ErrorCode.unknownWorker);
      if (worker.onDuty === onDuty) return worker;
      const next = { ...worker, onDuty };
      await store.upsertGridWorkers([next]);
      bus.emit('grid', { workers: [next], reports: [] });
      return next;
    },

    async markSilent(now) {
      if (deps.heartbeatGraceSec > 0 && now - startedAt < deps.heartbeatGraceSec * 1000) return 0;
      const at = isoAt(now);
      const inputs: StatusInput[] = [];
      for (const c of await store.allCameras()) {
        if (!c.inService || inMaintenance(c.maintenance, now)) continue;
        const timeout = liveness.timeoutMs(c, startedAt);
        if (timeout === null) continue;
        const since = Date.parse(c.since);
        const heard = c.lastSeen === null ? since : Date.parse(c.lastSeen);
        if (c.status === 'online' && now - heard > timeout) {
          inputs.push({ cameraId: c.id, status: 'unknown', reason: null, at, actor: 'heartbeat', heard: false });
        } else if (c.status === 'unknown' && now - Math.max(heard, since) > timeout) {
          inputs.push({ cameraId: c.id, status: 'offline', reason: null, at, actor: 'heartbeat', heard: false });
        }
      }
      return applyAndEmit(inputs);
    },
  };
}
