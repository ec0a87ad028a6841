import { afterEach, beforeEach, describe, expect, test } from 'vitest';
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
  perMessageDeflate: unknown;
  _canSendPreEncodedFrame(packet: { options?: { wsPreEncodedFrame?: Buffer[] } }): boolean;
  socket: {
    _extensions: Record<string, unknown>;
    send: (...a: unknown[]) => void;
    _sender: { sendFrame: (...a: unknown[]) => void; _state: number; _queue: unknown[] };
  };
}

function serverWs(t: TestServer, client: WallSocket): ServerWs {
  const conn = t.app.io.engine.clients[client.io.engine.id] as unknown as { transport: ServerWs } | undefined;
  if (!conn) throw new Error('no server connection for the client');
  return conn.transport;
}

describe('deltas go to each wall as the frame built once for the room (plugins/wsFrames.ts)', () => {
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

  test('with deflate negotiated, a delta is written as the ready-made frame, in order after the snapshot', async () => {
    const ack = await subscribe(client, { region: '130111' });
    if (!ack.ok) throw new Error(ack.error.message);
    const ws = serverWs(t, client);
    // The wall's connection has deflate: the case engine.io alone would encode per socket.
    expect(ws.socket._extensions['permessage-deflate']).toBeDefined();
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
    // The wall got the change, in order after its snapshot, through the ready-made frame.
    expect(d.seq).toBe(snap.seq + 1);
    expect(d.cams!.s[d.cams!.i.indexOf(i)]).toBe(1);
    expect(framed).toBeGreaterThanOrEqual(1);
    expect(sent).toBe(0);
  });

  test('the frame is used only below the threshold and while nothing is queued ahead of it', async () => {
    const ack = await subscribe(client, { region: '130111' });
    expect(ack.ok).toBe(true);
    const ws = serverWs(t, client);
    const small = { options: { wsPreEncodedFrame: [Buffer.alloc(2), Buffer.alloc(1000)] } };
    const large = { options: { wsPreEncodedFrame: [Buffer.alloc(4), Buffer.alloc(8 * 1024)] } };
    expect(ws._canSendPreEncodedFrame(small)).toBe(true);
    expect(ws._canSendPreEncodedFrame(large)).toBe(false);
    expect(ws._canSendPreEncodedFrame({})).toBe(false);
    // A message being compressed (a snapshot) ahead: the delta must queue behind it.
    ws.socket._sender._queue.push(['queued']);
    expect(ws._canSendPreEncodedFrame(small)).toBe(false);
    ws.socket._sender._queue.pop();
    ws.socket._sender._state = 1;
    expect(ws._canSendPreEncodedFrame(small)).toBe(false);
    ws.socket._sender._state = 0;
    expect(ws._canSendPreEncodedFrame(small)).toBe(true);
  });
});
