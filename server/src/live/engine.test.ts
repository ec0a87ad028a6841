import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import {
  CAMERA_STATES,
  applyDelta,
  buildRegionTree,
  cameraFigures,
  cameraStateOf,
  clueFigures,
  isWithin,
  periodOf,
  snapshotAt,
  type Clue,
  type RegionSnapshot,
} from '@zhihui/shared';
import { LiveEngine } from './engine.js';
import { RegionStreams } from './streams.js';
import { readFixtureLiveData } from '../test-support/fixtureData.js';
import type { CameraRecord } from '../store/types.js';

const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url));
const fx = await readFixtureLiveData(fixturesDir);
const tree = buildRegionTree(fx.regions);
const anchor = Date.parse(fx.anchor);

/** An engine on the fixtures with a clock the test moves. */
function setup(start = anchor + 10 * 3600_000) {
  let now = start;
  const clock = { now: () => now, set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
  const engine = new LiveEngine(tree, fx.data, clock.now);
  return { engine, clock, streams: new RegionStreams(engine) };
}

const withoutAt = (s: RegionSnapshot) => ({ ...s, at: '' });
/** A held wall state against a fresh snapshot: carried to its instant (the rate moves with the clock), then equal. */
const sameWall = (held: RegionSnapshot, fresh: RegionSnapshot) =>
  expect(withoutAt(snapshotAt(held, fresh.at))).toEqual(withoutAt(fresh));
const camsIn = (engine: LiveEngine, code: string): CameraRecord[] =>
  [...engine.cameras()].filter((c) => isWithin(tree, c.region, code));

function changeStatus(
  engine: LiveEngine,
  clock: { now: () => number },
  id: string,
  status: CameraRecord['status'],
  reason: CameraRecord['reason'] = null,
): void {
  const old = engine.camera(id)!;
  const at = new Date(clock.now()).toISOString();
  const rec: CameraRecord = {
    ...old,
    status,
    reason: status === 'online' ? null : reason,
    since: old.status === status ? old.since : at,
    lastSeen: at,
  };
  engine.applyCameras(
    [rec],
    old.status === status
      ? []
      : [{ cameraId: id, from: old.status, to: status, reason: rec.reason, at, actor: 'test' }],
  );
}

describe('LiveEngine on the fixtures', () => {
  test('the demo county at the anchor has the seed figures, and they equal the shared functions over its records', () => {
    const { engine } = setup(anchor);
    const f = engine.figures('130111');
    expect(f.today.cameras.total).toBe(1779);
    expect(f.today.cameras.online).toBe(1593);
    expect(f.today.cameras.offline).toBe(167);
    expect(f.today.cameras.unknown).toBe(10);
    const direct = cameraFigures(camsIn(engine, '130111').map((c) => cameraStateOf(c, anchor)));
    expect(f.today.cameras.operationalRate).toBe(direct.operationalRate);
    const clues = fx.data.clues.filter((c) => isWithin(tree, c.region, '130111'));
    const recent = clueFigures(clues, engine.periods.recent, anchor);
    expect(f.recent.clues).toEqual(recent);
    expect(f.recent.mediation.cases).toBe(972);
    expect(f.recent.mediation.success).toBe(929);
    expect(f.today.grid.workers).toBe(211);
  });

  test('a city rolls up its counties', () => {
    const { engine } = setup();
    const city = engine.figures('131000');
    const kids = tree.childrenOf.get('131000')!.map((c) => engine.figures(c.code));
    expect(city.today.cameras.total).toBe(kids.reduce((s, k) => s + k.today.cameras.total, 0));
    expect(city.recent.clues.total).toBe(kids.reduce((s, k) => s + k.recent.clues.total, 0));
    expect(city.today.cameras.total).toBeGreaterThan(0);
  });

  test('a county snapshot lists its channels in stable id order; a city snapshot has none', () => {
    const { engine } = setup();
    const s = engine.snapshot('130111', 0);
    expect(s.cameras.id.length).toBe(1779);
    expect([...s.cameras.id].sort()).toEqual(s.cameras.id);
    expect(s.children.map((c) => c.code)).toEqual(tree.childrenOf.get('130111')!.map((c) => c.code));
    expect(s.cameras.child.every((i) => i >= 0 && i < s.children.length)).toBe(true);
    expect(s.downLongest.length).toBe(12);
    expect(s.trend.rate.length).toBe(24);
    expect(s.trend.rate[23]).toBe(s.figures.today.cameras.operationalRate);
    const city = engine.snapshot('130100', 0);
    expect(city.cameras.id).toEqual([]);
    expect(city.childFigures.length).toBe(city.children.length);
  });

  test('down-longest rows name the child region of the wall asking: a county on a city wall, the township on a county wall', () => {
    const { engine } = setup();
    const counties = new Set(tree.childrenOf.get('131000')!.map((c) => c.name));
    const city = engine.snapshot('131000', 0).downLongest;
    expect(city.length).toBeGreaterThan(0);
    for (const d of city) expect(counties.has(d.childName!)).toBe(true);
    const county = engine.snapshot('130111', 0).downLongest;
    for (const d of county) expect(d.childName).toBe(d.regionName);
  });

  test('a channel going down shows in figures, downLongest stays oldest first, and one delta carries it', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const before = streams.snapshot('130111');
    const id = before.cameras.id[before.cameras.state.indexOf(0)]!;
    changeStatus(engine, clock, id, 'offline', 'power');
    const out = streams.flush();
    expect(out).toHaveLength(1);
    const o = out[0]!;
    expect(o.kind).toBe('delta');
    if (o.kind !== 'delta') return;
    expect(o.delta.seq).toBe(before.seq + 1);
    expect(o.delta.cams!.i).toEqual([before.cameras.id.indexOf(id)]);
    expect(o.delta.cams!.s).toEqual([CAMERA_STATES.indexOf('offline')]);
    expect(o.delta.cams!.r).toEqual([1]);
    expect(o.delta.figures!.today.cameras.offline).toBe(before.figures.today.cameras.offline + 1);
    expect(o.delta.figures!.today.cameras.newlyFailed).toBe(before.figures.today.cameras.newlyFailed + 1);
    const next = applyDelta(before, o.delta);
    expect(next.ok).toBe(true);
    if (next.ok) sameWall(next.snapshot, streams.snapshot('130111'));
    expect(streams.flush()).toEqual([]);
  });

  test('five flaps in one tick are one entry in the final state', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const before = streams.snapshot('130111');
    const id = before.cameras.id[before.cameras.state.indexOf(0)]!;
    for (let k = 0; k < 5; k++) {
      clock.advance(10);
      changeStatus(engine, clock, id, k % 2 === 0 ? 'offline' : 'online', 'network');
    }
    const [o] = streams.flush();
    expect(o?.kind).toBe('delta');
    if (o?.kind !== 'delta') return;
    expect(o.delta.cams!.i).toHaveLength(1);
    expect(o.delta.cams!.s[0]).toBe(CAMERA_STATES.indexOf('offline'));
    expect(o.delta.figures!.today.cameras.offline).toBe(before.figures.today.cameras.offline + 1);
  });

  test('a change in Langfang reaches the Langfang and Hebei walls, never Luancheng', () => {
    const { engine, clock, streams } = setup();
    for (const code of ['130111', '131000', '130000']) streams.watch(code);
    const lf = [...engine.cameras()].find((c) => isWithin(tree, c.region, '131000') && c.status === 'online')!;
    changeStatus(engine, clock, lf.id, 'offline', 'power');
    const codes = streams
      .flush()
      .map((o) => o.code)
      .sort();
    expect(codes).toEqual(['130000', '131000']);
  });

  test('a new clue reaches the county wall list; closing an old open clue keeps it listed until midnight', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const before = streams.snapshot('130111');
    const open = before.clues.find(
      (c) => c.status === 'dispatched' && Date.parse(c.reportedAt) < Date.parse(periodOf('today', clock.now()).from),
    );
    const at = new Date(clock.now()).toISOString();
    const fresh: Clue = {
      ...fx.data.clues.find((c) => c.region.startsWith('130111'))!,
      id: 'T-1',
      status: 'reported',
      reportedAt: at,
      updatedAt: at,
      outcome: null,
      resolvedAt: null,
      dueAt: null,
    };
    engine.applyClues([fresh]);
    if (open) engine.applyClues([{ ...open, status: 'resolved', resolvedAt: at, updatedAt: at }]);
    const [o] = streams.flush();
    expect(o?.kind).toBe('delta');
    if (o?.kind !== 'delta') return;
    expect(o.delta.clues!.map((c) => c.id)).toContain('T-1');
    expect(o.delta.figures!.today.clues.total).toBe(before.figures.today.clues.total + 1);
    const next = applyDelta(before, o.delta);
    expect(next.ok).toBe(true);
    if (next.ok) sameWall(next.snapshot, streams.snapshot('130111'));
  });

  test('property: a snapshot plus the deltas equals a fresh snapshot, for any sequence of changes', () => {
    const { engine, clock, streams } = setup();
    const codes = ['130111', '130111100', '130100', '131000'];
    for (const c of codes) streams.watch(c);
    const ids = camsIn(engine, '130100')
      .map((c) => c.id)
      .slice(0, 400)
      .concat(
        camsIn(engine, '131000')
          .map((c) => c.id)
          .slice(0, 100),
      );
    const clueIds = fx.data.clues.filter((c) => c.status === 'reported' || c.status === 'verified').map((c) => c.id);
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('cam' as const),
        i: fc.nat(ids.length - 1),
        status: fc.constantFrom('online', 'offline', 'unknown' as const),
        reason: fc.constantFrom('power', 'black_screen', 'network' as const),
      }),
      fc.record({ kind: fc.constant('clue' as const), i: fc.nat(Math.max(0, clueIds.length - 1)) }),
      fc.record({ kind: fc.constant('flush' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const held = new Map(codes.map((c) => [c, streams.snapshot(c)] as const));
        for (const s of steps) {
          clock.advance(1000);
          if (s.kind === 'cam')
            changeStatus(
              engine,
              clock,
              ids[s.i]!,
              s.status as CameraRecord['status'],
              s.reason as CameraRecord['reason'],
            );
          else if (s.kind === 'clue') {
            const c = engine.clue(clueIds[s.i]!);
            if (c && c.status !== 'closed')
              engine.applyClues([
                {
                  ...c,
                  status: c.status === 'reported' ? 'verified' : c.status === 'verified' ? 'resolved' : 'closed',
                  updatedAt: new Date(clock.now()).toISOString(),
                },
              ]);
          } else {
            for (const o of streams.flush()) {
              const h = held.get(o.code)!;
              if (o.kind === 'snapshot') held.set(o.code, o.snapshot);
              else {
                const r = applyDelta(h, o.delta);
                if (!r.ok) return false;
                held.set(o.code, r.snapshot);
              }
            }
          }
        }
        for (const o of streams.flush()) {
          const r =
            o.kind === 'snapshot'
              ? { ok: true as const, snapshot: o.snapshot }
              : applyDelta(held.get(o.code)!, o.delta);
          if (!r.ok) return false;
          held.set(o.code, r.snapshot);
        }
        for (const c of codes) sameWall(held.get(c)!, streams.snapshot(c));
        return true;
      }),
      { numRuns: 60, seed: 20260701 },
    );
  });

  test('clock-driven: a clue passing its due time turns overdue without any event', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const at = clock.now();
    const c: Clue = {
      ...fx.data.clues.find((x) => x.region.startsWith('130111'))!,
      id: 'T-due',
      status: 'dispatched',
      reportedAt: new Date(at).toISOString(),
      updatedAt: new Date(at).toISOString(),
      dueAt: new Date(at + 60_000).toISOString(),
      outcome: null,
      resolvedAt: null,
    };
    engine.applyClues([c]);
    const overdue0 = engine.figures('130111').today.clues.overdue;
    streams.flush();
    clock.advance(120_000);
    engine.tick();
    expect(engine.figures('130111').today.clues.overdue).toBe(overdue0 + 1);
    const [o] = streams.flush();
    expect(o?.kind === 'delta' && o.delta.figures?.today.clues.overdue).toBe(overdue0 + 1);
  });

  test('a new channel in scope makes the next flush a snapshot with the new row', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const s0 = streams.snapshot('130111');
    const tpl = engine.camera(s0.cameras.id[0]!)!;
    engine.applyCameras([{ ...tpl, id: '13011100001310999999', since: new Date(clock.now()).toISOString() }], []);
    const [o] = streams.flush();
    expect(o?.kind).toBe('snapshot');
    if (o?.kind !== 'snapshot') return;
    expect(o.snapshot.seq).toBe(s0.seq + 1);
    expect(o.snapshot.cameras.id).toContain('13011100001310999999');
    expect(o.snapshot.figures.today.cameras.total).toBe(s0.figures.today.cameras.total + 1);
  });

  test('the hour rolling over moves the trend window', () => {
    const { engine, clock, streams } = setup();
    streams.watch('130111');
    const t0 = streams.snapshot('130111').trend.t;
    clock.advance(3600_000);
    engine.tick();
    const [o] = streams.flush();
    expect(o?.kind === 'delta' && o.delta.trend?.t[0]).toBe(t0[1]);
  });
});

describe('a late report that rewrote the history (#18.1)', () => {
  test('after the store takes a change back, the wall equals an engine built from the rewritten rows', () => {
    const now = anchor + 10 * 3600_000;
    const { engine } = setup(now);
    const y12 = anchor - 12 * 3600_000; // yesterday 12:00
    const today0422 = anchor + 4 * 3600_000 + 22 * 60_000;
    const c = [...engine.cameras()].find(
      (x) =>
        x.status === 'online' &&
        x.inService &&
        !x.maintenance &&
        Date.parse(x.since) < y12 &&
        !fx.data.events.some((e) => e.cameraId === x.id && Date.parse(e.at) >= y12),
    )!;
    expect(c).toBeDefined();
    const iso = (t: number) => new Date(t).toISOString();
    // Offline (power) since today 04:22, as reported at the time.
    const failed = {
      cameraId: c.id,
      from: 'online' as const,
      to: 'offline' as const,
      reason: 'power' as const,
      at: iso(today0422),
      actor: 't',
    };
    engine.applyCameras([{ ...c, status: 'offline', reason: 'power', since: failed.at }], [failed]);
    const township = c.region.slice(0, 9);
    const county = c.region.slice(0, 6);
    expect(engine.figures(township).today.cameras.newlyFailed).toBe(1);

    // Then "offline, power" dated yesterday 12:00: the store drops the 04:22 change, since moves back.
    const late = { ...failed, at: iso(y12) };
    engine.applyCameras([{ ...c, status: 'offline', reason: 'power', since: late.at }], [late], [failed]);

    const rows = {
      ...fx.data,
      cameras: fx.data.cameras.map((x) =>
        x.id === c.id ? { ...x, status: 'offline' as const, reason: 'power' as const, since: late.at } : x,
      ),
      events: [...fx.data.events, late],
    };
    const fresh = new LiveEngine(tree, rows, () => now);
    for (const code of [township, county]) {
      const a = engine.snapshot(code, 1);
      const b = fresh.snapshot(code, 1);
      expect(withoutAt(a)).toEqual(withoutAt(b));
    }
    // Recomputed by hand: the failure was yesterday, so none today; the row shows yesterday 12:00.
    expect(engine.figures(township).today.cameras.newlyFailed).toBe(fresh.figures(township).today.cameras.newlyFailed);
    expect(engine.cameraRow(c.id)?.since).toBe(Math.floor(y12 / 1000));
  });
});

describe('time-weighted parts carried over status changes (carryChange)', () => {
  /** A report as the stores apply it: a change of status, or of reason while not online, is an event. */
  function report(
    engine: LiveEngine,
    at: number,
    id: string,
    status: CameraRecord['status'],
    reason: CameraRecord['reason'],
  ) {
    const old = engine.camera(id)!;
    const iso = new Date(at).toISOString();
    const why = status === 'online' ? null : reason;
    const moved = status !== old.status || (status !== 'online' && why !== old.reason);
    const rec: CameraRecord = { ...old, status, reason: why, since: moved ? iso : old.since, lastSeen: iso };
    const evs = moved ? [{ cameraId: id, from: old.status, to: status, reason: why, at: iso, actor: 't' }] : [];
    engine.applyCameras([rec], evs);
    return evs;
  }

  test('property: after any sequence of changes, read or not in between, the figures equal an engine counting them again from the rows', () => {
    const ids = camsIn(setup().engine, '130111100')
      .map((c) => c.id)
      .slice(0, 12);
    const step = fc.record({
      i: fc.nat(ids.length - 1),
      status: fc.constantFrom('online', 'offline', 'unknown' as const),
      // source_down: the one reason that also takes the time out of the counted time.
      reason: fc.constantFrom('power', 'source_down', null),
      read: fc.boolean(),
      gapMin: fc.integer({ min: 0, max: 90 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const { engine, clock } = setup();
        const events: Parameters<LiveEngine['applyCameras']>[1][number][] = [];
        engine.figures('130111');
        for (const s of steps) {
          clock.advance(s.gapMin * 60_000 + 1);
          events.push(...report(engine, clock.now(), ids[s.i]!, s.status, s.reason as CameraRecord['reason']));
          // Reading computes the parts, which the next change then carries.
          if (s.read) engine.figures('130111');
        }
        const rows = { ...fx.data, cameras: [...engine.cameras()], events: [...fx.data.events, ...events] };
        const recount = new LiveEngine(tree, rows, clock.now);
        for (const code of ['130111100', '130111']) {
          const got = engine.figures(code);
          const want = recount.figures(code);
          for (const p of ['today', 'recent'] as const) {
            expect(got[p].cameras.onlineMs).toBe(want[p].cameras.onlineMs);
            expect(got[p].cameras.countedMs).toBe(want[p].cameras.countedMs);
          }
        }
      }),
      { numRuns: 60, seed: 1201 },
    );
  });
});
