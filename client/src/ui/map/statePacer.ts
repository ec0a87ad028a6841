/** How the pacer waits: a timer for the gap, then an animation frame for the write itself. */
export interface PacerScheduler {
  now(): number;
  after(ms: number, fn: () => void): () => void;
  frame(fn: () => void): () => void;
}

export interface StatePacerOptions {
  /** Writes what is wanted now (the newest state of every feature; older requests are folded in). */
  write: () => void;
  scheduler: PacerScheduler;
  /** Never closer than this (ms): the wall's panels do not change faster either. */
  minGapMs?: number;
  /** Share of the time the map may spend drawing what the writes cause (0–1). */
  share?: number;
  /** Never further apart than this (ms), however slow drawing is: the map may lag, not stand still. */
  maxGapMs?: number;
}

export interface StatePacer {
  /** Something changed: write it in a coming frame; `now` writes in the next frame whatever the pace. */
  request(now?: boolean): void;
  /** What one write cost to draw (ms, measured by the view): the pace follows it. */
  reportCost(ms: number): void;
  /** The gap kept between writes at the moment (ms). */
  gap(): number;
  stop(): void;
}

/**
 * Paces the redraws of the map's points (its canvas layers) as their looks change. A redraw is
 * cheap next to a map frame under software GL, but 10,000 points still cost the page's main
 * thread several ms, and a delta comes many times a second. Requests between two writes collapse
 * into one, made in an animation frame; the gap between writes grows with the measured cost of
 * drawing, so the points take at most `share` of the time and the rest of the wall keeps its
 * frame rate.
 */
export function createStatePacer(opts: StatePacerOptions): StatePacer {
  const { scheduler: s, write } = opts;
  const minGap = opts.minGapMs ?? 250;
  const share = opts.share ?? 0.15;
  const maxGap = opts.maxGapMs ?? 2000;
  let cost = 0;
  let last = -Infinity;
  let cancel: (() => void) | null = null;
  let soon = false;
  const gap = () => Math.min(maxGap, Math.max(minGap, cost / share));
  const run = () => {
    cancel = null;
    soon = false;
    last = s.now();
    write();
  };
  return {
    request(now = false) {
      if (cancel && (soon || !now)) return;
      cancel?.();
      const wait = now ? 0 : last + gap() - s.now();
      soon = now || wait <= 0;
      if (soon) {
        cancel = s.frame(run);
        return;
      }
      let inner: (() => void) | null = null;
      const outer = s.after(wait, () => {
        inner = s.frame(run);
      });
      cancel = () => (inner ? inner() : outer());
    },
    reportCost(ms) {
      // Smoothed: one slow frame (a GC, another tab) does not set the pace for long.
      cost = cost === 0 ? ms : cost * 0.7 + ms * 0.3;
    },
    gap,
    stop() {
      cancel?.();
      cancel = null;
      soon = false;
    },
  };
}
