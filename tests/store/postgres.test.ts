import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { MIGRATIONS } from '../../server/src/store/postgres/migrations.js';
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
});
