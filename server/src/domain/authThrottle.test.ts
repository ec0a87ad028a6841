import { describe, expect, test } from 'vitest';
import { FailureThrottle } from './authThrottle.js';

describe('FailureThrottle', () => {
  test('free failures answer at once, then each further one waits twice as long, up to the cap', () => {
    const now = 0;
    const t = new FailureThrottle({ freePerMinute: 3, baseDelayMs: 250, maxDelayMs: 4000, now: () => now });
    const waits = Array.from({ length: 9 }, () => {
      const v = t.fail(['a:1']);
      return 'waitMs' in v ? v.waitMs : -1;
    });
    expect(waits).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000, 4000]);
  });

  test('counts decay by half a minute: a key that stops failing is free again', () => {
    let now = 0;
    const t = new FailureThrottle({ freePerMinute: 3, now: () => now });
    for (let i = 0; i < 6; i++) t.fail(['a:1']);
    expect(t.score('a:1')).toBeCloseTo(6);
    now += 60_000;
    expect(t.score('a:1')).toBeCloseTo(3);
    now += 120_000;
    expect(t.fail(['a:1'])).toEqual({ waitMs: 0 });
  });

  test('the worst of the keys decides: a fresh address with a much-tried secret waits', () => {
    const t = new FailureThrottle({ freePerMinute: 2, now: () => 0 });
    for (let i = 0; i < 3; i++) t.fail([`a:${i}`, 'c:same']);
    const v = t.fail(['a:new', 'c:same']);
    expect('waitMs' in v && v.waitMs).toBe(500);
  });

  test('too many answers held for one key: the next failure is refused at once with a retry time; close ends the waits', async () => {
    const t = new FailureThrottle({ freePerMinute: 1, maxHeldPerKey: 2, now: () => 0 });
    t.fail(['a:1']);
    const held: Promise<void>[] = [];
    for (let i = 0; i < 2; i++) {
      const v = t.fail(['a:1']);
      expect('waitMs' in v).toBe(true);
      if ('waitMs' in v) held.push(t.hold(['a:1'], v.waitMs));
    }
    const refused = t.fail(['a:1']);
    expect(refused).toMatchObject({ refuse: true });
    t.close();
    await Promise.all(held);
    const after = t.fail(['a:1']);
    expect('waitMs' in after).toBe(true);
  });

  test('off at 0: never a delay', () => {
    const t = new FailureThrottle({ freePerMinute: 0 });
    for (let i = 0; i < 100; i++) expect(t.fail(['a:1'])).toEqual({ waitMs: 0 });
  });
});
