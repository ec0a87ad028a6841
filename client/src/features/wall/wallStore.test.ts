import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { PROTOCOL_VERSION, type Ack, type RegionDelta, type RegionSnapshot } from '@zhihui/shared';
import { clue, snapshot } from '../../test-support/fakeSnapshot';
import { FakeTransport } from '../../test-support/fakeTransport';
import { createWallStore } from './wallStore';

const delta = (seq: number, over: Partial<RegionDelta> = {}): RegionDelta => ({
  v: PROTOCOL_VERSION,
  seq,
  at: '2026-11-27T10:00:05+08:00',
  ...over,
});

describe('wall store', () => {
  let tr: FakeTransport;
  beforeEach(() => {
    vi.useFakeTimers();
    tr = new FakeTransport();
  });
  afterEach(() => vi.useRealTimers());

  test('subscribes on connect and adopts the snapshot from the ack', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    expect(tr.subscribes).toHaveLength(1);
    expect(tr.subscribes[0]!.req).toEqual({ region: '130111', packed: true });
    expect(store.getState().link).toBe('syncing');
    tr.answer(snapshot());
    expect(store.getState().link).toBe('live');
    expect(store.getState().snapshot!.seq).toBe(10);
  });

  test('a packed snapshot, in the ack or pushed, is adopted unpacked and in order with the deltas', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    const pack = (s: RegionSnapshot) => ({ packed: deflateSync(strToU8(JSON.stringify(s))) });
    tr.subscribes[0]!.ack({ ok: true, data: pack(snapshot()) } as unknown as Ack<RegionSnapshot>);
    expect(store.getState().link).toBe('live');
    expect(store.getState().snapshot).toEqual(snapshot());
    tr.fire('snapshot', pack({ ...snapshot(), seq: 20 }));
    tr.fire('delta', delta(21, { cams: { i: [1], s: [0], r: [0], ago: [0] } }));
    expect(store.getState().snapshot!.seq).toBe(21);
    expect(store.getState().snapshot!.cameras.state[1]).toBe(0);
  });

  test('applies deltas in order with the shared applyDelta', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    tr.fire('delta', delta(11, { cams: { i: [1], s: [0], r: [0], ago: [0] } }));
    expect(store.getState().snapshot!.seq).toBe(11);
    expect(store.getState().snapshot!.cameras.state[1]).toBe(0);
    expect(tr.subscribes).toHaveLength(1);
  });

  test('a gap in seq leads to a fresh subscribe, and the new snapshot replaces the old', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    tr.fire('delta', delta(13));
    expect(tr.subscribes).toHaveLength(2);
    expect(store.getState().snapshot!.seq).toBe(10); // the old figures stay until the new ones come
    tr.answer(snapshot({ seq: 40 }));
    expect(store.getState().snapshot!.seq).toBe(40);
    expect(store.getState().resyncs).toBe(1);
  });

  test('an out-of-range camera index or another protocol version also resubscribes', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    tr.fire('delta', delta(11, { cams: { i: [99], s: [1], r: [0], ago: [0] } }));
    expect(tr.subscribes).toHaveLength(2);
    tr.answer(snapshot({ seq: 20 }));
    tr.fire('delta', { ...delta(21), v: PROTOCOL_VERSION + 1 });
    expect(tr.subscribes).toHaveLength(3);
  });

  test('a server on another protocol (upgraded under the wall): the mismatch shows and the page hears which version', () => {
    const told: number[] = [];
    const store = createWallStore({ region: '130111', transport: tr, onProtocolMismatch: (v) => told.push(v) });
    store.start();
    tr.answer(snapshot({ v: PROTOCOL_VERSION + 1 }));
    expect(store.getState().snapshot).toBeNull();
    expect(store.getState().error?.code).toBe('VERSION');
    expect(told).toEqual([PROTOCOL_VERSION + 1]);
  });

  test('deltas that arrive while a subscribe is in flight are applied after its snapshot', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.fire('delta', delta(10));
    tr.fire('delta', delta(11, { clues: [clue('a')] }));
    tr.answer(snapshot({ seq: 10 }));
    expect(store.getState().snapshot!.seq).toBe(11);
    expect(store.getState().snapshot!.clues.map((c) => c.id)).toEqual(['a']);
  });

  test('a period roll-over resubscribes', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    const periods = snapshot().periods;
    tr.fire('delta', delta(11, { periods }));
    expect(tr.subscribes).toHaveLength(2);
  });

  test('a lost link keeps the figures, marks the moment, and resubscribes on reconnect', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    vi.advanceTimersByTime(5000);
    const before = Date.now();
    tr.drop();
    const s = store.getState();
    expect(s.link).toBe('lost');
    expect(s.snapshot!.seq).toBe(10);
    expect(s.currentAt).toBe(before);
    vi.advanceTimersByTime(60_000);
    tr.connect();
    expect(tr.subscribes).toHaveLength(2);
    tr.answer(snapshot({ seq: 3 })); // a restarted server counts from scratch
    expect(store.getState().link).toBe('live');
    expect(store.getState().snapshot!.seq).toBe(3);
  });

  test('after a graceful server shutdown ("io server disconnect") the store reconnects by itself', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    tr.connected = false;
    tr.fire('disconnect', 'io server disconnect');
    expect(store.getState().link).toBe('lost');
    vi.advanceTimersByTime(1500);
    expect(tr.connected).toBe(true);
    expect(tr.subscribes).toHaveLength(2);
  });

  test('a connection the server refuses (revoked token) is shown with its reason and retried slowly', () => {
    const store = createWallStore({ region: '130111', transport: tr, refusedRetryMs: 30_000 });
    store.start();
    tr.answer(snapshot());
    tr.connected = false;
    tr.fire('disconnect', 'io server disconnect');
    vi.advanceTimersByTime(1500); // the reconnect after the goodbye …
    tr.connected = false;
    tr.fire(
      'connect_error',
      Object.assign(new Error('UNAUTHORIZED: revoked'), { data: { code: 'UNAUTHORIZED', message: 'revoked' } }),
    );
    expect(store.getState().link).toBe('lost');
    expect(store.getState().refused).toEqual({ code: 'UNAUTHORIZED', message: 'revoked' });
    expect(store.getState().snapshot).not.toBeNull(); // the figures stay
    const subs = tr.subscribes.length;
    vi.advanceTimersByTime(29_000);
    expect(tr.connected).toBe(false);
    vi.advanceTimersByTime(1_500);
    expect(tr.connected).toBe(true); // … and once the token is valid again the wall is back
    expect(tr.subscribes.length).toBe(subs + 1);
    expect(store.getState().refused).toBeNull();
  });

  test('an ordinary connection error is a lost link, not a refusal', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot());
    tr.connected = false;
    tr.fire('connect_error', new Error('xhr poll error'));
    expect(store.getState().link).toBe('lost');
    expect(store.getState().refused).toBeNull();
  });

  test('React hears at most four times a second however fast deltas arrive', () => {
    const store = createWallStore({ region: '130111', transport: tr, notifyEveryMs: 250 });
    let heard = 0;
    store.subscribe(() => heard++);
    store.start();
    tr.answer(snapshot());
    vi.advanceTimersByTime(300);
    heard = 0;
    for (let k = 0; k < 200; k++) {
      tr.fire('delta', delta(11 + k));
      vi.advanceTimersByTime(5); // 200 deltas over one second
    }
    vi.advanceTimersByTime(300);
    expect(store.getState().snapshot!.seq).toBe(210);
    expect(heard).toBeGreaterThanOrEqual(3);
    expect(heard).toBeLessThanOrEqual(5);
  });

  test('a watcher hears every delta as it is applied, while React waits for its turn', () => {
    const store = createWallStore({ region: '130111', transport: tr, notifyEveryMs: 250 });
    let heard = 0;
    const watched: number[] = [];
    store.subscribe(() => heard++);
    const unwatch = store.watch(() => watched.push(store.getState().snapshot?.seq ?? -1));
    store.start();
    tr.answer(snapshot());
    vi.advanceTimersByTime(300);
    heard = 0;
    watched.length = 0;
    for (let k = 0; k < 5; k++) tr.fire('delta', delta(11 + k));
    // Each delta, in order, with the state already applied; React not yet.
    expect(watched).toEqual([11, 12, 13, 14, 15]);
    expect(heard).toBe(0);
    vi.advanceTimersByTime(300);
    expect(heard).toBe(1);
    unwatch();
    tr.fire('delta', delta(16));
    expect(watched).toHaveLength(5);
  });

  test('by default the pace follows what a render costs: every 100 ms while cheap, up to 250 ms', async () => {
    // The cost clock moves only inside a notification, by what the "render" of it took.
    let clock = 0;
    let renderMs = 2;
    const store = createWallStore({ region: '130111', transport: tr, costClock: () => clock });
    let heard = 0;
    store.subscribe(() => {
      heard++;
      clock += renderMs;
    });
    store.start();
    tr.answer(snapshot());
    await vi.advanceTimersByTimeAsync(300);
    let seq = 10;
    const churn = async (ms: number) => {
      heard = 0;
      for (let t = 0; t < ms; t += 5) {
        tr.fire('delta', delta(++seq));
        await vi.advanceTimersByTimeAsync(5);
      }
      return heard;
    };
    // 2 ms a render: the shortest gap, ten renders a second.
    await churn(1000);
    const fast = await churn(2000);
    expect(fast).toBeGreaterThanOrEqual(19);
    expect(fast).toBeLessThanOrEqual(21);
    expect(store.getState().snapshot!.seq).toBe(seq);
    // 14 ms a render: the gap keeps renders to 8% of the time (175 ms).
    renderMs = 14;
    await churn(2000);
    const mid = await churn(3500);
    expect(mid).toBeGreaterThanOrEqual(19);
    expect(mid).toBeLessThanOrEqual(21);
    // 60 ms a render: never more than 250 ms apart all the same.
    renderMs = 60;
    await churn(2000);
    const slow = await churn(2000);
    expect(slow).toBeGreaterThanOrEqual(7);
    expect(slow).toBeLessThanOrEqual(9);
  });

  test('a new clue reaches React at once, even while camera churn waits for its throttled turn', () => {
    const store = createWallStore({ region: '130111', transport: tr, notifyEveryMs: 250 });
    let heard = 0;
    store.subscribe(() => heard++);
    store.start();
    tr.answer(snapshot({ clues: [clue('old')] }));
    vi.advanceTimersByTime(0);
    heard = 0;
    // A camera change just after a flush waits for the rest of the 250 ms window …
    tr.fire('delta', delta(11, { cams: { i: [1], s: [0], r: [0], ago: [0] } }));
    vi.advanceTimersByTime(10);
    expect(heard).toBe(0);
    // … a new clue does not: it goes out on the next turn of the event loop, with the camera change.
    tr.fire('delta', delta(12, { clues: [clue('new', { reportedAt: '2026-11-27T10:00:00+08:00' })] }));
    vi.advanceTimersByTime(0);
    expect(heard).toBe(1);
    expect(store.getState().snapshot!.clues.map((c) => c.id)).toContain('new');
    // A change to a known clue is not an arrival: it coalesces like the rest.
    tr.fire(
      'delta',
      delta(13, { clues: [clue('new', { status: 'verified', reportedAt: '2026-11-27T10:00:00+08:00' })] }),
    );
    vi.advanceTimersByTime(10);
    expect(heard).toBe(1);
    vi.advanceTimersByTime(250);
    expect(heard).toBe(2);
  });

  test('new clues are recorded as arrivals, those of the first snapshot are not', () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.answer(snapshot({ clues: [clue('old')] }));
    expect(store.getState().arrivals).toHaveLength(0);
    tr.fire('delta', delta(11, { clues: [clue('new', { urgent: true, reportedAt: '2026-11-27T10:00:00+08:00' })] }));
    tr.fire('delta', delta(12, { clues: [clue('old', { status: 'verified' })] }));
    const arrivals = store.getState().arrivals;
    expect(arrivals.map((a) => a.clue.id)).toEqual(['new']);
    expect(arrivals[0]!.clue.urgent).toBe(true);
  });

  test('an unknown region is reported, not retried forever', () => {
    const store = createWallStore({ region: '999999', transport: tr });
    store.start();
    tr.subscribes[0]!.ack({ ok: false, error: { code: 'UNKNOWN_REGION', message: 'unknown region' } });
    vi.advanceTimersByTime(30_000);
    expect(store.getState().error?.code).toBe('UNKNOWN_REGION');
    expect(tr.subscribes).toHaveLength(1);
  });

  test("a region outside the display token's region is reported, not retried forever", () => {
    const store = createWallStore({ region: '130111', transport: tr });
    store.start();
    tr.subscribes[0]!.ack({
      ok: false,
      error: { code: 'FORBIDDEN', message: "region 130111 is outside this credential's region" },
    });
    vi.advanceTimersByTime(30_000);
    expect(store.getState().error?.code).toBe('FORBIDDEN');
    expect(tr.subscribes).toHaveLength(1);
  });

  test('an ack that never comes is asked again', () => {
    const store = createWallStore({ region: '130111', transport: tr, ackTimeoutMs: 1000 });
    store.start();
    vi.advanceTimersByTime(1500);
    expect(tr.subscribes.length).toBeGreaterThanOrEqual(2);
    tr.answer(snapshot());
    expect(store.getState().link).toBe('live');
  });
});
