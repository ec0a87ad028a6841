// #18.2: a store written before channel validity existed gets valid_from for its channels on
// upgrade (the earliest thing known of each: first status change, first maintenance window, or
// creation — PostgreSQL keeps no creation time: the start of the current status) and one
// in-service row each. SQLite, and PostgreSQL in a schema of its own.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { MIGRATIONS as PG_MIGRATIONS } from '../../server/src/store/postgres/migrations.js';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/src/store/sqlite/schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-validity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00+08:00');

test('an existing SQLite store: each channel valid from the earliest thing known of it', async () => {
  const file = path.join(dir, 'old.db');
  const db = new Database(file);
  // The store as the release before validity left it.
  const before = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN valid_from'));
  expect(before).toBeGreaterThan(0);
  for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]!);
  db.pragma(`user_version = ${before}`);
  const ins = db.prepare(
    `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, created_at, updated_by)
     VALUES (?, ?, '130111100', 114.6, 37.9, ?, ?, NULL, ?, NULL, ?, 'test')`,
  );
  ins.run('C-EVENT', '有变化', 1, 'online', T0 + 50 * H, T0 + 40 * H); // first change before its creation row
  ins.run('C-MAINT', '有维护', 1, 'unknown', T0 + 40 * H, T0 + 40 * H);
  ins.run('C-BARE', '无记录', 0, 'unknown', T0 + 30 * H, T0 + 30 * H);
  db.prepare(
    `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES ('C-EVENT', 'unknown', 'online', NULL, ?, 'test')`,
  ).run(T0 + 5 * H);
  db.prepare(
    `INSERT INTO maintenance (camera_id, reason, from_at, to_at, actor) VALUES ('C-MAINT', '检修', ?, ?, 'test')`,
  ).run(T0 + 7 * H, T0 + 9 * H);
  db.close();

  const store = createSqliteStore(file);
  await store.migrate();
  const cams = await store.getCameras(['C-EVENT', 'C-MAINT', 'C-BARE']);
  const validFrom = (id: string) => Date.parse(cams.get(id)!.validFrom!);
  expect(validFrom('C-EVENT')).toBe(T0 + 5 * H);
  expect(validFrom('C-MAINT')).toBe(T0 + 7 * H);
  expect(validFrom('C-BARE')).toBe(T0 + 30 * H);
  const service = await store.serviceHistory({
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 99 * H).toISOString(),
  });
  expect(service.map((s) => [s.cameraId, Date.parse(s.at), s.inService])).toEqual([
    ['C-BARE', T0 + 30 * H, false],
    ['C-EVENT', T0 + 5 * H, true],
    ['C-MAINT', T0 + 7 * H, true],
  ]);
  await store.close();
});

test.skipIf(!TEST_DATABASE_URL)('an existing PostgreSQL store: the same rule', async () => {
  const db = await freshSchema(TEST_DATABASE_URL, 'valid');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    // The store as the release before validity (migration 9) left it.
    await client.query(`CREATE TABLE schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const m of PG_MIGRATIONS.filter((x) => x.version < 9)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    const ins = `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since)
                 VALUES ($1, $2, '130111100', 114.6, 37.9, $3, $4, NULL, $5)`;
    await client.query(ins, ['C-EVENT', '有变化', true, 'online', new Date(T0 + 50 * H)]);
    await client.query(ins, ['C-MAINT', '有维护', true, 'unknown', new Date(T0 + 40 * H)]);
    await client.query(ins, ['C-BARE', '无记录', false, 'unknown', new Date(T0 + 30 * H)]);
    await client.query(
      `INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES ('C-EVENT', 'unknown', 'online', NULL, $1, 'test')`,
      [new Date(T0 + 5 * H)],
    );
    await client.query(
      `INSERT INTO maintenance_spans (camera_id, reason, from_at, to_at, actor) VALUES ('C-MAINT', '检修', $1, $2, 'test')`,
      [new Date(T0 + 7 * H), new Date(T0 + 9 * H)],
    );
  } finally {
    await client.end();
  }
  const store = await createPostgresStore(db.url);
  try {
    const cams = await store.getCameras(['C-EVENT', 'C-MAINT', 'C-BARE']);
    const validFrom = (id: string) => Date.parse(cams.get(id)!.validFrom!);
    expect(validFrom('C-EVENT')).toBe(T0 + 5 * H);
    expect(validFrom('C-MAINT')).toBe(T0 + 7 * H);
    expect(validFrom('C-BARE')).toBe(T0 + 30 * H);
    const service = await store.serviceHistory({
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 99 * H).toISOString(),
    });
    expect(service.map((s) => [s.cameraId, Date.parse(s.at), s.inService])).toEqual([
      ['C-BARE', T0 + 30 * H, false],
      ['C-EVENT', T0 + 5 * H, true],
      ['C-MAINT', T0 + 7 * H, true],
    ]);
  } finally {
    await store.close();
    await db.drop();
  }
});
