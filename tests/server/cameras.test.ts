import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { CameraView } from '@zhihui/shared';
import { isoAt } from '../../server/src/domain/time.js';
import type { BusEvents } from '../../server/src/bus.js';
import { AUTH, cam, smallApp, tmpDir, useSmallApp } from './helpers.js';

describe('cameras: inventory, status, maintenance, heartbeat', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a), { heartbeatTimeoutSec: 60, heartbeatGraceSec: 0 });
  const put = (payload: unknown, headers: Record<string, string> = AUTH) =>
    app.inject({ method: 'PUT', url: '/api/v1/cameras', headers, payload: payload as object });
  const status = (reports: unknown[], headers: Record<string, string> = AUTH) =>
    app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers, payload: { reports } });
  const view = async (id: string): Promise<CameraView> => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras?limit=1000' });
    return (res.json().items as CameraView[]).find((c) => c.id === id)!;
  };

  test('JSON upsert stores valid rows and rejects the others by row, naming the field', async () => {
    const res = await put({
      cameras: [
        cam(1),
        cam(2),
        cam(3, '139900200'),
        { ...cam(4), region: '130999' },
        { ...cam(5), lon: 'east' },
        { id: cam(6).id },
        'nonsense',
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.upserted).toBe(3);
    expect(body.rejected).toEqual([
      { index: 3, code: 'UNKNOWN_REGION', message: expect.stringContaining('cameras/3/region') },
      { index: 4, code: 'VALIDATION_ERROR', message: expect.stringContaining('cameras/4/lon') },
      { index: 5, code: 'VALIDATION_ERROR', message: expect.stringContaining('cameras/5/name') },
      { index: 6, code: 'VALIDATION_ERROR', message: expect.any(String) },
    ]);
    const c = await view(cam(1).id);
    expect(c.status).toBe('unknown');
    expect(c.inService).toBe(true);
  });

  test('CSV upsert (with BOM) takes the same columns and rejects bad lines', async () => {
    const csv =
      '\uFEFFid,name,region,lon,lat,inService\n' +
      `${cam(7).id},东门,139900100,114.51,37.91,true\n` +
      `${cam(8).id},"西门, 南侧",139900200,114.52,37.92,0\n` +
      `${cam(9).id},北门,999999,114.53,37.93,\n` +
      `${cam(10).id},南门,139900100,abc,37.94,\n`;
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: { ...AUTH, 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.upserted).toBe(2);
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [2, 'UNKNOWN_REGION'],
      [3, 'VALIDATION_ERROR'],
    ]);
    expect(body.rejected[1].message).toMatch(/line 5, lon/);
    const west = await view(cam(8).id);
    expect(west.name).toBe('西门, 南侧');
    expect(west.inService).toBe(false);
    expect(west.state).toBe('out_of_service');
  });

  test('CSV without the required columns is a 400 naming them; broken quoting is a 400', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: { ...AUTH, 'content-type': 'text/csv' },
      payload: 'id,name\n1,a\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/region, lon, lat/);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: { ...AUTH, 'content-type': 'text/csv' },
      payload: 'id,name,region,lon,lat\n"1,a,139900100,1,2\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_ERROR');
  });

  test('writes need a valid key; nothing is written without one', async () => {
    const none = await status([{ cameraId: cam(1).id, status: 'online' }], {});
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await status([{ cameraId: cam(1).id, status: 'online' }], { authorization: 'Bearer nope' });
    expect(wrong.statusCode).toBe(401);
    const wrongPut = await put({ cameras: [cam(30)] }, { authorization: 'Basic abc' });
    expect(wrongPut.statusCode).toBe(401);
    expect((await view(cam(1).id)).status).toBe('unknown');
    expect(await view(cam(30).id)).toBeUndefined();
  });

  test('a status batch stores valid reports and rejects the rest, naming the field', async () => {
    const seen: BusEvents['cameras'][] = [];
    const off = app.bus.on('cameras', (e) => seen.push(e));
    const future = isoAt(Date.now() + 3600_000);
    const res = await status([
      { cameraId: cam(1).id, status: 'online' },
      { cameraId: cam(2).id, status: 'offline', reason: 'power' },
      { cameraId: 'NOPE', status: 'online' },
      { cameraId: cam(3).id, status: 'broken' },
      { cameraId: cam(3).id, status: 'online', at: future },
      { cameraId: cam(3).id, status: 'online', at: '2026-02-30T10:00:00+08:00' },
      { status: 'online' },
      { cameraId: cam(3).id, status: 'online', reason: 'gremlins' },
      42,
    ]);
    off();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const by = (i: number) => body.rejected.find((r: { index: number }) => r.index === i);
    expect(by(2)).toMatchObject({ code: 'UNKNOWN_CAMERA', message: expect.stringContaining('reports/2/cameraId') });
    expect(by(3).message).toMatch(/reports\/3\/status: must be one of online, offline/);
    expect(by(4).message).toMatch(/reports\/4\/at: .*future/);
    expect(by(5).message).toMatch(/reports\/5\/at/);
    expect(by(6).message).toMatch(/reports\/6\/cameraId: is required/);
    expect(by(7).message).toMatch(/reports\/7\/reason/);
    const c2 = await view(cam(2).id);
    expect([c2.status, c2.reason, c2.state]).toEqual(['offline', 'power', 'offline']);
    // The bus heard of both changes, after commit.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cameras.map((c) => c.id).sort()).toEqual([cam(1).id, cam(2).id].sort());
    expect(seen[0]!.events.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['unknown>offline', 'unknown>online']);
  });

  test('a repeated identical report is a heartbeat: last-seen moves, no history row', async () => {
    const id = cam(1).id;
    const before = await view(id);
    const evBefore = await app.store.statusEvents({
      from: '2000-01-01T00:00:00+08:00',
      to: '2100-01-01T00:00:00+08:00',
      cameraIds: [id],
    });
    const at = isoAt(Date.parse(before.lastSeen!) + 1000);
    const res = await status([{ cameraId: id, status: 'online', at }]);
    expect(res.json().accepted).toBe(1);
    const after = await view(id);
    expect(after.since).toBe(before.since);
    expect(after.lastSeen).toBe(at);
    const evAfter = await app.store.statusEvents({
      from: '2000-01-01T00:00:00+08:00',
      to: '2100-01-01T00:00:00+08:00',
      cameraIds: [id],
    });
    expect(evAfter.length).toBe(evBefore.length);
    // A change of reason while down is a change; a report in the near future (< 5 min) is fine.
    const r2 = await status([
      { cameraId: cam(2).id, status: 'offline', reason: 'network', at: isoAt(Date.now() + 60_000) },
    ]);
    expect(r2.json().accepted).toBe(1);
    expect((await view(cam(2).id)).reason).toBe('network');
  });

  test('every change is kept as history, in order, even when a batch lists them out of order', async () => {
    await put({ cameras: [cam(11)] });
    const id = cam(11).id;
    const t0 = Date.now() - 3 * 3600_000;
    const res = await status([
      { cameraId: id, status: 'online', at: isoAt(t0 + 2 * 3600_000) },
      { cameraId: id, status: 'offline', reason: 'black_screen', at: isoAt(t0 + 3600_000) },
      { cameraId: id, status: 'online', at: isoAt(t0) },
    ]);
    expect(res.json().accepted).toBe(3);
    const ev = await app.store.statusEvents({ from: isoAt(t0 - 1), to: isoAt(t0 + 3 * 3600_000), cameraIds: [id] });
    expect(ev.map((e) => `${e.from}>${e.to}`)).toEqual(['unknown>online', 'online>offline', 'offline>online']);
    expect((await view(id)).status).toBe('online');
    // A late report (before the current since) is history only: the current state stands, and the
    // next recorded change now starts from it (offline for power → offline for a black screen).
    const late = await status([{ cameraId: id, status: 'offline', reason: 'power', at: isoAt(t0 + 30 * 60_000) }]);
    expect(late.json().accepted).toBe(1);
    const v = await view(id);
    expect([v.status, v.since]).toEqual(['online', isoAt(t0 + 2 * 3600_000)]);
    const ev2 = await app.store.statusEvents({ from: isoAt(t0 - 1), to: isoAt(t0 + 3 * 3600_000), cameraIds: [id] });
    expect(ev2.map((e) => `${e.from}>${e.to}@${(Date.parse(e.at) - t0) / 60_000}`)).toEqual([
      'unknown>online@0',
      'online>offline@30',
      'offline>offline@60',
      'offline>online@120',
    ]);
  });

  test('too many reports is a 400 that says the limit; a huge body is a 413', async () => {
    const many = await status(Array.from({ length: 5001 }, () => ({ cameraId: cam(1).id, status: 'online' })));
    expect(many.statusCode).toBe(400);
    expect(many.json().error.message).toMatch(/5000/);
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ reports: [{ cameraId: 'x'.repeat(5 * 1024 * 1024), status: 'online' }] }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('malformed JSON, empty bodies, wrong shapes and wrong media types are 4xx with the error shape', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"reports": [',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_JSON');
    const empty = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    const shape = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: { reports: 'all' },
    });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: [{ field: 'reports', message: expect.any(String) }],
    });
    const none = await app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers: AUTH, payload: {} });
    expect(none.json().error.details[0].field).toBe('reports');
    const media = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(media.statusCode).toBe(415);
    expect(media.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('maintenance: set a window, the channel counts as maintenance; clear it; unknown ids rejected', async () => {
    const id = cam(2).id;
    const window = { reason: '立杆加固', from: isoAt(Date.now() - 3600_000), to: isoAt(Date.now() + 3600_000) };
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras/maintenance',
      headers: AUTH,
      payload: { ids: [id, 'NOPE'], window },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      updated: 1,
      rejected: [{ index: 1, code: 'UNKNOWN_CAMERA', message: expect.stringContaining('NOPE') }],
    });
    const v = await view(id);
    expect(v.state).toBe('maintenance');
    expect(v.maintenance).toEqual(window);
    const hist = await app.store.maintenanceHistory({ from: window.from, to: window.to, cameraIds: [id] });
    expect(hist).toHaveLength(1);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras/maintenance',
      headers: AUTH,
      payload: { ids: [id], window: { ...window, to: window.from } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('window/to');
    const clear = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras/maintenance',
      headers: AUTH,
      payload: { ids: [id], window: null },
    });
    expect(clear.json().updated).toBe(1);
    expect((await view(id)).state).toBe('offline');
    // The cleared window still counts for the past: it was in force until the clear.
    const after = await app.store.maintenanceHistory({ from: window.from, to: window.to, cameraIds: [id] });
    expect(after).toHaveLength(1);
    expect(Date.parse(after[0]!.to)).toBeLessThanOrEqual(Date.now());
  });

  test('listing filters by status and pages with a cursor; a bad cursor is a 400', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/regions/139900/cameras?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      all.push(...body.items.map((c: CameraView) => c.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(6);
    const township = await app.inject({ method: 'GET', url: '/api/v1/regions/139900200/cameras' });
    expect(
      township
        .json()
        .items.map((c: CameraView) => c.id)
        .sort(),
    ).toEqual([cam(3).id, cam(8).id].sort());
    const online = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras?status=online' });
    expect(online.json().items.every((c: CameraView) => c.status === 'online')).toBe(true);
    const badStatus = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras?status=sleepy' });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().error.details[0].field).toBe('status');
    const badCursor = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras?cursor=zzzz' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.details[0].field).toBe('cursor');
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/regions/999999/cameras' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_REGION');
  });

  test('heartbeat: silent online → unknown after the timeout, → offline after another; a report brings it back', async () => {
    const up = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: { cameras: [cam(20)] },
    });
    expect(up.json().upserted).toBe(1);
    const id = cam(20).id;
    const t0 = Date.now() - 3600_000;
    await status([{ cameraId: id, status: 'online', at: isoAt(t0) }]);
    // Within the timeout nothing changes.
    await app.ingest.markSilent(t0 + 30_000);
    expect((await view(id)).status).toBe('online');
    await app.ingest.markSilent(t0 + 61_000);
    const u = await view(id);
    expect([u.status, u.lastSeen]).toEqual(['unknown', isoAt(t0)]);
    await app.ingest.markSilent(t0 + 200_000);
    expect((await view(id)).status).toBe('offline');
    const ev = await app.store.statusEvents({ from: isoAt(t0), to: isoAt(t0 + 300_000), cameraIds: [id] });
    expect(ev.map((e) => [e.to, e.actor])).toEqual([
      ['online', 'test'],
      ['unknown', 'heartbeat'],
      ['offline', 'heartbeat'],
    ]);
    await status([{ cameraId: id, status: 'online' }]);
    expect((await view(id)).status).toBe('online');
  });

  test('heartbeat never marks channels during the grace period after a start', async () => {
    const t2 = tmpDir();
    const other = await smallApp(t2.dir, { heartbeatTimeoutSec: 1, heartbeatGraceSec: 600 });
    try {
      await other.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1)] } });
      await other.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: AUTH,
        payload: { reports: [{ cameraId: cam(1).id, status: 'online', at: isoAt(Date.now() - 3600_000) }] },
      });
      expect(await other.ingest.markSilent(other.ingest.startedAt + 599_000)).toBe(0);
      expect(await other.ingest.markSilent(other.ingest.startedAt + 601_000)).toBe(1);
    } finally {
      await other.close();
      t2.cleanup();
    }
  });
});
