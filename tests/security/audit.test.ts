// Issue 17 item 12: names the server writes under are reserved, a revoked name is never given
// again, and every audit line names the credential (its id) as well as the actor.
import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUTH, cam, useSmallApp } from '../server/helpers.js';

const ADMIN = { authorization: 'Bearer admin-secret' };
type Line = { actor: string; actorId: string | null; action: string; target: string | null };

describe('names and the audit log', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a), { adminKey: 'admin-secret' });
  const create = (name: string, scopes = ['inventory']) =>
    app.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: ADMIN, payload: { name, scopes } });
  const audit = async () =>
    (await app.inject({ method: 'GET', url: '/api/v1/admin/audit?limit=500', headers: ADMIN })).json().items as Line[];

  test("the server's own actor names are reserved, in any case, for keys and viewer tokens", async () => {
    for (const name of ['simulator', 'Fixture', 'ANONYMOUS', 'heartbeat', 'admin', 'demo']) {
      const r = await create(name);
      expect(r.statusCode, name).toBe(409);
      expect(r.json().error.message, name).toMatch(/reserved/);
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/admin/viewer-tokens',
          headers: ADMIN,
          payload: { name: 'simulator' },
        })
      ).statusCode,
    ).toBe(409);
  });

  test('a revoked name is not given again; audit lines carry the credential id, so two holders are never confused', async () => {
    const first = (await create('platform')).json() as { id: string; key: string };
    const write = await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: { authorization: `Bearer ${first.key}` },
      payload: { cameras: [cam(1)] },
    });
    expect(write.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${first.id}`, headers: ADMIN })).statusCode,
    ).toBe(200);
    const again = await create('platform');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/revoked/);

    await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(2)] } });
    const lines = await audit();
    const upserts = lines.filter((l) => l.action === 'cameras.upsert');
    expect(upserts.map((l) => [l.actor, l.actorId])).toEqual([
      ['test', 'env:test'],
      ['platform', first.id],
    ]);
    expect(lines.find((l) => l.action === 'key.create' && l.target === first.id)).toMatchObject({
      actor: 'admin',
      actorId: 'env:admin',
    });
    expect(lines.find((l) => l.action === 'key.revoke' && l.target === first.id)).toMatchObject({
      actor: 'admin',
      actorId: 'env:admin',
    });
    // An admin key of its own is named by its id.
    const ops = (await create('运维', ['admin'])).json() as { id: string; key: string };
    await app.inject({
      method: 'POST',
      url: '/api/v1/admin/viewer-tokens',
      headers: { authorization: `Bearer ${ops.key}` },
      payload: { name: '大屏1' },
    });
    expect((await audit()).find((l) => l.action === 'viewer.create')).toMatchObject({ actor: '运维', actorId: ops.id });
  });
});
