import { describe, expect, test } from 'vitest';
import { chainOf, historyUptime, sourceDownSpans, statusAtTime, statusChangeKind } from './history.js';
import { cameraFigures, countedChannels } from './operationalRate.js';

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

  test('time behind a source that is down is not counted time, and such a channel is not in N (#11)', () => {
    // online 0–2 h, source down 2–5 h, back online 5–8 h, offline 8–10 h.
    const steps = chainOf([
      { at: 0, from: 'unknown', to: 'online', reason: null },
      { at: 2 * H, from: 'online', to: 'unknown', reason: 'source_down' },
      { at: 5 * H, from: 'unknown', to: 'online', reason: null },
      { at: 8 * H, from: 'online', to: 'offline', reason: 'power' },
    ]);
    expect(sourceDownSpans(steps, { status: 'offline', reason: 'power' }, 0, 10 * H)).toEqual([
      { from: 2 * H, to: 5 * H },
    ]);
    expect(historyUptime(steps, 'offline', 0, 10 * H, [])).toEqual({ online: 5 * H, counted: 7 * H });
    // Down now: the open spell runs to the period's end.
    expect(historyUptime(steps.slice(0, 2), 'unknown', 0, 4 * H, [], 'source_down')).toEqual({
      online: 2 * H,
      counted: 2 * H,
    });
    const f = cameraFigures([
      'online',
      { state: 'unknown', reason: 'source_down' },
      { state: 'unknown', reason: null },
      'maintenance',
    ]);
    expect(f).toMatchObject({ inService: 4, unknown: 2, sourceDown: 1, maintenance: 1, operationalRate: 1 / 2 });
    expect(countedChannels(f)).toBe(2);
  });
});
