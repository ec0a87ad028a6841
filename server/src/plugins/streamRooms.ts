import { deflateRawSync } from 'node:zlib';
import { regionRoom, type PackedSnapshot, type RegionSnapshot, type WireSnapshot } from '@zhihui/shared';
import type { Outgoing, RegionStreams } from '../live/streams.js';
import type { ZhihuiServer, ZhihuiSocket } from './stream.js';

/** Packets queued in engine.io for one socket beyond which it stops receiving deltas. */
export const MAX_PENDING_PACKETS = 16;
/** How long a built snapshot is reused for repeat subscribes while its seq is current. */
const SNAPSHOT_REUSE_MS = 1000;

/** A snapshot built for a region at a seq, and its packed form once a socket asked for it. */
interface Built {
  seq: number;
  at: number;
  snapshot: RegionSnapshot;
  packed?: PackedSnapshot;
}

/**
 * The snapshot in the form the socket asked for (SubscribeRequest.packed): packed at most once per
 * build, however many walls take it, where the WebSocket compression it replaces deflated it
 * again for every socket. The fastest level: the demo county's 198 KB → 47 KB in about 4 ms on
 * the benchmark machine (level 6: 42 KB in 11 ms), on the event loop but once.
 */
function wireFor(socket: ZhihuiSocket, b: Built): WireSnapshot {
  if (!socket.data.packed) return b.snapshot;
  return (b.packed ??= { packed: deflateRawSync(JSON.stringify(b.snapshot), { level: 1 }) });
}

/** Packets engine.io holds for this socket that the transport has not taken yet. */
function pendingPackets(socket: ZhihuiSocket): number {
  const conn = socket.conn as unknown as { writeBuffer?: unknown[] };
  return conn.writeBuffer?.length ?? 0;
}

/**
 * This process's region rooms: the region streams, the sockets watching each region (rooms hold
 * ids only; lag checks need the sockets) and the last snapshot built per region. The flush,
 * subscribe and leave paths all change this state, so it has one owner.
 */
export class WallRooms {
  /** Set once the live engine is ready (the plugin's onReady). */
  streams: RegionStreams | null = null;
  private readonly members = new Map<string, Set<ZhihuiSocket>>();
  /** The last snapshot built per region, reused for repeat subscribes while its seq is current. */
  private readonly built = new Map<string, Built>();

  constructor(private readonly io: ZhihuiServer) {}

  /** One outgoing delta or snapshot to its room, skipping the sockets that lag behind. */
  send(o: Outgoing): void {
    const room = regionRoom(o.code);
    const set = this.members.get(o.code);
    const skip: string[] = [];
    if (set) {
      for (const s of set) {
        if (s.data.lagging || pendingPackets(s) > MAX_PENDING_PACKETS) {
          s.data.lagging = true;
          skip.push(s.id);
        }
      }
    }
    if (o.kind === 'delta') {
      const target = skip.length > 0 ? this.io.local.to(room).except(skip) : this.io.local.to(room);
      target.emit('delta', o.delta);
      return;
    }
    // A snapshot goes to each socket in the form it asked for (the lagging ones, marked above, get
    // theirs once they drain).
    const b: Built = { seq: o.snapshot.seq, at: Date.now(), snapshot: o.snapshot };
    this.built.set(o.code, b);
    for (const s of set ?? []) if (!s.data.lagging) s.emit('snapshot', wireFor(s, b));
  }

  #builtOf(code: string): Built {
    const seq = this.streams!.seq(code);
    const c = this.built.get(code);
    if (c && c.seq === seq && Date.now() - c.at < SNAPSHOT_REUSE_MS) return c;
    const b: Built = { seq, at: Date.now(), snapshot: this.streams!.snapshot(code) };
    this.built.set(code, b);
    return b;
  }

  /** Sends what is pending; true when any region had something to send. */
  flush(): boolean {
    if (!this.streams) return false;
    const out = this.streams.flush();
    for (const o of out) this.send(o);
    // Sockets that drained get the current state (the flush above left nothing pending).
    for (const [code, set] of this.members) {
      let b: Built | null = null;
      for (const s of set) {
        if (!s.data.lagging || pendingPackets(s) > 0) continue;
        s.data.lagging = false;
        b ??= this.#builtOf(code);
        s.emit('snapshot', wireFor(s, b));
      }
    }
    return out.length > 0;
  }

  /** Puts the socket in the region's room and returns the snapshot to answer with (the caller checked it may). */
  join(socket: ZhihuiSocket, code: string): WireSnapshot {
    const streams = this.streams!;
    const regions = (socket.data.regions ??= new Set());
    const first = streams.watch(code);
    if (first) this.built.set(code, { seq: first.seq, at: Date.now(), snapshot: first });
    // Current subscribers get what is pending first, so the snapshot is exactly the state at its seq.
    const pending = streams.flushRegion(code);
    if (pending) this.send(pending);
    const snapshot = wireFor(socket, this.#builtOf(code));
    void socket.join(regionRoom(code));
    regions.add(code);
    socket.data.lagging = false;
    let set = this.members.get(code);
    if (!set) this.members.set(code, (set = new Set()));
    set.add(socket);
    return snapshot;
  }

  leave(socket: ZhihuiSocket, code: string): void {
    socket.data.regions?.delete(code);
    void socket.leave(regionRoom(code));
    const set = this.members.get(code);
    set?.delete(socket);
    if (set && set.size === 0) {
      this.members.delete(code);
      this.built.delete(code);
      this.streams?.unwatch(code);
    }
  }
}
