import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FlushPacer, LoopLoad } from './flushPacer.js';

/** A pacer whose flush takes `cost` ms of the fake clock and records when it ran. */
function pacer(
  cost: () => number,
  opts: { maxMs?: number; minGapMs?: number; sends?: () => boolean; otherLoad?: number } = {},
) {
  const runs: number[] = [];
  const p = new FlushPacer(
    () => {
      runs.push(Date.now());
      vi.setSystemTime(Date.now() + cost());
      return opts.sends?.() ?? true;
    },
    {
      maxMs: opts.maxMs ?? 150,
      minGapMs: opts.minGapMs ?? 10,
      share: 0.1,
      // A loop fully taken by other work unless told otherwise: flushing gets only its share.
      otherLoad: () => opts.otherLoad ?? 1,
      now: () => Date.now(),
    },
  );
  return { p, runs };
}

describe('FlushPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a change after a quiet spell is flushed on the next turn, with no window', () => {
    const { p, runs } = pacer(() => 1);
    p.notify();
    p.notify();
    expect(runs).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(runs).toEqual([1_000_000]);
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveLength(1);
  });

  test('while changes keep coming, flushes are spaced by ten times their cost (share 0.1)', () => {
    const { p, runs } = pacer(() => 5);
    p.notify();
    vi.advanceTimersToNextTimer();
    expect(runs).toHaveLength(1);
    // The flush took 5 ms: the next may start 50 ms after it ended.
    const ended = runs[0]! + 5;
    p.notify();
    vi.advanceTimersByTime(49 - (Date.now() - ended));
    expect(runs).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(runs).toHaveLength(2);
    expect(runs[1]! - ended).toBeGreaterThanOrEqual(50);
    expect(runs[1]! - ended).toBeLessThanOrEqual(51);
    expect(p.gap()).toBeCloseTo(50, 5);
  });

  test('the gap never exceeds the longest window, nor falls below the shortest', () => {
    const slow = pacer(() => 400, { maxMs: 150 });
    slow.p.notify();
    vi.advanceTimersToNextTimer();
    expect(slow.p.gap()).toBe(150);
    const fast = pacer(() => 0.01, { minGapMs: 10 });
    fast.p.notify();
    vi.advanceTimersToNextTimer();
    expect(fast.p.gap()).toBe(10);
  });

  test('a flush that sent nothing neither costs nor delays the next', () => {
    let sends = false;
    const { p, runs } = pacer(() => 100, { sends: () => sends });
    p.notify();
    vi.advanceTimersToNextTimer();
    expect(runs).toHaveLength(1);
    expect(p.gap()).toBe(10);
    sends = true;
    const t = Date.now();
    p.notify();
    vi.advanceTimersToNextTimer();
    expect(runs[1]).toBe(t);
  });

  test('flushNow drops the scheduled flush; stop cancels everything', () => {
    const { p, runs } = pacer(() => 20);
    p.notify();
    vi.advanceTimersToNextTimer();
    p.notify(); // scheduled 150 ms on (20 ms × 10 capped… 200 → 150)
    p.flushNow();
    expect(runs).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveLength(2);
    p.notify();
    p.stop();
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveLength(2);
  });

  test('a loop with time to spare lends it to flushing: the gap shrinks to cost / (1 - other load - 0.3)', () => {
    const idle = pacer(() => 35, { otherLoad: 0 });
    idle.p.notify();
    vi.advanceTimersToNextTimer();
    expect(idle.p.share()).toBeCloseTo(0.7, 5);
    expect(idle.p.gap()).toBeCloseTo(50, 5);
    // Half the loop busy elsewhere: flushing may take a fifth of it (twice the floor of 0.1), and
    // 35 / 0.2 = 175 ms is more than the longest window.
    const half = pacer(() => 35, { otherLoad: 0.5 });
    half.p.notify();
    vi.advanceTimersToNextTimer();
    expect(half.p.share()).toBeCloseTo(0.2, 5);
    expect(half.p.gap()).toBe(150);
    const busy = pacer(() => 10, { otherLoad: 0.5 });
    busy.p.notify();
    vi.advanceTimersToNextTimer();
    expect(busy.p.gap()).toBeCloseTo(50, 5);
  });
});

describe('LoopLoad', () => {
  const spin = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };

  test('counts the loop busy with other work, not the time flushes took', async () => {
    const load = new LoopLoad();
    spin(600);
    load.flushed(0);
    // Busy all the window with other work: smoothed from 0 by half, so about 0.5.
    expect(load.other()).toBeGreaterThan(0.35);
    const busyOther = load.other();
    spin(600);
    // The same busy window, all of it flushing: nothing left for others.
    load.flushed(600);
    expect(load.other()).toBeLessThan(busyOther);
    const afterFlush = load.other();
    await new Promise((r) => setTimeout(r, 600));
    load.flushed(0);
    expect(load.other()).toBeLessThanOrEqual(afterFlush);
  });
});
