import type pg from 'pg';
import { readChannels } from './apply.js';
import type { CameraRecord, StatusInput } from '../types.js';

/**
 * Writes to `cameras` and what a status batch knows of them.
 *
 * Every transaction of the store that writes cameras takes one advisory lock first (per schema):
 * status batches queue behind each other and behind inventory writes (upserts, in-service flips,
 * maintenance windows, the seed), so a batch decides from rows no one else is changing and
 * returns the region, flag and window as they are at its commit. The lock replaces the row locks
 * of `SELECT … FOR UPDATE`, each of which wrote a WAL record before the update wrote the row
 * again.
 *
 * Under that lock a process may also trust the rows it last read or wrote, as long as no one else
 * wrote cameras since. That is what `camera_clock` tells (migration 10): every statement on
 * cameras ticks it through a trigger, whoever sends it (another process, a migration, psql), and
 * a status batch ticks it once itself after writing. A batch that finds the clock where its own
 * last commit left it reads nothing; otherwise it forgets everything it held and reads its
 * channels. Scale-out processes sharing one database thus each read after the other has written.
 */

/** Any fixed number, the same in every process of a deployment (migrations use 0x7a6869). */
const CAMERA_WRITES = 0x7a6863; // 'zhc'

/** The lock every transaction writing cameras takes first; the schema is mixed in as for migrations. */
export const LOCK_CAMERA_WRITES = `SELECT pg_advisory_xact_lock(${CAMERA_WRITES}, hashtext(current_schema()))`;

/** Rows held at most: past this the process forgets them all and reads again (a province is ~100,000). */
const MAX_ROWS = 250_000;

/** What one batch works from: its channels as committed when it took the lock, and the clock then. */
export interface ChannelView {
  current: Map<string, CameraRecord>;
  /** The clock when the lock was taken (bigint as text). */
  clock: string;
}

export class ChannelCache {
  readonly #rows = new Map<string, CameraRecord>();
  /** The clock at which #rows were current; null when nothing is held. */
  #clock: string | null = null;

  /**
   * Takes the lock, then (in a statement of its own, so its snapshot follows the lock) reads the
   * clock, and reads the batch's channels not held; with `lockRows`, reads and row-locks them all.
   * The batch's own write will not tick the clock (the transaction-local setting): `seal` does.
   */
  async open(c: pg.ClientBase, reports: readonly StatusInput[], lockRows: boolean): Promise<ChannelView> {
    const res = (await c.query(
      `${LOCK_CAMERA_WRITES}, set_config('zhihui.status_batch', 'on', true); SELECT v::text AS v FROM camera_clock`,
    )) as unknown as pg.QueryResult<{ v: string }>[];
    const clock = res[1]!.rows[0]!.v;
    if (clock !== this.#clock || lockRows) this.forget();
    const current = new Map<string, CameraRecord>();
    const missing = new Set<string>();
    for (const r of reports) {
      const held = this.#rows.get(r.cameraId);
      if (held) current.set(r.cameraId, held);
      else missing.add(r.cameraId);
    }
    if (missing.size > 0) {
      // Rows mostly share their region and several instants: held once each (a third less memory).
      const shared = new Map<string, string>();
      const one = (v: string): string => shared.get(v) ?? (shared.set(v, v), v);
      for (const [id, rec] of await readChannels(c, [...missing], lockRows)) {
        rec.region = one(rec.region);
        rec.since = one(rec.since);
        if (rec.validFrom !== undefined) rec.validFrom = one(rec.validFrom);
        if (rec.lastSeen !== null) rec.lastSeen = one(rec.lastSeen);
        current.set(id, rec);
      }
    }
    return { current, clock };
  }

  /**
   * After the batch's write, in its transaction: ticks the clock when it wrote, so every other
   * process reads again. `alone` is false when someone outside the lock (psql, a process of an
   * older release) moved cameras since `open`: what the batch decided from may be stale.
   */
  async seal(c: pg.ClientBase, view: ChannelView, wrote: boolean): Promise<{ clock: string; alone: boolean }> {
    const { rows } = await c.query<{ v: string }>(
      wrote ? 'UPDATE camera_clock SET v = v + 1 RETURNING v::text AS v' : 'SELECT v::text AS v FROM camera_clock',
    );
    const clock = rows[0]!.v;
    return { clock, alone: BigInt(clock) === BigInt(view.clock) + (wrote ? 1n : 0n) };
  }

  /**
   * After the commit: the rows the batch read and wrote are what is known at `clock`. The changed
   * ones are kept as copies: the batch hands those to its caller.
   */
  committed(
    view: ChannelView,
    written: { touched: readonly CameraRecord[]; changed: readonly CameraRecord[] },
    clock: string | null,
  ): void {
    if (clock === null || (this.#clock !== null && this.#clock !== view.clock)) {
      this.forget();
      return;
    }
    for (const [id, rec] of view.current) this.#rows.set(id, rec);
    for (const rec of written.touched) this.#rows.set(rec.id, rec);
    for (const rec of written.changed) this.#rows.set(rec.id, { ...rec });
    this.#clock = clock;
    if (this.#rows.size > MAX_ROWS) this.forget();
  }

  /** Trusts nothing held: the next batch reads its channels (a failed batch, or another writer). */
  forget(): void {
    this.#rows.clear();
    this.#clock = null;
  }
}
