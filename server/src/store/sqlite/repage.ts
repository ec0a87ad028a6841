import Database from 'better-sqlite3';

export interface Repaged {
  /** Page size in bytes before and after. */
  before: number;
  after: number;
  /** File size in bytes before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/** The page size of an SQLite file, in bytes (read through a connection of its own). */
export function sqlitePageSize(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/**
 * Rewrites an existing SQLite store with `pageSize`-byte pages (VACUUM), for a file made before
 * new files got them. It needs the file to itself: with the server (or anything else) holding it
 * open, SQLite will not leave WAL mode and this throws, changing nothing. The rewrite needs free
 * disk about the size of the file.
 */
export function repageSqlite(file: string, pageSize: number): Repaged {
  const db = new Database(file, { fileMustExist: true, timeout: 1000 });
  try {
    const layout = () => {
      const size = db.pragma('page_size', { simple: true }) as number;
      return { size, bytes: size * (db.pragma('page_count', { simple: true }) as number) };
    };
    const before = layout();
    if (before.size !== pageSize) {
      // The page size of a WAL database cannot change: leave WAL (only possible with no other
      // connection open), rewrite, and go back.
      let mode: unknown;
      try {
        mode = db.pragma('journal_mode = DELETE', { simple: true });
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      }
      if (mode !== 'delete') throw new Error(`${file} is open elsewhere: stop the server first`);
      try {
        db.pragma(`page_size = ${pageSize}`);
        db.exec('VACUUM');
      } finally {
        db.pragma('journal_mode = WAL');
      }
    }
    const after = layout();
    return { before: before.size, after: after.size, bytesBefore: before.bytes, bytesAfter: after.bytes };
  } finally {
    db.close();
  }
}
