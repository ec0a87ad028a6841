import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { SendBudget, TokenBucket, type EngineConn } from './socketGuards.js';

/** An engine.io connection as the budget sees it: packets created, flushed to a transport that may not drain. */
class FakeConn extends EventEmitter {
  transport = { socket: { bufferedAmount: 0 } };
  packet(bytes: number) {
    this.emit('packetCreate', { data: 'x'.repeat(bytes) });
  }
  /** The transport takes the write buffer; a client that does not read leaves it in bufferedAmount. */
  flush(unread: boolean) {
    this.emit('flush');
    if (!unread) this.transport.socket.bufferedAmount = 0;
  }
}
const asConn = (c: FakeConn) => c as unknown as EngineConn;

describe('SendBudget', () => {
  test('a socket past its own bound is reported once; flushed bytes still count while the transport holds them', () => {
    const over: number[] = [];
    const b = new SendBudget({ perSocket: 1000, total: 1e9, onOver: (_c, u) => over.push(u) });
    const c = new FakeConn();
    b.watch(asConn(c));
    c.packet(600);
    c.flush(true);
    c.transport.socket.bufferedAmount = 600;
    expect(b.unsent(asConn(c))).toBe(600);
    c.packet(300);
    expect(over).toEqual([]);
    c.packet(200);
    expect(over).toEqual([1100]);
    c.packet(5000);
    expect(over).toHaveLength(1);
  });

  test('a reader that keeps up never passes the bound, however much it receives', () => {
    let over = 0;
    const b = new SendBudget({ perSocket: 1000, total: 1e9, onOver: () => over++ });
    const c = new FakeConn();
    b.watch(asConn(c));
    for (let i = 0; i < 1000; i++) {
      c.packet(900);
      c.flush(false);
    }
    expect(over).toBe(0);
    expect(b.total).toBe(0);
  });

  test('past the total: the socket whose packet passed it is dropped, new snapshots wait, and the sweep drops the largest queues until half is left', () => {
    const dropped = new Set<EngineConn>();
    const b = new SendBudget({ perSocket: 10_000, total: 10_000, pressure: 100, onOver: (c) => dropped.add(c) });
    const conns = [4000, 3000, 2500, 2000, 50].map((n) => {
      const c = new FakeConn();
      b.watch(asConn(c));
      c.packet(n);
      return { c, get dropped() { return dropped.has(asConn(c)); } };
    });
    // The fourth packet took the total past the bound, and its socket held more than the pressure bound.
    expect(conns.map((x) => x.dropped)).toEqual([false, false, false, true, false]);
    expect(b.overloaded()).toBe(true);
    expect(b.sweep()).toBe(2);
    expect(conns.map((x) => x.dropped)).toEqual([true, true, false, true, false]);
    // Closed connections leave the count.
    for (const x of conns) x.c.emit('close');
    expect(b.total).toBe(11_550); // the sweep's count stands until the next one
    b.sweep();
    expect(b.total).toBe(0);
    expect(b.overloaded()).toBe(false);
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
