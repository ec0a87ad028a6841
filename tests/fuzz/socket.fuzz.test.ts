// Generated junk at the socket: subscribe/unsubscribe with any payload, with and without an
// ack, unknown events, and raw malformed socket.io frames. The server never crashes, acks
// with the error shape, keeps serving others, and nothing stored changes.
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSocket, startServer, subscribe, type TestServer, type WallSocket } from '../stream/helpers.js';
import { prototypeClean, storeDigest } from './digest.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const payload = fc.oneof(
  fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: false }),
  fc.record({
    region: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.constantFrom('130111', '130111100', '__proto__', '1'.repeat(12), ''),
    ),
  }),
  fc.constantFrom(
    { region: '130111', extra: { __proto__: { polluted: 1 } } },
    JSON.parse('{"__proto__":{"polluted":1},"region":"130111"}'),
    { region: { toString: 'x' } },
  ),
);

describe('socket fuzz', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await startServer({ rateLimitAuthFailures: 0 });
    dataDir = server.app.config.dataDir;
  });
  afterAll(() => server.close());

  test(`${RUNS} generated emits: acks carry ok or the error shape; the server keeps serving; nothing stored changes`, async () => {
    const before = await storeDigest(server.app, dataDir);
    let socket: WallSocket = await openSocket(server.url);
    let disconnects = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'subscribe',
          'subscribe',
          'unsubscribe',
          'delta',
          'snapshot',
          'nonsense',
          '__proto__',
          'constructor',
          'hasOwnProperty',
        ),
        payload,
        fc.boolean(),
        async (event, data, withAck) => {
          if (!socket.connected) {
            disconnects++;
            socket.close();
            socket = await openSocket(server.url);
          }
          const emit = socket.emit.bind(socket) as (ev: string, ...args: unknown[]) => void;
          if (!withAck || !['subscribe', 'unsubscribe'].includes(event)) {
            emit(event, data);
            return;
          }
          const ack = await new Promise<unknown>((resolve) => {
            const t = setTimeout(() => resolve('no ack'), 5000);
            emit(event, data, (res: unknown) => {
              clearTimeout(t);
              resolve(res);
            });
          });
          expect(ack).not.toBe('no ack');
          const a = ack as { ok: boolean; error?: { code: unknown; message: unknown } };
          expect(typeof a.ok).toBe('boolean');
          if (!a.ok) {
            expect(typeof a.error?.code).toBe('string');
            expect(typeof a.error?.message).toBe('string');
            expect(a.error?.code).not.toBe('INTERNAL');
          }
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 7) },
    );
    socket.close();
    console.log(`[socket fuzz] ${RUNS} emits, ${disconnects} reconnects`);

    // Missing ack on subscribe, then a real subscribe on the same socket still works.
    const s = await openSocket(server.url);
    (s.emit as (ev: string, ...a: unknown[]) => void)('subscribe', { region: '130111' });
    const ok = await subscribe(s, { region: '130111' });
    expect(ok.ok).toBe(true);
    s.close();

    expect(await storeDigest(server.app, dataDir)).toBe(before);
    expect(prototypeClean()).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test('raw malformed socket.io frames close at most that connection', async () => {
    const frames = [
      '4',
      '42',
      '42[',
      '42["subscribe"',
      '42["subscribe",{"__proto__":{"polluted":1},"region":"130111"},]',
      '421["subscribe",{"region":"130111"}]',
      '42999999999999999999999["subscribe",{"region":"130111"}]',
      '43["subscribe"]',
      '45-["subscribe",{"_placeholder":true,"num":99}]',
      '451-["subscribe",{"_placeholder":true,"num":0}]',
      '4' + '['.repeat(10_000),
      '42/other,["subscribe",{"region":"130111"}]',
      '9',
      '',
      Buffer.from([0xff, 0x00, 0x42]),
    ];
    for (const f of frames) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
      ws.send('40');
      ws.send(f);
      await new Promise((r) => setTimeout(r, 30));
      ws.terminate();
    }
    const s = await openSocket(server.url);
    const ok = await subscribe(s, { region: '130111' });
    expect(ok.ok).toBe(true);
    s.close();
    expect(prototypeClean()).toBe(true);
  });
});
