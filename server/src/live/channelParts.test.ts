import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { CameraReason, CameraStatus } from '@zhihui/shared';
import { carryChange, type PartsCarry } from './channelParts.js';

const H = 3_600_000;
/** Two periods as the engine holds them: today, and a recent period that began earlier. */
const PERIODS = [
  [100 * H, 124 * H],
  [60 * H, 124 * H],
] as const;

type State = { status: CameraStatus; reason: CameraReason | null };
const on = (s: State) => (s.status === 'online' ? 1 : 0);
const counted = (s: State) => (s.status === 'unknown' && s.reason === 'source_down' ? 0 : 1);

/**
 * The parts recounted from the whole history, by their definition: the time each earlier state
 * held inside the period, weighted by how it differs from the state now, so that the part plus
 * "now's state since the period began" is what the channel really had.
 */
function recount(first: State, steps: { to: State; at: number }[], period: readonly [number, number]) {
  const now = steps.length ? steps[steps.length - 1]!.to : first;
  let online = 0;
  let count = 0;
  let state = first;
  let since = -Infinity;
  for (const s of steps) {
    const len = Math.max(0, Math.min(s.at, period[1]) - Math.max(since, period[0]));
    online += (on(state) - on(now)) * len;
    count += (counted(state) - counted(now)) * len;
    state = s.to;
    since = s.at;
  }
  return { online, counted: count };
}

const state = fc.constantFrom<State>(
  { status: 'online', reason: null },
  { status: 'offline', reason: 'power' },
  { status: 'offline', reason: 'network' },
  { status: 'unknown', reason: null },
  { status: 'unknown', reason: 'source_down' },
);

const fresh = (s: State): PartsCarry => ({
  parts: [
    { online: 0, counted: 0 },
    { online: 0, counted: 0 },
  ],
  status: s.status,
  reason: s.reason,
  lastMs: -Infinity,
});

describe('carryChange: parts carried over changes', () => {
  test('property: carried parts equal the parts recounted from the history, in both periods', () => {
    fc.assert(
      fc.property(
        state,
        fc.array(fc.tuple(state, fc.integer({ min: 0, max: 20 * H })), { maxLength: 12 }),
        (first, raw) => {
          // Increasing instants from before the recent period to past today's end.
          let at = 50 * H;
          const steps = raw.map(([to, gap]) => ({ to, at: (at += gap) }));
          const carry = fresh(first);
          let cur = first;
          for (const s of steps) {
            expect(carryChange(carry, PERIODS, { from: cur.status, to: s.to.status, reason: s.to.reason }, s.at)).toBe(
              true,
            );
            cur = s.to;
          }
          PERIODS.forEach((p, i) => expect(carry.parts[i]).toEqual(recount(first, steps, p)));
          expect({ status: carry.status, reason: carry.reason }).toEqual(cur);
        },
      ),
    );
  });

  test('a change that does not follow on (another starting state, or dated before the last) leaves the carry as it was', () => {
    const carry = fresh({ status: 'online', reason: null });
    expect(carryChange(carry, PERIODS, { from: 'online', to: 'offline', reason: 'power' }, 110 * H)).toBe(true);
    const before = structuredClone(carry);
    // From online, but the carry stands for offline now.
    expect(carryChange(carry, PERIODS, { from: 'online', to: 'unknown', reason: null }, 111 * H)).toBe(false);
    expect(carry).toEqual(before);
    // From the right state, but earlier than the change already carried.
    expect(carryChange(carry, PERIODS, { from: 'offline', to: 'online', reason: null }, 109 * H)).toBe(false);
    expect(carry).toEqual(before);
    // The same change in order is taken: offline from 110 h to 112 h of today's 100–124 h.
    expect(carryChange(carry, PERIODS, { from: 'offline', to: 'online', reason: null }, 112 * H)).toBe(true);
    expect(carry.parts[0]).toEqual({ online: -2 * H, counted: 0 });
  });
});
