/** What engine.io's WebSocket transport keeps that this module reads (ws's Sender, untyped there). */
interface WsTransport {
  name?: string;
  perMessageDeflate: unknown;
  socket?: { _sender?: { sendFrame?: unknown; _state?: unknown; _queue?: unknown[] } };
}
type PacketOptions = { options?: { wsPreEncodedFrame?: Buffer[] } };
/** engine.io's server and its connections, as far as this module needs them. */
interface Engine {
  on(event: 'connection', listener: (conn: EngineConn) => void): unknown;
}
interface EngineConn {
  transport: unknown;
  on(event: 'upgrade', listener: (transport: unknown) => void): unknown;
}

/** ws's Sender state when nothing is being compressed or read ahead of the next message. */
const SENDER_IDLE = 0;
const patched = new WeakSet<object>();

/**
 * A broadcast to a room (every delta) is encoded once by socket.io's adapter, which also builds its
 * WebSocket frame once; engine.io writes that ready-made frame to each socket only on connections
 * without permessage-deflate. The walls negotiate deflate (for snapshots), so every socket
 * encoded the delta again, copied it into a frame of its own and handed it to ws: most of a
 * flush's cost at 500 walls, apart from the writes themselves.
 *
 * A message below the deflate threshold goes uncompressed whatever is negotiated (ws does the
 * same, since the server keeps no compression context between messages), so its ready-made frame
 * is exactly what ws would send. It is used while the socket's sender is idle: with a snapshot
 * still being compressed ahead of it, the ordinary path queues behind it and keeps the order.
 *
 * The rule is set on the WebSocket transport's prototype when the first WebSocket connection (or
 * upgrade) shows it, so nothing here depends on engine.io's module layout.
 */
export function sendSmallFramesReady(engine: Engine, threshold: number): void {
  const adopt = (transport: unknown) => {
    const t = transport as WsTransport | null;
    if (t?.name !== 'websocket') return;
    const proto = Object.getPrototypeOf(t) as Record<string, unknown>;
    if (patched.has(proto) || typeof proto._canSendPreEncodedFrame !== 'function') return;
    patched.add(proto);
    proto._canSendPreEncodedFrame = function (this: WsTransport, packet: PacketOptions): boolean {
      const frame = packet.options?.wsPreEncodedFrame;
      const sender = this.socket?._sender;
      if (frame === undefined || typeof sender?.sendFrame !== 'function') return false;
      if (!this.perMessageDeflate) return true;
      const payload = frame[frame.length - 1]!.length;
      return sender._state === SENDER_IDLE && sender._queue?.length === 0 && payload < threshold;
    };
  };
  engine.on('connection', (conn) => {
    adopt(conn.transport);
    conn.on('upgrade', adopt);
  });
}
