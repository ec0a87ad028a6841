/**
 * Schema migrations, applied in order; PRAGMA user_version records how many ran.
 * Times are epoch milliseconds (INTEGER) so range queries and ordering are plain comparisons.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT,
    lon REAL,
    lat REAL,
    approximate INTEGER
  );

  CREATE TABLE cameras (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    in_service INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    since INTEGER NOT NULL,
    last_seen INTEGER,
    m_reason TEXT,
    m_from INTEGER,
    m_to INTEGER,
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  );
  CREATE INDEX cameras_region ON cameras (region, id);

  CREATE TABLE status_events (
    seq INTEGER PRIMARY KEY,
    camera_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX status_events_at ON status_events (at);
  CREATE INDEX status_events_camera ON status_events (camera_id, at);

  CREATE TABLE maintenance (
    seq INTEGER PRIMARY KEY,
    camera_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    from_at INTEGER NOT NULL,
    to_at INTEGER NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX maintenance_camera ON maintenance (camera_id, to_at);
  CREATE INDEX maintenance_to ON maintenance (to_at);

  CREATE TABLE clues (
    id TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    source TEXT NOT NULL,
    region TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    lon REAL,
    lat REAL,
    reported_at INTEGER NOT NULL,
    due_at INTEGER,
    status TEXT NOT NULL,
    assignee TEXT,
    outcome TEXT,
    urgent INTEGER NOT NULL,
    grid_worker_id TEXT,
    resolved_at INTEGER,
    updated_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE INDEX clues_reported ON clues (reported_at DESC, id);
  CREATE INDEX clues_region ON clues (region, reported_at);
  CREATE INDEX clues_status ON clues (status);

  CREATE TABLE clue_events (
    seq INTEGER PRIMARY KEY,
    clue_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    note TEXT
  );
  CREATE INDEX clue_events_clue ON clue_events (clue_id, seq);

  CREATE TABLE grid_workers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    phone TEXT,
    on_duty INTEGER NOT NULL,
    last_report_at INTEGER
  );

  CREATE TABLE grid_reports (
    id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL,
    region TEXT NOT NULL,
    at INTEGER NOT NULL,
    text TEXT NOT NULL,
    clue_id TEXT
  );
  CREATE INDEX grid_reports_at ON grid_reports (at);
  `,
  // 2: credentials (admin-created keys and viewer tokens, hashed) and the audit log. Clue steps are
  // not copied here: listAudit reads them from clue_events, which the index below serves by time.
  `
  CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at INTEGER,
    revoked_by TEXT
  );

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT
  );
  CREATE INDEX audit_at ON audit (at);
  CREATE INDEX clue_events_at ON clue_events (at);
  `,
  // notifications: the delivery log, channels and rules from the admin API, the working-day
  // override table and the alert engine's durable state. Self-contained: no other table changes.
  `
  CREATE TABLE notify_deliveries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    rule TEXT,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT,
    merged_into TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    message TEXT NOT NULL
  );
  CREATE INDEX notify_deliveries_created ON notify_deliveries (created_at DESC, id);
  CREATE INDEX notify_deliveries_open ON notify_deliveries (status) WHERE status IN ('queued', 'held');

  CREATE TABLE notify_settings (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );

  CREATE TABLE calendar_overrides (
    date TEXT PRIMARY KEY,
    workday INTEGER NOT NULL,
    note TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  );

  CREATE TABLE notify_state (
    key TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  );
  `,
  // video: a channel's own play URL, kept apart from the inventory row because it may carry
  // credentials and only the video broker reads it back.
  `
  CREATE TABLE camera_play_urls (
    camera_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  );
  `,
  // Credentials bound to a region subtree (NULL: the whole tree, as before), and the acting
  // credential's id on audit lines so that two keys of one name are never confused.
  `
  ALTER TABLE credentials ADD COLUMN region TEXT;
  ALTER TABLE audit ADD COLUMN actor_id TEXT;
  `,
  // People (accounts with a password, bound to a region subtree) and their server-side sessions.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    region TEXT,
    password_hash TEXT NOT NULL,
    failed_count INTEGER NOT NULL,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    disabled_at INTEGER
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  `,
  // 说事儿: appeals (说事, 办事) and the topics they are grouped into (议事); the record as JSON.
  `
  CREATE TABLE appeals (
    id TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    heard_at INTEGER NOT NULL,
    topic_id TEXT,
    doc TEXT NOT NULL
  );
  CREATE INDEX appeals_heard ON appeals (region, heard_at);
  CREATE INDEX appeals_topic ON appeals (topic_id);
  CREATE TABLE appeal_topics (
    id TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  `,
  // Channel validity (#18.2): since when a channel counts (valid_from), and the history of its
  // in-service flag. Existing channels become valid at the earliest thing known of them: their
  // first status change or maintenance window, or their creation — for a seeded store that is the
  // seed's history, so past periods keep the figures they had. The flag's history before this
  // migration is not known: the current flag is taken as held since valid_from.
  `
  ALTER TABLE cameras ADD COLUMN valid_from INTEGER;
  UPDATE cameras SET valid_from = MIN(
    created_at,
    COALESCE((SELECT MIN(at) FROM status_events e WHERE e.camera_id = cameras.id), created_at),
    COALESCE((SELECT MIN(from_at) FROM maintenance m WHERE m.camera_id = cameras.id), created_at)
  );
  CREATE TABLE camera_service (
    seq INTEGER PRIMARY KEY,
    camera_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    in_service INTEGER NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX camera_service_camera ON camera_service (camera_id, at);
  INSERT INTO camera_service (camera_id, at, in_service, actor) SELECT id, valid_from, in_service, 'migration' FROM cameras;
  `,
  // The history in two tables (store/sqlite/history.ts, README Performance round thirteen): new
  // events go to a small recent table, merged into the long one in sorted passes. Its sequence
  // starts past the long table's, so every recent event orders after every long one.
  `
  CREATE TABLE status_events_recent (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX status_events_recent_camera ON status_events_recent (camera_id, at);
  CREATE INDEX status_events_recent_at ON status_events_recent (at);
  INSERT INTO sqlite_sequence (name, seq) SELECT 'status_events_recent', COALESCE(MAX(seq), 0) FROM status_events;
  CREATE VIEW status_history AS SELECT * FROM status_events UNION ALL SELECT * FROM status_events_recent;
  `,
  // The desk's grid-report picker reads a page of a region subtree newest first: by region and
  // time, a township's page is read from its own reports, not found among a province's.
  `
  CREATE INDEX grid_reports_region ON grid_reports (region, at);
  `,
  // A channel's state in a narrow table of its own (README, Performance, round seventeen): a
  // storm rewrites only these few bytes per channel, not the inventory row around them, so a
  // commit writes a third of the pages. The view is the channel as one row, as before.
  `
  CREATE TABLE camera_state (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    reason TEXT,
    since INTEGER NOT NULL,
    last_seen INTEGER
  ) WITHOUT ROWID;
  INSERT INTO camera_state (id, status, reason, since, last_seen) SELECT id, status, reason, since, last_seen FROM cameras;
  ALTER TABLE cameras DROP COLUMN status;
  ALTER TABLE cameras DROP COLUMN reason;
  ALTER TABLE cameras DROP COLUMN since;
  ALTER TABLE cameras DROP COLUMN last_seen;
  CREATE VIEW cameras_with_state AS
    SELECT c.*, s.status, s.reason, s.since, s.last_seen FROM cameras c JOIN camera_state s ON s.id = c.id;
  `,
  // The recent history loses its index by time (README, Performance, round eighteen): every new
  // event paid for a third b-tree there, while a period's events are read from it by scanning its
  // few rows (at most MERGE_AT), most of which a period that reaches today holds anyway.
  `
  DROP INDEX status_events_recent_at;
  `,
  // And its index by channel (README, Performance, round nineteen): the store keeps where each
  // channel's recent events are in memory (history.ts RecentHistory), read from the table at open.
  // A late report finds them there; the merge sorts the table's few rows itself.
  `
  DROP INDEX status_events_recent_camera;
  `,
];
