// Server child of the heap benchmark (run with --expose-gc): answers heap-after-GC over IPC.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dist, singleProcessEnv } from './lib.mjs';

// BENCH_BARE=1: a bare socket.io server, the floor any socket.io server pays.
const bare = process.env.BENCH_BARE === '1';
const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-heap-'));
let app;
if (bare) {
  const { createServer } = await import('node:http');
  const { Server } = await import('socket.io');
  const server = createServer();
  const io = new Server(server, { serveClient: false, perMessageDeflate: false });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  app = { server, io, close: async () => io.close() };
} else {
  const { buildApp } = await import(dist('app.js'));
  app = await buildApp({
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
}
const heap = async () => {
  for (let k = 0; k < 3; k++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
};
process.send({ type: 'ready', port: app.server.address().port, dataDir });
process.on('message', async (m) => {
  if (m.type === 'heap') process.send({ type: 'heap', heap: await heap(), sockets: app.io.engine.clientsCount });
  else if (m.type === 'close') {
    await app.close();
    process.exit(0);
  }
});
