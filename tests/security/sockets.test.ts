// Issue 17, the socket side: subscribe bound to the credential's region (item 2), anonymous
// sockets cut when the viewer gate turns on (3), the Origin check (9), and which credentials a
// handshake takes from where (10). Real socket.io clients against a real server on the demo data.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { openSocket, startServer, subscribe, type TestServer, type WallSocket } from '../stream/helpers.js';

const ADMIN = { authorization: 'Bearer admin-secret', 'content-type': 'application/json' };
const YEHE = '130111103'; // 冶河镇, a township of 栾城区

type Attempt = { ok: true; socket: WallSocket } | { ok: false; message: string; data: { code?: string } | undefined };

function attempt(url: string, opts: Parameters<typeof connect>[1]): Promise<Attempt> {
  return new Promise((resolve) => {
    const s: Socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
    s.once('connect', () => resolve({ ok: true, socket: s as WallSocket }));
    s.once('connect_error', (e: Error & { data?: { code?: string } }) => {
      s.close();
      resolve({ ok: false, message: e.message, data: e.data });
    });
  });
}

async function viewerToken(server: TestServer, name: string, region?: string): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/admin/viewer-tokens`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ name, ...(region ? { region } : {}) }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { token: string }).token;
}

describe('sockets: authentication and region', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ adminKey: 'admin-secret', corsOrigins: ['http://portal.intranet'] });
  });
  afterAll(() => server.close());

  test('the viewer gate turning on cuts sockets that connected without a credential; new ones are refused', async () => {
    const early = await openSocket(server.url);
    expect((await subscribe(early, { region: '131000' })).ok).toBe(true);
    const cut = new Promise<string>((resolve) => early.once('disconnect', (reason) => resolve(reason)));
    const token = await viewerToken(server, '冶河镇大屏', YEHE);
    expect(await cut).toBe('io server disconnect');
    const late = await attempt(server.url, {});
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.data?.code).toBe('UNAUTHORIZED');

    // A viewer token bound to 冶河镇 subscribes to 冶河镇 only: not its county, the city or the province.
    const wall = await attempt(server.url, { auth: { token } });
    expect(wall.ok).toBe(true);
    if (!wall.ok) return;
    expect((await subscribe(wall.socket, { region: YEHE })).ok).toBe(true);
    for (const region of ['130111', '131000', '131002', '130000']) {
      const ack = await subscribe(wall.socket, { region });
      expect(ack.ok, region).toBe(false);
      if (!ack.ok) expect(ack.error.code, region).toBe('FORBIDDEN');
    }
    wall.socket.close();
  });

  test('a token in the subscribe payload authenticates that subscribe', async () => {
    const token = await viewerToken(server, '冶河镇大屏2', YEHE);
    // The cookie is a viewer token from elsewhere; the subscribe's own token decides.
    const s = await attempt(server.url, { auth: { token } });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const bad = await subscribe(s.socket, { region: YEHE, token: 'zhv_0000000000000000_' + 'x'.repeat(43) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('UNAUTHORIZED');
    expect((await subscribe(s.socket, { region: YEHE, token })).ok).toBe(true);
    s.socket.close();
  });

  test('write and admin keys are taken from auth or the Authorization header, never from the URL or the cookie', async () => {
    expect((await attempt(server.url, { query: { token: 'admin-secret' } })).ok).toBe(false);
    expect((await attempt(server.url, { query: { token: 'k' } })).ok).toBe(false);
    expect((await attempt(server.url, { extraHeaders: { cookie: 'zhihui_viewer=k' } })).ok).toBe(false);
    const viaAuth = await attempt(server.url, { auth: { token: 'k' } });
    expect(viaAuth.ok).toBe(true);
    if (viaAuth.ok) viaAuth.socket.close();
    const viaHeader = await attempt(server.url, { extraHeaders: { authorization: 'Bearer k' } });
    expect(viaHeader.ok).toBe(true);
    if (viaHeader.ok) viaHeader.socket.close();
    // A viewer token may come in the URL, as a wall opens it.
    const token = await viewerToken(server, '大厅');
    const viaUrl = await attempt(server.url, { query: { token } });
    expect(viaUrl.ok).toBe(true);
    if (viaUrl.ok) viaUrl.socket.close();
  });

  test('Origin: another site is refused even with the wall cookie; the own origin and CORS_ORIGINS connect', async () => {
    const token = await viewerToken(server, '门户大屏');
    const cookie = `zhihui_viewer=${token}`;
    const host = new URL(server.url).host;
    const evil = await attempt(server.url, { extraHeaders: { cookie, origin: 'http://evil.intranet' } });
    expect(evil.ok).toBe(false);
    const spoofedPort = await attempt(server.url, {
      extraHeaders: { cookie, origin: `http://${host.replace(/:\d+$/, ':1')}` },
    });
    expect(spoofedPort.ok).toBe(false);
    for (const origin of [`http://${host}`, 'http://portal.intranet']) {
      const r = await attempt(server.url, { extraHeaders: { cookie, origin } });
      expect(r.ok, origin).toBe(true);
      if (r.ok) r.socket.close();
    }
    // Long-polling is checked the same way.
    const polling = await attempt(server.url, {
      transports: ['polling'],
      extraHeaders: { cookie, origin: 'http://evil.intranet' },
    });
    expect(polling.ok).toBe(false);
  });
});
