import type pg from 'pg';
import type { AuditEntry, PersonRole, SessionRecord, UserRecord } from '../types.js';
import type { PeopleStore } from '../sqlite/people.js';

type Tx = <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;
type InsertAudit = (db: pg.PoolClient, entries: readonly AuditEntry[]) => Promise<void>;

interface UserRow {
  id: string;
  name: string;
  role: PersonRole;
  region: string | null;
  password_hash: string;
  failed_count: number;
  locked_until: Date | null;
  created_at: Date;
  created_by: string;
  password_changed_at: Date;
  last_sign_in_at: Date | null;
  disabled_at: Date | null;
}
interface SessionRow {
  id: string;
  user_id: string;
  csrf: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string;
}

function t(iso: string): Date {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${iso}`);
  return new Date(ms);
}
const tOrNull = (iso: string | null): Date | null => (iso === null ? null : t(iso));

/** Rows to records, with times rendered by the store's own renderer. */
function rowReaders(iso: (d: Date) => string) {
  const isoOrNull = (d: Date | null): string | null => (d ? iso(d) : null);
  const toUser = (r: UserRow): UserRecord => ({
    id: r.id,
    name: r.name,
    role: r.role,
    region: r.region,
    passwordHash: r.password_hash,
    failedCount: r.failed_count,
    lockedUntil: isoOrNull(r.locked_until),
    createdAt: iso(r.created_at),
    createdBy: r.created_by,
    passwordChangedAt: iso(r.password_changed_at),
    lastSignInAt: isoOrNull(r.last_sign_in_at),
    disabledAt: isoOrNull(r.disabled_at),
  });
  const toSession = (r: SessionRow): SessionRecord => ({
    id: r.id,
    userId: r.user_id,
    csrf: r.csrf,
    createdAt: iso(r.created_at),
    lastSeenAt: iso(r.last_seen_at),
    expiresAt: iso(r.expires_at),
    ip: r.ip,
  });
  return { toUser, toSession };
}

type UserStore = Pick<
  PeopleStore,
  'createUser' | 'listUsers' | 'getUserByName' | 'getUser' | 'updateUser' | 'recordSignInFailure'
>;
type SessionStore = Omit<PeopleStore, keyof UserStore>;

/** The INSERT's values of a user, in the column order of createUser. */
const userValues = (u: UserRecord) => [
  u.id,
  u.name,
  u.role,
  u.region,
  u.passwordHash,
  u.failedCount,
  tOrNull(u.lockedUntil),
  t(u.createdAt),
  u.createdBy,
  t(u.passwordChangedAt),
  tOrNull(u.lastSignInAt),
  tOrNull(u.disabledAt),
];

/** Accounts: every change of one is written with its audit entry in one transaction. */
function pgUsers(pool: pg.Pool, tx: Tx, insertAudit: InsertAudit, toUser: (r: UserRow) => UserRecord): UserStore {
  return {
    async createUser(u, audit) {
      await tx(async (c) => {
        await c.query(
          `INSERT INTO users (id, name, role, region, password_hash, failed_count, locked_until, created_at, created_by, password_changed_at, last_sign_in_at, disabled_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          userValues(u),
        );
        await insertAudit(c, [audit]);
      });
    },
    async listUsers() {
      return (await pool.query<UserRow>('SELECT * FROM users ORDER BY created_at, id')).rows.map(toUser);
    },
    async getUserByName(name) {
      const r = (await pool.query<UserRow>('SELECT * FROM users WHERE name = $1', [name])).rows[0];
      return r ? toUser(r) : null;
    },
    async getUser(id) {
      const r = (await pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0];
      return r ? toUser(r) : null;
    },
    async updateUser(u, audit) {
      await tx(async (c) => {
        await c.query(
          `UPDATE users SET role = $2, region = $3, password_hash = $4, failed_count = $5, locked_until = $6,
             password_changed_at = $7, last_sign_in_at = $8, disabled_at = $9 WHERE id = $1`,
          [
            u.id,
            u.role,
            u.region,
            u.passwordHash,
            u.failedCount,
            tOrNull(u.lockedUntil),
            t(u.passwordChangedAt),
            tOrNull(u.lastSignInAt),
            tOrNull(u.disabledAt),
          ],
        );
        if (audit) await insertAudit(c, [audit]);
      });
    },
    async recordSignInFailure(id, max, lockUntil, audit) {
      return tx(async (c) => {
        // One statement: concurrent failures each count (the row lock orders them).
        const { rows } = await c.query<UserRow>(
          `UPDATE users SET failed_count = failed_count + 1,
             locked_until = CASE WHEN failed_count + 1 >= $2 THEN $3 ELSE locked_until END
           WHERE id = $1 RETURNING *`,
          [id, max, t(lockUntil)],
        );
        if (!rows[0]) return null;
        await insertAudit(c, [audit]);
        return toUser(rows[0]);
      });
    },
  };
}

/** Server-side sessions, keyed by the digest of the cookie's secret. */
function pgSessions(pool: pg.Pool, toSession: (r: SessionRow) => SessionRecord): SessionStore {
  return {
    async createSession(s) {
      await pool.query(
        'INSERT INTO sessions (id, user_id, csrf, created_at, last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [s.id, s.userId, s.csrf, t(s.createdAt), t(s.lastSeenAt), t(s.expiresAt), s.ip],
      );
    },
    async getSession(id) {
      const r = (await pool.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id])).rows[0];
      return r ? toSession(r) : null;
    },
    async touchSession(id, lastSeenAt) {
      await pool.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2', [
        id,
        t(lastSeenAt),
      ]);
    },
    async deleteSession(id) {
      return ((await pool.query('DELETE FROM sessions WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async deleteSessionsOf(userId) {
      return (await pool.query('DELETE FROM sessions WHERE user_id = $1', [userId])).rowCount ?? 0;
    },
    async deleteStaleSessions(idleBefore, now) {
      return (
        (await pool.query('DELETE FROM sessions WHERE last_seen_at < $1 OR expires_at <= $2', [t(idleBefore), t(now)]))
          .rowCount ?? 0
      );
    },
  };
}

/** People and sessions on the PostgreSQL pool; times come back through the store's own renderer. */
export function postgresPeople(pool: pg.Pool, tx: Tx, insertAudit: InsertAudit, iso: (d: Date) => string): PeopleStore {
  const { toUser, toSession } = rowReaders(iso);
  return { ...pgUsers(pool, tx, insertAudit, toUser), ...pgSessions(pool, toSession) };
}
