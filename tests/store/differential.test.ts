import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import type { StatusEvent, StatusInput, Store } from '../../server/src/store/types.js';
import { ALL, M, REGION, channels, draw, input, newIds, random } from './lateWalk.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';

// The stores side by side: the same seeded walks of status batches go to SQLite, to SQLite with
// its history merged into the long table every 3 events, and to PostgreSQL, and after every batch
// all of them must hold the same history (in order), the same channel states and have returned
// the same net effect. No expected value is written here: a disagreement is a bug in one of them.
// The walks mix in-order, late, between, same-instant, repeated and heard:false reports (a
// source's down marks and the heartbeat's), on channels heard from and channels never heard
// (the never-heard rule of store/late.ts). A review ran about 5,700 such walks on 2026-12-05 with
// no disagreement; this keeps a bounded number of them as a regression test.

type Opened = { name: string; store: Store; destroy: () => Promise<void> };

async function openSqlite(name: string, mergeAt?: number): Promise<Opened> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zh-diff-'));
  const store = createSqliteStore(path.join(dir, 'zhihui.db'), { mergeAt });
  return {
    name,
    store,
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Opened> {
  const db = await freshSchema(TEST_DATABASE_URL, 'diff');
  const store = await createPostgresStore(db.url);
  return {
    name: 'postgres',
    store,
    destroy: async () => {
      await store.close();
      await db.drop();
    },
  };
}

const key = (e: StatusEvent) => JSON.stringify([e.cameraId, e.from, e.to, e.reason, Date.parse(e.at), e.actor]);
const keys = (es: readonly StatusEvent[]) => es.map(key).sort();

/** What one store holds of the channels and what the batch returned, in comparable form. */
async function observe(s: Store, ids: readonly string[], got: { events: StatusEvent[]; retracted: StatusEvent[] }) {
  const history = (await s.statusEvents({ ...ALL, cameraIds: ids })).map(key);
  const cams = await s.getCameras(ids);
  const states = ids.map((id) => {
    const c = cams.get(id)!;
    return [c.status, c.reason, Date.parse(c.since), c.lastSeen === null ? null : Date.parse(c.lastSeen)];
  });
  return { history, states, events: keys(got.events), retracted: keys(got.retracted) };
}

const WALKS = 24;
const BATCHES = 12;

describe(`the stores agree on random walks of status batches${TEST_DATABASE_URL ? '' : ' (SQLite only: TEST_DATABASE_URL not set)'}`, () => {
  const stores: Opened[] = [];
  beforeAll(async () => {
    stores.push(await openSqlite('sqlite'), await openSqlite('sqlite, merged every 3 events', 3));
    if (TEST_DATABASE_URL) stores.push(await openPostgres());
    for (const o of stores) {
      await o.store.migrate();
      await o.store.upsertRegions([REGION]);
    }
  });
  afterAll(async () => {
    for (const o of stores) await o.destroy();
  });

  test.each(Array.from({ length: WALKS }, (_, i) => i + 1))('seed %i', async (seed) => {
    const r = random(1000 + seed);
    // Each walk has a different mix of channels heard at minute 30 and channels never heard.
    const heard = [r() < 0.5, r() < 0.5, r() < 0.7];
    const ids = newIds();
    for (const o of stores) await channels(o.store, ids, heard);
    // Most never-heard channels then get their source's down mark (heard: false) a little after
    // they were listed, so the walk's reports older than it meet the never-heard rule.
    const marks: StatusInput[] = ids.flatMap((cameraId, i) =>
      !heard[i] && r() < 0.8
        ? [
            {
              cameraId,
              status: 'unknown',
              reason: 'source_down',
              at: M(5 + Math.floor(r() * 20)),
              actor: 'wvp',
              heard: false,
            },
          ]
        : [],
    );
    if (marks.length > 0) for (const o of stores) await o.store.applyStatus(marks);
    const [first, ...others] = stores;
    for (let b = 0, clock = 35; b < BATCHES; b++, clock += 8) {
      const batch = await draw(r, first!.store, ids, clock);
      const what = `batch ${b} ${JSON.stringify(batch)} of seed ${seed}`;
      const seen = [];
      for (const o of stores)
        seen.push(await observe(o.store, ids, await o.store.applyStatus(batch.map((x) => input(ids, x)))));
      others.forEach((o, i) => expect(seen[i + 1], `${o.name} against ${first!.name} after ${what}`).toEqual(seen[0]));
    }
  });
});
