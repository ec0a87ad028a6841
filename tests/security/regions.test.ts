// Issue 17 item 2: every credential reaches its own region subtree and nothing else, on writes,
// reads and admin actions. The tree: county 139900 with townships A (甲镇) and B (乙乡).
import { beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Clue } from '@zhihui/shared';
import { AUTH, cam, useSmallApp } from '../server/helpers.js';

const ADMIN = { authorization: 'Bearer admin-secret' };
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const COUNTY = '139900';
const A = '139900100';
const B = '139900200';
const WRITE = ['status', 'inventory', 'clues', 'grid'];

describe('credentials bound to a region subtree', () => {
  let app: FastifyInstance;
  useSmallApp(
    (a) => (app = a),
    { adminKey: 'admin-secret' },
    async (a) => {
      // The live state follows the small tree within its one-second tick: wait, so it sees every write below.
      for (const end = Date.now() + 20_000; !(a.live.has(A) && a.live.has(B));) {
        if (Date.now() > end) throw new Error('live state did not load the tree');
        await new Promise((r) => setTimeout(r, 50));
      }
      // The whole-tree key of API_KEYS puts records in both townships.
      const put = (method: 'PUT' | 'POST', url: string, payload: object) =>
        a.inject({ method, url, headers: AUTH, payload });
      expect((await put('PUT', '/api/v1/cameras', { cameras: [cam(1, A), cam(2, B)] })).json().upserted).toBe(2);
      expect(
        (
          await put('PUT', '/api/v1/grid/workers', {
            workers: [
              { id: 'WA', name: '甲', region: A },
              { id: 'WB', name: '乙', region: B },
            ],
          })
        ).json().upserted,
      ).toBe(2);
      for (const [id, region] of [
        ['CA', A],
        ['CB', B],
      ])
        expect(
          (
            await put('POST', '/api/v1/clues', {
              id,
              region,
              category: 'hazard',
              source: 'hotline',
              title: `线索${id}`,
            })
          ).statusCode,
        ).toBe(201);
    },
  );

  const key = async (name: string, scopes: string[], region?: string, by = ADMIN) => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: by,
      payload: { name, scopes, ...(region ? { region } : {}) },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { key: string; id: string; region: string | null };
  };
  let townA: string;
  beforeAll(async () => {
    townA = (await key('甲镇平台', WRITE, A)).key;
  });

  test('POST /admin/keys takes a region; the record keeps it; an unknown region is 400; no region reaches the whole tree', async () => {
    const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: ADMIN });
    expect(
      (listed.json().items as { name: string; region: string | null }[]).find((k) => k.name === '甲镇平台')?.region,
    ).toBe(A);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: 'x1', scopes: ['status'], region: '999999' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'UNKNOWN_REGION' });
    const whole = await key('全县平台', ['status']);
    expect(whole.region).toBeNull();
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: bearer(whole.key),
      payload: { reports: [{ cameraId: cam(2, B).id, status: 'online' }] },
    });
    expect(ok.json()).toMatchObject({ accepted: 1 });
  });

  test('writes: a township key changes nothing in the other township, item by item in batches, 403 or 404 for single records', async () => {
    const k = bearer(townA);
    const before = await app.store.getCameras([cam(1, A).id, cam(2, B).id]);

    const status = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: k,
      payload: {
        reports: [
          { cameraId: cam(2, B).id, status: 'offline' },
          { cameraId: cam(1, A).id, status: 'offline' },
        ],
      },
    });
    expect(status.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: 'FORBIDDEN' }] });
    const after = await app.store.getCameras([cam(1, A).id, cam(2, B).id]);
    expect(after.get(cam(2, B).id)!.status).toBe(before.get(cam(2, B).id)!.status);
    expect(after.get(cam(1, A).id)!.status).toBe('offline');

    // Inventory: neither a new channel in B, nor taking B's channel over by naming it in A.
    const inv = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: k,
      payload: { cameras: [cam(3, B), { ...cam(2, B), region: A }, cam(4, A)] },
    });
    expect(inv.json()).toMatchObject({
      upserted: 1,
      rejected: [
        { index: 0, code: 'FORBIDDEN' },
        { index: 1, code: 'FORBIDDEN' },
      ],
    });
    expect((await app.store.getCameras([cam(3, B).id])).size).toBe(0);
    expect((await app.store.getCameras([cam(2, B).id])).get(cam(2, B).id)!.region).toBe(B);

    const window = { reason: '检修', from: '2026-01-01T00:00:00+08:00', to: '2026-01-02T00:00:00+08:00' };
    const maint = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras/maintenance',
      headers: k,
      payload: { ids: [cam(2, B).id, cam(1, A).id], window },
    });
    expect(maint.json()).toMatchObject({ updated: 1, rejected: [{ index: 0, code: 'FORBIDDEN' }] });
    expect((await app.store.getCameras([cam(2, B).id])).get(cam(2, B).id)!.maintenance).toBeNull();

    const clue = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: k,
      payload: { region: B, category: 'hazard', source: 'hotline', title: '越界' },
    });
    expect(clue.statusCode).toBe(403);
    expect(clue.json().error).toMatchObject({ code: 'FORBIDDEN', details: [{ field: 'region' }] });
    const move = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/CB',
      headers: k,
      payload: { status: 'invalid' },
    });
    expect(move.statusCode).toBe(404);
    expect((await app.store.getClue('CB'))!.clue.status).toBe('reported');
    // Another key's clue id with other content: a conflict that shows nothing of the stored clue.
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: k,
      payload: { id: 'CB', region: A, category: 'hazard', source: 'hotline', title: '同号' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).not.toContain('线索CB');
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/v1/clues/CA', headers: k, payload: { status: 'verified' } }))
        .statusCode,
    ).toBe(200);

    const workers = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers',
      headers: k,
      payload: {
        workers: [
          { id: 'WB', name: '改名', region: A },
          { id: 'WN', name: '新', region: B },
          { id: 'WA2', name: '甲二', region: A },
        ],
      },
    });
    expect(workers.json()).toMatchObject({
      upserted: 1,
      rejected: [
        { index: 0, code: 'FORBIDDEN' },
        { index: 1, code: 'FORBIDDEN' },
      ],
    });
    expect((await app.store.allGridWorkers()).find((w) => w.id === 'WB')).toMatchObject({ name: '乙', region: B });
    expect(
      (await app.inject({ method: 'PUT', url: '/api/v1/grid/workers/WB/duty', headers: k, payload: { onDuty: true } }))
        .statusCode,
    ).toBe(404);
    const report = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: k,
      payload: { workerId: 'WB', text: '冒名上报' },
    });
    expect(report.statusCode).toBe(400);
    expect(report.json().error.code).toBe('UNKNOWN_WORKER');
  });

  describe('reads with viewer tokens in force', () => {
    let viewerA: string;
    beforeAll(async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/viewer-tokens',
        headers: ADMIN,
        payload: { name: '甲镇大屏', region: A },
      });
      expect(r.json().region).toBe(A);
      viewerA = r.json().token as string;
    });

    test("every read of another region is 403; lists without a region hold only the own subtree; another subtree's clue is 404", async () => {
      const get = (url: string, token = viewerA) => app.inject({ method: 'GET', url, headers: bearer(token) });
      for (const url of [
        `/api/v1/regions/${COUNTY}`,
        `/api/v1/regions/${COUNTY}/summary`,
        `/api/v1/regions/${B}/summary`,
        `/api/v1/regions/${COUNTY}/cameras`,
        `/api/v1/regions/${COUNTY}/geo`,
        `/api/v1/regions/${COUNTY}/ranking`,
        `/api/v1/regions/${COUNTY}/ranking.csv`,
        `/api/v1/regions/${COUNTY}/report.html`,
        `/api/v1/regions/${COUNTY}/report.pdf`,
        `/api/v1/regions/${COUNTY}/outages`,
        `/api/v1/regions/${COUNTY}/grid-activity`,
        `/api/v1/clues?region=${COUNTY}`,
        `/api/v1/clues.csv?region=${COUNTY}`,
        `/api/v1/grid/workers?region=${B}`,
        `/api/v1/notifications/deliveries?region=${COUNTY}`,
        `/api/v1/notifications/alerts?region=${B}`,
        `/api/v1/video/channels/${cam(2, B).id}`,
        `/api/v1/video/key-channels?region=${COUNTY}`,
      ]) {
        const r = await get(url);
        expect(r.statusCode, `${url} ${r.body}`).toBe(403);
        expect(r.json().error.code, url).toBe('FORBIDDEN');
      }
      for (const url of [
        `/api/v1/regions/${A}`,
        `/api/v1/regions/${A}/summary`,
        `/api/v1/regions/${A}/cameras`,
        `/api/v1/regions/${A}/outages`,
        `/api/v1/regions/${A}/grid-activity`,
      ]) {
        expect((await get(url)).statusCode, url).toBe(200);
      }
      const clues = (await get('/api/v1/clues')).json().items as Clue[];
      expect(clues.map((c) => c.id).sort()).toEqual(['CA']);
      const csv = (await get('/api/v1/clues.csv')).body;
      expect(csv).toContain('CA');
      expect(csv).not.toContain('CB');
      expect(
        (await get('/api/v1/grid/workers'))
          .json()
          .items.map((w: { id: string }) => w.id)
          .sort(),
      ).toEqual(['WA', 'WA2']);
      // A video session on another township's channel is refused like a read of it.
      const session = await app.inject({
        method: 'POST',
        url: '/api/v1/video/sessions',
        headers: bearer(viewerA),
        payload: { channelId: cam(2, B).id },
      });
      expect(session.statusCode).toBe(403);
      expect((await get('/api/v1/clues/CB')).statusCode).toBe(404);
      expect((await get('/api/v1/clues/CA')).statusCode).toBe(200);
      // The tree: the own subtree and the path above it, not the other township.
      const tree = (await get('/api/v1/regions')).json() as { roots: string[]; regions: { code: string }[] };
      expect(tree.regions.map((r) => r.code).sort()).toEqual([COUNTY, A]);
      expect(tree.roots).toEqual([COUNTY]);
      // The whole-tree key of API_KEYS still reads everything.
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/regions/${COUNTY}/summary`, headers: AUTH })).statusCode,
      ).toBe(200);
    });

    test('a bound write key reads only its own subtree too', async () => {
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/regions/${B}/summary`, headers: bearer(townA) })).statusCode,
      ).toBe(403);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/regions/${A}/summary`, headers: bearer(townA) })).statusCode,
      ).toBe(200);
    });
  });

  test('an admin bound to a region manages only credentials inside it, and does not read the whole-tree audit log', async () => {
    const sub = bearer((await key('甲镇管理员', ['admin'], A)).key);
    const inside = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: sub,
      payload: { name: '甲镇子平台', scopes: ['status'] },
    });
    expect(inside.statusCode).toBe(201);
    expect(inside.json().region).toBe(A);
    for (const region of [B, COUNTY]) {
      const out = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/keys',
        headers: sub,
        payload: { name: `越权${region}`, scopes: ['status'], region },
      });
      expect(out.statusCode, region).toBe(403);
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/admin/viewer-tokens',
          headers: sub,
          payload: { name: '乙乡大屏', region: B },
        })
      ).statusCode,
    ).toBe(403);
    // Listing: its subtree's credentials only, none of the environment's.
    const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: sub });
    const names = (listed.json().items as { name: string }[]).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['甲镇平台', '甲镇子平台', '甲镇管理员']));
    expect(names).not.toContain('全县平台');
    expect(listed.json().env).toEqual([]);
    // A whole-tree key is outside: as unknown.
    const whole = (await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: ADMIN }))
      .json()
      .items.find((i: { name: string }) => i.name === '全县平台') as { id: string };
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${whole.id}`, headers: sub })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: ADMIN }))
        .json()
        .items.find((i: { id: string }) => i.id === whole.id).active,
    ).toBe(true);
    const m = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/maintenance',
      headers: sub,
      payload: { ids: [cam(2, B).id], window: null },
    });
    expect(m.json()).toMatchObject({ updated: 0, rejected: [{ code: 'FORBIDDEN' }] });
    // Notification channels and rules: inside the subtree only; another subtree's is as unknown.
    const hook = (region?: string) => ({
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      secret: 'hook-secret',
      ...(region ? { region } : {}),
    });
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/notifications/channels/ch-b',
          headers: ADMIN,
          payload: hook(B),
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/notifications/channels/ch-a',
          headers: sub,
          payload: hook(A),
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/notifications/channels/ch-x',
          headers: sub,
          payload: hook(B),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/notifications/channels/ch-all',
          headers: sub,
          payload: hook(),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/notifications/channels/ch-b',
          headers: sub,
          payload: hook(A),
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/admin/notifications/channels/ch-b', headers: sub }))
        .statusCode,
    ).toBe(404);
    const settings = (await app.inject({ method: 'GET', url: '/api/v1/admin/notifications', headers: sub })).json() as {
      channels: { id: string }[];
    };
    expect(settings.channels.map((c) => c.id)).toEqual(['ch-a']);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/calendar/overrides/2026-12-31',
          headers: sub,
          payload: { workday: false },
        })
      ).statusCode,
    ).toBe(403);
    // What is deployment-wide stays with the admins of the whole tree.
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/audit', headers: sub })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/sources', headers: sub })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/sources', headers: ADMIN })).statusCode).toBe(200);
  });
});
