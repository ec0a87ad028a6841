import type pg from 'pg';
import type { GridWorkerView, Region } from '@zhihui/shared';
import type { SeedData } from '../types.js';
import { insertStatusEvents } from './apply.js';
import { CAMERA_COLS, CLUE_COLS, clueParams, normWindow } from './rows.js';
import { t, tOrNull } from './time.js';
import { firstEventAt, seedValidFrom } from '../validity.js';

/**
 * The seed's import into PostgreSQL (multi-row `unnest` inserts, in chunks), and the whole-row
 * upserts of regions and grid workers that the API shares with it.
 */

/** Last occurrence wins: a multi-row ON CONFLICT DO UPDATE may not touch a row twice. */
export function lastById<T extends { id: string }>(rows: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    m.delete(r.id);
    m.set(r.id, r);
  }
  return [...m.values()];
}

const IMPORT_CHUNK = 20_000;
function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** The seed's channels, each valid from its first event (or its since), with the service step that starts it. */
async function seedCameras(c: pg.PoolClient, data: SeedData): Promise<void> {
  const cams = lastById(data.cameras);
  const firstEvent = firstEventAt(data.statusEvents, data.maintenance);
  const validFrom = new Map(cams.map((r) => [r.id, seedValidFrom(r, firstEvent.get(r.id))]));
  for (const part of chunks(cams, IMPORT_CHUNK)) {
    await c.query(
      `INSERT INTO cameras AS c (${CAMERA_COLS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::boolean[], $7::text[],
         $8::text[], $9::timestamptz[], $10::timestamptz[], $11::jsonb[], $12::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region, lon = excluded.lon,
         lat = excluded.lat, in_service = excluded.in_service, status = excluded.status, reason = excluded.reason,
         since = excluded.since, last_seen = excluded.last_seen, maintenance = excluded.maintenance,
         valid_from = excluded.valid_from`,
      [
        part.map((r) => r.id),
        part.map((r) => r.name),
        part.map((r) => r.region),
        part.map((r) => r.lon),
        part.map((r) => r.lat),
        part.map((r) => r.inService),
        part.map((r) => r.status),
        part.map((r) => r.reason),
        part.map((r) => t(r.since)),
        part.map((r) => tOrNull(r.lastSeen)),
        part.map((r) => (r.maintenance ? JSON.stringify(normWindow(r.maintenance)) : null)),
        part.map((r) => new Date(validFrom.get(r.id)!)),
      ],
    );
    await c.query(
      `INSERT INTO camera_service (camera_id, at, in_service, actor)
       SELECT *, 'fixture' FROM unnest($1::text[], $2::timestamptz[], $3::boolean[])`,
      [part.map((r) => r.id), part.map((r) => new Date(validFrom.get(r.id)!)), part.map((r) => r.inService)],
    );
  }
}

async function seedMaintenance(c: pg.PoolClient, part: SeedData['maintenance']): Promise<void> {
  await c.query(
    `INSERT INTO maintenance_spans (camera_id, reason, from_at, to_at, actor)
     SELECT *, 'fixture' FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])`,
    [part.map((m) => m.cameraId), part.map((m) => m.reason), part.map((m) => t(m.from)), part.map((m) => t(m.to))],
  );
}

/** Column types of CLUE_COLS, in its order, for unnest. */
const CLUE_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'float8',
  'timestamptz',
  'timestamptz',
  'text',
  'text',
  'text',
  'boolean',
  'text',
  'timestamptz',
  'timestamptz',
  'text',
];

/** The seed's clues with their whole history (a clue seeded again gets its history replaced). */
async function seedClues(c: pg.PoolClient, part: (SeedData['clues'][number] & { id: string })[]): Promise<void> {
  const cols = CLUE_COLS.split(', ');
  const params = cols.map((_, i) => part.map((x) => clueParams(x.clue)[i]));
  await c.query(
    `INSERT INTO clues (${CLUE_COLS})
     SELECT * FROM unnest(${CLUE_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${cols
       .slice(1)
       .map((k) => `${k} = excluded.${k}`)
       .join(', ')}`,
    params,
  );
  const ids = part.map((x) => x.id);
  await c.query('DELETE FROM clue_events WHERE clue_id = ANY($1::text[])', [ids]);
  const ev = part.flatMap((x) => x.history.map((e) => ({ ...e, clueId: x.id })));
  await c.query(
    `INSERT INTO clue_events (clue_id, from_status, to_status, at, actor, note)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])`,
    [
      ev.map((e) => e.clueId),
      ev.map((e) => e.from),
      ev.map((e) => e.to),
      ev.map((e) => t(e.at)),
      ev.map((e) => e.actor),
      ev.map((e) => e.note),
    ],
  );
}

async function seedReports(c: pg.PoolClient, part: SeedData['reports']): Promise<void> {
  await c.query(
    `INSERT INTO grid_reports (id, worker_id, region, at, text, clue_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
     ON CONFLICT (id) DO UPDATE SET worker_id = excluded.worker_id, region = excluded.region, at = excluded.at,
       text = excluded.text, clue_id = excluded.clue_id`,
    [
      part.map((r) => r.id),
      part.map((r) => r.workerId),
      part.map((r) => r.region),
      part.map((r) => t(r.at)),
      part.map((r) => r.text),
      part.map((r) => r.clueId),
    ],
  );
}

export async function upsertWorkers(db: pg.Pool | pg.PoolClient, input: readonly GridWorkerView[]): Promise<void> {
  const rows = lastById(input);
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO grid_workers AS w (id, name, region, phone, on_duty, last_report_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[])
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region, phone = excluded.phone,
       on_duty = excluded.on_duty, last_report_at = excluded.last_report_at`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.name),
      rows.map((r) => r.region),
      rows.map((r) => r.phone),
      rows.map((r) => r.onDuty),
      rows.map((r) => tOrNull(r.lastReportAt)),
    ],
  );
}

export async function upsertRegions(db: pg.Pool | pg.PoolClient, regions: readonly Region[]): Promise<void> {
  const rows = lastById(regions.map((r) => ({ ...r, id: r.code })));
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO regions (code, parent, doc)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, doc = excluded.doc`,
    [rows.map((r) => r.code), rows.map((r) => r.parent), rows.map(({ id: _id, ...r }) => JSON.stringify(r))],
  );
}

/** Writes the seed's rows in one transaction (the caller's, which holds the camera-write lock). */
export async function seedInto(c: pg.PoolClient, data: SeedData): Promise<void> {
  await upsertRegions(c, data.regions);
  await seedCameras(c, data);
  // History has no ids: it is appended in time order so equal instants keep a stable order.
  const events = [...data.statusEvents].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const part of chunks(events, IMPORT_CHUNK)) await insertStatusEvents(c, part);
  for (const part of chunks(data.maintenance, IMPORT_CHUNK)) await seedMaintenance(c, part);
  for (const part of chunks(lastById(data.clues.map((x) => ({ ...x, id: x.clue.id }))), IMPORT_CHUNK))
    await seedClues(c, part);
  await upsertWorkers(c, data.workers);
  for (const part of chunks(lastById(data.reports), IMPORT_CHUNK)) await seedReports(c, part);
}
