import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { MIGRATIONS } from '../../server/src/store/postgres/migrations.js';
import { LOCK_CAMERA_WRITES } from '../../server/src/store/postgres/channelCache.js';
import { isoAt } from '../../server/src/store/isoAt.js';
import type { Store, StatusInput } from '../../server/src/store/types.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';

// What only PostgreSQL has to get right: several processes on one database.
if (!TEST_DATABASE_URL) {
  console.warn('tests/store/postgres: TEST_DATABASE_URL is not set, PostgreSQL concurrency tests are skipped');
}
(TEST_DATABASE_URL ? describe : describe.skip)('PostgreSQL store: several processes, one database', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const stores: Store[] = [];
  beforeAll(async () => {
    db = await freshSchema(TEST_DATABASE_URL, 'pgc');
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close().catch(() => {})));
    await db?.drop();
  });

  test('stores starting at once migrate once; a schema named in search_path is created when missing', async () => {
    // A schema that does not exist yet: the stores create it (under a lock) before migrating.
    const url = db.url.replace(db.schema, `${db.schema}_new`);
    const opened = await Promise.all([1, 2, 3, 4].map(() => createPostgresStore(url)));
    stores.push(...opened);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await c.query(`DROP SCHEMA ${db.schema}_new CASCADE`);
      await c.end();
    }
  });

  test('overlapping status batches from two pools neither deadlock nor lose a change', async () => {
    const a = await createPostgresStore(db.url);
    const b = await createPostgresStore(db.url);
    stores.push(a, b);
    const ids = Array.from({ length: 200 }, (_, i) => `cam-${String(i).padStart(4, '0')}`);
    await a.upsertCameras(
      ids.map((id) => ({ id, name: id, region: '130111100', lon: 114.6, lat: 37.9 })),
      'test',
      '2026-11-27T00:00:00+08:00',
    );
    // Each round flips every channel; A and B send the same ids in opposite orders at the same time.
    const batch = (status: 'online' | 'offline', minute: number, order: string[]): StatusInput[] =>
      order.map((cameraId) => ({
        cameraId,
        status,
        reason: status === 'offline' ? 'network' : null,
        at: `2026-11-27T08:${String(minute).padStart(2, '0')}:00+08:00`,
        actor: 't',
      }));
    const rounds = 10;
    let changes = 0;
    for (let i = 0; i < rounds; i++) {
      const status = i % 2 === 0 ? 'online' : 'offline';
      const [ra, rb] = await Promise.all([
        a.applyStatus(batch(status, i, ids)),
        b.applyStatus(batch(status, i, [...ids].reverse())),
      ]);
      // Exactly one of the two saw each change: the other found it already applied (a heartbeat).
      expect(ra.changed.length + rb.changed.length).toBe(ids.length);
      changes += ra.events.length + rb.events.length;
    }
    expect(changes).toBe(ids.length * rounds);
    const events = await a.statusEvents({ from: '2026-11-27T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' });
    expect(events).toHaveLength(ids.length * rounds);
    const final = await b.allCameras();
    expect(final.every((c) => c.status === 'offline' && c.since === '2026-11-27T08:09:00+08:00')).toBe(true);
  });
  /** Two pools on the store's schema, as two processes of a scale-out; X is one channel in region 1. */
  async function twoStores(x: string): Promise<[Store, Store]> {
    const a = await createPostgresStore(db.url);
    const b = await createPostgresStore(db.url);
    stores.push(a, b);
    await a.upsertCameras(
      [{ id: x, name: x, region: 'r1', lon: 114.6, lat: 37.9 }],
      'test',
      '2026-11-27T00:00:00+08:00',
    );
    return [a, b];
  }
  /** Minute n after 08:00, as the store writes instants. */
  const at = (n: number) => isoAt(Date.parse('2026-11-27T08:00:00+08:00') + n * 60_000);
  const flip = (x: string, n: number): StatusInput[] => [
    { cameraId: x, status: n % 2 ? 'offline' : 'online', reason: n % 2 ? 'power' : null, at: at(n), actor: 't' },
  ];

  test('a status batch racing inventory writes in another process returns the state committed before it', async () => {
    const x = 'cam-race';
    const [a, b] = await twoStores(x);
    const rounds = 40;
    const regionOf = (j: number) => `r${j}`;
    // A flips the channel's status (batch k at minute k); B moves it to region r<j> and flips its
    // in-service flag, j = 2, 3, … at the same time. Every result carries the other side's fields.
    const seenBy: { region: string; inService: boolean }[] = [];
    const sinceAt: string[] = [];
    await Promise.all([
      (async () => {
        for (let k = 1; k <= rounds; k++) {
          const r = await a.applyStatus(flip(x, k));
          expect(r.changed).toHaveLength(1);
          seenBy[k] = { region: r.changed[0]!.region, inService: r.changed[0]!.inService };
        }
      })(),
      (async () => {
        for (let j = 2; j <= rounds; j++) {
          const [rec] = await b.upsertCameras(
            [{ id: x, name: x, region: regionOf(j), lon: 114.6, lat: 37.9, inService: j % 2 === 0 }],
            'test',
            '2026-11-27T00:00:00+08:00',
          );
          sinceAt[j] = rec!.since;
        }
      })(),
    ]);
    // One serial order explains every answer: batch k saw upsert j, so upsert j saw a batch
    // before k and upsert j + 1 saw k or later (`since` tells which batch an upsert saw).
    const batchOf = (since: string | undefined) =>
      since === undefined ? 0 : Math.round((Date.parse(since) - Date.parse(at(0))) / 60_000);
    for (let k = 1; k <= rounds; k++) {
      const j = Number(seenBy[k]!.region.slice(1));
      expect(seenBy[k]!.inService).toBe(j === 1 || j % 2 === 0);
      if (j > 1) expect(batchOf(sinceAt[j])).toBeLessThan(k);
      if (j < rounds) expect(batchOf(sinceAt[j + 1])).toBeGreaterThanOrEqual(k);
    }
    // And the stored row is what the last writers left.
    const final = (await a.getCameras([x])).get(x)!;
    expect(final).toMatchObject({ region: regionOf(rounds), inService: true, status: 'online', since: at(rounds) });
  });

  test('a batch waits for an inventory write in flight and returns what it committed, even with the channel held in memory', async () => {
    const x = 'cam-wait';
    const [a] = await twoStores(x);
    await a.applyStatus(flip(x, 1)); // A now holds the channel's row
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      // Another process's upsert, part-way: it holds the lock and has moved the channel.
      await other.query('BEGIN');
      await other.query(LOCK_CAMERA_WRITES);
      await other.query(`UPDATE cameras SET region = 'r9', in_service = false, name = '新名' WHERE id = $1`, [x]);
      let settled = false;
      const batch = a.applyStatus(flip(x, 2)).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await other.query('COMMIT');
      const r = await batch;
      expect(r.changed[0]).toMatchObject({
        region: 'r9',
        inService: false,
        name: '新名',
        status: 'online',
        since: at(2),
      });
      // A write that takes no lock at all (psql, say) is still seen by the next batch.
      await other.query(`UPDATE cameras SET name = '又改' WHERE id = $1`, [x]);
      const r2 = await a.applyStatus(flip(x, 3));
      expect(r2.changed[0]).toMatchObject({ name: '又改', status: 'offline', since: at(3) });
    } finally {
      await other.end();
    }
  });

  test('a status write that bypasses the lock mid-batch (psql, an older release) is not overwritten: the batch is redone', async () => {
    const x = 'cam-rogue';
    const [a] = await twoStores(x);
    await a.applyStatus(flip(x, 2)); // A holds: online since minute 2
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      // Offline at minute 4, written straight into the row, and not committed yet.
      await other.query('BEGIN');
      await other.query(`UPDATE cameras SET status = 'offline', reason = 'power', since = $2 WHERE id = $1`, [
        x,
        at(4),
      ]);
      const batch = a.applyStatus(flip(x, 5)); // offline at minute 5: decided from memory as a change
      await new Promise((r) => setTimeout(r, 300));
      await other.query('COMMIT');
      // Redone on the committed row: offline already, so a heartbeat.
      const r = await batch;
      expect(r.events).toEqual([]);
      expect(r.changed).toEqual([]);
      const row = (await a.getCameras([x])).get(x)!;
      expect(row).toMatchObject({ status: 'offline', since: at(4), lastSeen: at(5) });
      expect((await a.statusEvents({ from: at(0), to: at(10), cameraIds: [x] })).map((e) => e.at)).toEqual([at(2)]);
    } finally {
      await other.end();
    }
  });

  test('a batch after another process changed the same channel decides from that change, not from memory', async () => {
    const x = 'cam-cross';
    const [a, b] = await twoStores(x);
    await a.applyStatus(flip(x, 1)); // A holds: offline since minute 1
    const byB = await b.applyStatus(flip(x, 2)); // online since minute 2
    expect(byB.events).toHaveLength(1);
    // A's report of online at minute 3 is a heartbeat now, and B's maintenance window shows.
    const win = { reason: '检修', from: at(0), to: at(600) };
    await b.setMaintenance([x], win, 'test');
    const again = await a.applyStatus([{ ...flip(x, 2)[0]!, at: at(3) }]);
    expect(again.events).toEqual([]);
    const off = await a.applyStatus(flip(x, 5));
    expect(off.changed[0]).toMatchObject({ status: 'offline', since: at(5), lastSeen: at(5), maintenance: win });
    const history = await a.statusEvents({ from: at(0), to: at(10), cameraIds: [x] });
    expect(history.map((e) => [e.from, e.to, e.at])).toEqual([
      ['unknown', 'offline', at(1)],
      ['offline', 'online', at(2)],
      ['online', 'offline', at(5)],
    ]);
  });
});
