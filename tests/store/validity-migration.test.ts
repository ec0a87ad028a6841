// #18.2: a store written before channel validity existed gets valid_from for its channels on
// upgrade (the earliest thing known of each: first status change, first maintenance window, or
// creation) and one in-service row each. SQLite here; PostgreSQL's version 9 is the same rule
// (server/src/store/postgres/migrations.ts) and runs in every PostgreSQL test's fresh schema.
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
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
  const before = MIGRATIONS.length - 1;
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
