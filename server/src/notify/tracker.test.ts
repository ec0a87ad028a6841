import { describe, expect, test } from 'vitest';
import { AlertTracker } from './tracker.js';

const MIN = 60_000;
const opts = { forMs: 0, flapMs: 10 * MIN, repeatMs: 60 * MIN, recovery: true };

describe('alert state: flap suppression, settling time, repeats, silent clearing', () => {
  test('a subject flapping every minute gets one message, then its final state after the interval', () => {
    const t = new AlertTracker();
    const seen: (string | null)[] = [];
    for (let m = 0; m < 9; m++) seen.push(t.observe('k', 'r', 'x', m % 2 === 0, m * MIN, opts));
    expect(seen.filter(Boolean)).toEqual(['firing']);
    // Still flapping at minute 9 (down) and 10 (up): the interval is over, so the recovery goes out.
    expect(t.observe('k', 'r', 'x', false, 10 * MIN, opts)).toBe('recovery');
    expect(t.observe('k', 'r', 'x', true, 11 * MIN, opts)).toBeNull();
    expect(t.observe('k', 'r', 'x', true, 20 * MIN, opts)).toBe('firing');
  });

  test('the condition must hold for forMs; a reminder after repeatMs; recovery false clears quietly', () => {
    const t = new AlertTracker();
    const o = { ...opts, forMs: 5 * MIN, recovery: false };
    expect(t.observe('k', 'r', 'x', true, 0, o)).toBeNull();
    expect(t.observe('k', 'r', 'x', true, 4 * MIN, o)).toBeNull();
    expect(t.observe('k', 'r', 'x', true, 5 * MIN, o)).toBe('firing');
    expect(t.observe('k', 'r', 'x', true, 64 * MIN, o)).toBeNull();
    expect(t.observe('k', 'r', 'x', true, 65 * MIN, o)).toBe('reminder');
    expect(t.observe('k', 'r', 'x', false, 70 * MIN, o)).toBeNull(); // within the interval after the reminder
    expect(t.get('k')?.sent).toBe('firing');
    expect(t.observe('k', 'r', 'x', false, 80 * MIN, o)).toBeNull(); // cleared without a message, and forgotten
    expect(t.get('k')).toBeUndefined();
  });

  test('silent clearing (replaced by a source alert) and forgetting settled records; dirty keys to persist', () => {
    const t = new AlertTracker();
    expect(t.observe('k', 'r', 'x', true, 0, opts)).toBe('firing');
    expect(t.observe('k', 'r', 'x', false, MIN, opts, true)).toBeNull();
    expect(t.get('k')?.sent).toBe('resolved');
    expect(t.takeDirty().put.map((r) => r.key)).toEqual(['k']);
    expect(t.observe('k', 'r', 'x', false, 11 * MIN, opts)).toBeNull();
    expect(t.get('k')).toBeUndefined();
    expect(t.takeDirty()).toEqual({ put: [], del: ['k'] });
    expect(t.observe('other', 'r', 'x', false, 0, opts)).toBeNull();
    expect(t.takeDirty()).toEqual({ put: [], del: [] });
  });
});
