/**
 * Bounds on what one socket may cost the server, whatever its client sends or fails to read:
 * the bytes waiting to leave for it (engine.io's write buffer plus what its WebSocket has not
 * handed to the kernel), its snapshot subscribes and its events. Nothing is kept per idle
 * connection: unsent bytes are counted when a snapshot is asked for and by a sweep every
 * second, which is enough because what a socket can make the server queue in a second is
 * itself bounded (a few snapshots by the subscribe bucket, small acks by the event bucket, at
 * most MAX_PENDING_PACKETS deltas before it counts as lagging).
 */

/** Unsent bytes past which one socket is cut: a few snapshots. */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/** Unsent bytes of all sockets together past which the largest queues are cut, until half is left. */
export const MAX_UNSENT_TOTAL = 64 * 1024 * 1024;
/** Snapshot subscribes per socket: a burst, then one per interval (a wall subscribes once, and again after a gap). */
const SNAPSHOT_BURST = 4;
const SNAPSHOT_EVERY_MS = 2000;
/** Rate-limited subscribes in a row after which a socket is cut: no wall retries that fast. */
const MAX_REFUSED_IN_ROW = 20;
/** Events of any kind per socket: a burst, then this many per second; past it the socket is cut. */
const EVENT_BURST = 1000;
const EVENTS_PER_SEC = 200;

/** The parts of an engine.io connection (engine.io 6) the guards read or close. */
export interface EngineConn {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: unknown; terminate?: unknown } };
  close(discard?: boolean): unknown;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string'
    ? data.length
    : data instanceof Uint8Array
      ? data.byteLength
      : data instanceof ArrayBuffer
        ? data.byteLength
        : 0;

/** Bytes waiting to leave for a connection: its write buffer, and what its WebSocket has not handed to the kernel (0 for polling). */
export function unsentBytes(conn: EngineConn): number {
  let n = 0;
  for (const p of conn.writeBuffer ?? []) n += sizeOf(p.data);
  const b = conn.transport?.socket?.bufferedAmount;
  return n + (typeof b === 'number' ? b : 0);
}

/**
 * Ends a connection now, discarding what it has not sent. A polite close would queue behind the
 * unsent bytes of a client that does not read, and keep them in memory for as long.
 */
export function forceClose(conn: EngineConn): void {
  const ws = conn.transport?.socket;
  if (ws && typeof ws.terminate === 'function') (ws.terminate as () => void).call(ws);
  conn.close(true);
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
 * Everything that bounds one socket, and cutting it when it passes a bound. The stream plugin
 * calls `event` in its event handlers, `admitSnapshot` before building a subscribe's snapshot,
 * `answered` with what it answers, and `sweep` every second.
 */
export class SocketGuards {
  readonly #limits = new WeakMap<GuardedSocket, Limits>();
  readonly #onCut: (socket: GuardedSocket, why: string, detail: Record<string, number>) => void;
  readonly #tooMany: string;
  readonly #perSocket: number;
  readonly #total: number;
  #swept = 0;

  constructor(opts: {
    tooManyCode: string;
    onCut: (socket: GuardedSocket, why: string, detail: Record<string, number>) => void;
    perSocket?: number;
    total?: number;
  }) {
    this.#onCut = opts.onCut;
    this.#tooMany = opts.tooManyCode;
    this.#perSocket = opts.perSocket ?? MAX_UNSENT_BYTES;
    this.#total = opts.total ?? MAX_UNSENT_TOTAL;
  }

  /** Unsent bytes of all sockets after the last sweep. */
  get total(): number {
    return this.#swept;
  }

  #limitsOf(socket: GuardedSocket): Limits {
    let l = this.#limits.get(socket);
    if (!l)
      this.#limits.set(
        socket,
        (l = {
          snapshots: new TokenBucket(SNAPSHOT_BURST, SNAPSHOT_EVERY_MS),
          events: new TokenBucket(EVENT_BURST, 1000 / EVENTS_PER_SEC),
          refusedInRow: 0,
        }),
      );
    return l;
  }

  /** Counts one event of the socket; false when it sends far more than any wall (it has been cut: ignore the event). */
  event(socket: GuardedSocket): boolean {
    if (this.#limitsOf(socket).events.take()) return true;
    this.cut(socket, 'too many events', {});
    return false;
  }

  /**
   * Why a snapshot must wait (this socket asks too often), or null: go ahead. 'cut': the socket
   * already holds more than its bound unread, and has been cut.
   */
  admitSnapshot(socket: GuardedSocket): Refusal | 'cut' | null {
    const unsent = unsentBytes(socket.conn as EngineConn);
    if (unsent > this.#perSocket) {
      this.cut(socket, 'its client does not read what it asked for', { unsent });
      return 'cut';
    }
    const s = this.#limitsOf(socket).snapshots;
    return s.take()
      ? null
      : { code: this.#tooMany, message: `too many subscribes on this connection; retry in ${s.waitSec()} s` };
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

  /**
   * Counts every socket's unsent bytes; cuts those past their bound and, while all together hold
   * more than the total, the largest until half of it is left. O(sockets): run it every second.
   */
  sweep(sockets: Iterable<GuardedSocket>): number {
    let total = 0;
    const queued: [number, GuardedSocket][] = [];
    for (const s of sockets) {
      const u = unsentBytes(s.conn as EngineConn);
      if (u === 0) continue;
      total += u;
      queued.push([u, s]);
    }
    queued.sort((a, b) => b[0] - a[0]);
    const shedding = total > this.#total;
    let cut = 0;
    // Largest first: past its own bound a socket goes; while shedding, the largest go until half is left.
    for (const [u, s] of queued) {
      if (u <= this.#perSocket && !(shedding && total > this.#total / 2)) break;
      this.cut(
        s,
        u > this.#perSocket
          ? 'its client does not read what it asked for'
          : 'all sockets together hold too much unsent data',
        { unsent: u },
      );
      total -= u;
      cut++;
    }
    this.#swept = total;
    return cut;
  }

  /** Ends a socket now, dropping what it has not sent (a polite close would wait for a client that does not read). */
  cut(socket: GuardedSocket, why: string, detail: Record<string, number>): void {
    this.#onCut(socket, why, detail);
    forceClose(socket.conn as EngineConn);
    socket.disconnect(true);
  }
}
