import type Database from 'better-sqlite3';
import type { CameraReason, CameraStatus } from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
import { betweenLate, netEffect, neverHeard, planLate, takeBack, type HistoryStep } from '../late.js';
import type { CameraRecord, StatusApplied, StatusEvent, StatusInput } from '../types.js';
import {
  deleteEvent,
  eventAfter,
  eventAtOrBefore,
  insertEventsSql,
  setEventFrom,
  type RecentHistory,
} from './history.js';
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

/** Rows per multi-row statement: fewer calls into SQLite, well under its limit of bound values. */
const CHUNK = 64;
/** A changed channel's whole state, for `rows` channels at once. */
const updateStates = (rows: number) =>
  `UPDATE camera_state SET status = v.column2, reason = v.column3, since = v.column4, last_seen = v.column5
   FROM (VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}) AS v WHERE camera_state.id = v.column1`;
/** Only the last sign of life of a channel whose state stands, for `rows` channels at once. */
const updateSeen = (rows: number) =>
  `UPDATE camera_state SET last_seen = v.column2
   FROM (VALUES ${Array(rows).fill('(?, ?)').join(', ')}) AS v WHERE camera_state.id = v.column1`;

/** A report's instant as the store writes it: the report's own text when the ingest made it so (atMs). */
const textOf = (r: StatusInput, at: number): string => (r.atMs === at ? r.at : isoAt(at));

const byId = (a: CamRow, b: CamRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Runs `sql(rows)` over flat parameters, `width` per row, CHUNK rows per statement; `done` learns
 * each statement's first row, its row count and the last rowid it inserted.
 */
function runChunked(
  st: Prepare,
  sql: (rows: number) => string,
  width: number,
  params: unknown[],
  done?: (from: number, rows: number, lastRowid: number) => void,
): void {
  const rows = params.length / width;
  const step = CHUNK * width;
  const whole = rows - (rows % CHUNK);
  if (whole > 0) {
    const s = st(sql(CHUNK));
    for (let i = 0; i < whole * width; i += step) {
      const info = s.run(params.slice(i, i + step));
      done?.(i / width, CHUNK, Number(info.lastInsertRowid));
    }
  }
  if (rows > whole) {
    const info = st(sql(rows - whole)).run(params.slice(whole * width));
    done?.(whole, rows - whole, Number(info.lastInsertRowid));
  }
}

/**
 * One batch of status reports inside one transaction: the channels it moved (copies of the
 * cached rows, so the cache changes only after the commit), and the history it wrote. The
 * common report (not older than the channel's since) needs no reads: the cached row decides it,
 * and its event waits in a buffer written many rows per statement. A late report reads the
 * history around it, so the buffer is written first and it sees this batch's earlier events.
 */
class StatusBatch {
  readonly pending = new Map<string, CamRow>();
  readonly changedIds = new Set<string>();
  readonly events: StatusEvent[] = [];
  readonly retracted: StatusEvent[] = [];
  /** Parameters of the events not written yet, six per event. */
  #unwritten: unknown[] = [];
  /** Events written to the recent history. */
  written = 0;
  readonly #st: Prepare;
  readonly #cache: ReadonlyMap<string, CamRow>;
  readonly #recent: RecentHistory;

  constructor(st: Prepare, cache: ReadonlyMap<string, CamRow>, recent: RecentHistory) {
    this.#st = st;
    this.#cache = cache;
    this.#recent = recent;
  }

  #append(e: StatusEvent, at: number): void {
    this.#unwritten.push(e.cameraId, e.from, e.to, e.reason, at, e.actor);
    this.events.push(e);
  }

  /**
   * Writes the buffered events, in order (their seq keeps the order they arose in), and tells the
   * recent history where each channel's are: the rows of one INSERT take consecutive seqs.
   */
  writeEvents(): void {
    const p = this.#unwritten;
    if (p.length === 0) return;
    runChunked(this.#st, insertEventsSql, 6, p, (from, rows, lastSeq) => {
      for (let k = 0; k < rows; k++) {
        const i = (from + k) * 6;
        this.#recent.added(p[i] as string, p[i + 4] as number, lastSeq - rows + 1 + k);
      }
    });
    this.written += p.length / 6;
    this.#unwritten = [];
  }

  apply(r: StatusInput): void {
    let row = this.pending.get(r.cameraId);
    const cur = row ?? this.#cache.get(r.cameraId);
    if (!cur) return; // the ingest checked ids; a channel cannot disappear, so this is only a guard
    const at = r.atMs ?? ms(r.at);
    const heard = r.heard !== false;
    if (!heard && ((cur.lastSeen !== null && cur.lastSeen >= at) || at < cur.since)) return;
    if (!row) {
      row = { ...cur };
      this.pending.set(r.cameraId, row);
    }
    const fresh = heard && neverHeard(row) && !this.#changedAfter(r.cameraId, at, row);
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
      const text = textOf(r, at);
      this.#append({ cameraId: r.cameraId, from: row.status, to: r.status, reason, at: text, actor: r.actor }, at);
      row.status = r.status;
      row.reason = reason;
      row.since = at;
      row.sinceIso = text;
      this.changedIds.add(r.cameraId);
    }
  }

  /**
   * Whether the history (this batch's events included) holds a change of the channel after `at`.
   * Read only for a report older than `since`: the common report needs no read.
   */
  #changedAfter(cameraId: string, at: number, row: CamRow): boolean {
    if (at >= row.since) return false;
    this.writeEvents();
    return eventAfter(this.#st, this.#recent, cameraId, at) !== undefined;
  }

  /** A late report: the current state stands, the history learns what was true back then. */
  #late(r: StatusInput, row: CamRow, at: number, reason: CameraReason | null): void {
    this.writeEvents();
    const prev = eventAtOrBefore(this.#st, this.#recent, r.cameraId, at);
    const next = eventAfter(this.#st, this.#recent, r.cameraId, at);
    const plan = planLate(r.status, reason, prev && stepOf(prev), next && stepOf(next), row.status);
    if (!plan) return;
    this.#append(
      { cameraId: r.cameraId, from: plan.from, to: r.status, reason, at: textOf(r, at), actor: r.actor },
      at,
    );
    if (plan.next === 'keep') return;
    const old = eventOf(r.cameraId, next!);
    takeBack(this.events, this.retracted, old);
    if (plan.next === 'rechain') {
      setEventFrom(this.#st, next!, r.status);
      this.events.push({ ...old, from: r.status });
      return;
    }
    deleteEvent(this.#st, this.#recent, next!);
    // The dropped change was what started the current state (the channel's latest change, not
    // only one at the instant of `since`: none is left after the report): it now holds since the report.
    if ((next!.at as number) === row.since && !eventAfter(this.#st, this.#recent, r.cameraId, at)) {
      row.since = at;
      row.sinceIso = textOf(r, at);
      this.changedIds.add(r.cameraId);
    }
  }

  /** Older than the latest observation: true then, but not now (see betweenLate). */
  #between(r: StatusInput, row: CamRow, at: number, reason: CameraReason | null, lastSeen: number): void {
    this.#append(
      { cameraId: r.cameraId, from: row.status, to: r.status, reason, at: textOf(r, at), actor: r.actor },
      at,
    );
    const back = isoAt(lastSeen);
    this.#append(
      { cameraId: r.cameraId, from: r.status, to: row.status, reason: row.reason, at: back, actor: r.actor },
      lastSeen,
    );
    row.since = lastSeen;
    row.sinceIso = back;
    this.changedIds.add(r.cameraId);
  }

  /**
   * Writes every moved channel: its whole state when it changed, else only its last sign of life.
   * In order of id, the table's order: a storm over a province's channels walks its pages once
   * instead of jumping between them for each row.
   */
  writeChannels(): void {
    const states: unknown[] = [];
    const seen: unknown[] = [];
    for (const row of [...this.pending.values()].sort(byId)) {
      if (this.changedIds.has(row.id)) states.push(row.id, row.status, row.reason, row.since, row.lastSeen);
      else seen.push(row.id, row.lastSeen);
    }
    if (states.length > 0) runChunked(this.#st, updateStates, 5, states);
    if (seen.length > 0) runChunked(this.#st, updateSeen, 2, seen);
  }
}

/**
 * Applies reports in order in one transaction, the recent history's (the rules: store/types.ts
 * applyStatus and store/late.ts), then moves the cache to the committed state: a batch is
 * acknowledged only after its commit. The recent history learns how many events it took, and may merge them into
 * the long one (history.ts) in a transaction of its own.
 */
export function applySqliteStatus(
  st: Prepare,
  cache: Map<string, CamRow>,
  recent: RecentHistory,
  reports: readonly StatusInput[],
): StatusApplied {
  const batch = recent.transaction(() => {
    const b = new StatusBatch(st, cache, recent);
    for (const r of reports) b.apply(r);
    b.writeEvents();
    b.writeChannels();
    netEffect(b.events, b.retracted);
    return b;
  });
  for (const row of batch.pending.values()) cache.set(row.id, row);
  recent.wrote(batch.written);
  const changed: CameraRecord[] = [];
  for (const id of batch.changedIds) changed.push(toRecord(batch.pending.get(id)!));
  return { changed, events: batch.events, retracted: batch.retracted };
}
