import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyDelta, type RegionDelta, type RegionSnapshot, type RegionSummary } from '@zhihui/shared';
import type { WallSocket } from '../stream/helpers.js';
import { SMALL_TREE } from './helpers.js';
import { startSmallTreeServer, type SmallTreeServer } from './smallTreeServer.js';

// #18.2 / #18.4: the wall's 24-hour trend reads the in-service flag (and validity) of each past
// hour from the flag's history, as the summary API does. A channel taken out of service (or put
// back) leaves the hours before the change as they were. Real SQLite, real socket.io, fake Date
// (the server's timers run; its clock is the test's). Every point is checked against a
// recomputation from the rows this test wrote, and against the summary API for that hour.

const TICK_MS = 1000; // the live plugin's tick
const COUNTY = '139900';
const [TOWN1, TOWN2] = [SMALL_TREE[1]!.code, SMALL_TREE[2]!.code];
const H = 3_600_000;
const M = 60_000;
const T0 = Date.parse('2026-11-26T09:20:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();
const channel = (n: number, region: string, validFrom?: string) => ({
  id: `1399000000132${String(n).padStart(7, '0')}`,
  name: `趋势点${n}`,
  region,
  lon: 114.5 + n / 1000,
  lat: 37.9,
  ...(validFrom ? { validFrom } : {}),
});
const LONG_BEFORE = '2026-11-24T00:00:00+08:00';
// A, B, C in one township, D in the other, all valid long before the trend's window; E is added
// when the test starts (valid from then: absent from the hours before, #18.2).
const [A, B, C, D, E] = [
  channel(1, TOWN1, LONG_BEFORE),
  channel(2, TOWN1, LONG_BEFORE),
  channel(3, TOWN1, LONG_BEFORE),
  channel(4, TOWN2, LONG_BEFORE),
  channel(5, TOWN2),
];
const CAMS = [A, B, C, D, E];

/** The rows as this test wrote them: status reports and in-service flips, per channel. */
interface Rows {
  validFrom: Map<string, number>;
  reports: Map<string, { at: number; status: 'online' | 'offline' }[]>;
  flips: Map<string, { at: number; inService: boolean }[]>;
}

/** Online and counted channels of a region at instant t, from the rows alone. */
function countAt(rows: Rows, region: string, t: number): { online: number; counted: number } {
  let online = 0;
  let counted = 0;
  for (const c of CAMS) {
    if (!c.region.startsWith(region)) continue;
    if (rows.validFrom.get(c.id)! > t) continue;
    // The flag in force at t: the last flip at or before it, in service before any.
    let inService = true;
    for (const f of rows.flips.get(c.id) ?? []) if (f.at <= t) inService = f.inService;
    if (!inService) continue;
    let status: 'online' | 'offline' | 'unknown' = 'unknown';
    let best = -Infinity;
    for (const r of rows.reports.get(c.id) ?? []) if (r.at <= t && r.at > best) [best, status] = [r.at, r.status];
    counted++;
    if (status === 'online') online++;
  }
  return { online, counted };
}

describe('the wall trend reads the in-service history, as the summary API does (#18.2)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-trend-'));
  let srv: SmallTreeServer;
  let now = T0;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
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
  /** Moves the clock, then waits one live tick (real time) so the hour rollover is taken up. */
  const advanceTo = async (t: number) => {
    now = t;
    vi.setSystemTime(now);
    await new Promise((r) => setTimeout(r, TICK_MS + 100));
  };

  test('out of service and back: every past hour on the wall (deltas and fresh) = the rows = the summary API', async () => {
    const rows: Rows = { validFrom: new Map(), reports: new Map(), flips: new Map() };
    expect((await rest('PUT', '/api/v1/cameras', { cameras: CAMS })).status).toBe(200);
    const listed = (await rest('GET', `/api/v1/regions/${COUNTY}/cameras?limit=100`)).json as {
      items: { id: string; validFrom: string }[];
    };
    for (const r of listed.items) rows.validFrom.set(r.id, Date.parse(r.validFrom));
    expect(rows.validFrom.get(E.id)).toBe(T0);

    // History reaching back into yesterday, each channel's reports in time order.
    const history: [typeof A, number, 'online' | 'offline'][] = [
      [A, T0 - 30 * H, 'online'],
      [A, T0 - 5 * H - 30 * M, 'offline'],
      [A, T0 - 2 * H - 10 * M, 'online'],
      [B, T0 - 26 * H, 'online'],
      [C, T0 - 20 * H, 'offline'],
      [C, T0 - 3 * H, 'online'],
      [D, T0 - 12 * H, 'online'],
      [E, T0, 'online'],
    ];
    for (const [c, at, status] of history) {
      const r = await rest('POST', '/api/v1/cameras/status', {
        reports: [{ cameraId: c.id, status, at: iso(at), ...(status === 'offline' ? { reason: 'power' } : {}) }],
      });
      expect(r.json, JSON.stringify(r.json)).toMatchObject({ accepted: 1 });
      rows.reports.set(c.id, [...(rows.reports.get(c.id) ?? []), { at, status }]);
    }

    const wall = await open();
    const inbox: ({ kind: 'delta'; d: RegionDelta } | { kind: 'snapshot'; s: RegionSnapshot })[] = [];
    wall.on('delta', (d) => inbox.push({ kind: 'delta', d }));
    wall.on('snapshot', (s) => inbox.push({ kind: 'snapshot', s }));
    let held = await subscribe(wall);

    /** The held wall brought up to `seq` from the deltas (and any snapshot pushed) it received. */
    const catchUp = async (seq: number) => {
      for (let i = 0; i < 300 && held.seq < seq; i++) {
        while (inbox.length > 0) {
          const m = inbox.shift()!;
          if (m.kind === 'snapshot') {
            held = m.s;
            continue;
          }
          const r = applyDelta(held, m.d);
          if (!r.ok) throw new Error(`delta ${m.d.seq} does not apply to ${held.seq}`);
          held = r.snapshot;
        }
        if (held.seq < seq) await new Promise((r) => setTimeout(r, 10));
      }
      expect(held.seq).toBeGreaterThanOrEqual(seq);
    };

    const flip = async (c: typeof A, inService: boolean) => {
      const r = await rest('PUT', '/api/v1/cameras', { cameras: [{ ...c, inService }] });
      expect(r.status).toBe(200);
      // The store stamps the change at its clock, which is the test's.
      rows.flips.set(c.id, [...(rows.flips.get(c.id) ?? []), { at: now, inService }]);
    };

    const check = async (label: string) => {
      const f = await fresh();
      await catchUp(f.seq);
      expect(held.trend, `${label}: wall from deltas = fresh snapshot`).toEqual(f.trend);
      expect(f.trend.t.length).toBe(24);
      for (let k = 0; k < 23; k++) {
        const [from, to] = [f.trend.t[k]! * 1000, f.trend.t[k + 1]! * 1000];
        const want = countAt(rows, COUNTY, to);
        const at = `${label}, hour ${iso(from)}`;
        expect(f.trend.rate[k], at).toBe(want.counted > 0 ? want.online / want.counted : null);
        // The summary API for that hour counts channels as they were at its end.
        const q = `from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`;
        const api = (await rest('GET', `/api/v1/regions/${COUNTY}/summary?${q}`)).json as RegionSummary;
        expect({ online: api.cameras.online, rate: api.cameras.operationalRate }, at).toEqual({
          online: want.online,
          rate: f.trend.rate[k],
        });
      }
      const current = countAt(rows, COUNTY, now);
      expect(f.trend.rate[23]).toBe(current.online / current.counted);
    };

    await check('start');
    // B out of service at a known instant between hours; the hours before it keep counting B.
    await advanceTo(T0 + 47 * M + 13_000); // 10:07:13
    await flip(B, false);
    await advanceTo(T0 + 3 * H + 11 * M); // 12:31, past 11:00 and 12:00
    await check('B out since 10:07:13');
    // Back in service: the hours it was out stay without it.
    await flip(B, true);
    await check('B back at 12:31');
    // D out exactly at an hour's start: that hour's end point already has it out.
    await advanceTo(T0 + 3 * H + 40 * M); // 13:00:00.000
    await flip(D, false);
    await advanceTo(T0 + 4 * H + 45 * M); // 14:05
    await check('D out at 13:00:00');
    // The rows do differ between the hours: B's spell shows as a dip in N, not flattened away.
    const n = (t: number) => countAt(rows, COUNTY, t).counted;
    expect([n(T0 + 40 * M), n(T0 + 100 * M), n(T0 + 160 * M), n(T0 + 220 * M)]).toEqual([5, 4, 4, 4]);
  }, 120_000);
});
