import type Database from 'better-sqlite3';
import type { CameraReason, CameraStatus } from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
import { betweenLate, planLate, takeBack, type HistoryStep } from '../late.js';
import type { CameraRecord, StatusApplied, StatusEvent, StatusInput } from '../types.js';
import { ms, toRecord, type CamRow } from './rows.js';

type Row = Record<string, unknown>;
/** The store's prepared-statement cache: one statement per SQL text. */
export type Prepare = (sql: string) => Database.Statement;

const eventOf = (cameraId: string, r: Row): StatusEvent => ({
  cameraId,
  from: r.from_status as CameraStatus,
  to: r.to_status as CameraStatus,
  reason: (r.reason as CameraReason | null) ?? null,
  at: isoAt(r.at as number),
  actor: r.actor as string,
});

const stepOf = (r: Row): HistoryStep => ({
  from: r.from_status as CameraStatus,
  to: r.to_status as CameraStatus,
  reason: (r.reason as CameraReason | null) ?? null,
});

/**
 * One batch of status reports inside one transaction: the channels it moved (copies of the
 * cached rows, so the cache changes only after the commit), and the history it wrote.
 */
class StatusBatch {
  readonly pending = new Map<string, CamRow>();
  readonly changedIds = new Set<string>();
  readonly events: StatusEvent[] = [];
  readonly retracted: StatusEvent[] = [];
  readonly #st: Prepare;
  readonly #cache: ReadonlyMap<string, CamRow>;

  constructor(st: Prepare, cache: ReadonlyMap<string, CamRow>) {
    this.#st = st;
    this.#cache = cache;
  }

  /** Inserted as they arise, so a late report later in the same batch sees the ones before it. */
  #append(e: StatusEvent, at: number): void {
    this.#st(
      'INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(e.cameraId, e.from, e.to, e.reason, at, e.actor);
    this.events.push(e);
  }

  apply(r: StatusInput): void {
    const cur = this.pending.get(r.cameraId) ?? this.#cache.get(r.cameraId);
    if (!cur) return; // the ingest checked ids; a channel cannot disappear, so this is only a guard
    const at = ms(r.at);
    const heard = r.heard !== false;
    if (!heard && ((cur.lastSeen !== null && cur.lastSeen >= at) || at < cur.since)) return;
    let row = this.pending.get(r.cameraId);
    if (!row) {
      row = { ...cur };
      this.pending.set(r.cameraId, row);
    }
    // A channel never heard from has no real `since` yet (only its inventory time): any report counts as current.
    const fresh = heard && row.lastSeen === null && row.status === 'unknown';
    if (heard && (row.lastSeen === null || at > row.lastSeen)) row.lastSeen = at;
    const reason = r.status === 'online' ? null : r.reason;
    if (at < row.since && !fresh) {
      this.#late(r, row, at, reason);
      return;
    }
    const between = betweenLate(row, row.lastSeen, at, r.status, reason, heard && !fresh);
    if (between) {
      this.#between(r, row, at, reason, between);
      return;
    }
    if (r.status !== row.status || (r.status !== 'online' && reason !== row.reason)) {
      this.#append({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: isoAt(at), actor: r.actor }, at);
      row.status = r.status;
      row.reason = reason;
      row.since = at;
      this.changedIds.add(r.cameraId);
    }
  }

  /** A late report: the current state stands, the history learns what was true back then. */
  #late(r: StatusInput, row: CamRow, at: number, reason: CameraReason | null): void {
    const prev = this.#st(
      'SELECT from_status, to_status, reason FROM status_events WHERE camera_id = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1',
    ).get(r.cameraId, at) as Row | undefined;
    const next = this.#st(
      'SELECT seq, from_status, to_status, reason, at, actor FROM status_events WHERE camera_id = ? AND at > ? ORDER BY at, seq LIMIT 1',
    ).get(r.cameraId, at) as Row | undefined;
    const plan = planLate(r.status, reason, prev && stepOf(prev), next && stepOf(next), row.status);
    if (!plan) return;
    this.#append({ cameraId: r.cameraId, from: plan.from, to: r.status, reason, at: isoAt(at), actor: r.actor }, at);
    if (plan.next === 'keep') return;
    const old = eventOf(r.cameraId, next!);
    takeBack(this.events, this.retracted, old);
    if (plan.next === 'rechain') {
      this.#st('UPDATE status_events SET from_status = ? WHERE seq = ?').run(r.status, next!.seq);
      this.events.push({ ...old, from: r.status });
      return;
    }
    this.#st('DELETE FROM status_events WHERE seq = ?').run(next!.seq);
    // The dropped change was what started the current state: it now holds since the report.
    if ((next!.at as number) === row.since) {
      row.since = at;
      this.changedIds.add(r.cameraId);
    }
  }

  /** Older than the latest observation: true then, but not now (see betweenLate). */
  #between(r: StatusInput, row: CamRow, at: number, reason: CameraReason | null, lastSeen: number): void {
    this.#append({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: isoAt(at), actor: r.actor }, at);
    this.#append(
      { cameraId: r.cameraId, from: r.status, to: row.status, reason: row.reason, at: isoAt(lastSeen), actor: r.actor },
      lastSeen,
    );
    row.since = lastSeen;
    this.changedIds.add(r.cameraId);
  }

  /** Writes every moved channel: its whole state when it changed, else only its last sign of life. */
  writeChannels(): void {
    const full = this.#st('UPDATE cameras SET status = ?, reason = ?, since = ?, last_seen = ? WHERE id = ?');
    const seen = this.#st('UPDATE cameras SET last_seen = ? WHERE id = ?');
    for (const row of this.pending.values()) {
      if (this.changedIds.has(row.id)) full.run(row.status, row.reason, row.since, row.lastSeen, row.id);
      else seen.run(row.lastSeen, row.id);
    }
  }
}

/**
 * Applies reports in order in one transaction (the rules: store/types.ts applyStatus and
 * store/late.ts), then moves the cache to the committed state: a batch is acknowledged only
 * after its commit.
 */
export function applySqliteStatus(
  db: Database.Database,
  st: Prepare,
  cache: Map<string, CamRow>,
  reports: readonly StatusInput[],
): StatusApplied {
  const batch = db.transaction(() => {
    const b = new StatusBatch(st, cache);
    for (const r of reports) b.apply(r);
    b.writeChannels();
    return b;
  })();
  for (const row of batch.pending.values()) cache.set(row.id, row);
  const changed: CameraRecord[] = [];
  for (const id of batch.changedIds) changed.push(toRecord(batch.pending.get(id)!));
  return { changed, events: batch.events, retracted: batch.retracted };
}
