/**
 * Bounds on what one socket may cost the server, whatever its client sends or fails to read.
 *
 * - SendBudget counts the bytes waiting to leave for each socket (engine.io's write buffer plus
 *   what the WebSocket has not handed to the kernel yet) and calls `onOver` for a socket past
 *   its bound, or past a smaller bound while all sockets together hold too much.
 * - TokenBucket rate-limits an action per socket (subscribes that build a snapshot, events).
 */

/** Unsent bytes past which one socket is dropped: a few snapshots. */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/** Unsent bytes of all sockets together past which the server sheds the largest queues. */
export const MAX_UNSENT_TOTAL = 64 * 1024 * 1024;
/** While over the total, a socket holding more than this is dropped at its next packet. */
export const PRESSURE_UNSENT_BYTES = 256 * 1024;

/** The parts of an engine.io connection the budget reads (engine.io 6). */
export interface EngineConn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: unknown } };
  on(event: 'packetCreate', cb: (packet: { data?: unknown }) => void): unknown;
  on(event: 'flush' | 'close', cb: () => void): unknown;
}

const sizeOf = (data: unknown): number => (typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : data instanceof ArrayBuffer ? data.byteLength : 0);

/** Bytes a WebSocket transport holds that the kernel has not taken (0 for polling). */
function transportBuffered(conn: EngineConn): number {
  const b = conn.transport?.socket?.bufferedAmount;
  return typeof b === 'number' ? b : 0;
}

/** What the budget keeps per connection; found from engine.io's `this` by handlers shared by every connection. */
interface Watched {
  budget: SendBudget;
  queued: number;
  fired: boolean;
}
const watchedOf = new WeakMap<EngineConn, Watched>();

export class SendBudget {
  readonly #perSocket: number;
  readonly #total: number;
  readonly #pressure: number;
  readonly #onOver: (conn: EngineConn, unsent: number) => void;
  /** Bytes in engine.io write buffers, every watched connection. */
  #queuedTotal = 0;
  /** Unsent bytes of every connection at the last sweep (write buffers and transports). */
  #sweptTotal = 0;
  readonly #watched = new Set<EngineConn>();

  /** `onOver` runs once for a connection past its bound (or among the largest while all hold too much). */
  constructor(opts: { onOver: (conn: EngineConn, unsent: number) => void; perSocket?: number; total?: number; pressure?: number }) {
    this.#onOver = opts.onOver;
    this.#perSocket = opts.perSocket ?? MAX_UNSENT_BYTES;
    this.#total = opts.total ?? MAX_UNSENT_TOTAL;
    this.#pressure = opts.pressure ?? PRESSURE_UNSENT_BYTES;
  }

  /** Bytes waiting to leave for this connection. */
  unsent(conn: EngineConn): number {
    return (watchedOf.get(conn)?.queued ?? 0) + transportBuffered(conn);
  }

  /** Unsent bytes of all sockets: what the write buffers hold now, or the last sweep's full count if larger. */
  get total(): number {
    return Math.max(this.#queuedTotal, this.#sweptTotal);
  }

  /** True while all sockets together hold more than the total bound: new snapshots wait. */
  overloaded(): boolean {
    return this.total > this.#total;
  }

  /** Follows a connection's packets. The handlers are shared by every connection: an idle wall costs one small record. */
  watch(conn: EngineConn): void {
    watchedOf.set(conn, { budget: this, queued: 0, fired: false });
    this.#watched.add(conn);
    conn.on('packetCreate', SendBudget.#onPacket);
    conn.on('flush', SendBudget.#onFlush);
    conn.on('close', SendBudget.#onClose);
  }

  static #onPacket(this: EngineConn, packet: { data?: unknown }): void {
    const w = watchedOf.get(this);
    if (!w) return;
    const b = w.budget;
    const n = sizeOf(packet.data);
    w.queued += n;
    b.#queuedTotal += n;
    const unsent = w.queued + transportBuffered(this);
    if (unsent > b.#perSocket || (b.overloaded() && unsent > b.#pressure)) b.#over(this, w, unsent);
  }

  static #onFlush(this: EngineConn): void {
    const w = watchedOf.get(this);
    if (!w) return;
    w.budget.#queuedTotal -= w.queued;
    w.queued = 0;
  }

  static #onClose(this: EngineConn): void {
    const w = watchedOf.get(this);
    if (!w) return;
    w.budget.#queuedTotal -= w.queued;
    w.queued = 0;
    w.budget.#watched.delete(this);
    watchedOf.delete(this);
  }

  #over(conn: EngineConn, w: Watched, unsent: number): void {
    if (w.fired) return;
    w.fired = true;
    this.#onOver(conn, unsent);
  }

  /**
   * Counts every connection's unsent bytes (write buffer and transport); past the total bound,
   * drops the largest queues until half of it is left. Run it every second or so: it is O(sockets).
   */
  sweep(): number {
    let total = 0;
    const big: [number, EngineConn][] = [];
    for (const conn of this.#watched) {
      const u = this.unsent(conn);
      total += u;
      if (u > this.#pressure) big.push([u, conn]);
    }
    this.#sweptTotal = total;
    if (total <= this.#total) return 0;
    big.sort((a, b) => b[0] - a[0]);
    let dropped = 0;
    for (const [u, conn] of big) {
      if (total <= this.#total / 2) break;
      const w = watchedOf.get(conn);
      if (!w || w.fired) continue;
      this.#over(conn, w, u);
      total -= u;
      dropped++;
    }
    return dropped;
  }
}

/** A token bucket: `capacity` at once, refilled at one token per `everyMs`. */
export class TokenBucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly capacity: number,
    readonly everyMs: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = capacity;
    this.#at = now();
  }

  /** Takes a token; false when none is left. */
  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + (t - this.#at) / this.everyMs);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Seconds until the next token. */
  waitSec(): number {
    return Math.max(1, Math.ceil(((1 - this.#tokens) * this.everyMs) / 1000));
  }
}

/**
 * Ends a connection now, discarding what it has not sent. A polite close would queue behind the
 * unsent bytes of a client that does not read, and keep them in memory for as long.
 */
export function forceClose(conn: { transport?: { socket?: { terminate?: unknown } }; close(discard?: boolean): unknown }): void {
  const ws = conn.transport?.socket;
  if (ws && typeof ws.terminate === 'function') (ws.terminate as () => void).call(ws);
  conn.close(true);
}

/** Snapshot subscribes per socket: a burst, then one per interval (a wall subscribes once, and again after a gap). */
const SNAPSHOT_BURST = 6;
const SNAPSHOT_EVERY_MS = 2000;
/** Rate-limited subscribes in a row after which a socket is cut: no wall retries that fast. */
const MAX_REFUSED_IN_ROW = 20;
/** Events of any kind per socket: a burst, then this many per second; past it the socket is cut. */
const EVENT_BURST = 1000;
const EVENTS_PER_SEC = 200;

/** A socket.io socket as the guards need it. */
export interface GuardedSocket {
  readonly id: string;
  readonly conn: unknown;
  disconnect(close?: boolean): unknown;
}

/** Why a socket may not have a snapshot now. */
export interface Refusal {
  code: string;
  message: string;
}

/** Per socket, made on its first event (an idle connection has none). */
interface Limits {
  snapshots: TokenBucket;
  events: TokenBucket;
  refusedInRow: number;
}

/**
 * Everything that bounds one socket: its unsent bytes (SendBudget), its snapshot subscribes and
 * its events (token buckets), and cutting it when it passes them. The stream plugin calls
 * `attach` on every connection, `event` in its event handlers, and `admitSnapshot` before
 * building a subscribe's snapshot.
 */
export class SocketGuards {
  readonly budget: SendBudget;
  readonly #limits = new WeakMap<GuardedSocket, Limits>();
  readonly #socketOf = new WeakMap<EngineConn, GuardedSocket>();
  readonly #onCut: (socket: GuardedSocket, why: string, detail: Record<string, number>) => void;
  readonly #tooMany: string;

  constructor(opts: { tooManyCode: string; onCut: (socket: GuardedSocket, why: string, detail: Record<string, number>) => void; perSocket?: number; total?: number }) {
    this.#onCut = opts.onCut;
    this.#tooMany = opts.tooManyCode;
    this.budget = new SendBudget({
      perSocket: opts.perSocket,
      total: opts.total,
      onOver: (conn, unsent) => {
        const socket = this.#socketOf.get(conn);
        // Not from inside engine.io's packet handling: the connection is mid-write.
        if (socket) setImmediate(() => this.cut(socket, 'its client does not read what it asked for', { unsent }));
      },
    });
  }

  /** Follows a new socket's unsent bytes: cut past its bound. */
  attach(socket: GuardedSocket): void {
    this.#socketOf.set(socket.conn as EngineConn, socket);
    this.budget.watch(socket.conn as EngineConn);
  }

  #limitsOf(socket: GuardedSocket): Limits {
    let l = this.#limits.get(socket);
    if (!l) this.#limits.set(socket, (l = { snapshots: new TokenBucket(SNAPSHOT_BURST, SNAPSHOT_EVERY_MS), events: new TokenBucket(EVENT_BURST, 1000 / EVENTS_PER_SEC), refusedInRow: 0 }));
    return l;
  }

  /** Counts one event of the socket; false when it sends far more than any wall (it has been cut: ignore the event). */
  event(socket: GuardedSocket): boolean {
    if (this.#limitsOf(socket).events.take()) return true;
    this.cut(socket, 'too many events', {});
    return false;
  }

  /** Why a snapshot must wait (all sockets hold too much, or this one asks too often), or null: go ahead. */
  admitSnapshot(socket: GuardedSocket): Refusal | null {
    if (this.budget.overloaded()) return { code: this.#tooMany, message: 'the server is busy sending; retry in a few seconds' };
    const s = this.#limitsOf(socket).snapshots;
    return s.take() ? null : { code: this.#tooMany, message: `too many subscribes on this connection; retry in ${s.waitSec()} s` };
  }

  /** Counts the answer to a subscribe: true when the socket kept asking too fast and has been cut (send it nothing). */
  answered(socket: GuardedSocket, refusal: Refusal | null): boolean {
    const s = this.#limitsOf(socket);
    // Only a snapshot given resets the count: other refusals in between do not hide a flood.
    if (refusal === null) s.refusedInRow = 0;
    else if (refusal.code === this.#tooMany) s.refusedInRow++;
    if (s.refusedInRow <= MAX_REFUSED_IN_ROW) return false;
    this.cut(socket, 'subscribes far faster than any wall', { refused: s.refusedInRow });
    return true;
  }

  /** Ends a socket now, dropping what it has not sent (a polite close would wait for a client that does not read). */
  cut(socket: GuardedSocket, why: string, detail: Record<string, number>): void {
    this.#onCut(socket, why, detail);
    forceClose(socket.conn as Parameters<typeof forceClose>[0]);
    socket.disconnect(true);
  }
}
