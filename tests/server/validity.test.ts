// #18.2: a channel counts only from when it became valid. Reports dated before that are refused
// with their reason and change nothing; a channel added today is in neither yesterday's summary
// nor yesterday's ranking. Figures are checked against a recomputation from the rows read here.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, periodOf, type CameraView, type RegionSummary } from '@zhihui/shared';
import { AUTH, LONG_AGO, cam, smallApp, tmpDir } from './helpers.js';
import { openSocket, subscribe } from '../stream/helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('channel validity (#18.2)', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  const old = cam(1); // in the inventory since long ago
  const fresh = { ...cam(2, '139900200'), validFrom: undefined }; // added by this test: valid from now
  let added = 0;

  beforeAll(async () => {
    // The late-report window is stretched so that only validity can refuse an ancient report.
    app = await smallApp(t.dir, { lateReportMaxDays: 1_000_000, heartbeatGraceSec: 365 * 86400 });
    const res = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [old] } });
    expect(res.json().upserted).toBe(1);
    const y = Date.parse(periodOf('yesterday', Date.now()).from);
    // The old channel's yesterday: online from 06:00, offline (power) from 18:00.
    const r = await status([
      { cameraId: old.id, status: 'online', at: iso(y + 6 * 3600_000) },
      { cameraId: old.id, status: 'offline', reason: 'power', at: iso(y + 18 * 3600_000) },
    ]);
    expect(r).toMatchObject({ accepted: 2, rejected: [] });
    added = Date.now();
    const { validFrom: _none, ...row } = fresh;
    const up = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [row] } });
    expect(up.json().upserted).toBe(1);
  });
  afterAll(async () => {
    await app.close();
    t.cleanup();
  });

  async function status(reports: unknown[]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: { reports },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { accepted: number; rejected: { index: number; code: string; message: string }[] };
  }
  const rows = async (): Promise<CameraView[]> =>
    (await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras?limit=100' })).json().items;

  test('a new channel is valid from when it was added; a given validFrom is kept, one in the future refused', async () => {
    const byId = new Map((await rows()).map((c) => [c.id, c]));
    expect(Date.parse(byId.get(old.id)!.validFrom!)).toBe(Date.parse(LONG_AGO));
    const v = Date.parse(byId.get(fresh.id)!.validFrom!);
    expect(v).toBeGreaterThanOrEqual(added);
    expect(v).toBeLessThanOrEqual(Date.now());
    // Unknown since it was added.
    expect(Date.parse(byId.get(fresh.id)!.since)).toBe(v);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: {
        cameras: [
          { ...cam(3), validFrom: iso(Date.now() + 3600_000) },
          { ...cam(4), validFrom: 'yesterday' },
        ],
      },
    });
    expect(bad.json()).toMatchObject({
      upserted: 0,
      rejected: [
        { index: 0, message: expect.stringMatching(/^cameras\/0\/validFrom: .* in the future/) },
        { index: 1, message: expect.stringMatching(/^cameras\/1\/validFrom/) },
      ],
    });
  });

  test('reports dated 1990, 0001-01-01 or yesterday for a channel added today are refused naming reports/N/at, and change nothing', async () => {
    const before = (await rows()).find((c) => c.id === fresh.id)!;
    const yesterday = iso(Date.parse(periodOf('yesterday', Date.now()).from) + 12 * 3600_000);
    const r = await status([
      { cameraId: fresh.id, status: 'offline', reason: 'power', at: '1990-06-01T12:00:00+08:00' },
      { cameraId: fresh.id, status: 'offline', reason: 'power', at: '0001-01-01T00:00:00Z' },
      { cameraId: fresh.id, status: 'online', at: yesterday },
    ]);
    expect(r.accepted).toBe(0);
    expect(r.rejected.map((x) => x.index)).toEqual([0, 1, 2]);
    for (const x of r.rejected) {
      expect(x.code).toBe(ErrorCode.validation);
      expect(x.message).toMatch(new RegExp(`^reports/${x.index}/at: .* before the channel became valid`));
    }
    expect((await rows()).find((c) => c.id === fresh.id)).toEqual(before);
    const events = await app.store.statusEvents({
      from: '0001-01-01T00:00:00Z',
      to: iso(Date.now() + 1000),
      cameraIds: [fresh.id],
    });
    expect(events).toEqual([]);
    // A report from now is taken.
    expect((await status([{ cameraId: fresh.id, status: 'online' }])).accepted).toBe(1);
  });

  test("a channel added today is absent from yesterday's counts, time-weighted rate and ranking", async () => {
    const y = periodOf('yesterday', Date.now());
    const q = `from=${encodeURIComponent(y.from)}&to=${encodeURIComponent(y.to)}`;
    const s = (await app.inject(`/api/v1/regions/139900/summary?${q}`)).json() as RegionSummary;
    // Recomputed from the rows: the channels valid at yesterday's end, and their history.
    const valid = (await rows()).filter((c) => Date.parse(c.validFrom!) <= Date.parse(y.to));
    expect(valid.map((c) => c.id)).toEqual([old.id]);
    const ev = await app.store.statusEvents({ from: y.from, to: y.to, cameraIds: [old.id] });
    let online = 0;
    let state = 'unknown';
    let tPrev = Date.parse(y.from);
    for (const e of ev) {
      if (state === 'online') online += Date.parse(e.at) - tPrev;
      [state, tPrev] = [e.to, Date.parse(e.at)];
    }
    if (state === 'online') online += Date.parse(y.to) - tPrev;
    const counted = Date.parse(y.to) - Date.parse(y.from);
    expect(s.cameras).toMatchObject({
      total: valid.length,
      inService: valid.length,
      offline: 1,
      unknown: 0,
      onlineMs: online,
      countedMs: counted,
      timeWeightedRate: online / counted,
    });
    const town2 = s.children.find((c) => c.region.code === '139900200')!;
    expect(town2.cameras).toMatchObject({ total: 0, inService: 0, countedMs: 0, timeWeightedRate: null });

    const ranking = (await app.inject(`/api/v1/regions/139900/ranking?period=yesterday`)).json() as {
      rows: { region: { code: string }; current: { cameras: { inService: number; countedMs: number } } }[];
    };
    const r2 = ranking.rows.find((r) => r.region.code === '139900200')!;
    expect(r2.current.cameras).toMatchObject({ inService: 0, countedMs: 0 });
    // Today it counts, from when it was added.
    const today = (await app.inject('/api/v1/regions/139900200/summary')).json() as RegionSummary;
    expect(today.cameras).toMatchObject({ total: 1, inService: 1 });
  });
});

describe('the in-service flag on the wall and in the API (#18.2)', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  let url = '';
  beforeAll(async () => {
    app = await smallApp(t.dir, { heartbeatGraceSec: 365 * 86400, flushMs: 20 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const put = (rows: unknown[]) =>
      app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: rows } });
    expect((await put([cam(1), cam(2)])).json().upserted).toBe(2);
    await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: {
        reports: [
          { cameraId: cam(1).id, status: 'online' },
          { cameraId: cam(2).id, status: 'online' },
        ],
      },
    });
    // Taken out of service, then back: the time between is not counted.
    expect((await put([{ ...cam(2), inService: false }])).json().upserted).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect((await put([{ ...cam(2), inService: true }])).json().upserted).toBe(1);
  });
  afterAll(async () => {
    await app.close();
    t.cleanup();
  });

  test('a fresh wall snapshot and the summary API at its instant count the same time', async () => {
    const s = await openSocket(url);
    try {
      const ack = await subscribe(s, { region: '139900' });
      if (!ack.ok) throw new Error('subscribe failed');
      const snap = ack.data;
      for (const which of ['today', 'recent'] as const) {
        // The summary of [period start, the snapshot's instant): the same instant, to the millisecond.
        const q = `from=${encodeURIComponent(snap.periods[which].from)}&to=${encodeURIComponent(snap.at)}`;
        const api = (await app.inject(`/api/v1/regions/139900/summary?${q}`)).json() as RegionSummary;
        const w = snap.figures[which].cameras;
        expect({ onlineMs: w.onlineMs, countedMs: w.countedMs }).toEqual({
          onlineMs: api.cameras.onlineMs,
          countedMs: api.cameras.countedMs,
        });
      }
      // And the rows: one out-of-service spell recorded for the channel.
      const rows = await app.store.serviceHistory({ from: snap.at, to: snap.at, cameraIds: [cam(2).id] });
      expect(rows.map((r) => r.inService)).toEqual([true, false, true]);
    } finally {
      s.close();
    }
  });
});
