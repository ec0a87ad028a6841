import { afterEach, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import type { StatusInput, Store } from '../../server/src/store/types.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';
import { T, regions, townshipChannels } from './smallCounty.js';

/**
 * The stores write a batch's events many rows per statement (SQLite) or through COPY
 * (PostgreSQL, from 256 rows), and a late report reads the history the batch has written so
 * far. Whatever the batch size, a batch must leave the store exactly as the same reports one by
 * one do: same channels, same history in the same order, also after reopening.
 */

const N = 300;
const cams = townshipChannels(N);
const rep = (n: number, status: StatusInput['status'], min: number): StatusInput => ({
  cameraId: cams[n]!.id,
  status,
  reason: status === 'offline' ? 'network' : null,
  at: T(min),
  actor: 'test',
});

/** Every channel heard online at 10:00; then a mix of changes, heartbeats and late reports. */
function batches(): StatusInput[][] {
  const first = cams.map((_, n) => rep(n, 'online', 600));
  const second: StatusInput[] = [];
  for (let n = 0; n < N; n++) {
    if (n % 3 === 0) second.push(rep(n, 'offline', 620));
    else if (n % 3 === 1) second.push(rep(n, 'online', 620));
    // Older than since: only teaches the history (a change to offline and back before 10:00).
    else second.push(rep(n, 'offline', 590));
  }
  // Late against this batch's own change at 10:20: must see it although it is not written yet.
  for (let n = 0; n < 30; n += 3) second.push(rep(n, 'offline', 610));
  // Between since and the last sign of life: a change and a change back.
  second.push(rep(1, 'offline', 605), rep(4, 'offline', 615));
  // Changes of channels already changed in this batch: their last state wins.
  for (let n = 30; n < 60; n += 3) second.push(rep(n, 'online', 625));
  return [first, second];
}

interface Opened {
  readonly store: Store;
  reopen(): Promise<Store>;
  destroy(): Promise<void>;
}

async function sqlite(): Promise<Opened> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zh-batch-'));
  const file = path.join(dir, 'zhihui.db');
  let store = createSqliteStore(file);
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      return (store = createSqliteStore(file));
    },
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<Opened> {
  const db = await freshSchema(TEST_DATABASE_URL, 'batch');
  let store = await createPostgresStore(db.url);
  return {
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      return (store = await createPostgresStore(db.url));
    },
    destroy: async () => {
      await store.close();
      await db.drop();
    },
  };
}

async function prepared(open: () => Promise<Opened>): Promise<Opened> {
  const o = await open();
  await o.store.migrate();
  await o.store.upsertRegions(regions);
  await o.store.upsertCameras(cams, 'test', T(0));
  return o;
}

const history = async (s: Store) =>
  (await s.statusEvents({ from: T(0), to: T(24 * 60) })).map((e) => [e.cameraId, e.from, e.to, e.reason, e.at]);
const channels = async (s: Store) => (await s.allCameras()).map((c) => [c.id, c.status, c.reason, c.since, c.lastSeen]);

const kinds: [string, () => Promise<Opened>][] = [['sqlite', sqlite]];
if (TEST_DATABASE_URL) kinds.push(['postgres', postgres]);

describe.each(kinds)('%s: a batch of status reports', (_kind, open) => {
  const opened: Opened[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.destroy();
  });

  test('leaves the store as the same reports one by one do', async () => {
    const whole = await prepared(open);
    const single = await prepared(open);
    opened.push(whole, single);
    let wholeEvents = 0;
    let singleEvents = 0;
    let retracted = 0;
    for (const b of batches()) {
      const r = await whole.store.applyStatus(b);
      wholeEvents += r.events.length - r.retracted.length;
      retracted += r.retracted.length;
      for (const one of b) {
        const s = await single.store.applyStatus([one]);
        singleEvents += s.events.length - s.retracted.length;
      }
    }
    const expected = await history(single.store);
    // The scenario reaches every rule: fresh channels (N), changes (N / 3), late reports (N / 3,
    // re-chaining the first change), between, and late reports that take a change back.
    expect(expected.length).toBeGreaterThan(N + (2 * N) / 3);
    expect(retracted).toBeGreaterThan(0);
    expect(await history(whole.store)).toEqual(expected);
    expect(await channels(whole.store)).toEqual(await channels(single.store));
    // What the batches said they did adds up to the history they left.
    expect(wholeEvents).toBe(expected.length);
    expect(singleEvents).toBe(expected.length);
    // And it is what was committed, not only what the store keeps in memory.
    const reopened = await channels(await single.reopen());
    expect(await history(await whole.reopen())).toEqual(expected);
    expect(await channels(whole.store)).toEqual(reopened);
  });
});
