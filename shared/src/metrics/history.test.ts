import { describe, expect, test } from 'vitest';
import { chainOf, historyUptime, statusAtTime, statusChangeKind } from './history.js';

const H = 3_600_000;

describe('the one reading of a status history (#16.3)', () => {
  test('how a change counts', () => {
    expect(statusChangeKind({ from: 'offline', to: 'online' })).toBe('repaired');
    expect(statusChangeKind({ from: 'online', to: 'offline' })).toBe('failed');
    expect(statusChangeKind({ from: 'unknown', to: 'online' })).toBeNull();
    expect(statusChangeKind({ from: 'online', to: 'unknown' })).toBeNull();
  });

  test('a stale `from` is read from the change before it; the status at t walks back from now', () => {
    const steps = chainOf([
      { at: 1 * H, from: 'unknown', to: 'online' },
      { at: 5 * H, from: 'unknown', to: 'offline' }, // written before re-chaining: really online → offline
    ]);
    expect(steps.map((s) => s.from)).toEqual(['unknown', 'online']);
    expect(statusChangeKind(steps[1]!)).toBe('failed');
    expect(statusAtTime(steps, 'offline', 0)).toBe('unknown');
    expect(statusAtTime(steps, 'offline', 3 * H)).toBe('online');
    expect(statusAtTime(steps, 'offline', 6 * H)).toBe('offline');
  });

  test('uptime over a span, with maintenance taken out of both parts', () => {
    const steps = chainOf([
      { at: 2 * H, from: 'offline', to: 'online' },
      { at: 6 * H, from: 'online', to: 'offline' },
    ]);
    // [0, 8h): offline 0–2, online 2–6, offline 6–8; maintenance 3–4 out of both.
    expect(historyUptime(steps, 'offline', 0, 8 * H, [{ from: 3 * H, to: 4 * H }])).toEqual({
      online: 3 * H,
      counted: 7 * H,
    });
    // No change in the span: the current status all along.
    expect(historyUptime([], 'online', 0, H, [])).toEqual({ online: H, counted: H });
  });
});
