import {
  MAX_WALL_CLUES,
  OPEN_CLUE_STATUSES,
  PROTOCOL_VERSION,
  ancestorsOf,
  cameraStateOf,
  inServiceAt,
  msAt,
  statusChangeKind,
  childOnPathTo,
  childrenOf,
  compareClues,
  countCameraState,
  inPeriod,
  periodOf,
  rate,
  recentPeriod,
  toShanghaiIso,
  type CameraColumns,
  type Clue,
  type DownChannel,
  type GridReport,
  type GridWorkerView,
  type Period,
  type Region,
  type RegionSnapshot,
  type RegionTree,
  type Trend,
  type Validity,
  type WallFigures,
} from '@zhihui/shared';
import type { CameraRecord, MaintenanceSpan, ServiceChange, StatusEvent } from '../store/types.js';
import { HOUR_MS, TREND_POINTS, hourStart, trendHours } from './trend.js';
import { carriable, carryChange, carryOf, type PartsCarry } from './channelParts.js';
import { figuresAt, rolledDown, rolledFigures, rolledPast, type ChannelSpans, type FigurePeriods } from './rollups.js';
import {
  COLUMN_LEVELS,
  Node,
  rowOf,
  sameDescription,
  sameEvent,
  sameRow,
  sameWindow,
  type Cam,
  type CamHistory,
  type Rows,
} from './engineModel.js';

export type { Rows };

/** What the engine is built from: the store's current state (see plugins/live.ts for the queries). */
export interface LiveData {
  cameras: readonly CameraRecord[];
  /** Clues reported in the recent period, plus every open clue. */
  clues: readonly Clue[];
  workers: readonly GridWorkerView[];
  /** Grid reports of the recent period (today's at least). */
  reports: readonly GridReport[];
  /** Status changes of the recent period (the last 24 h at least), any order. */
  events: readonly StatusEvent[];
  /** Planned maintenance windows of the recent period (for the time-weighted rate). */
  maintenance?: readonly MaintenanceSpan[];
  /** The in-service flag's history up to now (#18.2: a period counts a channel while in service). */
  service?: readonly ServiceChange[];
  /** Each channel's last change before the recent period: what its first change there started from. */
  before?: readonly StatusEvent[];
}

/** What changed in one engine update; the stream routes it to the regions in scope. */
export interface LiveChange {
  /** Channels whose state, reason or since changed (row data only). */
  cameras: { id: string; region: string }[];
  /** Clues created or updated. */
  clues: Clue[];
  /** Regions whose own records changed, so their and their ancestors' figures may have. */
  regions: string[];
  /** Regions whose set or description of channels changed: rows cannot be patched, resend snapshots. */
  structure: string[];
  /** Everything may have changed (hour rolled over, engine reloaded). */
  all?: boolean;
}

export type ChangeListener = (c: LiveChange) => void;

/** How a status change counts: the one rule, in shared/src/metrics/history.ts. */
export { statusChangeKind };

/**
 * The live state of every region: additive figures per region, roll-ups along the tree cached
 * and invalidated along the path to the root, and everything a wall snapshot needs.
 * Synchronous and free of I/O: the live plugin feeds it from the store and the bus.
 */
export class LiveEngine {
  readonly tree: RegionTree;
  readonly #nodes = new Map<string, Node>();
  readonly #cams = new Map<string, Cam>();
  readonly #clueRegion = new Map<string, string>();
  readonly #workerRegion = new Map<string, string>();
  /** Open clues with a due time: watched so they turn overdue on the wall when it passes. */
  readonly #due = new Map<string, { dueMs: number; region: string }>();
  /** Channels with a maintenance window: watched so they change state when it starts or ends. */
  readonly #maint = new Set<string>();
  /** Clues received since the load: they stay on the wall's list for the day even when done. */
  readonly #touched = new Set<string>();
  /** Each channel's history: recent changes, maintenance spans, the change before, flag history. */
  readonly #hist = new Map<string, CamHistory>();
  /** The instants the store gave the flag changes of the write being applied (see applyCameras). */
  #flipAt = new Map<string, number>();
  #minute: number;
  readonly #reportIds = new Set<string>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #clock: () => number;
  periods: { today: Period; recent: Period };
  #todayMs: [number, number];
  #recentMs: [number, number];
  #hour: number;
  #lastTick: number;

  constructor(tree: RegionTree, data: LiveData, clock: () => number = Date.now) {
    this.tree = tree;
    this.#clock = clock;
    const now = clock();
    this.periods = { today: periodOf('today', now), recent: recentPeriod(now) };
    this.#todayMs = [msAt(this.periods.today.from), msAt(this.periods.today.to)];
    this.#recentMs = [msAt(this.periods.recent.from), msAt(this.periods.recent.to)];
    this.#hour = hourStart(now);
    this.#lastTick = now;
    this.#minute = Math.floor(now / 60_000);
    for (const e of data.before ?? []) this.#histOf(e.cameraId).prior = e;
    for (const x of data.service ?? [])
      (this.#histOf(x.cameraId).service ??= []).push({ at: msAt(x.at), inService: x.inService });
    for (const s of data.maintenance ?? [])
      (this.#histOf(s.cameraId).spans ??= []).push({ from: msAt(s.from), to: msAt(s.to) });
    for (const r of tree.byCode.values()) this.#nodes.set(r.code, new Node(r));
    for (const n of this.#nodes.values()) {
      const p = n.region.parent === null ? undefined : this.#nodes.get(n.region.parent);
      if (p && p !== n) {
        n.parent = p;
        p.children.push(n);
      }
    }
    for (const n of this.#nodes.values()) n.children.sort((a, b) => a.region.code.localeCompare(b.region.code));

    for (const rec of data.cameras) this.#putCamera(rec, now);
    const windowStart = this.#hour - (TREND_POINTS - 1) * HOUR_MS;
    const events = [...data.events].sort((a, b) => msAt(a.at) - msAt(b.at));
    for (const ev of events) this.#countEvent(ev, windowStart);
    for (const c of data.clues) this.#putClue(c);
    for (const w of data.workers) this.#putWorker(w);
    for (const r of data.reports) this.#countReport(r);
  }

  /** Current time of the engine's clock. */
  now(): number {
    return this.#clock();
  }

  onChange(l: ChangeListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  has(code: string): boolean {
    return this.#nodes.has(code);
  }

  region(code: string): Region | undefined {
    return this.#nodes.get(code)?.region;
  }

  camera(id: string): CameraRecord | undefined {
    return this.#cams.get(id)?.rec;
  }

  cameras(): IterableIterator<CameraRecord> {
    const it = this.#cams.values();
    return (function* () {
      for (const c of it) yield c.rec;
    })();
  }

  clue(id: string): Clue | undefined {
    const region = this.#clueRegion.get(id);
    return region === undefined ? undefined : this.#nodes.get(region)?.clues.get(id);
  }

  // ---------------------------------------------------------------- updates

  /**
   * Full new records of changed channels, the status changes appended, and the stored changes a
   * late report took back (the bus `cameras` event): those are counted out before the new ones
   * are counted in, so today's counters and the trend follow the rewritten history.
   */
  applyCameras(
    records: readonly CameraRecord[],
    events: readonly StatusEvent[],
    retracted: readonly StatusEvent[] = [],
    service: readonly ServiceChange[] = [],
  ): void {
    const now = this.#clock();
    this.#flipAt = new Map(service.map((x) => [x.cameraId, msAt(x.at)]));
    const change = emptyChange();
    const carry = new Map<string, PartsCarry>();
    const regions = new Set<string>();
    const structure = new Set<string>();
    for (const ev of retracted) {
      const region = this.#uncountEvent(ev);
      if (region !== null) regions.add(region);
    }
    for (const rec of records) {
      const old = this.#cams.get(rec.id);
      if (old && old.rec.region !== rec.region) {
        this.#removeCamera(old);
        structure.add(old.rec.region);
        regions.add(old.rec.region);
      }
      const before = this.#cams.get(rec.id);
      // Read before #putCamera, which updates `before` in place.
      const beforeRec = before?.rec;
      const beforeState = before?.state;
      const beforeSince = before?.sinceMs;
      if (before?.parts && carriable(before)) carry.set(rec.id, carryOf(before, before.parts));
      const cam = this.#putCamera(rec, now);
      if (!cam) continue;
      regions.add(rec.region);
      if (beforeRec === undefined || !sameDescription(beforeRec, rec)) structure.add(rec.region);
      else if (!sameRow(beforeState!, beforeRec.reason, beforeSince!, cam))
        change.cameras.push({ id: rec.id, region: rec.region });
    }
    this.#flipAt.clear();
    const windowStart = this.#hour - (TREND_POINTS - 1) * HOUR_MS;
    const periods = [this.#todayMs, this.#recentMs] as const;
    for (const ev of events) {
      const region = this.#countEvent(ev, windowStart);
      if (region !== null) regions.add(region);
      const k = carry.get(ev.cameraId);
      const at = k && msAt(ev.at);
      if (k && (region === null || at! < this.#recentMs[0] || !carryChange(k, periods, ev, at!)))
        carry.delete(ev.cameraId);
    }
    this.#settleCarried(carry);
    change.regions = [...regions];
    change.structure = [...structure];
    this.#emit(change);
  }

  /** Clues created or updated (the bus `clues` event). */
  applyClues(clues: readonly Clue[]): void {
    const change = emptyChange();
    const regions = new Set<string>();
    for (const c of clues) {
      const old = this.#clueRegion.get(c.id);
      if (old !== undefined && old !== c.region) {
        const n = this.#nodes.get(old);
        n?.clues.delete(c.id);
        if (n) this.#dirty(n);
        regions.add(old);
      }
      if (!this.#putClue(c)) continue;
      this.#touched.add(c.id);
      regions.add(c.region);
      change.clues.push(c);
    }
    change.regions = [...regions];
    this.#emit(change);
  }

  /** Grid workers changed and new reports (the bus `grid` event). */
  applyGrid(workers: readonly GridWorkerView[], reports: readonly GridReport[]): void {
    const change = emptyChange();
    const regions = new Set<string>();
    for (const w of workers) for (const r of this.#putWorker(w)) regions.add(r);
    for (const r of reports) {
      const region = this.#countReport(r);
      if (region !== null) regions.add(region);
    }
    change.regions = [...regions];
    this.#emit(change);
  }

  /**
   * Advances the engine's clock-driven state: clues passing their due time, maintenance windows
   * starting or ending, the hour rolling over. Returns 'rollover' when the day changed: the
   * caller reloads the engine from the store (periods moved).
   */
  tick(): 'rollover' | null {
    const now = this.#clock();
    if (now >= this.#todayMs[1] || now < this.#todayMs[0]) return 'rollover';
    const change = emptyChange();
    const regions = new Set<string>();
    for (const [, d] of this.#due) {
      if (d.dueMs > this.#lastTick && d.dueMs <= now) {
        const n = this.#nodes.get(d.region);
        if (n) this.#dirty(n);
        regions.add(d.region);
      }
    }
    for (const id of this.#maint) {
      const cam = this.#cams.get(id);
      if (!cam) continue;
      const state = cameraStateOf(cam.rec, now);
      if (state === cam.state) continue;
      const n = this.#nodes.get(cam.rec.region)!;
      countCameraState(n.counts, cam.state, -1, cam.rec.reason);
      countCameraState(n.counts, state, 1, cam.rec.reason);
      cam.state = state;
      cam.parts = null;
      this.#dirty(n);
      regions.add(cam.rec.region);
      change.cameras.push({ id, region: cam.rec.region });
    }
    this.#lastTick = now;
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      // Time-weighted rates move with the clock: refreshed once a minute, not on every read.
      this.#minute = minute;
      for (const n of this.#nodes.values()) {
        if (n.cams.size === 0) continue;
        this.#dirty(n);
        regions.add(n.region.code);
      }
    }
    const hour = hourStart(now);
    if (hour !== this.#hour) {
      this.#hour = hour;
      const windowStart = hour - (TREND_POINTS - 1) * HOUR_MS;
      for (const n of this.#nodes.values()) {
        if (n.events.length > 0) n.events = n.events.filter((e) => msAt(e.at) >= windowStart);
        n.past = null;
        n.rollPast = null;
      }
      change.all = true;
    }
    change.regions = [...regions];
    if (change.all || change.regions.length > 0 || change.cameras.length > 0) this.#emit(change);
    return null;
  }

  // ---------------------------------------------------------------- reads

  /**
   * The wall's figures of a region: today's and the recent period's, as of now. The time-weighted
   * rate moves with the clock, so it is read at the engine's clock every time, never frozen at the
   * last change (#18.6); the same instant as the REST summary asked now.
   */
  figures(code: string, now: number = this.#clock()): WallFigures {
    // The cached roll-ups are counted at the engine's clock (the overdue clues, the parts' last
    // instant), then read at `now`.
    return figuresAt(rolledFigures(this.#node(code), this.#figurePeriods(), this.#clock()), now);
  }

  /**
   * A region's figures as its parent's wall lists them (`childFigures`), as the REST summary's
   * `children`: the time-weighted rate pooled over the subtree's channels, as everywhere.
   */
  childFigures(code: string, now: number = this.#clock()): WallFigures {
    return this.figures(code, now);
  }

  /** Row order of a region's camera columns (channels in scope, by id). */
  rows(code: string): Rows {
    const n = this.#node(code);
    if (!n.rows) {
      const ids: string[] = [];
      this.#walk(n, (x) => {
        for (const id of x.cams.keys()) ids.push(id);
      });
      ids.sort();
      n.rows = { ids, index: new Map(ids.map((id, i) => [id, i])) };
    }
    return n.rows;
  }

  /** Whether a region's wall lists its channels (county and below); cities and provinces do not. */
  hasColumns(code: string): boolean {
    return COLUMN_LEVELS.has(this.#node(code).region.level);
  }

  /** A channel's row values as the columns carry them. */
  cameraRow(id: string): { state: number; reason: number; since: number } | undefined {
    const c = this.#cams.get(id);
    if (!c) return undefined;
    return rowOf(c);
  }

  /** The channels down longest in scope (offline or unknown, oldest first). */
  downLongest(code: string): DownChannel[] {
    // The roll-up is cached per subtree and shared by every scope above it; the child's name
    // depends on the wall asking, so it is added here, on a copy.
    return rolledDown(this.#node(code), this.#regionName).map((d) => {
      const child = d.region === code ? null : childOnPathTo(this.tree, code, d.region);
      const name = child === null ? undefined : this.#nodes.get(child)?.region.name;
      return name === undefined ? d : { ...d, childName: name };
    });
  }

  /** Hourly operational rate for the last 24 hours; the current hour from the live figures. */
  trend(code: string): Trend {
    const n = this.#node(code);
    const now = this.#clock();
    const past = rolledPast(n, now, this.#channelSpans);
    const hours = trendHours(now);
    const rates: (number | null)[] = past.online.map((o, k) => rate(o, past.counted[k]!));
    rates.push(this.figures(code).today.cameras.operationalRate);
    return { t: hours.map((h) => h / 1000), rate: rates };
  }

  /** Whether a clue belongs on a wall's list: reported today, still open, or touched today. */
  clueOnWall(c: Clue): boolean {
    return (
      OPEN_CLUE_STATUSES.includes(c.status) ||
      this.#touched.has(c.id) ||
      inPeriod(c.reportedAt, this.periods.today) ||
      inPeriod(c.updatedAt, this.periods.today)
    );
  }

  /** The wall's clue list of a region: today's and open clues in scope, newest first, bounded. */
  wallClues(code: string): Clue[] {
    const out: Clue[] = [];
    this.#walk(this.#node(code), (x) => {
      for (const c of x.clues.values()) if (this.clueOnWall(c)) out.push(c);
    });
    return out.sort(compareClues).slice(0, MAX_WALL_CLUES);
  }

  /** Everything the wall of `code` shows, as of `seq` (the caller owns the sequence). */
  snapshot(code: string, seq: number): RegionSnapshot {
    const n = this.#node(code);
    const now = this.#clock();
    const children = childrenOf(this.tree, code).slice();
    return {
      v: PROTOCOL_VERSION,
      seq,
      at: toShanghaiIso(now),
      region: n.region,
      path: ancestorsOf(this.tree, code),
      children,
      periods: { today: this.periods.today, recent: this.periods.recent },
      figures: this.figures(code, now),
      childFigures: children.map((c) => this.childFigures(c.code, now)),
      cameras: this.hasColumns(code) ? this.#columns(n, children) : emptyColumns(),
      clues: this.wallClues(code),
      downLongest: this.downLongest(code),
      trend: this.trend(code),
    };
  }

  // ---------------------------------------------------------------- internals

  #node(code: string): Node {
    const n = this.#nodes.get(code);
    if (!n) throw new Error(`unknown region ${code}`);
    return n;
  }

  #walk(n: Node, f: (x: Node) => void): void {
    const stack = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      f(x);
      for (const c of x.children) stack.push(c);
    }
  }

  #emit(c: LiveChange): void {
    for (const l of this.#listeners) l(c);
  }

  /** Drops the caches of `n` and its ancestors: a cached node implies cached descendants. */
  #dirty(n: Node, opts: { rows?: boolean; past?: boolean } = {}): void {
    n.own = null;
    if (opts.past) n.past = null;
    for (let x: Node | null = n; x; x = x.parent) {
      x.roll = null;
      x.rollDown = null;
      if (opts.rows) x.rows = null;
      if (opts.past) x.rollPast = null;
    }
  }

  #putCamera(rec: CameraRecord, now: number): Cam | null {
    const n = this.#nodes.get(rec.region);
    if (!n) return null;
    const state = cameraStateOf(rec, now);
    const old = n.cams.get(rec.id);
    // A flag flipped or a window changed may reach back to an hour boundary already passed (the
    // store's stamp can precede the engine's hour rollover): recount the past points.
    const pastMoved =
      old !== undefined && (old.rec.inService !== rec.inService || !sameWindow(old.rec.maintenance, rec.maintenance));
    const hist = old?.hist ?? this.#histOf(rec.id);
    if (old && !sameWindow(old.rec.maintenance, rec.maintenance)) this.#moveMaintenance(hist, old.rec, rec, now);
    this.#moveService(hist, old?.rec, rec, now);
    const validFromMs =
      old && old.rec.validFrom === rec.validFrom
        ? old.validFromMs
        : rec.validFrom === undefined
          ? -Infinity
          : msAt(rec.validFrom);
    if (old) {
      countCameraState(n.counts, old.state, -1, old.rec.reason);
      old.validFromMs = validFromMs;
      old.rec = rec;
      old.state = state;
      old.sinceMs = msAt(rec.since);
      old.parts = null;
    }
    const cam = old ?? {
      rec,
      state,
      sinceMs: msAt(rec.since),
      validFromMs,
      lastEventMs: -Infinity,
      parts: null,
      hist,
    };
    countCameraState(n.counts, state, 1, rec.reason);
    if (!old) {
      n.cams.set(rec.id, cam);
      this.#cams.set(rec.id, cam);
    }
    if (rec.maintenance) this.#maint.add(rec.id);
    else this.#maint.delete(rec.id);
    // The trend's current hour comes from the figures; past hours change with late events only.
    this.#dirty(n, { rows: !old, past: !old || pastMoved });
    return cam;
  }

  /** Mirrors the store's maintenance history: a replaced or cleared window is cut short now. */
  #moveMaintenance(hist: CamHistory, before: CameraRecord, after: CameraRecord, now: number): void {
    const list = hist.spans ?? [];
    if (before.maintenance) {
      const f = msAt(before.maintenance.from);
      const t = msAt(before.maintenance.to);
      for (const s of list) if (s.from === f && s.to === t) s.to = Math.max(s.from, Math.min(s.to, now));
    }
    if (after.maintenance) list.push({ from: msAt(after.maintenance.from), to: msAt(after.maintenance.to) });
    hist.spans = list;
  }

  /**
   * Mirrors the store's service history (#18.2): a new channel's flag from its validFrom, a
   * flipped flag from the instant the store stamped it (carried by the bus event; now without it).
   */
  #moveService(hist: CamHistory, before: CameraRecord | undefined, after: CameraRecord, now: number): void {
    const list = hist.service;
    if (!before || !list) {
      if (!list) {
        const at = after.validFrom === undefined ? -Infinity : msAt(after.validFrom);
        hist.service = [{ at, inService: after.inService }];
      }
      return;
    }
    if (before.inService !== after.inService)
      list.push({ at: this.#flipAt.get(after.id) ?? now, inService: after.inService });
  }

  #histOf(id: string): CamHistory {
    let h = this.#hist.get(id);
    if (h === undefined) this.#hist.set(id, (h = {}));
    return h;
  }

  #validity(rec: CameraRecord): Validity {
    return {
      validFrom: rec.validFrom === undefined ? -Infinity : msAt(rec.validFrom),
      service: this.#hist.get(rec.id)?.service ?? [],
    };
  }

  /** What the past hours' counts read of a channel besides its record (see rolledPast). */
  readonly #channelSpans: ChannelSpans = {
    spansOf: (id) => this.#hist.get(id)?.spans ?? [],
    validityOf: (rec) => this.#validity(rec),
  };

  readonly #regionName = (code: string): string => this.#nodes.get(code)?.region.name ?? code;

  #figurePeriods(): FigurePeriods {
    return { periods: this.periods, parts: [this.#todayMs, this.#recentMs] };
  }

  #removeCamera(cam: Cam): void {
    const n = this.#nodes.get(cam.rec.region);
    this.#cams.delete(cam.rec.id);
    this.#maint.delete(cam.rec.id);
    if (!n) return;
    countCameraState(n.counts, cam.state, -1, cam.rec.reason);
    n.cams.delete(cam.rec.id);
    this.#dirty(n, { rows: true, past: true });
  }

  /**
   * Whether a flip at `at` is a repair or a fault: only while the channel was valid and in
   * service, as the summary API counts it (a flag's history only grows at its end, so the answer
   * for an instant already counted does not change when the flag flips later).
   */
  #countsAt(cam: Cam, at: number): boolean {
    return inServiceAt({ validFrom: cam.validFromMs, service: cam.hist.service ?? [] }, cam.rec.inService, at);
  }

  /** Counts a status change into its channel's region; returns the region, or null when unknown. */
  #countEvent(ev: StatusEvent, windowStart: number): string | null {
    const cam = this.#cams.get(ev.cameraId);
    if (!cam) return null;
    const n = this.#nodes.get(cam.rec.region)!;
    // A change usually comes with its channel's record, whose since is its instant, already read.
    const at = ev.at === cam.rec.since ? cam.sinceMs : msAt(ev.at);
    // The recent period reaches back further than the trend's window, so the channel's recent
    // list holds every event the window could already have counted.
    const list = at >= this.#recentMs[0] ? cam.hist.events : undefined;
    if (list !== undefined && at <= cam.lastEventMs && list.some((e) => sameEvent(e, ev, at))) return null;
    cam.parts = null;
    if (at >= windowStart) {
      if (n.lastEventMs > at) n.eventsUnsorted = true;
      else n.lastEventMs = at;
      n.events.push(ev);
      if (at <= this.#hour) this.#dirty(n, { past: true });
    }
    if (at >= this.#recentMs[0]) {
      if (!list) cam.hist.events = [ev];
      else {
        list.push(ev);
        // After a late report took events back, the latest may be gone: then this sorts for nothing.
        if (cam.lastEventMs > at) list.sort((a, b) => msAt(a.at) - msAt(b.at));
      }
      if (at > cam.lastEventMs) cam.lastEventMs = at;
    }
    const kind = statusChangeKind(ev);
    if (kind !== null && this.#countsAt(cam, at)) {
      const bucket = kind === 'repaired' ? n.repaired : n.failed;
      if (this.#todayMs[0] <= at && at < this.#todayMs[1]) bucket[0]++;
      if (this.#recentMs[0] <= at && at < this.#recentMs[1]) bucket[1]++;
    }
    this.#dirty(n);
    return n.region.code;
  }

  /** Takes a status change back out (a late report dropped or re-chained it); returns its region. */
  #uncountEvent(ev: StatusEvent): string | null {
    const cam = this.#cams.get(ev.cameraId);
    if (!cam) return null;
    const n = this.#nodes.get(cam.rec.region)!;
    const at = msAt(ev.at);
    cam.parts = null;
    const same = (e: StatusEvent) =>
      e.cameraId === ev.cameraId && e.to === ev.to && e.from === ev.from && msAt(e.at) === at;
    const k = n.events.findIndex(same);
    if (k >= 0) {
      n.events.splice(k, 1);
      if (at <= this.#hour) this.#dirty(n, { past: true });
    }
    const list = cam.hist.events;
    const j = list ? list.findIndex(same) : -1;
    if (j >= 0) list!.splice(j, 1);
    const kind = statusChangeKind(ev);
    if (kind !== null && (k >= 0 || j >= 0) && this.#countsAt(cam, at)) {
      const bucket = kind === 'repaired' ? n.repaired : n.failed;
      if (this.#todayMs[0] <= at && at < this.#todayMs[1]) bucket[0]--;
      if (this.#recentMs[0] <= at && at < this.#recentMs[1]) bucket[1]--;
    }
    this.#dirty(n);
    return n.region.code;
  }

  #putClue(c: Clue): boolean {
    const n = this.#nodes.get(c.region);
    if (!n) return false;
    n.clues.set(c.id, c);
    this.#clueRegion.set(c.id, c.region);
    if (c.dueAt !== null && OPEN_CLUE_STATUSES.includes(c.status))
      this.#due.set(c.id, { dueMs: msAt(c.dueAt), region: c.region });
    else this.#due.delete(c.id);
    this.#dirty(n);
    return true;
  }

  /** Returns the regions whose counts changed. */
  #putWorker(w: GridWorkerView): string[] {
    const out: string[] = [];
    const prevRegion = this.#workerRegion.get(w.id);
    if (prevRegion !== undefined && prevRegion !== w.region) {
      const p = this.#nodes.get(prevRegion);
      if (p) {
        p.workers.delete(w.id);
        this.#dirty(p);
        out.push(prevRegion);
      }
    }
    const n = this.#nodes.get(w.region);
    if (!n) return out;
    n.workers.set(w.id, w);
    this.#workerRegion.set(w.id, w.region);
    this.#dirty(n);
    out.push(w.region);
    return out;
  }

  #countReport(r: GridReport): string | null {
    const n = this.#nodes.get(r.region);
    if (!n) return null;
    if (this.#reportIds.has(r.id)) return null;
    const today = inPeriod(r.at, this.periods.today);
    if (today) this.#reportIds.add(r.id);
    if (today) n.reports[0]++;
    if (inPeriod(r.at, this.periods.recent)) n.reports[1]++;
    this.#dirty(n);
    return r.region;
  }

  /** Channels whose parts were carried over this write's changes, and still may be, keep them. */
  #settleCarried(carry: ReadonlyMap<string, PartsCarry>): void {
    for (const [id, k] of carry) {
      const cam = this.#cams.get(id);
      if (cam && cam.parts === null && k.status === cam.rec.status && k.reason === cam.rec.reason && carriable(cam))
        cam.parts = k.parts;
    }
  }

  #columns(n: Node, children: readonly Region[]): CameraColumns {
    const rows = this.rows(n.region.code);
    const childIndex = new Map(children.map((c, i) => [c.code, i]));
    const cols = emptyColumns();
    for (const id of rows.ids) {
      const c = this.#cams.get(id)!;
      const row = rowOf(c);
      const via = c.rec.region === n.region.code ? null : childOnPathTo(this.tree, n.region.code, c.rec.region);
      cols.id.push(id);
      cols.name.push(c.rec.name);
      cols.child.push(via === null ? -1 : (childIndex.get(via) ?? -1));
      cols.lon.push(c.rec.lon);
      cols.lat.push(c.rec.lat);
      cols.state.push(row.state);
      cols.reason.push(row.reason);
      cols.since.push(row.since);
    }
    return cols;
  }
}

function emptyChange(): LiveChange {
  return { cameras: [], clues: [], regions: [], structure: [] };
}

export function emptyColumns(): CameraColumns {
  return { id: [], name: [], child: [], lon: [], lat: [], state: [], reason: [], since: [] };
}
