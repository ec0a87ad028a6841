import {
  buildRegionTree,
  periodOf,
  recentPeriod,
  type RegionSnapshot,
  type RegionTree,
  type WallFigures,
} from '@zhihui/shared';
import type { Bus, BusEvents } from '../bus.js';
import type { Store } from '../store/types.js';
import { LiveEngine, type LiveData } from './engine.js';

/** Reads what the live engine starts from: current state plus the recent period's history. */
export async function loadLiveData(store: Store, now: number): Promise<LiveData> {
  const recent = recentPeriod(now);
  const today = periodOf('today', now);
  const [cameras, clues, workers, reports, events, maintenance, service, before] = await Promise.all([
    store.allCameras(),
    store.cluesForWall(recent.from),
    store.allGridWorkers(),
    store.gridReports({ from: recent.from, to: today.to }),
    // The recent period's changes feed its repaired/newly-failed counts and time-weighted rate.
    store.statusEvents({ from: recent.from, to: today.to }),
    store.maintenanceHistory({ from: recent.from, to: today.to }),
    // The whole flag history: the flag at the recent period's start may have been set long before.
    store.serviceHistory({ from: recent.from, to: today.to }),
    store.statusBefore({ before: recent.from }),
  ]);
  return { cameras, clues, workers, reports, events, maintenance, service, before };
}

/** The bus events the live state is built from. */
type LiveEvents = Pick<BusEvents, 'cameras' | 'clues' | 'grid'>;
type Replay = { [K in keyof LiveEvents]: { event: K; payload: LiveEvents[K] } }[keyof LiveEvents];

/**
 * `app.live`: the live engine fed from the bus, reloaded from the store when the day rolls over.
 * Bus events that arrive while a reload reads the store are applied to the old engine (walls keep
 * streaming) and replayed onto the new one; records are full states and events are de-duplicated,
 * so replaying what the store already returned is harmless.
 */
export class LiveService {
  #engine: LiveEngine;
  #replay: Replay[] | null = null;
  #reloading: Promise<void> | null = null;
  readonly #reloadListeners = new Set<(e: LiveEngine) => void>();
  readonly #offs: (() => void)[] = [];
  readonly #clock: () => number;

  constructor(
    engine: LiveEngine,
    private readonly source: { store: Store | null; tree: () => Promise<RegionTree> },
    bus: Bus,
    clock: () => number = Date.now,
  ) {
    this.#engine = engine;
    this.#clock = clock;
    this.#offs.push(
      bus.on('cameras', (p) => this.#apply({ event: 'cameras', payload: p })),
      bus.on('clues', (p) => this.#apply({ event: 'clues', payload: p })),
      bus.on('grid', (p) => this.#apply({ event: 'grid', payload: p })),
    );
  }

  static async create(
    source: { store: Store | null; tree: () => Promise<RegionTree> },
    bus: Bus,
    clock: () => number = Date.now,
  ): Promise<LiveService> {
    const engine = await LiveService.#build(source, clock);
    return new LiveService(engine, source, bus, clock);
  }

  static async #build(
    source: { store: Store | null; tree: () => Promise<RegionTree> },
    clock: () => number,
  ): Promise<LiveEngine> {
    const tree = await source.tree();
    const data: LiveData = source.store
      ? await loadLiveData(source.store, clock())
      : { cameras: [], clues: [], workers: [], reports: [], events: [] };
    return new LiveEngine(tree, data, clock);
  }

  get engine(): LiveEngine {
    return this.#engine;
  }

  has(code: string): boolean {
    return this.#engine.has(code);
  }

  figures(code: string): WallFigures {
    return this.#engine.figures(code);
  }

  /** A snapshot with the caller's seq (the stream owns sequence numbers). */
  snapshot(code: string, seq = 0): RegionSnapshot {
    return this.#engine.snapshot(code, seq);
  }

  /** Called with the new engine after each reload. */
  onReload(l: (e: LiveEngine) => void): () => void {
    this.#reloadListeners.add(l);
    return () => this.#reloadListeners.delete(l);
  }

  /** Clock-driven updates; reloads when the day rolled over. Call about once a second. */
  tick(): void {
    if (this.#reloading) return;
    // A failed reload is retried on the next tick: the old engine keeps serving meanwhile.
    if (this.#engine.tick() === 'rollover') this.reload().catch(() => {});
  }

  /** Rebuilds the engine from the store (new periods), then hands it to the reload listeners. */
  reload(): Promise<void> {
    if (this.#reloading) return this.#reloading;
    this.#replay = [];
    this.#reloading = (async () => {
      try {
        const next = await LiveService.#build(this.source, this.#clock);
        for (const r of this.#replay ?? []) applyTo(next, r);
        this.#engine = next;
        for (const l of this.#reloadListeners) l(next);
      } finally {
        this.#replay = null;
        this.#reloading = null;
      }
    })();
    return this.#reloading;
  }

  close(): void {
    for (const off of this.#offs) off();
  }

  #apply(r: Replay): void {
    applyTo(this.#engine, r);
    this.#replay?.push(r);
  }
}

function applyTo(engine: LiveEngine, r: Replay): void {
  if (r.event === 'cameras')
    engine.applyCameras(r.payload.cameras, r.payload.events, r.payload.retracted, r.payload.service);
  else if (r.event === 'clues') engine.applyClues(r.payload.clues);
  else engine.applyGrid(r.payload.workers, r.payload.reports);
}

/** The region tree from the store's regions, for when no `app.regions` is decorated. */
export async function treeFromStore(store: Store | null): Promise<RegionTree> {
  return buildRegionTree(store ? await store.listRegions() : []);
}
