/** How the stream paces its flushes (see FlushPacer). */
export interface FlushPacerOptions {
  /** The longest a change waits under load (`FLUSH_MS`). */
  maxMs: number;
  /** The shortest gap between two flushes: more deltas a second than a wall can paint buy nothing. */
  minGapMs?: number;
  /** The share of the event loop flushing may take before changes are held back to coalesce. */
  share?: number;
  now?: () => number;
}

/**
 * Decides when the stream flushes. A change that comes after a quiet spell goes out at once (on
 * the next turn of the event loop, so the rest of its batch rides along); while changes keep
 * coming, flushes are spaced so that flushing takes about `share` of the loop: the gap is the
 * measured cost of a flush (building every watched region's delta and writing it to each socket)
 * divided by `share`, never below `minGapMs` and never above `maxMs`. A few walls on a quiet
 * county see changes within milliseconds; thousands of sockets under a storm get fewer, fuller
 * deltas, at most `maxMs` apart.
 */
export class FlushPacer {
  readonly #run: () => boolean;
  readonly #maxMs: number;
  readonly #minGapMs: number;
  readonly #share: number;
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
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The least time between two flushes at the current cost of one. */
  gap(): number {
    return Math.min(this.#maxMs, Math.max(this.#minGapMs, this.#cost / this.#share));
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
