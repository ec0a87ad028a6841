import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { periodOf, type RegionSummary } from '@zhihui/shared';
import { AUTH, cam, smallApp, tmpDir } from './helpers.js';

// Past periods are read back from the status history: these tests send reports about yesterday and
// ask for figures of yesterday. "Yesterday" comes from the clock, but nothing here depends on how
// far into today the test runs (every report is at least 12 hours old, every period ended).
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('summary of a past period, reconstructed from the history', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  let y0: number; // yesterday 00:00, Asia/Shanghai
  let today0: number;
  const c1 = cam(1);

  beforeEach(async () => {
    app = await smallApp(t.dir + '/' + Math.random().toString(36).slice(2));
    const yesterday = periodOf('yesterday', Date.now());
    y0 = Date.parse(yesterday.from);
    today0 = Date.parse(yesterday.to);
    const up = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [c1] } });
    expect(up.statusCode).toBe(200);
  });
  afterEach(async () => {
    await app.close();
  });

  const post = async (reports: { status: string; at: number; reason?: string }[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: {
        reports: reports.map((r) => ({
          cameraId: c1.id,
          status: r.status,
          at: iso(r.at),
          ...(r.status === 'offline' ? { reason: r.reason ?? 'power' } : {}),
        })),
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: reports.length, rejected: [] });
  };
  const summary = async (from: number, to: number): Promise<RegionSummary> => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/139900/summary?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(200);
    return res.json() as RegionSummary;
  };

  const expectYesterday = async () => {
    const day = await summary(y0, today0);
    expect(day.cameras).toMatchObject({ total: 1, online: 0, offline: 1, unknown: 0 });
    expect(day.cameras.timeWeightedRate).toBeCloseTo(0.5, 6);
    expect(day.cameras.newlyFailed).toBe(1);
    const morning = await summary(y0, y0 + 6 * HOUR);
    expect(morning.cameras).toMatchObject({ total: 1, online: 1, offline: 0, unknown: 0 });
    expect(morning.cameras.timeWeightedRate).toBeCloseTo(1, 6);
    // Before the first report the channel was not known to be anything.
    const before = await summary(y0 - 6 * HOUR, y0 - HOUR);
    expect(before.cameras).toMatchObject({ online: 0, offline: 0, unknown: 1 });
  };

  test('one batch: online yesterday 00:00, offline from 12:00', async () => {
    await post([
      { status: 'online', at: y0 },
      { status: 'offline', at: y0 + 12 * HOUR },
    ]);
    await expectYesterday();
  });

  test('two batches in time order', async () => {
    await post([{ status: 'online', at: y0 }]);
    await post([{ status: 'offline', at: y0 + 12 * HOUR }]);
    await expectYesterday();
  });

  test('two batches, the later news first: the earlier report is history only', async () => {
    await post([{ status: 'offline', at: y0 + 12 * HOUR }]);
    await post([{ status: 'online', at: y0 }]);
    await expectYesterday();
  });

  test('one batch listing the reports out of order', async () => {
    await post([
      { status: 'offline', at: y0 + 12 * HOUR },
      { status: 'online', at: y0 },
    ]);
    await expectYesterday();
  });
});

describe('repairs and faults count only while the channel is in service', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  const c1 = cam(1);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(async () => {
    app = await smallApp(t.dir + '/' + Math.random().toString(36).slice(2));
    const up = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [c1] } });
    expect(up.statusCode).toBe(200);
  });
  afterEach(async () => {
    await app.close();
  });

  const setService = async (inService: boolean) => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: { cameras: [{ ...c1, inService }] },
    });
    expect(res.statusCode).toBe(200);
    // The flag's change is stamped by the server: the reports below come after it.
    await sleep(30);
  };
  /** Online, then offline a few ms later, both after the last flag change. */
  const flap = async () => {
    const at = Date.now() - 20;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: {
        reports: [
          { cameraId: c1.id, status: 'online', at: iso(at) },
          { cameraId: c1.id, status: 'offline', reason: 'power', at: iso(at + 10) },
        ],
      },
    });
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [] });
  };
  const today = async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/summary', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const { repaired, newlyFailed } = (res.json() as RegionSummary).cameras;
    return { repaired, newlyFailed };
  };

  test('a flap while out of service is neither; the same flap back in service is one of each', async () => {
    await setService(false);
    await flap();
    expect(await today()).toEqual({ repaired: 0, newlyFailed: 0 });
    await setService(true);
    await flap();
    // offline → online (a repair), online → offline (a fault): the first flap's changes still do not count.
    expect(await today()).toEqual({ repaired: 1, newlyFailed: 1 });
  });
});

describe('overdue in a past period, from the clue lifecycle (#18.5)', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await smallApp(t.dir + '/' + Math.random().toString(36).slice(2));
  });
  afterEach(async () => {
    await app.close();
  });

  test('a clue due yesterday 18:00 and resolved today was overdue yesterday, and is not overdue today', async () => {
    const y = periodOf('yesterday', Date.now());
    const y0 = Date.parse(y.from);
    const base = { category: 'dispute', source: 'hotline', region: '139900100', title: '邻里宅基地纠纷' };
    const clues = [
      { id: 'LATE-1', reportedAt: iso(y0 + 8 * HOUR), dueAt: iso(y0 + 18 * HOUR) }, // resolved today: overdue yesterday
      { id: 'LATE-2', reportedAt: iso(y0 + 8 * HOUR), dueAt: iso(y0 + 23 * HOUR) }, // resolved today: overdue yesterday
      { id: 'LATE-3', reportedAt: iso(y0 + 9 * HOUR), dueAt: iso(y0 + 30 * HOUR) }, // due today: not overdue yesterday
    ];
    for (const c of clues)
      expect(
        (await app.inject({ method: 'POST', url: '/api/v1/clues', headers: AUTH, payload: { ...base, ...c } }))
          .statusCode,
      ).toBe(201);
    for (const id of ['LATE-1', 'LATE-2', 'LATE-3']) {
      for (const status of ['verified', 'resolved'])
        expect(
          (await app.inject({ method: 'PATCH', url: `/api/v1/clues/${id}`, headers: AUTH, payload: { status } }))
            .statusCode,
        ).toBe(200);
    }
    // Recomputed from the rows written here: open at the period's end (resolved only today) and due before it.
    const end = Date.parse(y.to);
    const expected = clues.filter((c) => Date.parse(c.dueAt) < end).length;
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/139900/summary?from=${encodeURIComponent(y.from)}&to=${encodeURIComponent(y.to)}`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(200);
    const s = res.json() as RegionSummary;
    expect(s.clues.total).toBe(3);
    expect(s.clues.overdue).toBe(expected);
    expect(expected).toBe(2);
    // As of now every one of them is resolved: not overdue.
    const today = periodOf('today', Date.now());
    const now = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/regions/139900/summary?from=${encodeURIComponent(y.from)}&to=${encodeURIComponent(today.to)}`,
        headers: AUTH,
      })
    ).json() as RegionSummary;
    expect(now.clues.overdue).toBe(0);
  });
});

describe('ancient reports are rejected with their reason (#18.2)', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await smallApp(t.dir + '/' + Math.random().toString(36).slice(2), { lateReportMaxDays: 30 });
    expect(
      (await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1)] } }))
        .statusCode,
    ).toBe(200);
  });
  afterEach(async () => {
    await app.close();
  });

  test('1990, 0001-01-01 and a day past the configured window are refused and counted; a report inside it is history', async () => {
    const now = Date.now();
    const reports = [
      { cameraId: cam(1).id, status: 'offline', reason: 'power', at: '1990-06-01T12:00:00+08:00' },
      { cameraId: cam(1).id, status: 'offline', reason: 'power', at: '0001-01-01T00:00:00Z' },
      { cameraId: cam(1).id, status: 'offline', reason: 'power', at: iso(now - 31 * 86_400_000) },
      { cameraId: cam(1).id, status: 'online', at: iso(now - 29 * 86_400_000) },
    ];
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: { reports },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { accepted: number; rejected: { index: number; code: string; message: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([0, 1, 2]);
    for (const r of body.rejected)
      expect(r.message).toMatch(new RegExp(`^reports/${r.index}/at: .* older than the late-report window \\(30 days`));
    // Nothing of the refused ones reached the rows: one change, online, 29 days ago.
    const events = await app.store.statusEvents({ from: '0001-01-01T00:00:00Z', to: iso(now + 1000) });
    expect(events.map((e) => [Date.parse(e.at), e.to])).toEqual([[now - 29 * 86_400_000, 'online']]);
    // And a 2020 period stays empty of them.
    const y2020 = await app.inject({
      method: 'GET',
      url: '/api/v1/regions/139900/summary?from=2020-01-01&to=2021-01-01',
      headers: AUTH,
    });
    expect((y2020.json() as RegionSummary).cameras).toMatchObject({ offline: 0, newlyFailed: 0 });
  });
});
