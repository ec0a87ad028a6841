import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { CAMERA_STATES, applyDelta, snapshotAt, type RegionFigures, type RegionSnapshot } from '@zhihui/shared';
import { computeSummary } from '../../server/src/domain/summary.js';
import {
  collect,
  openSocket,
  postStatus,
  settle,
  startServer,
  subscribe,
  type TestServer,
  type WallSocket,
} from './helpers.js';

const withoutAt = (s: RegionSnapshot) => ({ ...s, at: '' });

let t: TestServer;
const sockets: WallSocket[] = [];
const open = async () => {
  const s = await openSocket(t.url);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
});

/** Reports at strictly increasing instants (never ahead of the clock by more than a few ms), so each is a real change in order. */
let clock = Date.now();
const at = () => new Date((clock = Math.max(clock + 1, Date.now()))).toISOString();

async function subscribed(region: string, packed = false) {
  const s = await open();
  const c = collect(s);
  const ack = await subscribe(s, { region, packed });
  if (!ack.ok) throw new Error(ack.error.message);
  return { s, c, snap: ack.data };
}

function onlineCamera(snap: RegionSnapshot, skip = 0): string {
  let n = 0;
  for (let i = 0; i < snap.cameras.id.length; i++)
    if (snap.cameras.state[i] === 0 && n++ === skip) return snap.cameras.id[i]!;
  throw new Error('no online camera');
}

describe('socket stream', () => {
  test('subscribe acks the snapshot; a bad payload or an unknown region is an error ack', async () => {
    const s = await open();
    const ack = await subscribe(s, { region: '130111' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data.region.code).toBe('130111');
    expect(ack.data.cameras.id.length).toBe(1779);
    expect(ack.data.children.length).toBe(7);
    expect(ack.data.figures.today.cameras.total).toBe(1779);
    const bad = await subscribe(s, { region: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    const none = await subscribe(s, { region: '139999' });
    expect(none).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REGION' } });
    const junk = await subscribe(s, null);
    expect(junk.ok).toBe(false);
  });

  test('a status batch over HTTP reaches the subscriber as the next delta with the change', async () => {
    const { c, snap } = await subscribed('130111');
    const id = onlineCamera(snap);
    const res = await postStatus(t, [{ cameraId: id, status: 'offline', reason: 'power', at: at() }]);
    expect(res.accepted).toBe(1);
    const d = await c.next((x) => !!x.cams?.i.includes(snap.cameras.id.indexOf(id)));
    expect(c.deltas[0]!.seq).toBe(snap.seq + 1);
    const k = d.cams!.i.indexOf(snap.cameras.id.indexOf(id));
    expect(d.cams!.s[k]).toBe(CAMERA_STATES.indexOf('offline'));
    expect(d.cams!.r[k]).toBe(1);
    let held = snap;
    for (const x of c.deltas) {
      const r = applyDelta(held, x);
      expect(r.ok).toBe(true);
      if (r.ok) held = r.snapshot;
    }
    expect(held.figures.today.cameras.offline).toBe(snap.figures.today.cameras.offline + 1);
  });

  test('five flaps in one batch are one entry, in the final state, and the figures count it once', async () => {
    const { c, snap } = await subscribed('130111');
    const id = onlineCamera(snap, 3);
    const row = snap.cameras.id.indexOf(id);
    const reports = [0, 1, 2, 3, 4].map((k) => ({
      cameraId: id,
      status: k % 2 === 0 ? 'offline' : 'online',
      reason: 'network',
      at: at(),
    }));
    await postStatus(t, reports);
    const d = await c.next((x) => !!x.cams?.i.includes(row));
    expect(d.cams!.i.filter((i) => i === row)).toHaveLength(1);
    expect(d.cams!.s[d.cams!.i.indexOf(row)]).toBe(CAMERA_STATES.indexOf('offline'));
    let held = snap;
    for (const x of c.deltas) {
      const r = applyDelta(held, x);
      if (r.ok) held = r.snapshot;
    }
    expect(held.figures.today.cameras.offline).toBe(snap.figures.today.cameras.offline + 1);
  });

  test('a status change sends the camera figures of the region and its township, not the clue, mediation or grid figures', async () => {
    const { c, snap } = await subscribed('130111');
    const id = onlineCamera(snap, 7);
    const row = snap.cameras.id.indexOf(id);
    const town = snap.cameras.child[row]!;
    await postStatus(t, [{ cameraId: id, status: 'offline', reason: 'power', at: at() }]);
    const d = await c.next((x) => !!x.cams?.i.includes(row));
    for (const f of [d.figures!, d.childFigures!.find(([i]) => i === town)![1]]) {
      expect(Object.keys(f).sort()).toEqual(['recent', 'today']);
      expect(Object.keys(f.today!)).toEqual(['cameras']);
      expect(Object.keys(f.recent!)).toEqual(['cameras']);
    }
    expect(d.figures!.today!.cameras!.offline).toBe(snap.figures.today.cameras.offline + 1);
    // The rest stands as held: the wall's figures after the delta equal a fresh subscribe's.
    const r = applyDelta(snap, d);
    expect(r.ok).toBe(true);
    const fresh = await subscribe(await open(), { region: '130111' });
    expect(fresh.ok).toBe(true);
    if (!r.ok || !fresh.ok) return;
    const held = snapshotAt(r.snapshot, fresh.data.at);
    expect(held.figures.today.clues).toEqual(fresh.data.figures.today.clues);
    expect(held.figures.recent.mediation).toEqual(fresh.data.figures.recent.mediation);
    expect(held.childFigures[town]!.today.cameras.offline).toBe(fresh.data.childFigures[town]!.today.cameras.offline);
  });

  test('scope: a Luancheng subscriber gets nothing when a Langfang channel changes', async () => {
    const lc = await subscribed('130111');
    const lf = await subscribed('131000');
    const county = lf.snap.children[0]!.code;
    const other = await subscribed(county);
    const id = onlineCamera(other.snap);
    await postStatus(t, [{ cameraId: id, status: 'offline', reason: 'black_screen', at: at() }]);
    await lf.c.next((d) => !!d.figures);
    await other.c.next((d) => !!d.cams);
    await settle(300);
    expect(lc.c.deltas).toEqual([]);
    expect(lc.c.snapshots).toEqual([]);
  });

  test('a client that misses a seq resubscribes and is back in step', async () => {
    const { s, c, snap } = await subscribed('130111');
    await postStatus(t, [{ cameraId: onlineCamera(snap, 5), status: 'offline', reason: 'power', at: at() }]);
    await c.next();
    await postStatus(t, [{ cameraId: onlineCamera(snap, 6), status: 'offline', reason: 'power', at: at() }]);
    await c.next((d) => d.seq > c.deltas[0]!.seq);
    // The client lost the first delta: applying the second one must report a gap.
    const second = c.deltas[c.deltas.length - 1]!;
    const r = applyDelta(snap, second);
    expect(r).toEqual({ ok: false, reason: 'gap' });
    const again = await subscribe(s, { region: '130111' });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.data.seq).toBeGreaterThanOrEqual(second.seq);
    const fresh = await subscribe(await open(), { region: '130111' });
    if (fresh.ok) expect(withoutAt(again.data).cameras).toEqual(withoutAt(fresh.data).cameras);
  });

  test('property: snapshot + deltas equals a fresh snapshot after any sequence of changes', async () => {
    const { c, snap } = await subscribed('130111');
    const ids = snap.cameras.id.slice(0, 60);
    let held = snap;
    let applied = 0;
    const catchUp = async (seq: number) => {
      for (let n = 0; n < 200 && held.seq < seq; n++) {
        while (applied < c.deltas.length) {
          const d = c.deltas[applied++]!;
          if (d.seq <= held.seq) continue;
          const r = applyDelta(held, d);
          if (!r.ok) throw new Error(`apply failed: ${r.reason}`);
          held = r.snapshot;
        }
        if (held.seq < seq) await settle(20);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            i: fc.nat(ids.length - 1),
            status: fc.constantFrom('online', 'offline'),
            reason: fc.constantFrom('power', 'black_screen', 'network'),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.nat(3),
        async (changes, splits) => {
          const chunk = Math.ceil(changes.length / (splits + 1));
          for (let k = 0; k < changes.length; k += chunk) {
            await postStatus(
              t,
              changes
                .slice(k, k + chunk)
                .map((ch) => ({ cameraId: ids[ch.i]!, status: ch.status, reason: ch.reason, at: at() })),
            );
            await settle(30);
          }
          const fresh = await subscribe(await open(), { region: '130111' });
          if (!fresh.ok) return false;
          await catchUp(fresh.data.seq);
          expect(held.seq).toBe(fresh.data.seq);
          expect(withoutAt(snapshotAt(held, fresh.data.at))).toEqual(withoutAt(fresh.data));
          return true;
        },
      ),
      { numRuns: 8, seed: 4242 },
    );
  });

  test('the wall figures equal the REST summary for today and the recent period', async () => {
    for (const code of ['130111', '130100']) {
      const ack = await subscribe(await open(), { region: code });
      expect(ack.ok).toBe(true);
      if (!ack.ok) return;
      const s = ack.data;
      const now = Date.parse(s.at);
      for (const which of ['today', 'recent'] as const) {
        const sum = await computeSummary(t.app.store, t.app.regions, code, s.periods[which], now);
        const strip = (f: RegionFigures) => ({ ...f, cameras: { ...f.cameras, timeWeightedRate: 0 } });
        expect(strip(s.figures[which])).toEqual(strip(omitChildren(sum)));
        // The time-weighted rate moves with the clock; the wall refreshes it once a minute.
        expect(
          Math.abs((s.figures[which].cameras.timeWeightedRate ?? 0) - (sum.cameras.timeWeightedRate ?? 0)),
        ).toBeLessThan(1e-3);
        expect(s.childFigures.map((f) => strip(f[which]))).toEqual(sum.children.map(strip));
      }
    }
  });

  test.each([false, true])(
    'a socket that stops draining is skipped, then gets a fresh snapshot once it drains (packed: %s)',
    async (packed) => {
      const { c, snap } = await subscribed('130111', packed);
      const server = [...t.app.io.sockets.sockets.values()].at(-1)!;
      const transport = (server.conn as unknown as { transport: { writable: boolean } }).transport;
      transport.writable = false;
      const ids = snap.cameras.id.filter((_, i) => snap.cameras.state[i] === 0).slice(20, 60);
      for (const [k, id] of ids.entries()) {
        await postStatus(t, [{ cameraId: id, status: 'offline', reason: 'power', at: at() }]);
        if (k % 2 === 1) await settle(60);
      }
      await settle(200);
      const pending = (server.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
      expect(pending).toBeLessThanOrEqual(17 + 1);
      expect(server.data.lagging).toBe(true);
      transport.writable = true;
      (server.conn as unknown as { flush(): void }).flush();
      for (let n = 0; n < 100 && c.snapshots.length === 0; n++) await settle(50);
      expect(c.snapshots.length).toBe(1);
      const pushed = c.snapshots[0]!;
      const fresh = await subscribe(await open(), { region: '130111' });
      if (fresh.ok) expect(pushed.seq).toBeLessThanOrEqual(fresh.data.seq);
      const down = ids.map((id) => pushed.cameras.state[pushed.cameras.id.indexOf(id)]);
      expect(down.every((st) => st === CAMERA_STATES.indexOf('offline'))).toBe(true);
    },
  );
});

function omitChildren<T extends { children?: unknown }>(x: T): Omit<T, 'children'> {
  const { children: _c, ...rest } = x;
  return rest;
}

describe('socket stream pacing (FLUSH_MS is the longest window, not a fixed beat)', () => {
  let slow: TestServer;
  afterAll(async () => {
    await slow?.close();
  });

  test('with a ten-minute FLUSH_MS, a change after a quiet spell still goes out at once, and every delta of a burst applies in order', async () => {
    slow = await startServer({ flushMs: 600_000 });
    const s = await openSocket(slow.url);
    sockets.push(s);
    const c = collect(s);
    const ack = await subscribe(s, { region: '130111' });
    if (!ack.ok) throw new Error(ack.error.message);
    const snap = ack.data;
    const id = onlineCamera(snap, 3);
    await postStatus(slow, [{ cameraId: id, status: 'offline', reason: 'power', at: at() }]);
    // A fixed 10-minute beat would send nothing before the 10 s this waits at most.
    const d = await c.next((x) => !!x.cams?.i.includes(snap.cameras.id.indexOf(id)), 10_000);
    expect(d.seq).toBe(snap.seq + 1);
    // Every delta still applies in order onto the snapshot and gives the state a fresh subscribe sees.
    const ids = snap.cameras.id.filter((_, i) => snap.cameras.state[i] === 0).slice(30, 50);
    await Promise.all(
      ids.map((x) => postStatus(slow, [{ cameraId: x, status: 'offline', reason: 'network', at: at() }])),
    );
    const last = ids.at(-1)!;
    await c.next((x) => !!x.cams?.i.includes(snap.cameras.id.indexOf(last)), 10_000);
    await settle(300);
    let held = snap;
    for (const x of c.deltas) {
      const r = applyDelta(held, x);
      expect(r.ok).toBe(true);
      if (r.ok) held = r.snapshot;
    }
    const fresh = await subscribe(await openSocket(slow.url).then((x) => (sockets.push(x), x)), { region: '130111' });
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(withoutAt({ ...snapshotAt(held, fresh.data.at), seq: 0 })).toEqual(withoutAt({ ...fresh.data, seq: 0 }));
    expect(fresh.data.seq).toBe(held.seq);
  });
});
