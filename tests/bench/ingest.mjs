// Ingest throughput: the whole ingest path (ingest.statusBatch → SQLite → bus → live engine) with
// the store persisted to a file (WAL, synchronous=FULL) against the same path with an in-memory
// SQLite store, so the ratio is the price of durability. Also each half alone: the live engine,
// and the persisted store's applyStatus (its transaction, history and channel writes, the commit),
// which bound the whole path on one thread, also after its history has grown. One run; prints JSON.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dist, fixturesDir, now } from './lib.mjs';

const { createSqliteStore } = await import(dist('store/sqlite/index.js'));
const { seedStore } = await import(dist('store/seed.js'));
const { createIngest } = await import(dist('domain/ingest/index.js'));
const { Bus } = await import(dist('bus.js'));
const { LiveEngine } = await import(dist('live/engine.js'));
const { loadLiveData } = await import(dist('live/service.js'));
const { buildRegionTree } = await import('@zhihui/shared');

const N = Number(process.env.BENCH_REPORTS ?? 100_000);
const BATCH = 5000;

const dir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-ingest-'));

/** The whole ingest path (validation → store → bus → live engine) on a SQLite file or in memory. */
async function pipeline(file) {
  const store = createSqliteStore(file);
  await store.migrate();
  await seedStore(store, { fixturesDir, anchor: 'today' });
  const tree = buildRegionTree(await store.listRegions());
  const bus = new Bus();
  const data = await loadLiveData(store, Date.now());
  const live = new LiveEngine(tree, data);
  bus.on('cameras', (p) => live.applyCameras(p.cameras, p.events));
  const ingest = createIngest({ store, regions: () => tree, bus, heartbeatTimeoutSec: 300, heartbeatGraceSec: 600 });
  return { store, tree, data, ingest };
}

const disk = await pipeline(path.join(dir, 'zhihui.db'));
const memory = await pipeline(':memory:');
// A third file store, seeded alike, written through applyStatus alone (no checks, bus or engine).
const storeOnly = await pipeline(path.join(dir, 'store-only.db'));
const { tree, data } = disk;
const cams = (await disk.store.allCameras()).filter((c) => c.inService);
const status = new Map(cams.map((c) => [c.id, c.status === 'online' ? 'online' : 'offline']));

/** `n` reports from `base` (ms apart): `changeShare` of them flip their channel, the rest repeat it. */
function workload(base, changeShare, n = N) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const c = cams[k % cams.length];
    const cur = status.get(c.id);
    const flip = (k * 7919) % 1000 < changeShare * 1000;
    const next = flip ? (cur === 'online' ? 'offline' : 'online') : cur;
    status.set(c.id, next);
    out.push({
      cameraId: c.id,
      status: next,
      ...(next === 'offline' ? { reason: 'network' } : {}),
      at: new Date(base + k).toISOString(),
    });
  }
  return out;
}

async function throughput(ingest, reports) {
  const t0 = now();
  let accepted = 0;
  for (let i = 0; i < reports.length; i += BATCH)
    accepted += (await ingest.statusBatch(reports.slice(i, i + BATCH), 'bench')).accepted;
  const ms = now() - t0;
  if (accepted !== reports.length) throw new Error(`accepted ${accepted} of ${reports.length}`);
  return reports.length / (ms / 1000);
}

// The same changes as full records and events, prepared outside the timed loop.
function asRecords(reports) {
  const byId = new Map(data.cameras.map((c) => [c.id, c]));
  const batches = [];
  for (let i = 0; i < reports.length; i += BATCH) {
    const recs = [];
    const evs = [];
    for (const r of reports.slice(i, i + BATCH)) {
      const old = byId.get(r.cameraId);
      const rec = {
        ...old,
        status: r.status,
        reason: r.reason ?? null,
        since: old.status === r.status ? old.since : r.at,
        lastSeen: r.at,
      };
      if (old.status !== r.status)
        evs.push({
          cameraId: r.cameraId,
          from: old.status,
          to: r.status,
          reason: rec.reason,
          at: r.at,
          actor: 'bench',
        });
      byId.set(r.cameraId, rec);
      recs.push(rec);
    }
    batches.push({ recs, evs });
  }
  return batches;
}

/** The persisted store alone: the reports as the ingest hands them over, applied batch by batch. */
async function storeAlone(store, reports) {
  const inputs = reports.map((r) => ({ ...r, reason: r.reason ?? null, actor: 'bench' }));
  const t0 = now();
  for (let i = 0; i < inputs.length; i += BATCH) await store.applyStatus(inputs.slice(i, i + BATCH));
  return inputs.length / ((now() - t0) / 1000);
}

function engineAlone(batches, count) {
  const engine = new LiveEngine(tree, data);
  const t0 = now();
  for (const b of batches) engine.applyCameras(b.recs, b.evs);
  // What a flush would read: the figures of the demo county and the province.
  engine.figures('130111');
  engine.figures('130000');
  return count / ((now() - t0) / 1000);
}

// After every channel's last sign of life: a report older than that is history filled in (two
// events, see betweenLate), not the storm measured here. The seed stamps it at its anchor, the
// start of the Shanghai day, so in the day's first 50 minutes a fixed `now − 50 min` fell before it.
const newestSeen = Math.max(...cams.map((c) => Math.max(Date.parse(c.since), Date.parse(c.lastSeen ?? c.since))));
const base = Math.max(Date.now() - 50 * 60_000, newestSeen + 1);
// A server meets a storm with its code compiled: both pipelines first take the same warm-up
// (a fifth of N, every report a change), so neither pays the JIT's warm-up in its timed run.
const warmUp = workload(base, 1, Math.ceil(N / 5));
const changes = workload(base + N, 1);
const mixed = workload(base + 2 * N + 1000, 0.1);
const memBatches = asRecords(changes);
await throughput(disk.ingest, warmUp);
await throughput(memory.ingest, warmUp);
await storeAlone(storeOnly.store, warmUp);
// Each workload runs on both pipelines from the same starting state (both seeded alike).
const result = {
  reports: N,
  persistedChangesPerSec: await throughput(disk.ingest, changes),
  inMemoryChangesPerSec: await throughput(memory.ingest, changes),
  persistedMixedPerSec: await throughput(disk.ingest, mixed),
  inMemoryMixedPerSec: await throughput(memory.ingest, mixed),
  engineAloneChangesPerSec: engineAlone(memBatches, N),
  storeAloneChangesPerSec: await storeAlone(storeOnly.store, changes),
};
// The store alone again once its history has grown by two more storms: the history's per-channel
// index takes each storm at as many places as there are channels, so its cost grows with the
// history (a deployment's history is months long; this one is a few days). The mixed workload
// first brings the store to the state the workloads are computed from.
await storeAlone(storeOnly.store, mixed);
await storeAlone(storeOnly.store, workload(base + 3 * N + 2000, 1));
result.storeAloneGrownPerSec = await storeAlone(storeOnly.store, workload(base + 4 * N + 3000, 1));
result.ratioPersistedToMemory = result.persistedChangesPerSec / result.inMemoryChangesPerSec;
await disk.store.close();
await memory.store.close();
await storeOnly.store.close();
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
