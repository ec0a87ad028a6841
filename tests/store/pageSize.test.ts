// The SQLite store's page size: a new file is made with 8 KiB pages (a status storm stays fast
// both on a short history and a long one: README, Performance, round thirteen); a file made
// before keeps its 4 KiB pages and its data, as nothing rewrites a database at start, until
// `npm run repage` (the built CLI, run here as a process) rewrites it with the server stopped.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startServer } from '../e2e/harness.js';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/src/store/sqlite/schema.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'server/dist/cli/repage.js');
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

test('a new SQLite file has 8 KiB pages, in WAL mode', async () => {
  const file = path.join(dir, 'new.db');
  const store = createSqliteStore(file);
  await store.migrate();
  await store.close();
  expect(pageSize(file)).toBe(8192);
  const db = new Database(file, { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  db.close();
});

/** A store as a release before 2026-12-03 left it: 4 KiB pages, one channel. */
function oldStore(file: string, at: number): void {
  const db = new Database(file);
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = WAL');
  // As it was then: channel state still in the channel's row (it moved out on 2026-12-05).
  const then = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE camera_state'));
  expect(then).toBeGreaterThan(0);
  MIGRATIONS.slice(0, then).forEach((m) => db.exec(m));
  db.pragma(`user_version = ${then}`);
  db.prepare(
    `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, created_at, updated_by, valid_from)
     VALUES ('C-OLD', '旧库点位', '130111100', 114.6, 37.9, 1, 'online', NULL, ?, ?, ?, 'test', ?)`,
  ).run(at, at, at - 1000, at - 1000);
  db.close();
}

test('a file made with 4 KiB pages keeps them, and its channels and history read back', async () => {
  const file = path.join(dir, 'old.db');
  const at = Date.parse('2026-12-01T08:00:00+08:00');
  oldStore(file, at);
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

const repage = (dataDir: string) =>
  spawnSync(process.execPath, [CLI], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    encoding: 'utf8',
  });

test.skipIf(!existsSync(CLI))(
  'a 4 KiB store: the server names npm run repage at start; repage is refused while the store is open, then 4 KiB → 8 KiB with everything kept, and the server no longer names it',
  async () => {
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    const file = path.join(dataDir, 'zhihui.db');
    const at = Date.parse('2026-12-01T08:00:00+08:00');
    oldStore(file, at);
    const store = createSqliteStore(file);
    await store.migrate();
    await store.applyStatus([
      { cameraId: 'C-OLD', status: 'offline', reason: 'power', at: new Date(at + 60_000).toISOString(), actor: 'test' },
    ]);
    // The server still has it open: refused, nothing changed.
    const busy = repage(dataDir);
    expect([busy.status, busy.stderr.trim()]).toEqual([1, `${file} is open elsewhere: stop the server first`]);
    expect(pageSize(file)).toBe(4096);
    await store.close();
    // The server, started on it, says what to run.
    const HINT = '`npm run repage`, with the server stopped, rewrites it';
    const startedLog = async () => {
      const server = await startServer({ dataDir, env: { LOG_LEVEL: 'info' } });
      const log = server.log();
      await server.dispose();
      return log;
    };
    const hint = (await startedLog()).split('\n').find((l) => l.includes(HINT));
    expect(JSON.parse(hint!)).toMatchObject({ level: 30, file, pageSize: 4096, newFiles: 8192 });

    const done = repage(dataDir);
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`^${file}: pages 4096 → 8192 bytes, [\\d.]+ → [\\d.]+ MB\\n$`));
    expect(pageSize(file)).toBe(8192);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    // The store opens it and finds its channel and history as they were.
    const again = createSqliteStore(file);
    await again.migrate();
    const cam = (await again.getCameras(['C-OLD'])).get('C-OLD')!;
    expect([cam.status, cam.reason, Date.parse(cam.since)]).toEqual(['offline', 'power', at + 60_000]);
    const events = await again.statusEvents({
      from: new Date(at).toISOString(),
      to: new Date(at + 3_600_000).toISOString(),
    });
    expect(events.map((e) => [e.cameraId, e.from, e.to, Date.parse(e.at)])).toEqual([
      ['C-OLD', 'online', 'offline', at + 60_000],
    ]);
    await again.close();

    expect(await startedLog()).not.toContain(HINT);

    const twice = repage(dataDir);
    expect([twice.status, twice.stdout]).toEqual([0, expect.stringContaining('already 8192-byte pages')]);
    // Not a SQLite store: said so, exit 2.
    const pg = spawnSync(process.execPath, [CLI], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: 'postgres://x@127.0.0.1/none' },
      encoding: 'utf8',
    });
    expect([pg.status, pg.stderr]).toEqual([2, expect.stringContaining('DATABASE_URL is set')]);
  },
);
