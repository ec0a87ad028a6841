import { describe, expect, test } from 'vitest';
import { channelUptime, timeWeightedRate, type StatusChange } from './uptime.js';

// Hours as ms from an arbitrary origin keep the hand computations readable.
const H = 3_600_000;
const h = (n: number) => n * H;
const ch = (at: number, status: StatusChange['status']): StatusChange => ({ at: h(at), status });

describe('channelUptime', () => {
  test('no changes: the initial status holds for the whole span', () => {
    expect(channelUptime('online', [], h(0), h(24))).toEqual({ online: h(24), counted: h(24) });
    expect(channelUptime('offline', [], h(0), h(24))).toEqual({ online: 0, counted: h(24) });
  });

  test('a day with an outage 08:00–11:00 and an unknown spell 20:00–22:00', () => {
    const changes = [ch(8, 'offline'), ch(11, 'online'), ch(20, 'unknown'), ch(22, 'online')];
    // online 0–8, 11–20, 22–24 = 8 + 9 + 2 = 19 h of 24
    expect(channelUptime('online', changes, h(0), h(24))).toEqual({ online: h(19), counted: h(24) });
  });

  test('changes before `from` set the status in force; a change exactly at `from` applies', () => {
    const changes = [ch(-10, 'offline'), ch(-2, 'online'), ch(0, 'offline'), ch(6, 'online')];
    // initial says online but the change at 0 says offline: offline 0–6, online 6–12
    expect(channelUptime('online', changes, h(0), h(12))).toEqual({ online: h(6), counted: h(12) });
    // the last change before `from` wins over `initial`
    expect(channelUptime('offline', [ch(-5, 'online')], h(0), h(10))).toEqual({ online: h(10), counted: h(10) });
  });

  test('changes at or after `to` are ignored', () => {
    const changes = [ch(4, 'offline'), ch(10, 'online'), ch(30, 'offline')];
    expect(channelUptime('online', changes, h(0), h(10))).toEqual({ online: h(4), counted: h(10) });
  });

  test('planned maintenance is taken out of both online and counted time', () => {
    // offline 6–12, of which 8–10 is planned maintenance; online the rest of the day.
    const changes = [ch(6, 'offline'), ch(12, 'online')];
    const r = channelUptime('online', changes, h(0), h(24), [{ from: h(8), to: h(10) }]);
    expect(r).toEqual({ online: h(18), counted: h(22) });
  });

  test('maintenance spanning status changes and the period edges is clipped to [from, to)', () => {
    const changes = [ch(2, 'offline'), ch(5, 'online')];
    // excluded −3..1 (clipped to 0..1) and 4..7 (covers an offline hour and two online hours)
    const r = channelUptime('online', changes, h(0), h(10), [
      { from: h(-3), to: h(1) },
      { from: h(4), to: h(7) },
    ]);
    // counted: 10 − 1 − 3 = 6; online: 0–2 minus 0–1 = 1, 5–10 minus 5–7 = 3 → 4
    expect(r).toEqual({ online: h(4), counted: h(6) });
  });

  test('overlapping excluded spans are not taken out twice', () => {
    // maintenance 2–6 inside an out-of-service spell 1–8
    const r = channelUptime('online', [], h(0), h(10), [
      { from: h(1), to: h(8) },
      { from: h(2), to: h(6) },
    ]);
    expect(r).toEqual({ online: h(3), counted: h(3) });
  });

  test('a span excluded entirely counts nothing', () => {
    const r = channelUptime('offline', [ch(3, 'online')], h(0), h(6), [{ from: h(-1), to: h(7) }]);
    expect(r).toEqual({ online: 0, counted: 0 });
    expect(timeWeightedRate([r])).toBeNull();
  });

  test('an empty or inverted window counts nothing', () => {
    expect(channelUptime('online', [], h(5), h(5))).toEqual({ online: 0, counted: 0 });
    expect(channelUptime('online', [], h(6), h(5))).toEqual({ online: 0, counted: 0 });
  });
});

describe('timeWeightedRate', () => {
  test('Σ online ÷ Σ counted, not the mean of per-channel rates', () => {
    const a = channelUptime('online', [], h(0), h(24)); // 24/24
    const b = channelUptime('online', [ch(6, 'offline')], h(0), h(24), [{ from: h(12), to: h(24) }]); // 6/12
    expect(timeWeightedRate([a, b])).toBeCloseTo(30 / 36, 12);
  });

  test('null with nothing counted', () => {
    expect(timeWeightedRate([])).toBeNull();
  });
});
