import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import { WebSocketServer, type ServerOptions as WsOptions } from 'ws';
import {
  ErrorCode,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type Ack,
  type FieldError,
  checker,
  type ClientToServerEvents,
  type InterServerEvents,
  type WireSnapshot,
  type ServerToClientEvents,
} from '@zhihui/shared';
import { attachSocketAdapter } from '../scaleout/socketAdapter.js';
import { RegionStreams } from '../live/streams.js';
import { FlushPacer } from '../live/flushPacer.js';
import { SocketGuards, type Refusal } from '../live/socketGuards.js';
import type { Principal } from '../domain/credentials.js';
import { originAllowed } from '../domain/origin.js';
import { reaches } from '../domain/reach.js';
import { handshakeOrigin } from './socketAuth.js';
import { WallRooms } from './streamRooms.js';

/** Per-socket state. */
export interface SocketData {
  /** Regions this socket watches (created on the first subscribe). */
  regions?: Set<string>;
  /** Set while the socket's write buffer is over the limit: deltas are skipped, a snapshot follows. */
  lagging?: boolean;
  /** Who the socket authenticated as (socketAuth); null when it connected while walls were open. Its region bounds `subscribe`. */
  principal?: Principal | null;
  /** Its snapshots go packed (SubscribeRequest.packed), as its last subscribe asked. */
  packed?: boolean;
}

export type ZhihuiServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ZhihuiSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    io: ZhihuiServer;
  }
}

export { MAX_PENDING_PACKETS } from './streamRooms.js';
/** Regions one socket may watch at once (a wall watches one; a meeting screen a few). */
const MAX_REGIONS_PER_SOCKET = 8;

const checkSubscribe = checker(SubscribeRequestSchema);
const checkUnsubscribe = checker(UnsubscribeRequestSchema);

/** The ack of a payload that fails its schema, naming the first field at fault. */
function invalid(
  errors: readonly FieldError[],
  event: string,
): { ok: false; error: { code: string; message: string } } {
  const e = errors[0];
  return {
    ok: false,
    error: { code: ErrorCode.validation, message: e ? `${e.field}: ${e.message}` : `invalid ${event} request` },
  };
}

/**
 * socket.io's WebSocket engine (ws), handing on one message per turn of the event loop: a
 * client that pipelines thousands of messages is served between everyone else's requests
 * instead of holding the loop until its burst is parsed, and a socket cut mid-burst leaves the
 * rest of its burst unread.
 */
class OneMessagePerTurn extends WebSocketServer {
  constructor(opts: WsOptions) {
    super({ ...opts, allowSynchronousEvents: false });
  }
}

/** The socket.io server on the HTTP server, with the transport settings every wall connection gets. */
function createIo(
  server: FastifyInstance['server'],
  corsOrigins: FastifyInstance['config']['corsOrigins'],
): ZhihuiServer {
  const io: ZhihuiServer = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // No WebSocket compression: snapshots are packed once per region for the sockets that ask
    // (streamRooms.ts), deltas are small, and a connection that negotiates permessage-deflate
    // costs about 0.8 KB more heap even while idle (README, Performance, round fourteen).
    perMessageDeflate: false,
    httpCompression: true,
    wsEngine: OneMessagePerTurn,
    // Another site's page must not ride a wall's cookie into the socket.
    allowRequest: (req, cb) => {
      const ok = originAllowed(req.headers.origin, req.headers.host, corsOrigins);
      cb(ok ? null : `origin ${req.headers.origin ?? ''} is not allowed (CORS_ORIGINS)`, ok);
    },
  });
  return io;
}

/** What the subscribe path needs: the app's identify, gate and regions, the rooms and the guards. */
interface SubscribeContext {
  app: FastifyInstance;
  rooms: WallRooms;
  guards: SocketGuards;
  originOf: ReturnType<typeof handshakeOrigin>;
}

/** Makes a subscribe's viewer token the socket's principal; false (answered, after the failed-auth delay) when it is not one. */
function adoptToken(
  c: SubscribeContext,
  socket: ZhihuiSocket,
  token: string,
  reply: (r: Ack<WireSnapshot>) => void,
): boolean {
  const p = c.app.identify.principal(token);
  if (p?.role === 'viewer') {
    socket.data.principal = p;
    return true;
  }
  void c.app.identify.failed({ ...c.originOf(socket.handshake), token }).then((retry) =>
    reply({
      ok: false,
      error:
        retry !== null
          ? {
              code: ErrorCode.tooMany,
              message: `too many failed authentications from this address; retry in ${retry} s`,
            }
          : { code: ErrorCode.unauthorized, message: 'the viewer token is not valid (unknown or revoked)' },
    }),
  );
  return false;
}

/** Why this socket may not have this region's snapshot now, or null. Region reach is decided by domain/reach.ts. */
function refusalOf(c: SubscribeContext, socket: ZhihuiSocket, code: string): Refusal | 'cut' | null {
  const { app } = c;
  const p = socket.data.principal ?? null;
  if (p === null && app.viewerGate.required())
    return { code: ErrorCode.unauthorized, message: 'this server needs a viewer token: reconnect with one' };
  if (!reaches(app.regions, p?.region ?? null, code))
    return {
      code: ErrorCode.forbidden,
      message: `region ${code} is outside this credential's region (${p?.region ?? ''})`,
    };
  if (!c.rooms.streams || !app.live.has(code))
    return { code: ErrorCode.unknownRegion, message: `region ${code} is not known` };
  const regions = socket.data.regions;
  if (regions && !regions.has(code) && regions.size >= MAX_REGIONS_PER_SOCKET)
    return { code: ErrorCode.tooMany, message: `at most ${MAX_REGIONS_PER_SOCKET} regions per connection` };
  return c.guards.admitSnapshot(socket);
}

/** Answers one subscribe: the region's snapshot and a place in its room, or why not. */
function subscribe(c: SubscribeContext, socket: ZhihuiSocket, req: unknown, ack: unknown): void {
  if (!c.guards.event(socket)) return;
  const reply = typeof ack === 'function' ? (ack as (r: Ack<WireSnapshot>) => void) : () => {};
  try {
    const checked = checkSubscribe(req);
    if (!checked.ok) {
      reply(invalid(checked.errors, 'subscribe'));
      return;
    }
    const { region: code, token, packed } = checked.value;
    // A subscribe may carry a viewer token: it authenticates the socket (a failure is answered after the throttle's delay).
    if (token !== undefined && !adoptToken(c, socket, token, reply)) return;
    const refused = refusalOf(c, socket, code);
    if (refused === 'cut') return;
    // A client that keeps asking faster than any wall would is cut rather than answered.
    if (c.guards.answered(socket, refused)) return;
    if (refused?.code === ErrorCode.unauthorized) {
      socket.disconnect(true);
      return;
    }
    if (refused) {
      reply({ ok: false, error: refused });
      return;
    }
    socket.data.packed = packed === true;
    reply({ ok: true, data: c.rooms.join(socket, code) });
  } catch (err) {
    c.app.log.error({ err }, 'subscribe failed');
    reply({ ok: false, error: { code: ErrorCode.internal, message: 'subscribe failed' } });
  }
}

/**
 * Once the live engine is ready: the region streams, the roll-ups paid for before listening, and
 * the timers of the longest flush window and of the guards' sweep. Returns what stops the timers.
 */
function startStreams(
  app: FastifyInstance,
  io: ZhihuiServer,
  rooms: WallRooms,
  pacer: FlushPacer,
  guards: SocketGuards,
) {
  rooms.streams = new RegionStreams(app.live.engine, () => pacer.notify());
  // The engine computes its roll-ups on first use, which for a whole tree takes a second or
  // more: pay for it here, before listening, rather than in the first wall's subscribe.
  for (const code of new Set([...app.regions.roots.map((r) => r.code), app.config.region]))
    if (app.live.has(code)) app.live.engine.snapshot(code, 0);
  app.live.onReload((engine) => {
    rooms.streams?.replaceEngine(engine);
    rooms.flush();
  });
  // The longest window, and the beat at which sockets that drained get their snapshot.
  const timer = setInterval(() => pacer.flushNow(), app.config.flushMs);
  timer.unref();
  const sweeper = setInterval(() => {
    guards.sweep(io.of('/').sockets.values());
  }, 1000);
  sweeper.unref();
  return () => {
    clearInterval(timer);
    clearInterval(sweeper);
  };
}

/**
 * socket.io on the Fastify server: `subscribe` answers with the region's snapshot and joins its
 * room; the changes of each watched region go out as one delta, at once after a quiet spell and
 * at most `flushMs` apart under load (live/flushPacer.ts). A subscribe is
 * checked against the socket's credential (its region, domain/reach.ts) and the socket's guards
 * (rate, unsent bytes: live/socketGuards.ts); a repeat reuses the snapshot while it is current.
 * The streams, the sockets per region and the snapshot cache have one owner, WallRooms
 * (streamRooms.ts).
 *
 * Scale-out: every process consumes every bus event (see scaleout/) and streams to its own
 * sockets with its own seq, so deltas go through `io.local`; the adapter carries only
 * cross-process broadcasts.
 */
export default fp(
  async (app) => {
    const io = createIo(app.server, app.config.corsOrigins);
    app.decorate('io', io);
    const closeAdapter = await attachSocketAdapter(io, app.config);
    const rooms = new WallRooms(io);
    let connected = 0;
    app.metrics.gauge('zhihui_sockets_connected', () => connected, 'socket.io connections');

    // What one socket may cost, whatever its client sends or fails to read (live/socketGuards.ts).
    const guards = new SocketGuards({
      tooManyCode: ErrorCode.tooMany,
      onCut: (socket, why, detail) => app.log.warn({ socket: socket.id, ...detail }, `socket cut: ${why}`),
    });
    app.metrics.gauge(
      'zhihui_socket_unsent_bytes',
      () => guards.total,
      'Bytes waiting to leave for sockets at the last count (write buffers and transports)',
    );
    // Changes go out at once after a quiet spell and coalesce only under load (live/flushPacer.ts).
    const pacer = new FlushPacer(
      () => {
        try {
          return rooms.flush();
        } catch (err) {
          app.log.error({ err }, 'stream flush failed');
          return false;
        }
      },
      { maxMs: app.config.flushMs },
    );
    const ctx: SubscribeContext = { app, rooms, guards, originOf: handshakeOrigin(app.config.trustProxy) };

    // One set of handlers for every socket (called with the socket as `this`): thousands of idle
    // walls should not cost three closures each.
    function onSubscribe(this: ZhihuiSocket, req: unknown, ack: unknown): void {
      subscribe(ctx, this, req, ack);
    }
    function onUnsubscribe(this: ZhihuiSocket, req: unknown, ack: unknown): void {
      if (!guards.event(this)) return;
      const reply = typeof ack === 'function' ? (ack as (r: Ack<null>) => void) : () => {};
      const checked = checkUnsubscribe(req);
      if (!checked.ok) {
        reply(invalid(checked.errors, 'unsubscribe'));
        return;
      }
      rooms.leave(this, checked.value.region);
      reply({ ok: true, data: null });
    }
    function onDisconnect(this: ZhihuiSocket): void {
      connected--;
      for (const code of [...(this.data.regions ?? [])]) rooms.leave(this, code);
    }
    io.on('connection', (socket: ZhihuiSocket) => {
      connected++;
      socket.on('subscribe', onSubscribe as never);
      socket.on('unsubscribe', onUnsubscribe as never);
      socket.on('disconnect', onDisconnect);
    });

    let stopTimers: (() => void) | null = null;
    app.addHook('onReady', async () => {
      stopTimers = startStreams(app, io, rooms, pacer, guards);
    });
    // Sockets keep the HTTP server open: disconnect them before Fastify closes it.
    app.addHook('preClose', async () => {
      stopTimers?.();
      pacer.stop();
      io.local.disconnectSockets(true);
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await closeAdapter();
    });
  },
  { name: 'stream', fastify: '5.x', dependencies: ['config', 'live', 'metrics', 'identify', 'viewerGate'] },
);
