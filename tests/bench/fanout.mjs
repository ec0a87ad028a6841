// Fan-out: N socket.io clients in child processes subscribed to the demo county; steady status
// changes through the ingest service; latency from the ingest call to each client's receipt,
// and bytes on the wire per camera change. One run; prints JSON.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist, now, percentile, singleProcessEnv } from './lib.mjs';

const PROCS = Number(process.env.BENCH_PROCS ?? 4);
const PER = Number(process.env.BENCH_PER ?? 125);
const RATE = Number(process.env.BENCH_RATE ?? 20); // changes per second
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 2);
// The default configuration unless FLUSH_MS is given: what users run.
const FLUSH = process.env.FLUSH_MS === undefined ? undefined : Number(process.env.FLUSH_MS);

const { buildApp } = await import(dist('app.js'));
const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-fanout-'));
const app = await buildApp({
  env: singleProcessEnv(),
  logger: false,
  config: {
    dataDir,
    simulator: false,
    seedAnchor: 'today',
    apiKeys: [{ name: 'bench', key: 'k' }],
    demoKey: false,
    ...(FLUSH === undefined ? {} : { flushMs: FLUSH }),
    heartbeatGraceSec: 3600,
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${app.server.address().port}`;
const snap = app.live.snapshot('130111');

const here = path.dirname(fileURLToPath(import.meta.url));
const children = [];
const call = (c, type) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type === type || m.type === `${type}-done`) {
        c.off('message', on);
        resolve(m);
      }
    };
    c.on('message', on);
    c.send({ type });
  });
await Promise.all(
  Array.from(
    { length: PROCS },
    (_, k) =>
      new Promise((resolve, reject) => {
        const c = fork(path.join(here, 'fanout-client.mjs'), {
          env: {
            ...process.env,
            BENCH_URL: url,
            BENCH_SOCKETS: String(PER),
            BENCH_REGION: '130111',
            BENCH_BYTES: k === 0 ? '1' : '0',
          },
        });
        children.push(c);
        c.once('message', (m) => (m.type === 'ready' ? resolve() : reject(new Error('child failed'))));
        c.once('error', reject);
      }),
  ),
);

// Rows to toggle: every channel once at most, so each change is one row in one delta. Each starts
// from its reported status in the store, not from the state the wall shows: a channel in a
// maintenance window shows as such whatever it reports, and a report of the status it already has
// would be no change, sent to no wall.
const reported = new Map((await app.store.allCameras()).map((c) => [c.id, c.status]));
const rows = snap.cameras.id.map((id, i) => ({ id, i, online: reported.get(id) === 'online' }));
let cursor = 0;
const sent = new Map();
const toggle = async (n) => {
  const reports = [];
  const t = now();
  for (let k = 0; k < n; k++) {
    const r = rows[cursor++ % rows.length];
    r.online = !r.online;
    reports.push({
      cameraId: r.id,
      status: r.online ? 'online' : 'offline',
      ...(r.online ? {} : { reason: 'network' }),
      at: new Date().toISOString(),
    });
    sent.set(r.i, t);
  }
  await app.ingest.statusBatch(reports, 'bench');
};

/** RATE changes a second for `seconds`, then every receipt's latency (ms from the ingest call). */
async function load(seconds) {
  for (const c of children) await call(c, 'reset');
  sent.clear();
  const interval = 1000 / RATE;
  const end = now() + seconds * 1000;
  for (let next = now(); next < end; next += interval) {
    const wait = next - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await toggle(1);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const out = [];
  let frames = [];
  for (const c of children) {
    const m = await call(c, 'report');
    for (const [row, times] of m.receipts) {
      const t0 = sent.get(row);
      if (t0 !== undefined) for (const t of times) out.push(t - t0);
    }
    if (m.frames.length > 0) frames = m.frames;
  }
  return { latencies: out, frames };
}

await new Promise((r) => setTimeout(r, 500));
// The first second after the walls subscribe runs while V8 still compiles the server's and the
// clients' paths (its worst changes took 110–180 ms): measured apart as warmUpP99Ms, so the
// latency figures are those of a server that has been running, as a command centre's has.
const warmUp = await load(WARM_SECONDS);
const { latencies, frames } = await load(SECONDS);
const expected = sent.size * PROCS * PER;
const steady = frames.filter((f) => f.changes > 0);
const steadyBytes = steady.reduce((s, f) => s + f.bytes, 0);
const steadyChanges = steady.reduce((s, f) => s + f.changes, 0);

// A burst: many changes in one tick show the marginal cost of one change in column form.
for (const c of children) await call(c, 'reset');
sent.clear();
await toggle(500);
await new Promise((r) => setTimeout(r, 1000));
const burst = (await call(children[0], 'report')).frames.filter((f) => f.changes > 0);
const burstChanges = burst.reduce((s, f) => s + f.changes, 0);
const burstCams = burst.reduce((s, f) => s + f.camsBytes, 0);
const naive =
  snap.cameras.id
    .slice(0, 200)
    .map((id) =>
      Buffer.byteLength(
        JSON.stringify({ cameraId: id, status: 'offline', reason: 'network', since: new Date().toISOString() }),
      ),
    )
    .reduce((a, b) => a + b, 0) / 200;

for (const c of children) c.send({ type: 'close' });
await app.close();
await rm(dataDir, { recursive: true, force: true });

const camBytesPerChange = burstCams / Math.max(1, burstChanges);
console.log(
  JSON.stringify({
    sockets: PROCS * PER,
    changesPerSec: RATE,
    flushMs: app.config.flushMs,
    delivered: latencies.length,
    expected,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    latencyP99Ms: percentile(latencies, 99),
    warmUpP99Ms: percentile(warmUp.latencies, 99),
    camBytesPerChange,
    naiveBytesPerChange: naive,
    reductionFactor: naive / camBytesPerChange,
    steadyDeltaBytesPerChange: steadyBytes / Math.max(1, steadyChanges),
    steadyDeltaBytesAvg: steadyBytes / Math.max(1, steady.length),
  }),
);
process.exit(0);
