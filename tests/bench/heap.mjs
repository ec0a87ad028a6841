// Server heap per idle connection: 5,000 socket.io connections opened from child processes,
// heap measured after GC in the server process; then the same against a bare socket.io server,
// the floor any socket.io server pays, so the part that is ours shows. Neither offers
// permessage-deflate (the walls' snapshots are packed instead). One run; prints JSON.
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOTAL = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const PROCS = Number(process.env.BENCH_PROCS ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));
const ask = (c, type) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type === type) {
        c.off('message', on);
        resolve(m);
      }
    };
    c.on('message', on);
    c.send({ type });
  });

/** Heap per idle connection of one server child: the app (bare '0'), or a bare socket.io server ('1'). */
async function measure(bare) {
  const server = fork(path.join(here, 'heap-server.mjs'), {
    execArgv: ['--expose-gc'],
    env: { ...process.env, BENCH_BARE: bare },
  });
  const { port, dataDir } = await new Promise((r) => server.once('message', r));
  const url = `http://127.0.0.1:${port}`;
  const base = await ask(server, 'heap');
  const clients = [];
  await Promise.all(
    Array.from(
      { length: PROCS },
      () =>
        new Promise((resolve, reject) => {
          const c = fork(path.join(here, 'fanout-client.mjs'), {
            env: { ...process.env, BENCH_URL: url, BENCH_SOCKETS: String(Math.ceil(TOTAL / PROCS)), BENCH_REGION: '' },
          });
          clients.push(c);
          c.once('message', (m) => (m.type === 'ready' ? resolve() : reject(new Error('client failed'))));
          c.once('error', reject);
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const loaded = await ask(server, 'heap');
  for (const c of clients) c.send({ type: 'close' });
  await new Promise((r) => setTimeout(r, 1500));
  const after = await ask(server, 'heap');
  server.send({ type: 'close' });
  await new Promise((r) => server.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
  return { base, loaded, after };
}

const app = await measure('0');
const bare = await measure('1');
const perConn = (m) => (m.loaded.heap - m.base.heap) / Math.max(1, m.loaded.sockets) / 1024;
console.log(
  JSON.stringify({
    connections: app.loaded.sockets,
    heapBaseMB: app.base.heap / 2 ** 20,
    heapLoadedMB: app.loaded.heap / 2 ** 20,
    heapAfterCloseMB: app.after.heap / 2 ** 20,
    heapPerConnectionKB: perConn(app),
    bareSocketIoPerConnectionKB: perConn(bare),
    zhihuiOverheadPerConnectionKB: perConn(app) - perConn(bare),
  }),
);
