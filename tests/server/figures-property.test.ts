import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  applyDelta,
  periodOf,
  snapshotAt,
  type RegionDelta,
  type RegionFigures,
  type RegionSnapshot,
  type RegionSummary,
} from '@zhihui/shared';
import type { WallSocket } from '../stream/helpers.js';
import { startSmallTreeServer, type SmallTreeServer } from './smallTreeServer.js';

// #18 "Done when": random sequences through the REST API of a real server, with fake time (Date
// only: the server's timers run, its clock is the test's). After every step the wall (a snapshot
// plus the deltas it received) equals a fresh snapshot, both equal the summary API, and the
// figures equal a recomputation from the rows this test wrote — not from the code under test.

const TICK_MS = 1000; // the live plugin's tick
const COUNTY = '139900';
const TOWNS = ['139900100', '139900200'];
const CAMS = Array.from({ length: 6 }, (_, i) => ({
  id: `1399000000132${String(i + 1).padStart(7, '0')}`,
  name: `测试点${i + 1}`,
  region: TOWNS[i % 2]!,
  lon: 114.5 + i / 1000,
  lat: 37.9,
  // Half the channels have been in the inventory since before any report the steps date back;
  // the other half become valid when the test adds them, so late reports before that are refused
  // and today counts them from then on only (#18.2).
  ...(i % 2 === 0 ? { validFrom: '2026-11-24T12:00:00+08:00' } : {}),
}));
const iso = (ms: number) => new Date(ms).toISOString();

type Status = 'online' | 'offline' | 'unknown';
interface Model {
  /** Every status report written, per channel (with its reason: unknown + source_down is not counted, #11). */
  reports: Map<string, { at: number; status: Status; reason: string | null }[]>;
  /** Since when each channel is valid, as the inventory rows say. */
  validFrom: Map<string, number>;
  /** The in-service flag's changes as written (stamped at the test's clock); in service before any. */
  service: Map<string, { at: number; inService: boolean }[]>;
  /** Maintenance spans as written: [from, to), cut short when cleared or replaced. */
  spans: Map<string, { from: number; to: number }[]>;
  clues: Map<
    string,
    { region: string; reportedAt: number; dueAt: number; status: string; dispute: boolean; outcome: string | null }
  >;
}

/** The status in force at t: the latest report at or before it (unknown before any). */
function statusAt(m: Model, id: string, t: number): Status {
  return reportAt(m, id, t).status;
}
function reportAt(m: Model, id: string, t: number): { status: Status; reason: string | null } {
  let s: { status: Status; reason: string | null } = { status: 'unknown', reason: null };
  let best = -Infinity;
  for (const r of m.reports.get(id) ?? []) if (r.at <= t && r.at > best) [best, s] = [r.at, r];
  return s;
}
/** The in-service flag at t: the last change at or before it. */
function inServiceAt(m: Model, id: string, t: number): boolean {
  let flag = true;
  for (const x of m.service.get(id) ?? []) if (x.at <= t) flag = x.inService;
  return flag;
}
/** Unknown because its source was down at t: neither in the rate's N nor in counted time (#11). */
function sourceDownAt(m: Model, id: string, t: number): boolean {
  const r = reportAt(m, id, t);
  return r.status === 'unknown' && r.reason === 'source_down';
}

/** Recomputes a region's channel and clue figures over [from, now) from the model's rows. */
function recompute(m: Model, region: string, from: number, to: number, now: number) {
  const at = Math.min(to, now);
  const cams = CAMS.filter((c) => c.region === region || c.region.startsWith(region));
  const f = {
    inService: 0,
    online: 0,
    offline: 0,
    unknown: 0,
    sourceDown: 0,
    maintenance: 0,
    repaired: 0,
    newlyFailed: 0,
    onlineMs: 0,
    countedMs: 0,
  };
  for (const c of cams) {
    const valid = m.validFrom.get(c.id)!;
    // Not yet in the inventory at the instant counted: not part of the period.
    if (valid > at) continue;
    const spans = m.spans.get(c.id) ?? [];
    const inMaint = (t: number) => spans.some((s) => s.from <= t && t < s.to);
    const flips = (m.service.get(c.id) ?? []).map((x) => x.at);
    // Out of service at the instant counted: not among the channels in service (#18.2).
    if (inServiceAt(m, c.id, at)) {
      f.inService++;
      if (inMaint(at)) f.maintenance++;
      else f[statusAt(m, c.id, at)]++;
      if (!inMaint(at) && sourceDownAt(m, c.id, at)) f.sourceDown++;
    }
    // Changes of status in the period, from the timeline the reports draw.
    const times = [...new Set((m.reports.get(c.id) ?? []).map((r) => r.at))].sort((a, b) => a - b);
    let prev = statusAt(m, c.id, from - 1);
    for (const t of times) {
      const s = statusAt(m, c.id, t);
      // A flip counts as a repair or a fault only while the channel is in service.
      if (t >= from && t < to && t <= now && t >= valid && inServiceAt(m, c.id, t)) {
        if (prev === 'offline' && s === 'online') f.repaired++;
        if (prev === 'online' && s === 'offline') f.newlyFailed++;
      }
      prev = s;
    }
    // Online and counted time: walk the change points and the span edges.
    const cuts = [from, at, valid, ...times, ...flips, ...spans.flatMap((s) => [s.from, s.to])]
      .filter((t) => t >= from && t <= at)
      .sort((a, b) => a - b);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const [a, b] = [cuts[k]!, cuts[k + 1]!];
      if (b <= a || a < valid || !inServiceAt(m, c.id, a) || inMaint(a) || sourceDownAt(m, c.id, a)) continue;
      f.countedMs += b - a;
      if (statusAt(m, c.id, a) === 'online') f.onlineMs += b - a;
    }
  }
  const clues = [...m.clues.values()].filter(
    (c) => (c.region === region || c.region.startsWith(region)) && c.reportedAt >= from && c.reportedAt < to,
  );
  const open = (s: string) => s === 'reported' || s === 'verified' || s === 'dispatched';
  const valid = clues.filter((c) => c.status !== 'invalid');
  return {
    cameras: f,
    clues: {
      total: valid.length,
      overdue: valid.filter((c) => open(c.status) && c.dueAt < at).length,
      resolved: valid.filter((c) => c.status === 'resolved' || c.status === 'closed').length,
    },
    mediation: {
      cases: valid.filter((c) => c.dispute).length,
      success: valid.filter((c) => c.dispute && c.outcome === 'success').length,
    },
  };
}

/**
 * The wall trend's point for an hour: online ÷ counted channels of the county at the hour's end,
 * counting a channel while valid, in service, out of maintenance and not behind a down source.
 */
function trendPoint(m: Model, t: number): number | null {
  let online = 0;
  let counted = 0;
  for (const c of CAMS) {
    if (m.validFrom.get(c.id)! > t || !inServiceAt(m, c.id, t)) continue;
    if ((m.spans.get(c.id) ?? []).some((s) => s.from <= t && t < s.to) || sourceDownAt(m, c.id, t)) continue;
    counted++;
    if (statusAt(m, c.id, t) === 'online') online++;
  }
  return counted > 0 ? online / counted : null;
}

const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      cam: fc.nat(CAMS.length - 1),
      status: fc.constantFrom<Status>('online', 'offline'),
      agoMin: fc.oneof(fc.nat(6 * 60), fc.nat(36 * 60)),
      late: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('maintenance' as const),
      cam: fc.nat(CAMS.length - 1),
      set: fc.boolean(),
      fromAgoMin: fc.nat(180),
      forMin: fc.integer({ min: 1, max: 600 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('clue' as const),
      town: fc.nat(1),
      dispute: fc.boolean(),
      dueMin: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('service' as const), cam: fc.nat(CAMS.length - 1), on: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), min: fc.integer({ min: 1, max: 240 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'midnight' as const }) },
);
const LIFECYCLE: Record<string, string> = {
  reported: 'verified',
  verified: 'dispatched',
  dispatched: 'resolved',
  resolved: 'closed',
};

describe('figures stay true under late data (#18, Done when)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-figprop-'));
  let srv: SmallTreeServer;
  let now = 0;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // 09:00 Shanghai on a fixed day, so the first midnight is 15 hours away.
    now = Date.parse('2026-11-26T09:00:00+08:00');
    vi.setSystemTime(now);
    srv = await startSmallTreeServer(dir);
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  const rest = (method: string, p: string, body?: unknown) => srv.rest(method, p, body);
  const open = () => srv.open();
  const subscribe = (s: WallSocket) => srv.subscribe(s, COUNTY);
  const fresh = () => srv.fresh(COUNTY);
  const summary = async (p: { from: string; to: string }) => {
    const r = await rest(
      'GET',
      `/api/v1/regions/${COUNTY}/summary?from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`,
    );
    expect(r.status).toBe(200);
    return r.json as RegionSummary;
  };

  test('after each step: wall (snapshot + deltas) = fresh snapshot = summary API = recomputation from the rows', async () => {
    const model: Model = {
      reports: new Map(),
      validFrom: new Map(),
      service: new Map(),
      spans: new Map(),
      clues: new Map(),
    };
    const up = await rest('PUT', '/api/v1/cameras', { cameras: CAMS });
    expect(up.status).toBe(200);
    const rows = (await rest('GET', `/api/v1/regions/${COUNTY}/cameras?limit=100`)).json as {
      items: { id: string; validFrom: string }[];
    };
    for (const r of rows.items) model.validFrom.set(r.id, Date.parse(r.validFrom));
    // Given where given; else the moment it was added (the test's clock stands still).
    for (const c of CAMS) expect(model.validFrom.get(c.id)).toBe(c.validFrom ? Date.parse(c.validFrom) : now);
    const wall = await open();
    // Deltas and pushed snapshots (the server pushes one after a reload, e.g. at midnight), in order.
    const deltas: ({ kind: 'delta'; d: RegionDelta } | { kind: 'snapshot'; s: RegionSnapshot })[] = [];
    wall.on('delta', (d) => deltas.push({ kind: 'delta', d }));
    wall.on('snapshot', (x) => deltas.push({ kind: 'snapshot', s: x }));
    let held = await subscribe(wall);
    let clueN = 0;
    const usedAt = new Set<number>();

    const apply = async (s: fc.Infer<typeof step>): Promise<void> => {
      if (s.kind === 'status') {
        const c = CAMS[s.cam]!;
        // Late and out-of-order: up to 36 hours back (across midnight), else now.
        let at = s.late ? now - s.agoMin * 60_000 - 137 : now;
        while (usedAt.has(at)) at -= 1;
        usedAt.add(at);
        const r = await rest('POST', '/api/v1/cameras/status', {
          reports: [
            { cameraId: c.id, status: s.status, at: iso(at), ...(s.status === 'offline' ? { reason: 'power' } : {}) },
          ],
        });
        expect(r.status).toBe(200);
        if (at < model.validFrom.get(c.id)!) {
          // Before the channel became valid: refused with the field named, nothing written.
          expect(r.json).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
          const [why] = (r.json as { rejected: { message: string }[] }).rejected;
          expect(why!.message).toMatch(/^reports\/0\/at: .* before the channel became valid/);
          return;
        }
        expect(r.json, JSON.stringify(r.json)).toMatchObject({ accepted: 1 });
        const list = model.reports.get(c.id) ?? [];
        list.push({ at, status: s.status, reason: s.status === 'offline' ? 'power' : null });
        model.reports.set(c.id, list);
      } else if (s.kind === 'maintenance') {
        const c = CAMS[s.cam]!;
        const window = s.set
          ? {
              reason: '检修',
              from: iso(now - s.fromAgoMin * 60_000),
              to: iso(now - s.fromAgoMin * 60_000 + s.forMin * 60_000),
            }
          : null;
        const r = await rest('PUT', '/api/v1/cameras/maintenance', { ids: [c.id], window });
        expect(r.status).toBe(200);
        // What the store promises: a window cleared or replaced counts until now; one not begun never.
        const spans = (model.spans.get(c.id) ?? [])
          .map((x) => ({ from: x.from, to: x.from < now && x.to > now ? now : x.to }))
          .filter((x) => x.from < now);
        if (window) spans.push({ from: Date.parse(window.from), to: Date.parse(window.to) });
        model.spans.set(c.id, spans);
      } else if (s.kind === 'service') {
        // Out of service or back (#18.2): the store records a change, stamped now, only when the flag moves.
        const c = CAMS[s.cam]!;
        const r = await rest('PUT', '/api/v1/cameras', { cameras: [{ ...c, inService: s.on }] });
        expect(r.status).toBe(200);
        if (inServiceAt(model, c.id, now) !== s.on)
          model.service.set(c.id, [...(model.service.get(c.id) ?? []), { at: now, inService: s.on }]);
      } else if (s.kind === 'clue') {
        const id = `P-${++clueN}`;
        const body = {
          id,
          category: s.dispute ? 'dispute' : 'environment',
          source: 'hotline',
          region: TOWNS[s.town]!,
          title: `测试线索${clueN}`,
          reportedAt: iso(now),
          dueAt: iso(now + s.dueMin * 60_000),
        };
        const r = await rest('POST', '/api/v1/clues', body);
        expect(r.status).toBe(201);
        model.clues.set(id, {
          region: body.region,
          reportedAt: now,
          dueAt: Date.parse(body.dueAt),
          status: 'reported',
          dispute: s.dispute,
          outcome: null,
        });
        // Move an earlier clue one step through its lifecycle (a dispute resolves with an outcome).
        const older = [...model.clues.entries()].find(
          ([, c]) => LIFECYCLE[c.status] !== undefined && c !== model.clues.get(id),
        );
        if (older) {
          const [oid, oc] = older;
          const next = LIFECYCLE[oc.status]!;
          const outcome = oc.dispute && next === 'resolved' ? (clueN % 2 ? 'success' : 'failed') : undefined;
          const p = await rest('PATCH', `/api/v1/clues/${oid}`, { status: next, ...(outcome ? { outcome } : {}) });
          expect(p.status).toBe(200);
          oc.status = next;
          if (outcome) oc.outcome = outcome;
        }
      } else {
        // Later, or just past the next midnight in Shanghai; then one live tick (real time) so the
        // clock-driven changes (hour, due times, maintenance edges, day) have been taken up.
        now = s.kind === 'advance' ? now + s.min * 60_000 : Date.parse(periodOf('today', now).to) + 30_000;
        vi.setSystemTime(now);
        await new Promise((r) => setTimeout(r, TICK_MS + 100));
      }
    };

    /** Brings the wall up to the server's seq; a rollover makes it subscribe again, as the client does. */
    const catchUp = async (seq: number, periods: RegionSnapshot['periods']): Promise<void> => {
      for (let i = 0; i < 300; i++) {
        while (deltas.length > 0) {
          const m = deltas.shift()!;
          if (m.kind === 'snapshot') {
            held = m.s;
            continue;
          }
          const d = m.d;
          const r = applyDelta(held, d);
          if (!r.ok || d.periods) {
            held = await subscribe(wall);
            deltas.length = 0;
            break;
          }
          held = r.snapshot;
        }
        if (held.seq >= seq && held.periods.today.from === periods.today.from) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(
        `the wall did not catch up to seq ${seq}: held ${held.seq} ${held.periods.today.from} vs ${periods.today.from}`,
      );
    };

    const check = async (): Promise<void> => {
      // After a day change the engine reloads from the store: wait until the fresh state is today's.
      let f = await fresh();
      for (let i = 0; i < 100 && f.periods.today.from !== periodOf('today', now).from; i++) {
        await new Promise((r) => setTimeout(r, 20));
        f = await fresh();
      }
      expect(f.periods.today.from).toBe(periodOf('today', now).from);
      await catchUp(f.seq, f.periods);
      if (held.seq > f.seq) f = await fresh();
      const strip = (s: RegionSnapshot) => ({ ...s, at: '', seq: 0 });
      expect(strip(snapshotAt(held, f.at))).toEqual(strip(f));
      // The 24-hour trend's past hours (the fresh one; the held wall equals it above) from the rows.
      const points = f.trend.t.slice(1).map((t) => trendPoint(model, t * 1000));
      expect(f.trend.rate.slice(0, 23)).toEqual(points);

      for (const which of ['today', 'recent'] as const) {
        const api = await summary(f.periods[which]);
        const { children, ...total } = api;
        const pick = (w: RegionFigures) => ({
          cameras: w.cameras,
          clues: w.clues,
          mediation: w.mediation,
          grid: w.grid,
        });
        expect(pick(f.figures[which])).toEqual(pick(total));
        expect(f.childFigures.map((c) => pick(c[which]))).toEqual(children.map(pick));
      }

      const today = f.periods.today;
      for (const region of [COUNTY, ...TOWNS]) {
        const want = recompute(model, region, Date.parse(today.from), Date.parse(today.to), now);
        const got = region === COUNTY ? f.figures.today : f.childFigures[TOWNS.indexOf(region)]!.today;
        const c = got.cameras;
        expect({
          inService: c.inService,
          online: c.online,
          offline: c.offline,
          unknown: c.unknown,
          sourceDown: c.sourceDown,
          maintenance: c.maintenance,
          repaired: c.repaired,
          newlyFailed: c.newlyFailed,
          onlineMs: c.onlineMs,
          countedMs: c.countedMs,
        }).toEqual(want.cameras);
        const n = want.cameras.online;
        const N = want.cameras.inService - want.cameras.maintenance - want.cameras.sourceDown;
        expect(c.operationalRate).toBe(N > 0 ? n / N : null);
        expect(c.timeWeightedRate).toBe(
          want.cameras.countedMs > 0 ? want.cameras.onlineMs / want.cameras.countedMs : null,
        );
        expect({
          total: got.clues.total,
          overdue: got.clues.overdue,
          resolved: got.clues.byStatus.resolved + got.clues.byStatus.closed,
        }).toEqual(want.clues);
        expect({ cases: got.mediation.cases, success: got.mediation.success }).toEqual(want.mediation);
      }
    };

    await check();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        for (const s of steps) {
          await apply(s);
          await check();
        }
      }),
      { numRuns: 20, seed: 1806, endOnFailure: true },
    );
  }, 600_000);
});
