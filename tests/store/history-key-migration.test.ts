// #15.3: a PostgreSQL store written before migration 11 keeps its status history when the
// history's key becomes (at, id): every row and its order survive the upgrade, the id-only index
// is gone, and a late report's fix-up of the next stored change (which found that row by id alone)
// still finds it on the upgraded store.
import pg from 'pg';
import { expect, test } from 'vitest';
import { MIGRATIONS } from '../../server/src/store/postgres/migrations.js';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();

test.skipIf(!TEST_DATABASE_URL)(
  'an existing PostgreSQL store: history kept, keyed by (at, id), late fix-ups still land',
  async () => {
    const db = await freshSchema(TEST_DATABASE_URL, 'histkey');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // The history as written before the upgrade: two channels, two changes of one at the same instant.
    const stored = [
      ['C-A', 'unknown', 'online', null, T0 + 1 * H],
      ['C-B', 'unknown', 'online', null, T0 + 1 * H],
      ['C-A', 'online', 'offline', 'power', T0 + 5 * H],
      ['C-B', 'online', 'offline', 'network', T0 + 6 * H],
      ['C-B', 'offline', 'online', null, T0 + 6 * H],
    ] as const;
    try {
      await client.query(`CREATE TABLE schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const before = MIGRATIONS.filter((m) => m.version < 11);
      expect(before.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const m of before) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      const cam = `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, valid_from)
                 VALUES ($1, $1, '130111100', 114.6, 37.9, true, $2, $3, $4, $4, $5)`;
      await client.query(cam, ['C-A', 'offline', 'power', new Date(T0 + 5 * H), new Date(T0)]);
      await client.query(cam, ['C-B', 'online', null, new Date(T0 + 6 * H), new Date(T0)]);
      for (const [id, from, to, reason, at] of stored)
        await client.query(
          `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES ($1, $2, $3, $4, $5, 'test')`,
          [id, from, to, reason, new Date(at)],
        );
    } finally {
      await client.end();
    }

    const store = await createPostgresStore(db.url);
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const range = { from: iso(T0), to: iso(T0 + 24 * H) };
      const events = await store.statusEvents(range);
      expect(events.map((e) => [e.cameraId, e.from, e.to, e.reason, Date.parse(e.at)])).toEqual(
        // Ordered by time, then as written: C-B's two changes of 6 h keep their order.
        stored.map((s) => [...s]).sort((a, b) => (a[4] as number) - (b[4] as number)),
      );
      const { rows: key } = await check.query<{ cols: string }>(
        `SELECT string_agg(a.attname, ',' ORDER BY k.n) AS cols
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = 'status_events'::regclass AND i.indisprimary`,
      );
      expect(key[0]!.cols).toBe('at,id');
      const { rows: indexes } = await check.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'status_events' AND schemaname = current_schema() ORDER BY 1`,
      );
      expect(indexes.map((r) => r.indexname)).toEqual(['status_events_camera', 'status_events_pkey']);

      // C-A went offline (power) at 5 h; a late report says it was already so at 3 h. Filed at 3 h,
      // it makes the stored change of 5 h redundant: that row is dropped, found by channel and time.
      const late = await store.applyStatus([
        { cameraId: 'C-A', status: 'offline', reason: 'power', at: iso(T0 + 3 * H), actor: 'late' },
      ]);
      expect(late.retracted.map((e) => [e.cameraId, Date.parse(e.at)])).toEqual([['C-A', T0 + 5 * H]]);
      const after = (await store.statusEvents({ ...range, cameraIds: ['C-A'] })).map((e) => [
        e.from,
        e.to,
        Date.parse(e.at),
      ]);
      expect(after).toEqual([
        ['unknown', 'online', T0 + 1 * H],
        ['online', 'offline', T0 + 3 * H],
      ]);
    } finally {
      await check.end();
      await store.close();
      await db.drop();
    }
  },
);
