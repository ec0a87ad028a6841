import { afterAll, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/src/store/sqlite/schema.js';
import type { StatusInput, Store } from '../../server/src/store/types.js';
import { T, regions, townshipChannels } from './smallCounty.js';

/**
 * The SQLite history in two tables (store/sqlite/history.ts): new events go to a small recent
 * table, merged into the long one once enough gather. Wherever the merges fall, the store must
 * read and write the history exactly as a store that never merges: the same reports, with late
 * ones that re-chain or drop events on either side of a merge, give the same history, the same
 * state before any instant and the same channels.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'zh-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 40;
const cams = townshipChannels(N);

/** A small seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t + 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Batches of reports moving forward in time, one in four late (up to an hour before the clock). */
function batches(seed: number): StatusInput[][] {
  const r = random(seed);
  const out: StatusInput[][] = [];
  let clock = 60;
  for (let b = 0; b < 40; b++) {
    const batch: StatusInput[] = [];
    const size = 1 + Math.floor(r() * 12);
    for (let i = 0; i < size; i++) {
      clock += Math.floor(r() * 3);
      const late = r() < 0.25;
      const status = r() < 0.5 ? 'online' : 'offline';
      batch.push({
        cameraId: cams[Math.floor(r() * N)]!.id,
        status,
        reason: status === 'offline' ? (r() < 0.5 ? 'network' : 'power') : null,
        at: T(late ? clock - 1 - Math.floor(r() * 60) : clock),
        actor: 'test',
      });
    }
    out.push(batch);
  }
  return out;
}

async function opened(name: string, mergeAt: number): Promise<{ store: Store; file: string }> {
  const file = path.join(dir, `${name}.db`);
  const store = createSqliteStore(file, { mergeAt });
  await store.migrate();
  await store.upsertRegions(regions);
  await store.upsertCameras(cams, 'test', T(0));
  return { store, file };
}

const history = async (s: Store) =>
  (await s.statusEvents({ from: T(0), to: T(24 * 60) })).map((e) => [e.cameraId, e.from, e.to, e.reason, e.at]);
const before = async (s: Store, min: number) =>
  (await s.statusBefore({ before: T(min) })).map((e) => [e.cameraId, e.to, e.reason, e.at]);
const channels = async (s: Store) => (await s.allCameras()).map((c) => [c.id, c.status, c.reason, c.since, c.lastSeen]);
const rows = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test.each([1, 2, 3])('merges anywhere leave the history as no merge does (seed %i)', async (seed) => {
  const never = await opened(`never-${seed}`, Number.MAX_SAFE_INTEGER);
  const often = await opened(`often-${seed}`, 5);
  const every = await opened(`every-${seed}`, 1);
  let late = 0;
  for (const b of batches(seed)) {
    const a = await never.store.applyStatus(b);
    late += a.retracted.length;
    for (const o of [often, every]) {
      const x = await o.store.applyStatus(b);
      expect(x.events).toEqual(a.events);
      expect(x.retracted).toEqual(a.retracted);
    }
  }
  const expected = await history(never.store);
  // The reports reach late rules that rewrite or drop events already written.
  expect(late).toBeGreaterThan(0);
  expect(expected.length).toBeGreaterThan(100);
  for (const o of [often, every]) {
    expect(await history(o.store)).toEqual(expected);
    for (const min of [70, 90, 120, 24 * 60])
      expect(await before(o.store, min)).toEqual(await before(never.store, min));
    expect(await channels(o.store)).toEqual(await channels(never.store));
  }
  for (const o of [never, often, every]) await o.store.close();
  // Where the events are: all recent without merges, at most a merge's worth with them.
  expect(rows(never.file, 'status_events')).toBe(0);
  expect(rows(never.file, 'status_events_recent')).toBe(expected.length);
  expect(rows(often.file, 'status_events_recent')).toBeLessThan(5);
  expect(rows(every.file, 'status_events_recent')).toBe(0);
  expect(rows(often.file, 'status_history')).toBe(expected.length);
});

test('an existing store keeps its history, and new events order after it at the same instant', async () => {
  const file = path.join(dir, 'upgrade.db');
  const db = new Database(file);
  const before2 = MIGRATIONS.findIndex((m) => m.includes('status_events_recent'));
  expect(before2).toBeGreaterThan(0);
  for (let v = 0; v < before2; v++) db.exec(MIGRATIONS[v]!);
  db.pragma(`user_version = ${before2}`);
  db.exec(
    `INSERT INTO regions (code, name, level, parent, lon, lat, approximate) VALUES ('130111100', '栾城镇', 'township', NULL, 114.6, 37.9, 0)`,
  );
  db.prepare(
    `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, created_at, updated_by, valid_from)
     VALUES (?, '旧', '130111100', 114.6, 37.9, 1, 'offline', 'power', ?, ?, ?, 'test', ?)`,
  ).run(cams[0]!.id, Date.parse(T(10)), Date.parse(T(10)), Date.parse(T(0)), Date.parse(T(0)));
  const ev = db.prepare(
    `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, ?, ?, ?, ?, 'old')`,
  );
  ev.run(cams[0]!.id, 'unknown', 'online', null, Date.parse(T(5)));
  ev.run(cams[0]!.id, 'online', 'offline', 'power', Date.parse(T(10)));
  db.close();

  const store = createSqliteStore(file, { mergeAt: 3 });
  await store.migrate();
  // At the instant of the last old event: it comes first, the new one is the state after it.
  await store.applyStatus([{ cameraId: cams[0]!.id, status: 'online', reason: null, at: T(10), actor: 'new' }]);
  const h = (await store.statusEvents({ from: T(0), to: T(60) })).map((e) => [e.to, Date.parse(e.at), e.actor]);
  expect(h).toEqual([
    ['online', Date.parse(T(5)), 'old'],
    ['offline', Date.parse(T(10)), 'old'],
    ['online', Date.parse(T(10)), 'new'],
  ]);
  expect((await store.statusBefore({ before: T(11) })).map((e) => [e.to, e.actor])).toEqual([['online', 'new']]);
  await store.close();
});

test('rows written by hand into the long table while the store was closed merge after the recent ones', async () => {
  const { store, file } = await opened('by-hand', 4);
  const id = cams[1]!.id;
  await store.applyStatus([
    { cameraId: id, status: 'online', reason: null, at: T(1), actor: 'a' },
    { cameraId: id, status: 'offline', reason: 'power', at: T(2), actor: 'a' },
  ]);
  await store.close();
  expect(rows(file, 'status_events_recent')).toBe(2);
  // Another program appends to the long table: SQLite gives its rows the seqs after the long
  // table's last, which the recent table already holds.
  const db = new Database(file);
  db.prepare(
    `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, 'offline', 'online', NULL, ?, 'hand')`,
  ).run(id, Date.parse(T(2)));
  db.close();

  const again = createSqliteStore(file, { mergeAt: 4 });
  await again.migrate();
  await again.applyStatus([
    { cameraId: id, status: 'offline', reason: 'network', at: T(3), actor: 'b' },
    { cameraId: id, status: 'online', reason: null, at: T(4), actor: 'b' },
  ]);
  const h = (await again.statusEvents({ from: T(0), to: T(60) })).map((e) => [e.to, Date.parse(e.at), e.actor]);
  expect(h).toEqual([
    ['online', Date.parse(T(1)), 'a'],
    ['offline', Date.parse(T(2)), 'a'],
    ['online', Date.parse(T(2)), 'hand'],
    ['offline', Date.parse(T(3)), 'b'],
    ['online', Date.parse(T(4)), 'b'],
  ]);
  await again.close();
  // The fourth event merged all five into the long table.
  expect(rows(file, 'status_events_recent')).toBe(0);
  expect(rows(file, 'status_events')).toBe(5);
});

test('a seed imported while recent events are held merges after them, with nothing lost', async () => {
  const { store, file } = await opened('seed-after', 5);
  const a = cams[3]!.id;
  const b = cams[4]!.id;
  await store.applyStatus([
    { cameraId: a, status: 'online', reason: null, at: T(1), actor: 'a' },
    { cameraId: a, status: 'offline', reason: 'power', at: T(2), actor: 'a' },
  ]);
  // The seed writes its events into the long table, where SQLite numbers them 1, 2: the seqs
  // the two recent events hold.
  const [rec] = await store.allCameras().then((all) => all.filter((c) => c.id === b));
  await store.importSeed({
    regions,
    cameras: [{ ...rec!, status: 'offline', reason: 'network', since: T(2), lastSeen: T(2) }],
    statusEvents: [
      { cameraId: b, from: 'unknown', to: 'online', reason: null, at: T(1), actor: 'seed' },
      { cameraId: b, from: 'online', to: 'offline', reason: 'network', at: T(2), actor: 'seed' },
    ],
    maintenance: [],
    clues: [],
    workers: [],
    reports: [],
  });
  // Past the merge threshold: all of it moves into the long table.
  await store.applyStatus([{ cameraId: a, status: 'online', reason: null, at: T(3), actor: 'b' }]);
  const h = (await store.statusEvents({ from: T(0), to: T(60) })).map((e) => [e.cameraId, e.to, e.actor]);
  expect(h).toEqual([
    [a, 'online', 'a'],
    [b, 'online', 'seed'],
    [a, 'offline', 'a'],
    [b, 'offline', 'seed'],
    [a, 'online', 'b'],
  ]);
  await store.close();
  expect(rows(file, 'status_events_recent')).toBe(0);
  expect(rows(file, 'status_events')).toBe(5);
});

// The recent table has no index by channel (migration 13): the store keeps where each channel's
// recent events are in memory, read from the table at open and moved back to it after a rollback.

/** Applies `next` to a store that never saw a failed write and to one that did: the same results, history and channels. */
async function sameFromHere(clean: Store, failed: Store, next: StatusInput[][]): Promise<void> {
  for (const batch of next) {
    const want = await clean.applyStatus(batch);
    const got = await failed.applyStatus(batch);
    expect(got.events).toEqual(want.events);
    expect(got.retracted).toEqual(want.retracted);
  }
  expect(await history(failed)).toEqual(await history(clean));
  expect(await channels(failed)).toEqual(await channels(clean));
  await Promise.all([clean.close(), failed.close()]);
}

test('the recent table has no index by channel; a store reopened between batches finds its events as one never closed', async () => {
  for (const seed of [4, 5]) {
    const kept = await opened(`kept-${seed}`, Number.MAX_SAFE_INTEGER);
    let re = await opened(`reopened-${seed}`, Number.MAX_SAFE_INTEGER);
    const db = new Database(re.file, { readonly: true });
    const indexes = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'status_events_recent'`)
      .all();
    db.close();
    expect(indexes).toEqual([]);
    let late = 0;
    for (const [i, b] of batches(seed).entries()) {
      if (i % 3 === 2) {
        await re.store.close();
        re = { ...re, store: createSqliteStore(re.file, { mergeAt: Number.MAX_SAFE_INTEGER }) };
        await re.store.migrate();
      }
      const a = await kept.store.applyStatus(b);
      const x = await re.store.applyStatus(b);
      late += a.retracted.length;
      expect(x.events).toEqual(a.events);
      expect(x.retracted).toEqual(a.retracted);
    }
    // Late reports re-chained or dropped recent events found through the reloaded positions.
    expect(late).toBeGreaterThan(0);
    expect(await history(re.store)).toEqual(await history(kept.store));
    expect(await before(re.store, 90)).toEqual(await before(kept.store, 90));
    await Promise.all([kept.store.close(), re.store.close()]);
  }
});

test('a batch rolled back midway leaves no trace: later late reports find the events as if it never came', async () => {
  const clean = await opened('rollback-clean', Number.MAX_SAFE_INTEGER);
  const failed = await opened('rollback-failed', Number.MAX_SAFE_INTEGER);
  const [a, b, c] = [cams[0]!.id, cams[1]!.id, cams[2]!.id];
  const first: StatusInput[] = [
    { cameraId: a, status: 'online', reason: null, at: T(10), actor: 't' },
    { cameraId: b, status: 'online', reason: null, at: T(10), actor: 't' },
    { cameraId: c, status: 'online', reason: null, at: T(40), actor: 't' },
  ];
  for (const s of [clean, failed]) await s.store.applyStatus(first);
  // A change for c, then a late report for b (which writes the batch's events so far), then a
  // report whose instant cannot be read: the transaction rolls back after c's change at 50 was
  // written, with the seq that the next batch's change (a's, at 60) takes again.
  await expect(
    failed.store.applyStatus([
      { cameraId: c, status: 'offline', reason: 'power', at: T(50), actor: 'x' },
      { cameraId: b, status: 'offline', reason: 'network', at: T(5), actor: 'x' },
      { cameraId: a, status: 'offline', reason: 'power', at: 'not a time', actor: 'x' },
    ]),
  ).rejects.toThrow(/not a time/);
  const next: StatusInput[][] = [
    [{ cameraId: a, status: 'offline', reason: 'power', at: T(60), actor: 'y' }],
    [{ cameraId: c, status: 'offline', reason: 'power', at: T(70), actor: 'y' }],
    // Late for c, after the rolled-back change's instant: its change before is the one at 40.
    [{ cameraId: c, status: 'offline', reason: 'network', at: T(65), actor: 'y' }],
  ];
  await sameFromHere(clean.store, failed.store, next);
});

test('a seed import that fails after taking the long rows in leaves later late reports as if it never came', async () => {
  const clean = await opened('seed-failed-clean', Number.MAX_SAFE_INTEGER);
  const failed = await opened('seed-failed', Number.MAX_SAFE_INTEGER);
  const [a, b, c, d] = [cams[5]!.id, cams[6]!.id, cams[7]!.id, cams[8]!.id];
  const first: StatusInput[] = [
    { cameraId: a, status: 'online', reason: null, at: T(1), actor: 't' },
    { cameraId: a, status: 'offline', reason: 'power', at: T(2), actor: 't' },
    { cameraId: b, status: 'online', reason: null, at: T(40), actor: 't' },
  ];
  for (const s of [clean, failed]) await s.store.applyStatus(first);
  // The seed's events for b land in the long table, move into the recent one (after a's and b's
  // events, with the seqs the next batch takes again), then a maintenance window that cannot be
  // read rolls the whole import back.
  const [rec] = (await failed.store.allCameras()).filter((x) => x.id === b);
  await expect(
    failed.store.importSeed({
      regions,
      cameras: [{ ...rec!, status: 'offline', reason: 'network', since: T(20), lastSeen: T(20) }],
      statusEvents: [
        { cameraId: b, from: 'unknown', to: 'online', reason: null, at: T(10), actor: 'seed' },
        { cameraId: b, from: 'online', to: 'offline', reason: 'network', at: T(20), actor: 'seed' },
      ],
      maintenance: [{ cameraId: b, reason: '检修', from: 'not a time', to: T(30) }],
      clues: [],
      workers: [],
      reports: [],
    }),
  ).rejects.toThrow(/not a time/);
  const next: StatusInput[][] = [
    [
      { cameraId: c, status: 'offline', reason: 'power', at: T(50), actor: 'y' },
      { cameraId: d, status: 'offline', reason: 'power', at: T(55), actor: 'y' },
    ],
    // Late for b, before its only change (at 40): nothing of the failed seed is before it.
    [{ cameraId: b, status: 'offline', reason: 'network', at: T(25), actor: 'y' }],
  ];
  await sameFromHere(clean.store, failed.store, next);
});
