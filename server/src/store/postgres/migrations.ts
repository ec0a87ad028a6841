import type pg from 'pg';

/** One schema step. Versions only ever grow; a released step is never edited, only followed. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE regions (
        code text PRIMARY KEY,
        parent text,
        doc jsonb NOT NULL
      );
      CREATE TABLE cameras (
        id text PRIMARY KEY,
        name text NOT NULL,
        region text NOT NULL,
        lon double precision NOT NULL,
        lat double precision NOT NULL,
        in_service boolean NOT NULL,
        status text NOT NULL,
        reason text,
        since timestamptz NOT NULL,
        last_seen timestamptz,
        maintenance jsonb
      );
      CREATE INDEX cameras_region ON cameras (region, id);
      CREATE TABLE status_events (
        id bigserial PRIMARY KEY,
        camera_id text NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        reason text,
        at timestamptz NOT NULL,
        actor text NOT NULL
      );
      CREATE INDEX status_events_at ON status_events (at, id);
      CREATE INDEX status_events_camera ON status_events (camera_id, at);
      CREATE TABLE clues (
        id text PRIMARY KEY,
        category text NOT NULL,
        source text NOT NULL,
        region text NOT NULL,
        title text NOT NULL,
        description text,
        lon double precision,
        lat double precision,
        reported_at timestamptz NOT NULL,
        due_at timestamptz,
        status text NOT NULL,
        assignee text,
        outcome text,
        urgent boolean NOT NULL,
        grid_worker_id text,
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL,
        created_by text NOT NULL
      );
      CREATE INDEX clues_reported ON clues (reported_at DESC, id);
      CREATE INDEX clues_open ON clues (status) WHERE status IN ('reported', 'verified', 'dispatched');
      CREATE INDEX clues_region ON clues (region);
      CREATE TABLE clue_events (
        id bigserial PRIMARY KEY,
        clue_id text NOT NULL REFERENCES clues (id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        note text
      );
      CREATE INDEX clue_events_clue ON clue_events (clue_id, id);
      CREATE TABLE grid_workers (
        id text PRIMARY KEY,
        name text NOT NULL,
        region text NOT NULL,
        phone text,
        on_duty boolean NOT NULL,
        last_report_at timestamptz
      );
      CREATE TABLE grid_reports (
        id text PRIMARY KEY,
        worker_id text NOT NULL,
        region text NOT NULL,
        at timestamptz NOT NULL,
        text text NOT NULL,
        clue_id text
      );
      CREATE INDEX grid_reports_at ON grid_reports (at, id);
      CREATE TABLE maintenance_spans (
        id bigserial PRIMARY KEY,
        camera_id text NOT NULL,
        reason text NOT NULL,
        from_at timestamptz NOT NULL,
        to_at timestamptz NOT NULL,
        actor text NOT NULL
      );
      CREATE INDEX maintenance_spans_camera ON maintenance_spans (camera_id, to_at);
      CREATE INDEX maintenance_spans_to ON maintenance_spans (to_at);
    `,
  },
  {
    version: 2,
    name: 'credentials and audit',
    // Clue steps are not copied into audit: listAudit reads them from clue_events, by time.
    sql: `
      CREATE TABLE credentials (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        scopes jsonb NOT NULL,
        hash text NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        revoked_at timestamptz,
        revoked_by text
      );
      CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        details jsonb
      );
      CREATE INDEX audit_at ON audit (at, id);
      CREATE INDEX clue_events_at ON clue_events (at, id);
    `,
  },
  {
    version: 3,
    name: 'notifications',
    // The delivery log, admin-made channels and rules, the working-day override table and the
    // alert engine's durable state. Self-contained: no other table changes.
    sql: `
      CREATE TABLE notify_deliveries (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        channel text NOT NULL,
        rule text,
        region text NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        error text,
        merged_into text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sent_at timestamptz,
        message jsonb NOT NULL
      );
      CREATE INDEX notify_deliveries_created ON notify_deliveries (created_at DESC, id DESC);
      CREATE INDEX notify_deliveries_open ON notify_deliveries (status) WHERE status IN ('queued', 'held');
      CREATE TABLE notify_settings (
        kind text NOT NULL,
        id text NOT NULL,
        doc jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (kind, id)
      );
      CREATE TABLE calendar_overrides (
        date text PRIMARY KEY,
        workday boolean NOT NULL,
        note text,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
      CREATE TABLE notify_state (
        key text PRIMARY KEY,
        doc jsonb NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'video play urls',
    // Apart from the inventory row: the URL may carry credentials and only the video broker reads it.
    sql: `
      CREATE TABLE camera_play_urls (
        camera_id text PRIMARY KEY,
        url text NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'credential regions and audit actor ids',
    // NULL region: the whole tree, as credentials reached before regions were bound.
    sql: `
      ALTER TABLE credentials ADD COLUMN region text;
      ALTER TABLE audit ADD COLUMN actor_id text;
    `,
  },
  {
    version: 6,
    name: 'cameras leave room on each page',
    // A status change rewrites the channel's row; with room on its page the new version stays
    // there (a HOT update) and neither index is touched: a storm of 5,000-row batches updates
    // 2.5-5 times faster. Pages already full get the room back as vacuum clears old versions.
    sql: `
      ALTER TABLE cameras SET (fillfactor = 50);
    `,
  },
  {
    version: 7,
    name: 'people and sessions',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        role text NOT NULL,
        region text,
        password_hash text NOT NULL,
        failed_count integer NOT NULL,
        locked_until timestamptz,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        password_changed_at timestamptz NOT NULL,
        last_sign_in_at timestamptz,
        disabled_at timestamptz
      );
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        csrf text NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ip text NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
    `,
  },
  {
    version: 8,
    name: 'appeals and topics',
    sql: `
      CREATE TABLE appeals (
        id text PRIMARY KEY,
        region text NOT NULL,
        heard_at timestamptz NOT NULL,
        topic_id text,
        doc jsonb NOT NULL
      );
      CREATE INDEX appeals_heard ON appeals (region, heard_at);
      CREATE INDEX appeals_topic ON appeals (topic_id);
      CREATE TABLE appeal_topics (
        id text PRIMARY KEY,
        region text NOT NULL,
        meeting_date text NOT NULL,
        doc jsonb NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'channel validity and in-service history',
    // #18.2. Existing channels become valid at the earliest thing known of them: their first
    // status change or maintenance window, or the start of their current status (a channel never
    // reported: its creation). For a seeded store that is the seed's history, so past periods keep
    // their figures. The flag's history before this is not known: the current flag from valid_from.
    sql: `
      ALTER TABLE cameras ADD COLUMN valid_from timestamptz;
      UPDATE cameras c SET valid_from = LEAST(
        c.since,
        (SELECT min(e.at) FROM status_events e WHERE e.camera_id = c.id),
        (SELECT min(m.from_at) FROM maintenance_spans m WHERE m.camera_id = c.id)
      );
      ALTER TABLE cameras ALTER COLUMN valid_from SET NOT NULL;
      CREATE TABLE camera_service (
        id bigserial PRIMARY KEY,
        camera_id text NOT NULL,
        at timestamptz NOT NULL,
        in_service boolean NOT NULL,
        actor text NOT NULL
      );
      CREATE INDEX camera_service_camera ON camera_service (camera_id, at);
      INSERT INTO camera_service (camera_id, at, in_service, actor)
        SELECT id, valid_from, in_service, 'migration' FROM cameras;
    `,
  },
  {
    version: 10,
    name: 'writes to cameras tick a clock',
    // A status batch keeps the rows it wrote in memory and trusts them while the clock has not
    // moved (channelCache.ts). Every statement on cameras ticks it, whoever sends it, except the
    // status batch's own write, which ticks it once itself to learn the value it leaves behind.
    // The function names the table through the trigger's schema, not the writer's search_path.
    sql: `
      CREATE TABLE camera_clock (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        v bigint NOT NULL
      );
      INSERT INTO camera_clock (v) VALUES (0);
      CREATE FUNCTION camera_clock_tick() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('zhihui.status_batch', true), '') <> 'on' THEN
          EXECUTE format('UPDATE %I.camera_clock SET v = v + 1', TG_TABLE_SCHEMA);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER cameras_tick AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cameras
        FOR EACH STATEMENT EXECUTE FUNCTION camera_clock_tick();
    `,
  },
  {
    version: 11,
    name: 'status history keyed by time',
    // #15.3. Every status change inserts a history row, and each index of the table is a b-tree
    // insert more: three (id, then (at, id), then (camera_id, at)) took two thirds of the server's
    // time for a batch. The history is read by time or by channel and time; id only orders the
    // changes of one instant, and the late hook's fix-ups find their row by channel and time
    // first. So (at, id) is the primary key and the id-only index goes. About 8% more changes/s
    // through the store (README, round sixteen). Existing history is indexed anew, once, here.
    sql: `
      ALTER TABLE status_events DROP CONSTRAINT status_events_pkey;
      ALTER TABLE status_events ADD CONSTRAINT status_events_pkey PRIMARY KEY (at, id);
      DROP INDEX status_events_at;
    `,
  },
  {
    version: 12,
    name: 'grid reports by region and time',
    // The desk's grid-report picker reads a page of a region subtree newest first: by region and
    // time, a township's page is read from its own reports, not found among a province's.
    sql: `CREATE INDEX grid_reports_region ON grid_reports (region, at);`,
  },
];

/** Any fixed number works; it only has to be the same in every process of a deployment. */
const LOCK_KEY = 0x7a6869; // 'zhi'

/**
 * Applies the missing migrations in one transaction. The transaction-scoped advisory lock
 * serialises processes that start at once: the second waits, then finds nothing to do.
 * The lock key mixes in the schema so parallel test schemas do not queue behind each other.
 */
export async function runMigrations(client: pg.PoolClient): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  return applied;
}
