import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io as connect } from 'socket.io-client';
import { AUTH, smallApp, tmpDir } from '../server/helpers.js';
import { startServer, type TestServer } from '../stream/helpers.js';

const ADMIN = { authorization: 'Bearer admin-secret' };

describe('viewer tokens: walls, reads and sockets', () => {
  test('by default (no viewer tokens) pages and reads are open, as in the demo', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir);
    try {
      expect(app.viewerGate.required()).toBe(false);
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/wall/139900' })).statusCode).not.toBe(401);
    } finally {
      await app.close();
      t.cleanup();
    }
  });

  test('REQUIRE_VIEWER=on without tokens: pages answer an explanatory 401 page, reads 401, writers still read', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { requireViewer: 'on' });
    try {
      const page = await app.inject({ method: 'GET', url: '/wall/139900' });
      expect(page.statusCode).toBe(401);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('?token=');
      const read = await app.inject({ method: 'GET', url: '/api/v1/regions' });
      expect(read.statusCode).toBe(401);
      expect(read.json().error.code).toBe('UNAUTHORIZED');
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions', headers: AUTH })).statusCode).toBe(200);
      // A write key never works from a URL (it would leak into logs and history).
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions?token=k' })).statusCode).toBe(401);
      // Open whatever the setting: health, docs, client assets.
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
      // An encoded path does not slip past the gate.
      expect((await app.inject({ method: 'GET', url: '/api/v1/%72egions' })).statusCode).not.toBe(200);
    } finally {
      await app.close();
      t.cleanup();
    }
  });

  test('once a viewer token exists: ?token= opens the wall and sets a long-lived cookie; cookie and bearer read; revoking cuts it off', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { adminKey: 'admin-secret' });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/viewer-tokens',
        headers: ADMIN,
        payload: { name: '甲镇大屏', region: '139900100' },
      });
      expect(created.statusCode).toBe(201);
      const { token, id, url } = created.json() as { token: string; id: string; url: string };
      expect(url).toBe(`/wall/139900100?token=${token}`);
      expect(app.viewerGate.required()).toBe(true);

      expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(401);
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).not.toBe(401);
      const cookie = String(page.headers['set-cookie']);
      expect(cookie).toContain(`zhihui_viewer=${token}`);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeGreaterThan(300 * 86400);

      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/regions',
            headers: { cookie: `a=b; zhihui_viewer=${token}` },
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/regions', headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
      ).toBe(200);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/regions/139900100/summary?token=${token}` })).statusCode,
      ).toBe(200);
      // The token reaches its township, not the county above it.
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/regions/139900/summary?token=${token}` })).statusCode,
      ).toBe(403);
      // A viewer token cannot write.
      const w = await app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: { authorization: `Bearer ${token}` },
        payload: { reports: [] },
      });
      expect(w.statusCode).toBe(403);

      const listed = await app.inject({ method: 'GET', url: '/api/v1/admin/viewer-tokens', headers: ADMIN });
      expect(listed.body).not.toContain(token);
      expect(
        (await app.inject({ method: 'DELETE', url: `/api/v1/admin/viewer-tokens/${id}`, headers: ADMIN })).statusCode,
      ).toBe(200);
      const gone = await app.inject({
        method: 'GET',
        url: '/api/v1/regions',
        headers: { cookie: `zhihui_viewer=${token}` },
      });
      expect(gone.statusCode).toBe(401);
      expect(String(gone.headers['set-cookie'])).toContain('Max-Age=0');
      // Revoking the last token does not open the walls to everyone.
      expect(app.viewerGate.required()).toBe(true);
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(401);
    } finally {
      await app.close();
      t.cleanup();
    }
  });

  test('VIEWER_TOKENS from the environment work and cannot be revoked through the API', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, {
      adminKey: 'admin-secret',
      viewerTokens: [{ name: 'lobby', key: 'lobby-token-123' }],
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/api/v1/regions?token=lobby-token-123' })).statusCode).toBe(200);
      expect(
        (await app.inject({ method: 'DELETE', url: '/api/v1/admin/viewer-tokens/lobby', headers: ADMIN })).statusCode,
      ).toBe(409);
    } finally {
      await app.close();
      t.cleanup();
    }
  });
});

describe('socket authentication', () => {
  let server: TestServer;
  let token: string;
  let tokenId: string;
  beforeAll(async () => {
    server = await startServer({ adminKey: 'admin-secret' });
    const r = await server.app.inject({
      method: 'POST',
      url: '/api/v1/admin/viewer-tokens',
      headers: ADMIN,
      payload: { name: 'wall-1' },
    });
    ({ token, id: tokenId } = r.json() as { token: string; id: string });
  });
  afterAll(() => server.close());

  const attempt = (opts: Parameters<typeof connect>[1]) =>
    new Promise<{ ok: true; socket: ReturnType<typeof connect> } | { ok: false; message: string; data: unknown }>(
      (resolve) => {
        const s = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
        s.once('connect', () => resolve({ ok: true, socket: s }));
        s.once('connect_error', (e: Error & { data?: unknown }) => {
          s.close();
          resolve({ ok: false, message: e.message, data: e.data });
        });
      },
    );

  test('no token → connect_error UNAUTHORIZED naming what to do; a wrong token → rejected', async () => {
    const none = await attempt({});
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.message).toMatch(/^UNAUTHORIZED: .*viewer token/);
      expect(none.data).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const wrong = await attempt({ auth: { token: token.slice(0, -2) + 'xx' } });
    expect(wrong.ok).toBe(false);
  });

  test('auth.token, ?token= and the wall cookie all connect, and subscribe works', async () => {
    for (const opts of [
      { auth: { token } },
      { query: { token } },
      { extraHeaders: { cookie: `zhihui_viewer=${token}` } },
    ]) {
      const r = await attempt(opts);
      expect(r.ok).toBe(true);
      if (r.ok) {
        const ack = await new Promise<{ ok: boolean }>((resolve) =>
          r.socket.emit('subscribe', { region: '130111' }, resolve),
        );
        expect(ack.ok).toBe(true);
        r.socket.close();
      }
    }
    const writer = await attempt({ extraHeaders: { authorization: 'Bearer k' } });
    expect(writer.ok).toBe(true);
    if (writer.ok) writer.socket.close();
  });

  test('revoking the token disconnects the walls using it and refuses new connections', async () => {
    const r = await attempt({ auth: { token } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const closed = new Promise<string>((resolve) => r.socket.once('disconnect', (reason) => resolve(reason)));
    expect(
      (await server.app.inject({ method: 'DELETE', url: `/api/v1/admin/viewer-tokens/${tokenId}`, headers: ADMIN }))
        .statusCode,
    ).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await attempt({ auth: { token } })).ok).toBe(false);
  });
});
