// SQLite keeps a channel's state (status, reason, since, last sign of life) in a narrow table of
// its own since 2026-12-05 (README, Performance, round seventeen). A store written before keeps
// every channel's state and inventory on upgrade, and what the store writes after lands in the
// new table: a second opening of the file reads it back.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/src/store/sqlite/schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.parse('2026-12-01T08:00:00+08:00');
const M = 60_000;
const iso = (t: number) => new Date(t).toISOString();

/** The channels as the release before left them: [id, name, inService, status, reason, since, lastSeen, maintenance]. */
const OLD = [
  ['C-ON', '东门', 1, 'online', null, T0 + 5 * M, T0 + 9 * M, null],
  ['C-OFF', '西门', 1, 'offline', 'power', T0 + 7 * M, T0 + 7 * M, null],
  ['C-NEW', '南门', 1, 'unknown', null, T0, null, null],
  ['C-OUT', '北门', 0, 'offline', 'network', T0 + 2 * M, T0 + 3 * M, ['检修', T0, T0 + 60 * M]],
] as const;

function oldStore(file: string): void {
  const db = new Database(file);
  const then = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE camera_state'));
  expect(then).toBeGreaterThan(0);
  MIGRATIONS.slice(0, then).forEach((m) => db.exec(m));
  db.pragma(`user_version = ${then}`);
  const ins = db.prepare(
    `INSERT INTO cameras (id, name, region, lon, lat, in_service, status, reason, since, last_seen, m_reason, m_from, m_to, created_at, updated_by, valid_from)
     VALUES (?, ?, '130111100', 114.6, 37.9, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test', ?)`,
  );
  for (const [id, name, inService, status, reason, since, lastSeen, m] of OLD)
    ins.run(
      id,
      name,
      inService,
      status,
      reason,
      since,
      lastSeen,
      m?.[0] ?? null,
      m?.[1] ?? null,
      m?.[2] ?? null,
      T0,
      T0,
    );
  db.close();
}

const columns = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  } finally {
    db.close();
  }
};

test('an upgraded store keeps each channel whole, and writes its state to the narrow table', async () => {
  const file = path.join(dir, 'old.db');
  oldStore(file);
  const store = createSqliteStore(file);
  await store.migrate();
  expect(columns(file, 'cameras')).not.toContain('status');
  expect(columns(file, 'camera_state')).toEqual(['id', 'status', 'reason', 'since', 'last_seen']);

  const got = await store.getCameras(OLD.map((c) => c[0]));
  for (const [id, name, inService, status, reason, since, lastSeen, m] of OLD) {
    const c = got.get(id)!;
    expect([c.name, c.inService, c.status, c.reason]).toEqual([name, inService === 1, status, reason]);
    expect(Date.parse(c.since)).toBe(since);
    expect(c.lastSeen === null ? null : Date.parse(c.lastSeen)).toBe(lastSeen);
    expect(
      c.maintenance && [c.maintenance.reason, Date.parse(c.maintenance.from), Date.parse(c.maintenance.to)],
    ).toEqual(m === null ? null : [...m]);
  }
  // The list filters by the state in the other table.
  const offline = await store.listCameras({ status: 'offline', limit: 10 });
  expect(offline.items.map((c) => c.id)).toEqual(['C-OFF', 'C-OUT']);

  // A change, a heartbeat, a new channel and an inventory edit, then the file read afresh.
  await store.applyStatus([
    { cameraId: 'C-ON', status: 'offline', reason: 'network', at: iso(T0 + 20 * M), actor: 'test' },
    { cameraId: 'C-OFF', status: 'offline', reason: 'power', at: iso(T0 + 21 * M), actor: 'test' },
  ]);
  await store.upsertCameras(
    [
      { id: 'C-ADD', name: '新增', region: '130111100', lon: 114.7, lat: 37.8 },
      { id: 'C-NEW', name: '南门（改）', region: '130111100', lon: 114.6, lat: 37.9 },
    ],
    'test',
    iso(T0 + 22 * M),
  );
  await store.close();

  const again = createSqliteStore(file);
  await again.migrate();
  const now = await again.getCameras(['C-ON', 'C-OFF', 'C-NEW', 'C-ADD']);
  const on = now.get('C-ON')!;
  expect([on.status, on.reason, Date.parse(on.since), Date.parse(on.lastSeen!)]).toEqual([
    'offline',
    'network',
    T0 + 20 * M,
    T0 + 20 * M,
  ]);
  const off = now.get('C-OFF')!;
  expect([off.status, Date.parse(off.since), Date.parse(off.lastSeen!)]).toEqual(['offline', T0 + 7 * M, T0 + 21 * M]);
  const renamed = now.get('C-NEW')!;
  expect([renamed.name, renamed.status, Date.parse(renamed.since), renamed.lastSeen]).toEqual([
    '南门（改）',
    'unknown',
    T0,
    null,
  ]);
  const added = now.get('C-ADD')!;
  expect([added.status, Date.parse(added.since), added.lastSeen]).toEqual(['unknown', T0 + 22 * M, null]);
  await again.close();

  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare('SELECT COUNT(*) FROM camera_state').pluck().get()).toBe(5);
    expect(db.prepare("SELECT status FROM cameras_with_state WHERE id = 'C-ON'").pluck().get()).toBe('offline');
  } finally {
    db.close();
  }
});

test('a store written by a newer release is refused at start, named, and left as it is', async () => {
  const file = path.join(dir, 'newer.db');
  const db = new Database(file);
  MIGRATIONS.forEach((m) => db.exec(m));
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  const bytes = () => readFileSync(file).toString('hex');
  db.close();
  const before = bytes();
  const store = createSqliteStore(file);
  await expect(store.migrate()).rejects.toThrow(
    new RegExp(`schema ${MIGRATIONS.length + 1}, written by a newer release; this release knows ${MIGRATIONS.length}`),
  );
  await store.close();
  const again = new Database(file, { readonly: true });
  expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
  again.close();
  // Not a byte changed: not even its journal mode (a rollback-journal file stays one).
  expect(bytes()).toBe(before);
});
