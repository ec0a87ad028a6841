// Issue 17 items 4 and 6: failed authentications slow down whoever keeps failing — by address,
// by proxy peer and by the secret presented — and never refuse a valid credential; the write
// limit counts per credential, however the header is spelled.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { io as connect } from 'socket.io-client';
import { AUTH, cam, useSmallApp } from '../server/helpers.js';
import { startServer, type TestServer } from '../stream/helpers.js';

const payload = { reports: [{ cameraId: cam(1).id, status: 'online' }] };
/** A failure past the free ones waits at least the first delay (250 ms); the bound is a floor, so load cannot break it. */
const FIRST_DELAY_MS = 240;

describe('failed-authentication throttle (HTTP)', () => {
  let app: FastifyInstance;
  useSmallApp(
    (a) => (app = a),
    { rateLimitAuthFailures: 3, adminKey: 'admin-secret' },
    async (a) => {
      await a.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1)] } });
    },
  );
  const post = (authorization: string, opts: { ip?: string; xff?: string } = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { authorization, ...(opts.xff ? { 'x-forwarded-for': opts.xff } : {}) },
      remoteAddress: opts.ip ?? '10.0.0.9',
      payload,
    });
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, performance.now() - t0];
  };

  test('an office behind one address keeps working while someone there guesses; the guesses wait longer and longer', async () => {
    const ip = '10.0.0.20';
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [r, ms] = await timed(() => post(`Bearer guess-${i}`, { ip }));
      expect(r.statusCode).toBe(401);
      waits.push(ms);
      // Between the guesses, the valid key from the same address: answered at once, every time.
      expect((await post('Bearer k', { ip })).statusCode).toBe(200);
    }
    expect(waits.slice(0, 3).every((ms) => ms < 5000)).toBe(true);
    // 4th: 250 ms, 5th: 500 ms, 6th: 1 s (floors).
    expect(waits[3]).toBeGreaterThanOrEqual(FIRST_DELAY_MS);
    expect(waits[4]).toBeGreaterThanOrEqual(2 * FIRST_DELAY_MS);
    expect(waits[5]).toBeGreaterThanOrEqual(4 * FIRST_DELAY_MS);
    // The viewer side from that address: a viewer token and its cookie work too.
    const v = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/viewer-tokens',
      headers: { authorization: 'Bearer admin-secret' },
      payload: { name: '办公室大屏' },
    });
    const token = v.json().token as string;
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/api/v1/regions',
          headers: { cookie: `zhihui_viewer=${token}` },
          remoteAddress: ip,
        })
      ).statusCode,
    ).toBe(200);
  });

  test('rotating X-Forwarded-For through a trusted proxy does not escape: the proxy peer is counted too', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(`Bearer xff-${i}`, { ip: '127.0.0.1', xff: `198.51.100.${i}` })).statusCode).toBe(401);
    const [r, ms] = await timed(() => post('Bearer xff-x', { ip: '127.0.0.1', xff: '198.51.100.77' }));
    expect(r.statusCode).toBe(401);
    expect(ms).toBeGreaterThanOrEqual(FIRST_DELAY_MS);
    // An address the proxy forwards, with a valid key: answered at once.
    expect((await post('Bearer k', { ip: '127.0.0.1', xff: '198.51.100.78' })).statusCode).toBe(200);
  });

  test('one wrong secret retried from many addresses is slowed too', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post('Bearer old-revoked-key', { ip: `10.2.0.${i}` })).statusCode).toBe(401);
    const [r, ms] = await timed(() => post('Bearer old-revoked-key', { ip: '10.2.0.99' }));
    expect(r.statusCode).toBe(401);
    expect(ms).toBeGreaterThanOrEqual(FIRST_DELAY_MS);
  });
});

describe('failed-authentication throttle (sockets)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ adminKey: 'admin-secret', rateLimitAuthFailures: 2 });
  });
  afterAll(() => server.close());

  const handshake = (token: string) =>
    new Promise<{ ok: boolean; code?: string }>((resolve) => {
      const s = connect(server.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token },
      });
      s.once('connect', () => {
        s.close();
        resolve({ ok: true });
      });
      s.once('connect_error', (e: Error & { data?: { code?: string } }) => {
        s.close();
        resolve({ ok: false, code: e.data?.code });
      });
    });

  test('after failed handshakes from this address, a valid viewer token still connects', async () => {
    const r = await fetch(`${server.url}/api/v1/admin/viewer-tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ name: '大屏' }),
    });
    const { token } = (await r.json()) as { token: string };
    for (let i = 0; i < 5; i++)
      expect((await handshake(`zhv_000000000000000${i}_${'y'.repeat(43)}`)).code).toMatch(/UNAUTHORIZED|RATE_LIMITED/);
    expect(await handshake(token)).toEqual({ ok: true });
  });
});

describe('write rate limit per credential', () => {
  let app: FastifyInstance;
  useSmallApp(
    (a) => (app = a),
    { rateLimitWrites: 5 },
    async (a) => {
      await a.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1)] } });
    },
  );

  test('32 spellings of one key share one limit of 5', async () => {
    // PUT above used one of the 5: 4 remain for these.
    const spellings = Array.from({ length: 32 }, (_, i) => {
      const word = [...'bearer'].map((ch, j) => ((i >> j) & 1 ? ch.toUpperCase() : ch)).join('');
      return `${word}${i % 2 ? '  ' : ' '}k${i % 3 ? '' : ' '}`;
    });
    expect(new Set(spellings).size).toBe(32);
    const codes: number[] = [];
    for (const s of spellings)
      codes.push(
        (await app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers: { authorization: s }, payload }))
          .statusCode,
      );
    expect(codes.filter((c) => c === 200)).toHaveLength(4);
    expect(codes.filter((c) => c === 429)).toHaveLength(28);
  });
});
