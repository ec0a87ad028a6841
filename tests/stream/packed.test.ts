import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import type { Ack, WireSnapshot } from '@zhihui/shared';
import {
  collect,
  openSocket,
  postStatus,
  startServer,
  subscribe,
  type TestServer,
  type WallSocket,
} from './helpers.js';

/** The server side of one wall's WebSocket: engine.io's transport and ws's socket under it. */
interface ServerWs {
  socket: {
    _extensions: Record<string, unknown>;
    send: (...a: unknown[]) => void;
    _sender: { sendFrame: (...a: unknown[]) => void };
  };
}

function serverWs(t: TestServer, client: WallSocket): ServerWs {
  const conn = t.app.io.engine.clients[client.io.engine.id] as unknown as { transport: ServerWs } | undefined;
  if (!conn) throw new Error('no server connection for the client');
  return conn.transport;
}

/** The subscribe's answer as it crossed the socket, not unpacked. */
const rawSubscribe = (s: WallSocket, req: { region: string; packed?: boolean }) =>
  new Promise<Ack<WireSnapshot>>((resolve) => s.emit('subscribe', req, resolve));

describe('snapshots packed for the walls, no WebSocket compression (plugins/streamRooms.ts)', () => {
  let t: TestServer;
  let client: WallSocket;
  beforeEach(async () => {
    t = await startServer();
    client = await openSocket(t.url);
  });
  afterEach(async () => {
    client.disconnect();
    await t.close();
  });

  test('a packed snapshot is raw DEFLATE of the very snapshot a plain subscribe gets, and a fraction of its size', async () => {
    const other = await openSocket(t.url);
    try {
      const plain = await rawSubscribe(other, { region: '130111' });
      const packed = await rawSubscribe(client, { region: '130111', packed: true });
      if (!plain.ok || !packed.ok) throw new Error('subscribe refused');
      expect('packed' in plain.data).toBe(false);
      if (!('packed' in packed.data)) throw new Error('the snapshot came unpacked');
      const bytes = Buffer.from(packed.data.packed as Uint8Array);
      const json = JSON.stringify(plain.data);
      expect(JSON.parse(inflateRawSync(bytes).toString('utf8'))).toEqual(plain.data);
      // The demo county: about 198 KB of JSON. Packed well under a third, and under the 100 KB target.
      expect(json.length).toBeGreaterThan(150_000);
      expect(bytes.length).toBeLessThan(json.length / 3);
      expect(bytes.length).toBeLessThan(100 * 1024);
      // Neither connection negotiated permessage-deflate (its per-connection cost, README round fourteen).
      expect(serverWs(t, client).socket._extensions['permessage-deflate']).toBeUndefined();
      const clientWs = (client.io.engine.transport as unknown as { ws: { extensions: string } }).ws;
      expect(clientWs.extensions).toBe('');
    } finally {
      other.disconnect();
    }
  });

  test('a bad `packed` is refused naming the field, and the socket still subscribes after', async () => {
    const bad = await rawSubscribe(client, { region: '130111', packed: 'yes' as unknown as boolean });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/packed/);
    const good = await subscribe(client, { region: '130111', packed: true });
    expect(good.ok).toBe(true);
  });

  test('a delta is written to each wall as the frame built once for the room, in order after the snapshot', async () => {
    const ack = await subscribe(client, { region: '130111', packed: true });
    if (!ack.ok) throw new Error(ack.error.message);
    const ws = serverWs(t, client);
    let framed = 0;
    let sent = 0;
    const sendFrame = ws.socket._sender.sendFrame.bind(ws.socket._sender);
    ws.socket._sender.sendFrame = (...a) => {
      framed++;
      sendFrame(...a);
    };
    const send = ws.socket.send.bind(ws.socket);
    ws.socket.send = (...a) => {
      sent++;
      send(...a);
    };
    const got = collect(client);
    const snap = ack.data;
    const i = snap.cameras.state.findIndex((s) => s === 0);
    await postStatus(t, [{ cameraId: snap.cameras.id[i], status: 'offline', reason: 'network' }]);
    const d = await got.next((x) => x.cams?.i.includes(i) === true);
    expect(d.seq).toBe(snap.seq + 1);
    expect(d.cams!.s[d.cams!.i.indexOf(i)]).toBe(1);
    // engine.io writes the adapter's ready-made frame on a connection without permessage-deflate.
    expect(framed).toBeGreaterThanOrEqual(1);
    expect(sent).toBe(0);
  });
});
