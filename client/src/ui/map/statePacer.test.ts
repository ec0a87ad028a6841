import { describe, expect, test } from 'vitest';
import { createStatePacer, type PacerScheduler } from './statePacer';

/** A hand-driven clock: timers and animation frames run only when the test says so. */
function fakeScheduler() {
  let t = 0;
  let timers: { at: number; fn: () => void }[] = [];
  let frames: (() => void)[] = [];
  const s: PacerScheduler = {
    now: () => t,
    after(ms, fn) {
      const e = { at: t + ms, fn };
      timers.push(e);
      return () => (timers = timers.filter((x) => x !== e));
    },
    frame(fn) {
      frames.push(fn);
      return () => (frames = frames.filter((x) => x !== fn));
    },
  };
  return {
    s,
    /** Moves the clock, firing due timers, then runs one animation frame. */
    advance(ms: number) {
      t += ms;
      const due = timers.filter((x) => x.at <= t);
      timers = timers.filter((x) => x.at > t);
      for (const d of due) d.fn();
      const run = frames;
      frames = [];
      for (const f of run) f();
    },
    pending: () => timers.length + frames.length,
  };
}

describe('createStatePacer', () => {
  test('a burst of changes in one frame is one draw, of the last state of each channel', () => {
    const clock = fakeScheduler();
    let column = [0, 0, 0, 0, 0];
    const drawn: number[][] = [];
    const pacer = createStatePacer({ scheduler: clock.s, write: () => void drawn.push(column) });
    pacer.request();
    clock.advance(16);
    expect(drawn).toHaveLength(1);
    // 300 deltas between two frames; each a new column (as applyDelta makes), channel 1 flapping.
    const want = [0, 0, 0, 0, 0];
    for (let k = 0; k < 300; k++) {
      const ch = k % 5;
      want[ch] = (k * 7) % 3;
      column = [...want];
      pacer.request();
    }
    clock.advance(1000);
    expect(drawn).toHaveLength(2);
    expect(drawn[1]).toEqual(want);
  });

  test('writes keep the gap, which grows with the drawing cost; an urgent request does not wait', () => {
    const clock = fakeScheduler();
    let writes = 0;
    const pacer = createStatePacer({ scheduler: clock.s, write: () => void writes++, minGapMs: 250, share: 0.2 });
    pacer.request();
    clock.advance(16);
    expect(writes).toBe(1);
    pacer.request();
    clock.advance(100);
    expect(writes).toBe(1);
    clock.advance(150);
    expect(writes).toBe(2);
    // Drawing takes 100 ms: at a fifth of the time, writes are 500 ms apart.
    pacer.reportCost(100);
    expect(pacer.gap()).toBe(500);
    pacer.request();
    clock.advance(300);
    expect(writes).toBe(2);
    pacer.request(true);
    clock.advance(16);
    expect(writes).toBe(3);
    // However slow drawing gets, the map is written at least every 2 s.
    pacer.reportCost(10_000);
    expect(pacer.gap()).toBe(2000);
    pacer.request();
    pacer.stop();
    expect(clock.pending()).toBe(0);
  });
});
