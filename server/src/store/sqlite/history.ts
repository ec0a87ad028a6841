import type Database from 'better-sqlite3';

/**
 * The status history in two tables (README, Performance, round thirteen). Every new event goes
 * to `status_events_recent`, small and appended to, with no index (where each channel's events
 * are is kept in memory: RecentHistory, round nineteen); the long
 * `status_events` takes them over in one sorted pass once enough have gathered (MERGE_AT), so its
 * index by channel and time is written page after page instead of at one random page per change.
 * On a year of history a storm of changes spent most of its time writing those random pages.
 *
 * Order: `seq` orders events at the same instant, and it is one sequence across both tables: the
 * recent table's (AUTOINCREMENT) starts past every seq of the long one, and a merge moves rows
 * with their seq. So every event still recent comes after every merged one, and merging changes
 * no order. The merge inserts in order of channel and time (the long index's order), so each of
 * its pages is written once per merge; the rows' own seqs all lie past the long table's last.
 *
 * Readers ask both tables (the functions here); the view `status_history` is both, for tests and
 * people at the sqlite3 prompt.
 */

import type { Prepare } from './apply.js';

type Row = Record<string, unknown>;

/** Events gathered in the recent table before the long one takes them over. */
export const MERGE_AT = 50_000;

export const RECENT = 'status_events_recent';
const COLS = 'camera_id, from_status, to_status, reason, at, actor';

/** INSERT of `rows` new events (six parameters each, in COLS order). */
export const insertEventsSql = (rows: number): string =>
  `INSERT INTO ${RECENT} (${COLS}) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`;

const later = (a: Row, b: Row) =>
  (a.at as number) > (b.at as number) || (a.at === b.at && (a.seq as number) > (b.seq as number));

/** An event row and the table that holds it. */
export type HeldEvent = Row & { table: 'status_events' | typeof RECENT };

const RECENT_BY_SEQ = `SELECT seq, ${COLS} FROM ${RECENT} WHERE seq = ?`;

/** The long table's row for `sql` and the recent table's row `seq`, tagged, and the one `pick` prefers. */
function either(
  st: Prepare,
  sql: string,
  params: unknown[],
  seq: number | undefined,
  pick: (a: Row, b: Row) => boolean,
): HeldEvent | undefined {
  const long = st(sql).get(...params) as Row | undefined;
  const a = long && ({ ...long, table: 'status_events' } as HeldEvent);
  const recent = seq === undefined ? undefined : (st(RECENT_BY_SEQ).get(seq) as Row);
  const b = recent && ({ ...recent, table: RECENT } as HeldEvent);
  if (!a || !b) return a ?? b;
  return pick(a, b) ? a : b;
}

/** A channel's last event at or before `at` (ms), or undefined. */
export const eventAtOrBefore = (
  st: Prepare,
  recent: RecentHistory,
  cameraId: string,
  at: number,
): HeldEvent | undefined =>
  either(
    st,
    `SELECT seq, ${COLS} FROM status_events WHERE camera_id = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1`,
    [cameraId, at],
    recent.seqAtOrBefore(cameraId, at),
    later,
  );

/** A channel's first event after `at` (ms), or undefined. */
export const eventAfter = (st: Prepare, recent: RecentHistory, cameraId: string, at: number): HeldEvent | undefined =>
  either(
    st,
    `SELECT seq, ${COLS} FROM status_events WHERE camera_id = ? AND at > ? ORDER BY at, seq LIMIT 1`,
    [cameraId, at],
    recent.seqAfter(cameraId, at),
    (a, b) => later(b, a),
  );

/** Sets the `from` of an event. */
export function setEventFrom(st: Prepare, e: HeldEvent, from: string): void {
  st(`UPDATE ${e.table} SET from_status = ? WHERE seq = ?`).run(from, e.seq);
}

/** Deletes an event. */
export function deleteEvent(st: Prepare, recent: RecentHistory, e: HeldEvent): void {
  st(`DELETE FROM ${e.table} WHERE seq = ?`).run(e.seq);
  if (e.table === RECENT) recent.removed(e.camera_id as string, e.seq as number);
}

/** Moves the recent table's sequence past every seq of the long one (after a merge or a seed). */
function keepRecentAfter(st: Prepare): void {
  st(
    `UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(seq), 0) FROM status_events)) WHERE name = '${RECENT}'`,
  ).run();
}

/**
 * Each channel's last event before `before` (ms), one index seek per channel and table, sorted
 * by channel. `where` narrows the channels (`c` is the cameras table) and `params` binds it.
 */
export function lastEventsBefore(st: Prepare, before: number, where: string, params: Row): Row[] {
  const by = new Map<string, Row>();
  const cols = 'e.seq, e.camera_id, e.from_status, e.to_status, e.reason, e.at, e.actor';
  // The long table by its index, one seek per channel; the recent one (no index by channel, at
  // most MERGE_AT rows) read once, its latest row per channel kept below.
  const sqls = [
    `SELECT ${cols} FROM cameras c JOIN status_events e ON e.seq = (
        SELECT x.seq FROM status_events x WHERE x.camera_id = c.id AND x.at < @before ORDER BY x.at DESC, x.seq DESC LIMIT 1
      ) ${where}`,
    `SELECT ${cols} FROM ${RECENT} e JOIN cameras c ON c.id = e.camera_id AND e.at < @before ${where}`,
  ];
  for (const sql of sqls) {
    for (const r of st(sql).all({ ...params, before }) as Row[]) {
      const id = r.camera_id as string;
      const seen = by.get(id);
      if (!seen || later(r, seen)) by.set(id, r);
    }
  }
  return [...by.values()].sort((a, b) => ((a.camera_id as string) < (b.camera_id as string) ? -1 : 1));
}

/** Events with @from <= at < @to, in order of time then seq; `and` narrows them further. */
export function eventsBetweenSql(and: string): string {
  const arm = (t: string) => `SELECT seq, ${COLS} FROM ${t} WHERE at >= @from AND at < @to${and}`;
  return `${arm('status_events')} UNION ALL ${arm(RECENT)} ORDER BY at, seq`;
}

/**
 * How many events the recent table holds, and where each channel's are: read at open, then kept
 * as batches write. The table itself has no index by channel (migration 13): every new event
 * would write one more b-tree page, and the pages a commit writes are what a storm pays for. A
 * late report finds its channel's recent events here instead, and reads them by seq.
 */
export class RecentHistory {
  #rows = 0;
  /** Each channel's recent events as flat (at, seq) pairs, in order of at then seq. */
  readonly #byChannel = new Map<string, number[]>();
  readonly #db: Database.Database;
  readonly #st: Prepare;
  readonly #mergeAt: number;

  constructor(db: Database.Database, st: Prepare, mergeAt = MERGE_AT) {
    this.#db = db;
    this.#st = st;
    this.#mergeAt = mergeAt;
    this.adoptLongWrites();
  }

  /**
   * Rows written straight into the long table (the seed; by hand or an import while the store
   * was closed) come after every event then recent, and SQLite numbers them after the long
   * table's last, which the recent table may hold too: they move to the recent table, in order,
   * and the recent table's sequence moves past every seq. Run at open and after the seed.
   */
  adoptLongWrites(): void {
    this.#db.transaction(() => {
      const first = (this.#st(`SELECT MIN(seq) AS s FROM ${RECENT}`).get() as { s: number | null }).s;
      if (first !== null) {
        this.#st(`INSERT INTO ${RECENT} (${COLS}) SELECT ${COLS} FROM status_events WHERE seq >= ? ORDER BY seq`).run(
          first,
        );
        this.#st('DELETE FROM status_events WHERE seq >= ?').run(first);
      }
      keepRecentAfter(this.#st);
    })();
    this.reload();
  }

  /**
   * Runs `fn` in a transaction of its own. When it rolls back after writing the recent table (a
   * batch's events, a seed's rows taken in), what is held here is read again from the table.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn)();
    } catch (e) {
      this.reload();
      throw e;
    }
  }

  /** Reads the count and the channels' events again from the table (at open, after a rollback). */
  reload(): void {
    this.#byChannel.clear();
    const rows = this.#st(`SELECT camera_id, at, seq FROM ${RECENT} ORDER BY at, seq`).raw().all() as [
      string,
      number,
      number,
    ][];
    for (const [id, at, seq] of rows) this.added(id, at, seq);
    this.#rows = rows.length;
  }

  /** A new recent event, written in the open transaction (or read at reload). */
  added(cameraId: string, at: number, seq: number): void {
    const list = this.#byChannel.get(cameraId);
    if (list === undefined) {
      this.#byChannel.set(cameraId, [at, seq]);
      return;
    }
    // Usually the latest; a late report's goes back to its place. Seqs only grow, so an equal
    // instant goes after the ones already there.
    let i = list.length;
    while (i > 0 && list[i - 2]! > at) i -= 2;
    if (i === list.length) list.push(at, seq);
    else list.splice(i, 0, at, seq);
  }

  /** A recent event deleted (a late report dropped the change it made moot). */
  removed(cameraId: string, seq: number): void {
    const list = this.#byChannel.get(cameraId);
    if (list === undefined) return;
    for (let i = 1; i < list.length; i += 2)
      if (list[i] === seq) {
        list.splice(i - 1, 2);
        return;
      }
  }

  /** The seq of a channel's last recent event at or before `at`. */
  seqAtOrBefore(cameraId: string, at: number): number | undefined {
    const list = this.#byChannel.get(cameraId);
    if (list === undefined) return undefined;
    for (let i = list.length - 2; i >= 0; i -= 2) if (list[i]! <= at) return list[i + 1];
    return undefined;
  }

  /** The seq of a channel's first recent event after `at`. */
  seqAfter(cameraId: string, at: number): number | undefined {
    const list = this.#byChannel.get(cameraId);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i += 2) if (list[i]! > at) return list[i + 1];
    return undefined;
  }

  /** `n` events were written; the long table takes them all over once MERGE_AT have gathered. */
  wrote(n: number): void {
    this.#rows += n;
    if (this.#rows >= this.#mergeAt) this.merge();
  }

  /** Moves every recent event to the long table, with its seq, in one transaction. */
  merge(): void {
    this.#db.transaction(() => {
      this.#st(
        `INSERT INTO status_events (seq, ${COLS}) SELECT seq, ${COLS} FROM ${RECENT} ORDER BY camera_id, at, seq`,
      ).run();
      this.#st(`DELETE FROM ${RECENT}`).run();
      keepRecentAfter(this.#st);
    })();
    this.#rows = 0;
    this.#byChannel.clear();
  }
}
