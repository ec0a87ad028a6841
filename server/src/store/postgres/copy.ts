import type pg from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { CameraRecord, StatusEvent } from '../types.js';

/**
 * Status writes of large batches through COPY (text format): the rows travel as one stream the
 * server parses at its own pace, instead of array literals built and escaped per element and
 * parsed again on the other side. Small batches keep the one-statement `unnest` form: COPY
 * costs a round trip more.
 */

/** Rows from which a batch goes through COPY rather than `unnest` (the contract suite writes both). */
export const COPY_FROM_ROWS = 256;

/** One field in COPY's text format: \N for null; backslash, tab, newline and return escaped. */
function field(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : v;
}

/** An instant as PostgreSQL reads it whatever form the caller gave (parsed on our side, like the SQLite store). */
function instant(iso: string | null, memo: Map<string, string>): string | null {
  if (iso === null) return null;
  let out = memo.get(iso);
  if (out === undefined) {
    const ms = Date.parse(iso);
    if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${iso}`);
    memo.set(iso, (out = new Date(ms).toISOString()));
  }
  return out;
}

/** Lines per chunk of COPY text: memory stays flat and the socket drains between chunks. */
const CHUNK_LINES = 2000;

/** A batch's rows as COPY text, in chunks of CHUNK_LINES lines: built before the COPY is sent. */
function copyText<T>(rows: readonly T[], line: (row: T) => string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK_LINES) {
    let chunk = '';
    for (let j = i; j < Math.min(i + CHUNK_LINES, rows.length); j++) chunk += line(rows[j]!);
    chunks.push(chunk);
  }
  return chunks;
}

async function copyIn(c: pg.PoolClient, sql: string, chunks: readonly string[]): Promise<void> {
  await pipeline(Readable.from(chunks), c.query(copyFrom(sql)));
}

/** Connections whose session has the staging table. */
const staged = new WeakSet<pg.ClientBase>();

/**
 * The transaction that created a connection's staging table took it away again if it rolled
 * back: the store forgets the connection then, and the next bulk write creates it anew.
 */
export function forgetStaging(c: pg.ClientBase): void {
  staged.delete(c);
}

/** Sets every touched channel's status, reason, since and last-seen: COPY into the session's staging table, then one UPDATE. */
export async function copyCameraStates(c: pg.PoolClient, touched: readonly CameraRecord[]): Promise<void> {
  if (!staged.has(c)) {
    await c.query(
      'CREATE TEMP TABLE IF NOT EXISTS status_stage (id text, status text, reason text, since timestamptz, last_seen timestamptz) ON COMMIT DELETE ROWS',
    );
    staged.add(c);
  }
  const memo = new Map<string, string>();
  const text = copyText(
    touched,
    (r) =>
      `${field(r.id)}\t${field(r.status)}\t${field(r.reason)}\t${instant(r.since, memo)}\t${field(instant(r.lastSeen, memo))}\n`,
  );
  await copyIn(c, 'COPY status_stage (id, status, reason, since, last_seen) FROM STDIN', text);
  await c.query(
    `UPDATE cameras AS c SET status = s.status, reason = s.reason, since = s.since, last_seen = s.last_seen
     FROM status_stage AS s WHERE c.id = s.id`,
  );
}

/** History rows encoded for COPY, sent by `copyStatusEvents`. */
export interface StatusEventsText {
  readonly chunks: readonly string[];
}

/**
 * Encodes history rows for COPY. Apart from sending, so that the encoding runs while the server
 * works on the batch's channel update (writeStatus).
 */
export function statusEventsText(events: readonly StatusEvent[]): StatusEventsText {
  const memo = new Map<string, string>();
  return {
    chunks: copyText(
      events,
      (e) =>
        `${field(e.cameraId)}\t${field(e.from)}\t${field(e.to)}\t${field(e.reason)}\t${instant(e.at, memo)}\t${field(e.actor)}\n`,
    ),
  };
}

/** Appends history rows with COPY straight into status_events. */
export async function copyStatusEvents(c: pg.PoolClient, text: StatusEventsText): Promise<void> {
  await copyIn(c, 'COPY status_events (camera_id, from_status, to_status, reason, at, actor) FROM STDIN', text.chunks);
}
