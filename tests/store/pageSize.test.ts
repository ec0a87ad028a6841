// The SQLite store's page size: a new file is made with 16 KiB pages (the history's per-channel
// index stays cheap to insert into as it grows: `npm run bench ingest`); a file made before keeps
// its 4 KiB pages and its data, as nothing rewrites a database at start.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/src/store/sqlite/schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pageSize = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
};

test('a new SQLite file has 16 KiB pages, in WAL mode', async () => {
  const file = path.join(dir, 'new.db');
  const store = createSqliteStore(file);
  await store.migrate();
  await store.close();
  expect(pageSize(file)).toBe(16_384);
  const db = new Database(file, { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  db.close();
});

test('a file made with 4 KiB pages keeps them, and its channels and history read back', async () => {
  const file = path.join(dir, 'old.db');
  const db = new Database(file);
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = WAL');
  MIGRATIONS.forEach((m) => db.exec(m));
  db.pragma(`user_version = ${MIGRATIONS.length}`);
  const at = Date.parse('2026-12-01T08:00:00+08:00');
  db.prepare(
    `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, created_at, updated_by, valid_from)
     VALUES ('C-OLD', '旧库点位', '130111100', 114.6, 37.9, 1, 'online', NULL, ?, ?, ?, 'test', ?)`,
  ).run(at, at, at - 1000, at - 1000);
  db.close();

  const store = createSqliteStore(file);
  await store.migrate();
  const applied = await store.applyStatus([
    { cameraId: 'C-OLD', status: 'offline', reason: 'power', at: new Date(at + 60_000).toISOString(), actor: 'test' },
  ]);
  expect(applied.events.map((e) => [e.from, e.to])).toEqual([['online', 'offline']]);
  const cam = (await store.getCameras(['C-OLD'])).get('C-OLD')!;
  expect([cam.name, cam.status, cam.reason]).toEqual(['旧库点位', 'offline', 'power']);
  await store.close();
  expect(pageSize(file)).toBe(4096);
});
