// Bytes that cross the socket: the demo county's subscribe as a wall makes it (`packed: true`, so
// the ack carries the snapshot packed) and a steady delta, counted on the TCP socket under the
// WebSocket (frame headers included), next to the snapshot's raw JSON. A Node socket.io client
// offers permessage-deflate as browsers do; the server declines it. One run; prints JSON.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { io } from 'socket.io-client';
import { dist, singleProcessEnv } from './lib.mjs';

const { buildApp } = await import(dist('app.js'));
const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-wire-'));
const app = await buildApp({
  env: singleProcessEnv(),
  logger: false,
  config: {
    dataDir,
    simulator: false,
    seedAnchor: 'today',
    apiKeys: [{ name: 'bench', key: 'k' }],
    demoKey: false,
    heartbeatGraceSec: 3600,
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${app.server.address().port}`;

const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
await new Promise((resolve, reject) => (s.once('connect', resolve), s.once('connect_error', reject)));
const tcp = () => s.io.engine.transport.ws._socket;
const read = () => tcp().bytesRead;
const before = read();
const ack = await new Promise((resolve) => s.emit('subscribe', { region: '130111', packed: true }, resolve));
if (!ack.ok) throw new Error(ack.error.message);
// The ack is whole once the callback runs; bytesRead counts what the socket has taken in.
const subscribeBytes = read() - before;
const json = inflateRawSync(ack.data.packed).toString('utf8');
const rawBytes = Buffer.byteLength(json);
const negotiated = s.io.engine.transport.ws.extensions ?? '';

// One steady change: the delta it brings.
const snap = JSON.parse(json);
const i = snap.cameras.state.findIndex((x) => x === 0);
const got = new Promise((resolve) => s.once('delta', resolve));
const b2 = read();
await app.ingest.statusBatch(
  [{ cameraId: snap.cameras.id[i], status: 'offline', reason: 'network', at: new Date().toISOString() }],
  'bench',
);
const d = await got;
await new Promise((r) => setTimeout(r, 50));
const deltaBytes = read() - b2;

s.disconnect();
await app.close();
await rm(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    demoCountySubscribeWireKB: subscribeBytes / 1024,
    demoCountySnapshotRawKB: rawBytes / 1024,
    wireToRaw: subscribeBytes / rawBytes,
    steadyDeltaWireBytes: deltaBytes,
    steadyDeltaRawBytes: Buffer.byteLength(JSON.stringify(d)),
    deflateNegotiated: negotiated.includes('permessage-deflate') ? 1 : 0,
  }),
);
process.exit(0);
