import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUTH, SMALL_TREE, cam, smallApp, tmpDir } from '../server/helpers.js';

const ADMIN = { authorization: 'Bearer admin-secret' };
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('roles: scoped ingest keys, admin API, audit log', () => {
  let app: FastifyInstance;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir, { adminKey: 'admin-secret' });
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: { cameras: [cam(1), cam(2)] },
    });
    expect(r.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test('the admin API needs the admin role: none → 401, an API_KEYS writer → 403, ADMIN_KEY → 200', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/keys' })).statusCode).toBe(401);
    const w = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: AUTH });
    expect(w.statusCode).toBe(403);
    expect(w.json().error.code).toBe('FORBIDDEN');
    const a = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: ADMIN });
    expect(a.statusCode).toBe(200);
    expect(
      a
        .json()
        .env.map((e: { name: string }) => e.name)
        .sort(),
    ).toEqual(['admin', 'test']);
  });

  test('a key scoped to status posts status but cannot create clues or touch inventory; the secret is shown once and stored hashed', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: 'platform', scopes: ['status'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json() as { key: string; id: string };
    expect(key).toMatch(/^zhk_[0-9a-f]{16}_/);
    expect(created.headers['cache-control']).toBe('no-store');

    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: bearer(key),
      payload: { reports: [{ cameraId: cam(1).id, status: 'online' }] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accepted).toBe(1);
    const ev = await app.store.statusEvents({
      from: '2000-01-01T00:00:00Z',
      to: '2100-01-01T00:00:00Z',
      cameraIds: [cam(1).id],
    });
    expect(ev.at(-1)?.actor).toBe('platform');

    const clue = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: bearer(key),
      payload: { category: 'hazard', source: 'hotline', region: SMALL_TREE[1]!.code, title: 't' },
    });
    expect(clue.statusCode).toBe(403);
    expect(clue.json().error.message).toMatch(/'clues' scope/);
    const inv = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: bearer(key),
      payload: { cameras: [cam(3)] },
    });
    expect(inv.statusCode).toBe(403);
    expect((await app.store.getCameras([cam(3).id])).size).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: bearer(key) })).statusCode).toBe(403);

    const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: ADMIN });
    const text = listed.body;
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(-43));
    expect(text).not.toContain('hash');
    const item = (listed.json().items as { id: string; scopes: string[]; active: boolean }[]).find((i) => i.id === id)!;
    expect(item).toMatchObject({ scopes: ['status'], active: true });
    const rec = (await app.store.listCredentials!()).find((c) => c.id === id)!;
    expect(rec.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rec)).not.toContain(key.slice(-43));

    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${id}`, headers: ADMIN });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ active: false, revokedBy: 'admin' });
    const after = await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: bearer(key),
      payload: { reports: [{ cameraId: cam(1).id, status: 'offline' }] },
    });
    expect(after.statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${id}`, headers: ADMIN })).statusCode).toBe(
      200,
    );
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/admin/keys/ffffffffffffffff', headers: ADMIN })).statusCode,
    ).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/admin/keys/test', headers: ADMIN })).statusCode).toBe(
      409,
    );
  });

  test('API_KEYS keep every write scope; a key with the admin scope administers; names are unique', async () => {
    const clue = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { id: 'C-1', category: 'hazard', source: 'hotline', region: SMALL_TREE[1]!.code, title: 't' },
    });
    expect(clue.statusCode).toBe(201);
    const adm = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: 'ops-lead', scopes: ['admin'] },
    });
    expect(adm.json().scopes).toEqual(['admin']);
    const k = adm.json().key as string;
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/admin/viewer-tokens', headers: bearer(k) })).statusCode,
    ).toBe(200);
    const patch = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/C-1',
      headers: bearer(k),
      payload: { status: 'verified', note: 'seen' },
    });
    expect(patch.statusCode).toBe(200);
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: 'ops-lead', scopes: ['grid'] },
    });
    expect(dup.statusCode).toBe(409);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: 'x', scopes: ['root'] },
    });
    expect(bad.statusCode).toBe(400);
  });

  test('maintenance through the admin API; the audit log has admin actions and clue steps with actor and time', async () => {
    const m = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/maintenance',
      headers: ADMIN,
      payload: {
        ids: [cam(2).id, '13990000001320999999'],
        window: { reason: '检修', from: '2026-01-01T00:00:00+08:00', to: '2026-01-02T00:00:00+08:00' },
      },
    });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ updated: 1, rejected: [{ index: 1 }] });
    expect((await app.store.getCameras([cam(2).id])).get(cam(2).id)!.maintenance?.reason).toBe('检修');

    const audit = await app.inject({ method: 'GET', url: '/api/v1/admin/audit?limit=500', headers: ADMIN });
    expect(audit.statusCode).toBe(200);
    const items = audit.json().items as {
      at: string;
      actor: string;
      action: string;
      target: string | null;
      details: Record<string, unknown>;
    }[];
    const actions = items.map((i) => `${i.actor} ${i.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'admin key.create',
        'admin key.revoke',
        'admin maintenance.set',
        'test clue.create',
        'ops-lead clue.transition',
        'test cameras.upsert',
      ]),
    );
    const step = items.find((i) => i.action === 'clue.transition')!;
    expect(step).toMatchObject({ target: 'C-1', details: { from: 'reported', to: 'verified', note: 'seen' } });
    for (const i of items) expect(Number.isFinite(Date.parse(i.at))).toBe(true);
    const times = items.map((i) => Date.parse(i.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Revoking twice logs once.
    expect(items.filter((i) => i.action === 'key.revoke')).toHaveLength(1);

    const clueOnly = await app.inject({ method: 'GET', url: '/api/v1/admin/audit?action=clue.', headers: ADMIN });
    expect((clueOnly.json().items as { action: string }[]).every((i) => i.action.startsWith('clue.'))).toBe(true);
    const page1 = await app.inject({ method: 'GET', url: '/api/v1/admin/audit?limit=2', headers: ADMIN });
    const page2 = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?limit=2&cursor=${page1.json().nextCursor}`,
      headers: ADMIN,
    });
    expect([...page1.json().items, ...page2.json().items]).toEqual(items.slice(0, 4));
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/admin/audit?cursor=zzz', headers: ADMIN })).statusCode,
    ).toBe(400);
  });
});

describe('demo mode', () => {
  test('without API_KEYS the demo key writes but never administers; admin needs ADMIN_KEY', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { apiKeys: [{ name: 'demo', key: 'demo-xyz' }], demoKey: true });
    try {
      const admin = await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: bearer('demo-xyz') });
      expect(admin.statusCode).toBe(403);
      expect(admin.json().error.message).toMatch(/admin role/);
      const w = await app.inject({
        method: 'PUT',
        url: '/api/v1/cameras',
        headers: bearer('demo-xyz'),
        payload: { cameras: [cam(1)] },
      });
      expect(w.statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(200);
    } finally {
      await app.close();
      t.cleanup();
    }
  });
});
