import {
  PROTOCOL_VERSION,
  ancestorsOf,
  figureSectionKeys,
  figuresPatch,
  toShanghaiIso,
  type CameraChanges,
  type Clue,
  type RegionDelta,
  type RegionSnapshot,
  type WallFiguresPatch,
} from '@zhihui/shared';
import type { LiveChange, LiveEngine, Rows } from './engine.js';

/** What a flush produces for one region: a delta, or a fresh snapshot when rows cannot be patched. */
export type Outgoing =
  { code: string; kind: 'delta'; delta: RegionDelta } | { code: string; kind: 'snapshot'; snapshot: RegionSnapshot };

/** Per watched region: what changed since the last flush, and what was last sent. */
interface Channel {
  code: string;
  cams: Set<string>;
  clues: Map<string, Clue>;
  dirty: boolean;
  resync: boolean;
  rows: Rows | null;
  /** Keys of what was last sent: of each figures section (figureSectionKeys), the down list and the trend. */
  sent: { figures: string[]; child: string[][]; down: string; trend: string };
}

/**
 * Turns engine changes into per-region deltas. Changes are coalesced per channel and per clue
 * until `flush`, so a channel that flapped five times in a tick is sent once, in its last state.
 *
 * `seq` is per region and per process: it starts at 0 when the process starts and grows by one
 * with every delta or pushed snapshot of that region. A client that reconnects (to this process
 * or another one) subscribes again and continues from the seq of the snapshot it receives.
 */
export class RegionStreams {
  readonly #channels = new Map<string, Channel>();
  readonly #seq = new Map<string, number>();
  #engine: LiveEngine;
  #off: () => void;
  readonly #onPending: () => void;

  /** `onPending` is told when a watched region has something to flush (the stream's pacer). */
  constructor(engine: LiveEngine, onPending: () => void = () => {}) {
    this.#engine = engine;
    this.#onPending = onPending;
    this.#off = engine.onChange((c) => this.#route(c));
  }

  /** Switches to a reloaded engine (midnight): every watched region gets a fresh snapshot. */
  replaceEngine(engine: LiveEngine): void {
    this.#off();
    this.#engine = engine;
    this.#off = engine.onChange((c) => this.#route(c));
    for (const ch of this.#channels.values()) ch.resync = true;
  }

  get engine(): LiveEngine {
    return this.#engine;
  }

  seq(code: string): number {
    return this.#seq.get(code) ?? 0;
  }

  watched(): string[] {
    return [...this.#channels.keys()];
  }

  /**
   * Starts tracking changes for a region (idempotent). Returns the snapshot it starts from (at the
   * current seq) when it was not watched yet, so a first subscriber need not build another.
   */
  watch(code: string): RegionSnapshot | null {
    if (this.#channels.has(code)) return null;
    const ch: Channel = {
      code,
      cams: new Set(),
      clues: new Map(),
      dirty: false,
      resync: false,
      rows: null,
      sent: { figures: [], child: [], down: '', trend: '' },
    };
    const snapshot = this.#engine.snapshot(code, this.seq(code));
    this.#remember(ch, snapshot);
    this.#channels.set(code, ch);
    return snapshot;
  }

  unwatch(code: string): void {
    this.#channels.delete(code);
  }

  /**
   * The snapshot of a watched region at its current seq. Flush the region first (see
   * `flushRegion`) so the snapshot holds exactly the changes up to that seq.
   */
  snapshot(code: string): RegionSnapshot {
    const ch = this.#channels.get(code);
    const snap = this.#engine.snapshot(code, this.seq(code));
    if (ch) this.#remember(ch, snap);
    return snap;
  }

  /** Flushes every watched region with pending changes. */
  flush(now: number = this.#engine.now()): Outgoing[] {
    const out: Outgoing[] = [];
    for (const ch of this.#channels.values()) {
      const o = this.#flushChannel(ch, now);
      if (o) out.push(o);
    }
    return out;
  }

  /** Flushes one region: what its current subscribers must receive before a newcomer's snapshot. */
  flushRegion(code: string, now: number = this.#engine.now()): Outgoing | null {
    const ch = this.#channels.get(code);
    return ch ? this.#flushChannel(ch, now) : null;
  }

  #route(c: LiveChange): void {
    if (c.all) for (const ch of this.#channels.values()) ch.dirty = true;
    const tree = this.#engine.tree;
    // Every region on the path from the changed region to the root sees the change.
    const inScope = (region: string, f: (ch: Channel) => void) => {
      const own = this.#channels.get(region);
      if (own) f(own);
      for (const a of ancestorsOf(tree, region)) {
        const ch = this.#channels.get(a.code);
        if (ch) f(ch);
      }
    };
    if (this.#channels.size === 0) return;
    for (const r of c.regions) inScope(r, (ch) => (ch.dirty = true));
    for (const r of c.structure) inScope(r, (ch) => (ch.resync = true));
    for (const cam of c.cameras) inScope(cam.region, (ch) => ch.cams.add(cam.id));
    for (const clue of c.clues) inScope(clue.region, (ch) => ch.clues.set(clue.id, clue));
    this.#onPending();
  }

  #nextSeq(code: string): number {
    const s = this.seq(code) + 1;
    this.#seq.set(code, s);
    return s;
  }

  #remember(ch: Channel, s: RegionSnapshot): void {
    ch.cams.clear();
    ch.clues.clear();
    ch.dirty = false;
    ch.resync = false;
    ch.rows = this.#engine.hasColumns(ch.code) ? this.#engine.rows(ch.code) : null;
    ch.sent = {
      figures: figureSectionKeys(s.figures, Date.parse(s.at)),
      child: s.childFigures.map((f) => figureSectionKeys(f, Date.parse(s.at))),
      down: JSON.stringify(s.downLongest),
      trend: JSON.stringify(s.trend),
    };
  }

  #flushChannel(ch: Channel, now: number): Outgoing | null {
    const engine = this.#engine;
    // Rows are patched by index: when the region's set of channels changed, only a snapshot will do.
    if (!ch.resync && ch.rows !== null && engine.rows(ch.code) !== ch.rows) ch.resync = true;
    if (!ch.resync && (ch.dirty || ch.cams.size > 0 || ch.clues.size > 0)) {
      const at = toShanghaiIso(now);
      const delta: RegionDelta = { v: PROTOCOL_VERSION, seq: 0, at };
      const cams = this.#camChanges(ch, Date.parse(at));
      // A channel no longer in the rows the wall holds: only a snapshot will do.
      if (cams === 'resync') ch.resync = true;
      else {
        let changed = cams !== null;
        if (cams) delta.cams = cams;
        if (this.#clueChanges(ch, delta)) changed = true;
        if (ch.dirty && this.#figureChanges(ch, delta, Date.parse(at))) changed = true;
        ch.cams.clear();
        ch.clues.clear();
        ch.dirty = false;
        if (!changed) return null;
        delta.seq = this.#nextSeq(ch.code);
        return { code: ch.code, kind: 'delta', delta };
      }
    }
    if (!ch.resync) return null;
    const snapshot = engine.snapshot(ch.code, this.#nextSeq(ch.code));
    this.#remember(ch, snapshot);
    return { code: ch.code, kind: 'snapshot', snapshot };
  }

  /** The changed channels as columns against the wall's rows; 'resync' when one is not among them. */
  #camChanges(ch: Channel, atMs: number): CameraChanges | 'resync' | null {
    if (ch.rows === null || ch.cams.size === 0) return null;
    const rows = ch.rows;
    const base = Math.floor(atMs / 1000);
    const cams: CameraChanges = { i: [], s: [], r: [], ago: [] };
    const ids = [...ch.cams].map((id) => [rows.index.get(id), id] as const).sort((a, b) => (a[0] ?? -1) - (b[0] ?? -1));
    for (const [i, id] of ids) {
      const row = this.#engine.cameraRow(id);
      if (i === undefined || row === undefined) return 'resync';
      cams.i.push(i);
      cams.s.push(row.state);
      cams.r.push(row.reason);
      cams.ago.push(base - row.since);
    }
    return cams;
  }

  /** The clues still on the wall among those that changed; true when there are any. */
  #clueChanges(ch: Channel, delta: RegionDelta): boolean {
    if (ch.clues.size === 0) return false;
    const clues = [...ch.clues.values()].filter((c) => this.#engine.clueOnWall(c));
    if (clues.length === 0) return false;
    delta.clues = clues;
    return true;
  }

  /** Figures, children's figures, down list and trend, each only when it differs from what was sent. */
  #figureChanges(ch: Channel, delta: RegionDelta, atMs: number): boolean {
    const engine = this.#engine;
    let changed = false;
    // Read at the delta's own instant: a receiver carries them on from `at` (wallFiguresAt). Only
    // the sections that changed go (a status change: the camera figures, not the clue counts).
    const figures = figuresPatch(engine.figures(ch.code, atMs), atMs, ch.sent.figures);
    if (figures) {
      delta.figures = figures;
      changed = true;
    }
    const cf: [number, WallFiguresPatch][] = [];
    (engine.tree.childrenOf.get(ch.code) ?? []).forEach((c, i) => {
      const patch = figuresPatch(engine.childFigures(c.code, atMs), atMs, (ch.sent.child[i] ??= []));
      if (patch) cf.push([i, patch]);
    });
    if (cf.length > 0) {
      delta.childFigures = cf;
      changed = true;
    }
    const down = engine.downLongest(ch.code);
    const dj = JSON.stringify(down);
    if (dj !== ch.sent.down) {
      delta.downLongest = down;
      ch.sent.down = dj;
      changed = true;
    }
    const trend = engine.trend(ch.code);
    const tj = JSON.stringify(trend);
    if (tj !== ch.sent.trend) {
      delta.trend = trend;
      ch.sent.trend = tj;
      changed = true;
    }
    return changed;
  }
}
