import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Appeal,
  type Topic,
  periodOf,
  type CameraInput,
  type CameraReason,
  type CameraStatus,
  type Clue,
  type ClueEvent,
  type GridReport,
  type GridWorkerView,
  type MaintenanceWindow,
  type Region,
} from '@zhihui/shared';
import { isoAt } from './isoAt.js';
import type { CameraRecord, MaintenanceSpan, SeedData, StatusEvent, Store } from './types.js';

const DAY_MS = 86_400_000;

/** meta.json of the fixtures. */
export interface FixtureMeta {
  anchor: string;
  windowStart: string;
  windowDays: number;
  expected?: Record<string, unknown>;
}

/** A row of fixtures/data/camera-status.json: a channel's state at the anchor. */
export interface StatusRow {
  cameraId: string;
  status: CameraStatus;
  reason: CameraReason | null;
  since: string;
  maintenance: MaintenanceWindow | null;
}

/** A row of fixtures/data/status-history.json: one status change. */
export interface HistoryRow {
  cameraId: string;
  from: CameraStatus;
  to: CameraStatus;
  reason: CameraReason | null;
  at: string;
}

async function readJson<T>(dir: string, name: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`fixtures: cannot read ${name}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Whole days to add to fixture times so the fixture's anchor lands on the start of today in
 * Asia/Shanghai; whole days keep every time of day (and so every daily pattern) as generated.
 */
export function seedShiftMs(anchor: string, now: number): number {
  const todayStart = Date.parse(periodOf('today', now).from);
  return Math.round((todayStart - Date.parse(anchor)) / DAY_MS) * DAY_MS;
}

/** What seeding did, for the log. */
export interface SeedResult {
  seeded: boolean;
  shiftDays: number;
  counts: Record<string, number>;
}

/** The fixtures as seed data, with times shifted as `anchor` says; null when there are none. */
export interface FixtureSeed {
  meta: FixtureMeta;
  /** Milliseconds added to every fixture time. */
  shift: number;
  data: SeedData;
}

/** The inventory with each channel's seeded state and maintenance window, times shifted by `t`. */
function seedCameras(
  inventory: readonly CameraInput[],
  status: readonly StatusRow[],
  t: (iso: string) => string,
  anchor: string,
  validFrom: string,
): { cameras: CameraRecord[]; maintenance: MaintenanceSpan[] } {
  const stateOf = new Map(status.map((s) => [s.cameraId, s]));
  const maintenance: MaintenanceSpan[] = [];
  const cameras: CameraRecord[] = inventory.map((c) => {
    const s = stateOf.get(c.id);
    const m = s?.maintenance
      ? { reason: s.maintenance.reason, from: t(s.maintenance.from), to: t(s.maintenance.to) }
      : null;
    if (m) maintenance.push({ cameraId: c.id, ...m });
    return {
      id: c.id,
      name: c.name,
      region: c.region,
      lon: c.lon,
      lat: c.lat,
      inService: c.inService ?? true,
      status: s?.status ?? 'unknown',
      reason: s?.reason ?? null,
      since: s ? t(s.since) : anchor,
      // Every channel was heard from at the anchor: the heartbeat timeout counts from there.
      lastSeen: anchor,
      maintenance: m,
      // Valid from the seed's history start (the store takes its first change if earlier): the
      // demo's channels count in every period the fixtures describe (#18.2).
      validFrom,
    };
  });
  return { cameras, maintenance };
}

/**
 * Reads `<fixturesDir>/data` as seed data. Missing files give nothing of their kind; a missing
 * meta.json means no fixtures at all.
 */
export async function readSeedData(
  fixturesDir: string,
  opts: { anchor: 'today' | 'fixture'; now?: number },
): Promise<FixtureSeed | null> {
  const dir = path.join(fixturesDir, 'data');
  const meta = await readJson<FixtureMeta | null>(dir, 'meta.json', null);
  if (!meta) return null;
  const shift = opts.anchor === 'fixture' ? 0 : seedShiftMs(meta.anchor, opts.now ?? Date.now());
  const t = (iso: string): string => (shift === 0 ? iso : isoAt(Date.parse(iso) + shift));
  const tn = (iso: string | null | undefined): string | null => (iso == null ? null : t(iso));
  const anchor = t(meta.anchor);

  const [regions, inventory, status, history, clues, workers, reports] = await Promise.all([
    readJson<Region[]>(dir, 'regions.json', []),
    readJson<CameraInput[]>(dir, 'cameras.json', []),
    readJson<StatusRow[]>(dir, 'camera-status.json', []),
    readJson<HistoryRow[]>(dir, 'status-history.json', []),
    readJson<{ clue: Clue; history: ClueEvent[] }[]>(dir, 'clues.json', []),
    readJson<GridWorkerView[]>(dir, 'grid-workers.json', []),
    readJson<GridReport[]>(dir, 'grid-reports.json', []),
  ]);
  const [appeals, topics] = await Promise.all([
    readJson<Appeal[]>(dir, 'appeals.json', []),
    readJson<Topic[]>(dir, 'appeal-topics.json', []),
  ]);
  const shiftDate = (d: string): string =>
    shift === 0 ? d : new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10);

  const { cameras, maintenance } = seedCameras(inventory, status, t, anchor, t(meta.windowStart));
  const statusEvents: StatusEvent[] = history.map((h) => ({
    cameraId: h.cameraId,
    from: h.from,
    to: h.to,
    reason: h.reason ?? null,
    at: t(h.at),
    actor: 'fixture',
  }));
  const data: SeedData = {
    regions,
    cameras,
    statusEvents,
    maintenance,
    clues: clues.map(({ clue, history: h }) => ({
      clue: {
        ...clue,
        reportedAt: t(clue.reportedAt),
        dueAt: tn(clue.dueAt),
        resolvedAt: tn(clue.resolvedAt),
        updatedAt: t(clue.updatedAt),
      },
      history: h.map((e) => ({ ...e, at: t(e.at) })),
    })),
    workers: workers.map((w) => ({ ...w, lastReportAt: tn(w.lastReportAt) })),
    reports: reports.map((r) => ({ ...r, at: t(r.at) })),
    appeals: appeals.map((a) => ({
      ...a,
      heardAt: t(a.heardAt),
      dueAt: tn(a.dueAt),
      doneAt: tn(a.doneAt),
      updatedAt: t(a.updatedAt),
    })),
    topics: topics.map((x) => ({
      ...x,
      meetingDate: shiftDate(x.meetingDate),
      dueAt: tn(x.dueAt),
      doneAt: tn(x.doneAt),
      updatedAt: t(x.updatedAt),
    })),
  };
  return { meta, shift, data };
}

/** Seeds an empty store from the fixtures (see readSeedData). */
export async function seedStore(
  store: Store,
  opts: { fixturesDir: string; anchor: 'today' | 'fixture'; now?: number },
): Promise<SeedResult> {
  const seed = await readSeedData(opts.fixturesDir, opts);
  if (!seed) return { seeded: false, shiftDays: 0, counts: {} };
  const { data, shift } = seed;
  await store.importSeed(data);
  // 说事儿's records go through the store's own methods (they are not part of importSeed's transaction).
  if (data.appeals && data.appeals.length > 0) await store.putAppeals(data.appeals, null);
  for (const topic of data.topics ?? []) await store.putTopic(topic, null);
  return {
    seeded: true,
    shiftDays: shift / DAY_MS,
    counts: {
      regions: data.regions.length,
      cameras: data.cameras.length,
      statusEvents: data.statusEvents.length,
      clues: data.clues.length,
      workers: data.workers.length,
      reports: data.reports.length,
      appeals: data.appeals?.length ?? 0,
      topics: data.topics?.length ?? 0,
    },
  };
}
