import type Database from 'better-sqlite3';
import { isoAt } from '../isoAt.js';
import type { AuditEntry, PersonRole, SessionRecord, Store, UserRecord } from '../types.js';

type Row = Record<string, unknown>;
/** The part of the Store that keeps people and their sessions. */
export type PeopleStore = Pick<
  Store,
  | 'createUser'
  | 'listUsers'
  | 'getUserByName'
  | 'getUser'
  | 'updateUser'
  | 'recordSignInFailure'
  | 'createSession'
  | 'getSession'
  | 'touchSession'
  | 'deleteSession'
  | 'deleteSessionsOf'
  | 'deleteStaleSessions'
>;

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return t;
};
const msOrNull = (iso: string | null): number | null => (iso === null ? null : ms(iso));
const isoOrNull = (t: unknown): string | null => (t == null ? null : isoAt(Number(t)));

const userFromRow = (r: Row): UserRecord => ({
  id: r.id as string,
  name: r.name as string,
  role: r.role as PersonRole,
  region: (r.region as string | null) ?? null,
  passwordHash: r.password_hash as string,
  failedCount: r.failed_count as number,
  lockedUntil: isoOrNull(r.locked_until),
  createdAt: isoAt(r.created_at as number),
  createdBy: r.created_by as string,
  passwordChangedAt: isoAt(r.password_changed_at as number),
  lastSignInAt: isoOrNull(r.last_sign_in_at),
  disabledAt: isoOrNull(r.disabled_at),
});

const sessionFromRow = (r: Row): SessionRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  csrf: r.csrf as string,
  createdAt: isoAt(r.created_at as number),
  lastSeenAt: isoAt(r.last_seen_at as number),
  expiresAt: isoAt(r.expires_at as number),
  ip: r.ip as string,
});

const userParams = (u: UserRecord) => ({
  id: u.id,
  name: u.name,
  role: u.role,
  region: u.region,
  password_hash: u.passwordHash,
  failed_count: u.failedCount,
  locked_until: msOrNull(u.lockedUntil),
  created_at: ms(u.createdAt),
  created_by: u.createdBy,
  password_changed_at: ms(u.passwordChangedAt),
  last_sign_in_at: msOrNull(u.lastSignInAt),
  disabled_at: msOrNull(u.disabledAt),
});

/** People and sessions on the SQLite store's connection, its statement cache and its audit writer. */
export function sqlitePeople(
  db: Database.Database,
  st: (sql: string) => Database.Statement,
  insertAudit: (e: AuditEntry) => void,
): PeopleStore {
  return {
    async createUser(u, audit) {
      db.transaction(() => {
        st(
          `INSERT INTO users (id, name, role, region, password_hash, failed_count, locked_until, created_at, created_by, password_changed_at, last_sign_in_at, disabled_at)
           VALUES (@id, @name, @role, @region, @password_hash, @failed_count, @locked_until, @created_at, @created_by, @password_changed_at, @last_sign_in_at, @disabled_at)`,
        ).run(userParams(u));
        insertAudit(audit);
      })();
    },
    async listUsers() {
      return (st('SELECT * FROM users ORDER BY created_at, id').all() as Row[]).map(userFromRow);
    },
    async getUserByName(name) {
      const r = st('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
      return r ? userFromRow(r) : null;
    },
    async getUser(id) {
      const r = st('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return r ? userFromRow(r) : null;
    },
    async updateUser(u, audit) {
      db.transaction(() => {
        st(
          `UPDATE users SET role = @role, region = @region, password_hash = @password_hash, failed_count = @failed_count, locked_until = @locked_until,
             password_changed_at = @password_changed_at, last_sign_in_at = @last_sign_in_at, disabled_at = @disabled_at WHERE id = @id`,
        ).run(userParams(u));
        if (audit) insertAudit(audit);
      })();
    },
    async recordSignInFailure(id, max, lockUntil, audit) {
      return db.transaction(() => {
        const r = st(
          `UPDATE users SET failed_count = failed_count + 1,
             locked_until = CASE WHEN failed_count + 1 >= @max THEN @lock ELSE locked_until END
           WHERE id = @id RETURNING *`,
        ).get({ id, max, lock: ms(lockUntil) }) as Row | undefined;
        if (!r) return null;
        insertAudit(audit);
        return userFromRow(r);
      })();
    },
    async createSession(s) {
      st(
        'INSERT INTO sessions (id, user_id, csrf, created_at, last_seen_at, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(s.id, s.userId, s.csrf, ms(s.createdAt), ms(s.lastSeenAt), ms(s.expiresAt), s.ip);
    },
    async getSession(id) {
      const r = st('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
      return r ? sessionFromRow(r) : null;
    },
    async touchSession(id, lastSeenAt) {
      st('UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?').run(
        ms(lastSeenAt),
        id,
        ms(lastSeenAt),
      );
    },
    async deleteSession(id) {
      return st('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
    },
    async deleteSessionsOf(userId) {
      return st('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
    },
    async deleteStaleSessions(idleBefore, now) {
      return st('DELETE FROM sessions WHERE last_seen_at < ? OR expires_at <= ?').run(ms(idleBefore), ms(now)).changes;
    },
  };
}
