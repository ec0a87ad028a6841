// Ingest throughput: the whole ingest path (ingest.statusBatch → SQLite → bus → live engine) with
// the store persisted to a file (WAL, synchronous=FULL) against the same path with an in-memory
// SQLite store, so the ratio is the price of durability. Also each half alone: the live engine,
// and the persisted store's applyStatus (its transaction, history and channel writes, the commit),
// which bound the whole path on one thread, also after its history has grown, on a province's
// channels re-reporting in scattered order, and on a store with a year of history (the seeded one
// holds a few events per channel). One run; prints JSON.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
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

/**
 * `n` reports from `base` (ms apart): `changeShare` of them flip their channel, the rest repeat it.
 * `state` is each channel's status in the store the workload is for, and follows the workload.
 */
function workload(base, changeShare, n = N, state = status) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const c = cams[k % cams.length];
    const cur = state.get(c.id);
    const flip = (k * 7919) % 1000 < changeShare * 1000;
    const next = flip ? (cur === 'online' ? 'offline' : 'online') : cur;
    state.set(c.id, next);
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

/**
 * The persisted store alone: the reports as the ingest hands them over, applied batch by batch.
 * Each batch's time goes into `batchMs` when given.
 */
async function storeAlone(store, reports, batchMs = []) {
  const inputs = reports.map((r) => ({ ...r, reason: r.reason ?? null, actor: 'bench' }));
  const t0 = now();
  for (let i = 0; i < inputs.length; i += BATCH) {
    const b0 = now();
    await store.applyStatus(inputs.slice(i, i + BATCH));
    batchMs.push(now() - b0);
  }
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

/**
 * A year of history under the seeded one: every channel in service changed state once a day for
 * 365 days before the seed's first event (about 2.9 million events for the demo's channels). The
 * rows go in with the history's indexes dropped and the store's own index definitions re-run
 * after, as a restore would; then the storm.
 */
async function storeAloneYearOfHistory() {
  const file = path.join(dir, 'year.db');
  const { store } = await pipeline(file);
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  const first = db.prepare('SELECT MIN(at) AS at FROM status_events').get().at ?? Date.now();
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'status_events' AND sql IS NOT NULL",
    )
    .all();
  const insert = db.prepare(
    'INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
    for (let day = 365; day >= 1; day--)
      cams.forEach((c, k) => {
        const down = day % 2 === 1;
        const at = first - day * 86_400_000 + (k % 86_400) * 1000;
        insert.run(
          c.id,
          down ? 'online' : 'offline',
          down ? 'offline' : 'online',
          down ? 'network' : null,
          at,
          'bench',
        );
      });
    for (const ix of indexes) db.exec(ix.sql);
    // New events (the recent table, store/sqlite/history.ts) number after the imported ones.
    db.exec(
      "UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT MAX(seq) FROM status_events)) WHERE name = 'status_events_recent'",
    );
  })();
  const events = db.prepare('SELECT COUNT(*) AS n FROM status_events').get().n;
  db.close();
  // Storms from this store's own channel states: one untimed (a rebuilt index has full pages,
  // which a history that grew by itself has not), then the timed one.
  const state = new Map(cams.map((c) => [c.id, c.status === 'online' ? 'online' : 'offline']));
  await storeAlone(store, workload(base + 5 * N + 4000, 1, N, state));
  const batchMs = [];
  const perSec = await storeAlone(store, workload(base + 6 * N + 5000, 1, N, state), batchMs);
  await store.close();
  // A batch that reaches 50,000 recent events also merges them into the long table
  // (store/sqlite/history.ts): the longest batch is one with a merge, the median one without.
  batchMs.sort((a, b) => a - b);
  return { events, perSec, medianBatchMs: batchMs[batchMs.length >> 1], longestBatchMs: batchMs.at(-1) };
}
/**
 * A province's channels (100,000, named and placed like the demo's) all re-reporting after a
 * platform restart, in no particular order: every report a change, scattered over the channel
 * table. The store alone; one untimed storm brings each channel its first state, then the timed
 * one changes it.
 */
async function storeAloneProvince(n = 100_000) {
  const store = createSqliteStore(path.join(dir, 'province.db'));
  await store.migrate();
  const ids = Array.from({ length: n }, (_, i) => `1300000000132${String(i).padStart(7, '0')}`);
  const listed = new Date(base - 60_000).toISOString();
  for (let i = 0; i < n; i += BATCH) {
    const rows = ids.slice(i, i + BATCH).map((id, j) => {
      const like = cams[(i + j) % cams.length];
      return { id, name: like.name, region: like.region, lon: like.lon, lat: like.lat };
    });
    await store.upsertCameras(rows, 'bench', listed);
  }
  // 7919 is prime to n (a power of ten's multiple of 2 and 5 only): k·7919 mod n visits each channel once.
  const storm = (t, status) =>
    ids.map((_, k) => ({
      cameraId: ids[(k * 7919) % n],
      status,
      ...(status === 'offline' ? { reason: 'network' } : {}),
      at: new Date(t + k).toISOString(),
    }));
  await storeAlone(store, storm(base + 7 * N + 6000, 'online'));
  const perSec = await storeAlone(store, storm(base + 7 * N + 6000 + n, 'offline'));
  await store.close();
  return perSec;
}
result.storeAloneProvinceStormPerSec = await storeAloneProvince();

const year = await storeAloneYearOfHistory();
result.yearOfHistoryEvents = year.events;
result.storeAloneYearOfHistoryPerSec = year.perSec;
result.yearOfHistoryMedianBatchMs = year.medianBatchMs;
result.yearOfHistoryLongestBatchMs = year.longestBatchMs;
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
