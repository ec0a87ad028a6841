import { describe, expect, test } from 'vitest';
import { SocketGuards, TokenBucket, unsentBytes, type EngineConn, type GuardedSocket } from './socketGuards.js';

/** A socket over an engine.io connection, as the guards see it: a write buffer and a transport that may not drain. */
function fakeSocket(id: string, queued: number[] = [], transport = 0) {
  const conn = {
    writeBuffer: queued.map((n) => ({ data: 'x'.repeat(n) })),
    transport: {
      socket: {
        bufferedAmount: transport,
        terminated: false,
        terminate() {
          this.terminated = true;
        },
      },
    },
    closed: false,
    close() {
      this.closed = true;
    },
  };
  const s = {
    id,
    conn,
    disconnected: false,
    disconnect() {
      this.disconnected = true;
    },
  };
  return s;
}
const guards = (opts: { perSocket?: number; total?: number } = {}) => {
  const cut: string[] = [];
  const g = new SocketGuards({ tooManyCode: 'RATE_LIMITED', onCut: (s) => cut.push(s.id), ...opts });
  return { g, cut };
};

describe('SocketGuards', () => {
  test('unsent bytes are the write buffer plus what the WebSocket holds', () => {
    expect(unsentBytes(fakeSocket('a', [100, 50], 1000).conn as unknown as EngineConn)).toBe(1150);
  });

  test('a socket already holding more than its bound gets no snapshot: it is cut, the connection terminated', () => {
    const { g, cut } = guards({ perSocket: 1000 });
    const s = fakeSocket('a', [600], 600);
    expect(g.admitSnapshot(s)).toBe('cut');
    expect(cut).toEqual(['a']);
    expect(s.conn.transport.socket.terminated).toBe(true);
    expect(s.conn.closed).toBe(true);
    expect(s.disconnected).toBe(true);
    expect(g.admitSnapshot(fakeSocket('b', [600]))).toBeNull();
  });

  test('snapshots: a burst of four, then refusals; twenty refusals in a row cut the socket; a snapshot given resets the count', () => {
    const { g, cut } = guards();
    const s = fakeSocket('a');
    const answers = Array.from({ length: 6 }, () => g.admitSnapshot(s));
    expect(answers.slice(0, 4)).toEqual([null, null, null, null]);
    expect(answers[4]).toMatchObject({ code: 'RATE_LIMITED' });
    for (let i = 0; i < 20; i++) expect(g.answered(s, { code: 'RATE_LIMITED', message: '' })).toBe(false);
    expect(g.answered(s, { code: 'FORBIDDEN', message: '' })).toBe(false);
    expect(g.answered(s, { code: 'RATE_LIMITED', message: '' })).toBe(true);
    expect(cut).toEqual(['a']);
    const t = fakeSocket('b');
    for (let i = 0; i < 20; i++) g.answered(t, { code: 'RATE_LIMITED', message: '' });
    g.answered(t, null);
    expect(g.answered(t, { code: 'RATE_LIMITED', message: '' })).toBe(false);
  });

  test('events past the burst cut the socket', () => {
    const { g, cut } = guards();
    const s = fakeSocket('a');
    let ok = 0;
    while (g.event(s)) ok++;
    expect(ok).toBeGreaterThanOrEqual(1000);
    expect(ok).toBeLessThan(1100);
    expect(cut).toEqual(['a']);
  });

  test('the sweep cuts sockets past their bound, and while all together hold too much the largest until half is left', () => {
    const { g, cut } = guards({ perSocket: 5000, total: 10_000 });
    const sockets = [
      fakeSocket('big', [6000]),
      fakeSocket('a', [4000]),
      fakeSocket('b', [3000], 500),
      fakeSocket('c', [2500]),
      fakeSocket('idle'),
      fakeSocket('d', [50]),
    ];
    expect(g.sweep(sockets as GuardedSocket[])).toBe(3);
    expect(cut).toEqual(['big', 'a', 'b']);
    expect(g.total).toBe(2550);
    // Within the total, nobody is cut for the others' sake.
    const { g: g2, cut: cut2 } = guards({ perSocket: 1e9, total: 100 });
    expect(g2.sweep([fakeSocket('x', [60]), fakeSocket('y', [30])] as GuardedSocket[])).toBe(0);
    expect(cut2).toEqual([]);
    expect(g2.total).toBe(90);
  });
});

describe('TokenBucket', () => {
  test('a burst, then one per interval', () => {
    let now = 0;
    const t = new TokenBucket(3, 1000, () => now);
    expect([t.take(), t.take(), t.take(), t.take()]).toEqual([true, true, true, false]);
    expect(t.waitSec()).toBe(1);
    now += 999;
    expect(t.take()).toBe(false);
    now += 1;
    expect(t.take()).toBe(true);
  });
});
