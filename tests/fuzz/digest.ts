import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';

/**
 * A digest of everything the store holds: every row of every table of the SQLite file (read
 * through its own connection, so it sees only what was committed), plus the server's in-memory
 * camera state and credentials (which must never drift from a rejected request either).
 */
export async function storeDigest(app: FastifyInstance, dataDir: string): Promise<string> {
  const h = createHash('sha256');
  const db = new Database(path.join(dataDir, 'zhihui.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    for (const t of tables) {
      // Rows are digested in a sorted order of their own, not by rowid: a WITHOUT ROWID table
      // (camera_state) has none, and the order rows sit in is not part of what is stored.
      const rows: string[] = [];
      for (const row of db.prepare(`SELECT * FROM "${t}"`).raw().iterate()) rows.push(JSON.stringify(row));
      rows.sort();
      h.update(`#${t}\n${rows.join('\n')}\n`);
    }
  } finally {
    db.close();
  }
  h.update(JSON.stringify(await app.store.allCameras()));
  h.update(JSON.stringify(app.credentials.list('key', null)) + JSON.stringify(app.credentials.list('viewer', null)));
  return h.digest('hex');
}

/** Properties that prototype pollution would leave behind. */
export function prototypeClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return (
    probe.polluted === undefined &&
    probe.isAdmin === undefined &&
    probe.x === undefined &&
    Object.keys(Object.prototype).length === 0
  );
}
