// A socket.io client at the level of TCP bytes, for attacks a well-behaved client library cannot
// make: it completes the WebSocket and socket.io handshakes, then stops reading (the kernel's
// buffers fill and the server's unsent bytes grow) while it keeps writing pipelined packets.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A masked WebSocket text frame, as a client must send it (RFC 6455 §5.2). */
export function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x81, 0x80 | payload.length]);
  else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

export interface RawSocketIo {
  /** Writes socket.io packets (e.g. `421["subscribe",{…}]`) as frames, all in one write. */
  send(packets: string[]): void;
  /** Stops reading: nothing more is taken from the kernel, so the server's writes back up. */
  stopReading(): void;
  readonly socket: net.Socket;
  destroy(): void;
}

/**
 * Connects to a socket.io server over a raw WebSocket and completes the socket.io connect
 * (`40` → `40{"sid":…}`); `headers` go into the upgrade request (Origin, Cookie …).
 */
export function connectRaw(
  port: number,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RawSocketIo> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    let upgraded = false;
    const timer = setTimeout(
      () => fail(new Error(`no socket.io connect within ${timeoutMs} ms: ${buf.slice(0, 200)}`)),
      timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.on('error', fail);
    socket.on('connect', () => {
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!upgraded) {
        if (!buf.includes('\r\n\r\n')) return;
        if (!buf.startsWith('HTTP/1.1 101')) return fail(new Error(`upgrade refused: ${buf.split('\r\n')[0]}`));
        if (!buf.includes('0{"sid"')) return;
        upgraded = true;
        socket.write(wsFrame('40'));
        return;
      }
      if (!buf.includes('40{"sid"')) return;
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.on('error', () => undefined);
      resolve({
        socket,
        send: (packets) => socket.write(Buffer.concat(packets.map(wsFrame))),
        stopReading: () => {
          socket.removeAllListeners('data');
          socket.pause();
        },
        destroy: () => socket.destroy(),
      });
    });
  });
}
