import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How the stream paces its flushes (see FlushPacer). */
export interface FlushPacerOptions {
  /** The longest a change waits under load (`FLUSH_MS`). */
  maxMs: number;
  /** The shortest gap between two flushes: more deltas a second than a wall can paint buy nothing. */
  minGapMs?: number;
  /** The share of the event loop flushing may always take, however busy the rest of the loop is. */
  share?: number;
  /**
   * The share of the event loop other work took lately (0..1). Default: measured (LoopLoad).
   * While the loop has time to spare, flushing may take that spare time, less a margin.
   */
  otherLoad?: () => number;
  now?: () => number;
}

/** Of the spare loop, what flushing leaves to others: new work arriving, timers, the unforeseen. */
const SPARE_MARGIN = 0.3;
/** The stretch over which the loop's load is measured before it counts. */
const LOAD_WINDOW_MS = 500;

/**
 * How busy the event loop was lately with work other than flushing: the loop's utilization
 * over the last window, less the time the flushes themselves took in it, smoothed.
 */
export class LoopLoad {
  #mark: EventLoopUtilization = performance.eventLoopUtilization();
  #markAt = performance.now();
  #flushMs = 0;
  #other = 0;

  /** A flush took `ms` of the loop. */
  flushed(ms: number): void {
    this.#flushMs += ms;
    const t = performance.now();
    const span = t - this.#markAt;
    if (span < LOAD_WINDOW_MS) return;
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, this.#mark).utilization;
    const other = Math.min(1, Math.max(0, busy - this.#flushMs / span));
    this.#other = 0.5 * this.#other + 0.5 * other;
    this.#mark = now;
    this.#markAt = t;
    this.#flushMs = 0;
  }

  /** The share of the loop other work took lately. */
  other(): number {
    return this.#other;
  }
}

/**
 * Decides when the stream flushes. A change that comes after a quiet spell goes out at once (on
 * the next turn of the event loop, so the rest of its batch rides along); while changes keep
 * coming, flushes are spaced so that flushing takes about the share of the loop it may have: the
 * gap is the measured cost of a flush (building every watched region's delta and writing it to
 * each socket) divided by that share, never below `minGapMs` and never above `maxMs`. The share
 * is what the rest of the loop leaves spare (less a margin), and at least `share`: a loop with
 * time to spare flushes every change as it comes, and only a busy one (a storm of reports, of
 * subscribes) coalesces changes into fewer, fuller deltas, at most `maxMs` apart.
 */
export class FlushPacer {
  readonly #run: () => boolean;
  readonly #maxMs: number;
  readonly #minGapMs: number;
  readonly #share: number;
  readonly #load: LoopLoad | null;
  readonly #otherLoad: () => number;
  readonly #now: () => number;
  /** Smoothed milliseconds one flush took. */
  #cost = 0;
  #lastAt = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #stopped = false;

  /** `run` flushes and says whether it sent anything (an empty flush neither costs nor counts). */
  constructor(run: () => boolean, opts: FlushPacerOptions) {
    this.#run = run;
    this.#maxMs = opts.maxMs;
    this.#minGapMs = Math.min(opts.minGapMs ?? 10, opts.maxMs);
    this.#share = opts.share ?? 0.2;
    this.#load = opts.otherLoad ? null : new LoopLoad();
    const load = this.#load;
    this.#otherLoad = opts.otherLoad ?? (() => load!.other());
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The share of the loop flushing may take now. */
  share(): number {
    return Math.max(this.#share, 1 - this.#otherLoad() - SPARE_MARGIN);
  }

  /** The least time between two flushes at the current cost of one. */
  gap(): number {
    return Math.min(this.#maxMs, Math.max(this.#minGapMs, this.#cost / this.share()));
  }

  /** The smoothed cost of one flush, in ms. */
  get cost(): number {
    return this.#cost;
  }

  /** Something is waiting to be flushed: flush now if the last flush is a gap behind, else when it is. */
  notify(): void {
    if (this.#stopped || this.#timer !== null || this.#immediate !== null) return;
    const wait = this.#lastAt + this.gap() - this.#now();
    if (wait <= 0) this.#immediate = setImmediate(() => this.flushNow());
    else this.#timer = setTimeout(() => this.flushNow(), wait);
  }

  /** Flushes now (a pending scheduled flush is dropped: this one carries its changes) and measures it. */
  flushNow(): void {
    this.#cancel();
    if (this.#stopped) return;
    const t0 = this.#now();
    if (!this.#run()) return;
    const t1 = this.#now();
    this.#cost = this.#cost === 0 ? t1 - t0 : 0.7 * this.#cost + 0.3 * (t1 - t0);
    this.#lastAt = t1;
    this.#load?.flushed(t1 - t0);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }
}
