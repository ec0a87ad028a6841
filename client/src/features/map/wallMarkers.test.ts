import { describe, expect, test } from 'vitest';
import { clue } from '../../test-support/fakeSnapshot';
import type { Arrival } from '../../lib/section';
import { arrivalDeadlines, latestUrgent, PULSE_MS, wallMarkers } from './wallMarkers';

const T0 = Date.parse('2026-11-30T02:00:00Z');
const arrival = (n: number, at: number, urgent: boolean, lon: number | null = 114.6): Arrival => ({
  n,
  at,
  clue: clue(`c${n}`, { urgent, lon, lat: lon === null ? null : 37.9 }),
});

describe('wall map marks', () => {
  test('the spotlight is the newest urgent arrival with a place, within urgentSec', () => {
    const arrivals = [arrival(1, T0, true), arrival(2, T0 + 1000, false), arrival(3, T0 + 2000, true, null)];
    expect(latestUrgent(arrivals, T0 + 5000, 20)?.n).toBe(1);
    // 20 s after the urgent arrival it lapses (the one without a place never counts).
    expect(latestUrgent(arrivals, T0 + 20_001, 20)).toBeNull();
  });

  test('deadlines: every pulse end, and the spotlight end of urgent arrivals only', () => {
    const arrivals = [arrival(1, T0, true), arrival(2, T0 + 1000, false)];
    expect(arrivalDeadlines(arrivals, 20).sort()).toEqual([T0 + PULSE_MS, T0 + 20_000, T0 + 1000 + PULSE_MS].sort());
  });

  test('pulses show until PULSE_MS after arrival; the callout names the urgent clue', () => {
    const arrivals = [arrival(1, T0, true), arrival(2, T0 + 5000, false)];
    const at = (now: number) =>
      wallMarkers({ labels: [], compact: false, arrivals, urgent: latestUrgent(arrivals, now, 20), now }).map(
        (m) => m.id,
      );
    expect(at(T0 + 6000)).toEqual(['pulse-1', 'pulse-2', 'urgent-1']);
    expect(at(T0 + PULSE_MS + 1)).toEqual(['pulse-2', 'urgent-1']);
    expect(at(T0 + 20_001)).toEqual([]);
  });
});
