import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FlushPacer } from './flushPacer.js';

/** A pacer whose flush takes `cost` ms of the fake clock and records when it ran. */
function pacer(cost: () => number, opts: { maxMs?: number; minGapMs?: number; sends?: () => boolean } = {}) {
  const runs: number[] = [];
  const p = new FlushPacer(
    () => {
      runs.push(Date.now());
      vi.setSystemTime(Date.now() + cost());
      return opts.sends?.() ?? true;
    },
    { maxMs: opts.maxMs ?? 150, minGapMs: opts.minGapMs ?? 10, share: 0.1, now: () => Date.now() },
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
});
