import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode, type RegionTree } from '@zhihui/shared';
import type { PeopleConfig } from '../config/people.js';
import { auditEntry, type AuditActor } from '../domain/audit.js';
import { RESERVED_NAMES, SCOPES, type Principal, type Scope } from '../domain/credentials.js';
import { HttpError, fieldError } from '../domain/errors.js';
import { covers, type RegionRoot } from '../domain/reach.js';
import { isoAt } from '../domain/time.js';
import type { PersonRole, SessionRecord, Store, UserRecord } from '../store/types.js';
import { hashPassword, passwordMatches, passwordProblems, verifyNothing } from './password.js';

export const PERSON_ROLES: readonly PersonRole[] = ['admin', 'leader', 'operator'];
const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{1,31}$/u;
/** What an operator's session may write: clues and grid reports (the desk's work), nothing else. */
const OPERATOR_SCOPES: readonly Scope[] = ['clues', 'grid'];

/** Audit actions of people and their sessions. */
export const PeopleAudit = {
  userCreate: 'user.create',
  userPassword: 'user.password',
  userUnlock: 'user.unlock',
  userDisable: 'user.disable',
  signIn: 'session.create',
  signInFailed: 'session.fail',
  signInLocked: 'session.locked',
  signOut: 'session.end',
  expired: 'session.expire',
} as const;

/** An account as the API shows it: no hash, no counters an attacker could use. */
export interface PersonView {
  id: string;
  name: string;
  role: PersonRole;
  region: string | null;
}
export const personView = (u: UserRecord): PersonView => ({ id: u.id, name: u.name, role: u.role, region: u.region });

/** A signed-in person as requests see them. */
export interface SignedIn {
  user: UserRecord;
  session: SessionRecord;
}

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
/** Session secrets: 256 random bits; the store keeps their SHA-256 as the session id. */
const SECRET_RE = /^[A-Za-z0-9_-]{43}$/;

/** Equal strings in constant time (for the CSRF token). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The principal a person acts as: the same Principal keys and viewer tokens give, bound to the account's region. */
export function principalOfPerson(u: UserRecord, session: SessionRecord): Principal {
  const scopes: ReadonlySet<Scope> = new Set(
    u.role === 'admin' ? SCOPES : u.role === 'operator' ? OPERATOR_SCOPES : [],
  );
  const role = u.role === 'admin' ? 'admin' : u.role === 'operator' ? 'writer' : 'viewer';
  return { role, name: u.name, id: u.id, scopes, region: u.region, person: { role: u.role, session: session.id } };
}

export interface NewPerson {
  name: string;
  role: PersonRole;
  region: string | null;
  password: string;
}

/**
 * People's accounts and sessions, over the store (so every process of a deployment sees the same
 * sessions). Sign-in failures are counted on the account and lock it for a while after
 * `maxFailures` in a row; unknown names are counted in memory the same way, so the answers do not
 * tell which names exist. Sessions end after `idleMs` without use or `maxMs` after sign-in.
 */
export class PeopleService {
  readonly #unknown = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly store: Store,
    readonly config: PeopleConfig,
    private readonly regions: () => RegionTree,
    /** Why a name is taken by a credential (a key or viewer token), or null. */
    private readonly credentialName: (name: string) => string | null = () => null,
  ) {}

  /** Creates an account (the CLI's `user add`, or an admin). 400 naming the field, 409 for a name in use. */
  async add(spec: NewPerson, by: AuditActor, within: RegionRoot = null): Promise<UserRecord> {
    await this.check(spec, within);
    const problems = passwordProblems(spec.password, spec.name);
    if (problems.length > 0) throw fieldError('password', problems.join('; '));
    const now = isoAt(Date.now());
    const user: UserRecord = {
      id: `u${randomBytes(8).toString('hex')}`,
      name: spec.name,
      role: spec.role,
      region: spec.region,
      passwordHash: await hashPassword(spec.password),
      failedCount: 0,
      lockedUntil: null,
      createdAt: now,
      createdBy: by.name,
      passwordChangedAt: now,
      lastSignInAt: null,
      disabledAt: null,
    };
    await this.store.createUser(
      user,
      auditEntry(by, PeopleAudit.userCreate, user.id, { name: user.name, role: user.role, region: user.region }),
    );
    return user;
  }

  /** Checks an account's name, role and region (400 naming the field, 403 outside `within`, 409 for a name in use). */
  async check(spec: Omit<NewPerson, 'password'>, within: RegionRoot = null): Promise<void> {
    if (!NAME_RE.test(spec.name))
      throw fieldError('name', '2–32 letters, digits or ._@- starting with a letter or digit');
    if (RESERVED_NAMES.includes(spec.name.toLowerCase()))
      throw fieldError('name', `'${spec.name}' is reserved for the server's own actors`);
    if (!PERSON_ROLES.includes(spec.role)) throw fieldError('role', `one of ${PERSON_ROLES.join(', ')}`);
    if (spec.region !== null && !this.regions().byCode.has(spec.region))
      throw fieldError('region', `'${spec.region}' is not a region of this deployment`, ErrorCode.unknownRegion);
    if (!covers(this.regions(), within, spec.region))
      throw new HttpError(403, ErrorCode.forbidden, `region: outside your own region (${within})`, [
        { field: 'region', message: 'outside your region' },
      ]);
    const taken =
      this.credentialName(spec.name) ??
      ((await this.store.getUserByName(spec.name)) ? `an account is already called '${spec.name}'` : null);
    if (taken)
      throw new HttpError(409, ErrorCode.conflict, `name: ${taken}; a name in a record means one person`, [
        { field: 'name', message: 'in use' },
      ]);
  }

  /**
   * Checks a name and password. 401 for a wrong pair (unknown name or wrong password alike), 423
   * while the account is locked. On success a new session and its secret (for the cookie).
   */
  async signIn(
    name: string,
    password: string,
    ip: string,
  ): Promise<{ user: UserRecord; session: SessionRecord; secret: string }> {
    const now = Date.now();
    const user = name.length <= 64 ? await this.store.getUserByName(name) : null;
    const failedLine = (u: UserRecord | null, details: Record<string, unknown>) =>
      auditEntry(
        { name: u?.name ?? 'anonymous', ref: u?.id ?? null },
        PeopleAudit.signInFailed,
        u?.id ?? null,
        { name: name.slice(0, 64), ip, ...details },
        now,
      );
    if (!user || user.disabledAt !== null) {
      await verifyNothing(password);
      const locked = this.#unknownFailed(name, now);
      await this.store.appendAudit([failedLine(null, { reason: user ? 'disabled' : 'unknown name' })]);
      throw locked ? this.#lockedError(isoAt(now + this.config.lockMs)) : wrongPair();
    }
    if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now) {
      await verifyNothing(password);
      await this.store.appendAudit([
        auditEntry(
          { name: user.name, ref: user.id },
          PeopleAudit.signInLocked,
          user.id,
          { ip, lockedUntil: user.lockedUntil },
          now,
        ),
      ]);
      throw this.#lockedError(user.lockedUntil);
    }
    if (!(await passwordMatches(user.passwordHash, password))) {
      const after = await this.store.recordSignInFailure(
        user.id,
        this.config.maxFailures,
        isoAt(now + this.config.lockMs),
        failedLine(user, { reason: 'wrong password', failures: user.failedCount + 1 }),
      );
      if (after && after.failedCount >= this.config.maxFailures && after.lockedUntil)
        throw this.#lockedError(after.lockedUntil);
      throw wrongPair();
    }
    const secret = randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      id: sha256Hex(secret),
      userId: user.id,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: isoAt(now),
      lastSeenAt: isoAt(now),
      expiresAt: isoAt(now + this.config.maxMs),
      ip,
    };
    const signedIn: UserRecord = { ...user, failedCount: 0, lockedUntil: null, lastSignInAt: isoAt(now) };
    await this.store.updateUser(
      signedIn,
      auditEntry(
        { name: user.name, ref: user.id },
        PeopleAudit.signIn,
        user.id,
        { ip, role: user.role, region: user.region },
        now,
      ),
    );
    await this.store.createSession(session);
    return { user: signedIn, session, secret };
  }

  /** The person behind a session secret, or null (unknown, ended, idle too long, account disabled). Marks the session used. */
  async resolve(secret: string): Promise<SignedIn | null> {
    if (!SECRET_RE.test(secret)) return null;
    const session = await this.store.getSession(sha256Hex(secret));
    if (!session) return null;
    const now = Date.now();
    const idle = now - Date.parse(session.lastSeenAt) > this.config.idleMs;
    if (idle || now >= Date.parse(session.expiresAt)) {
      if (await this.store.deleteSession(session.id)) {
        await this.store.appendAudit([
          auditEntry(
            { name: 'system', ref: null },
            PeopleAudit.expired,
            session.userId,
            { reason: idle ? 'idle' : 'maximum length', lastSeenAt: session.lastSeenAt },
            now,
          ),
        ]);
      }
      return null;
    }
    const user = await this.store.getUser(session.userId);
    if (!user || user.disabledAt !== null) return null;
    // Writing on every request would cost a write per read; a minute's precision is enough for an idle timeout.
    if (now - Date.parse(session.lastSeenAt) > 60_000) await this.store.touchSession(session.id, isoAt(now));
    return { user, session };
  }

  async signOut(s: SignedIn): Promise<void> {
    if (await this.store.deleteSession(s.session.id)) {
      await this.store.appendAudit([
        auditEntry({ name: s.user.name, ref: s.user.id }, PeopleAudit.signOut, s.user.id, null),
      ]);
    }
  }

  /** Sets a new password (the current one must match); every session of the account ends, this one included. */
  async changePassword(user: UserRecord, current: string | null, next: string, by: AuditActor): Promise<void> {
    if (current !== null && !(await passwordMatches(user.passwordHash, current)))
      throw new HttpError(400, ErrorCode.validation, 'current: not the current password', [
        { field: 'current', message: 'not the current password' },
      ]);
    const problems = passwordProblems(next, user.name);
    if (problems.length > 0) throw fieldError(current === null ? 'password' : 'next', problems.join('; '));
    const now = isoAt(Date.now());
    await this.store.updateUser(
      { ...user, passwordHash: await hashPassword(next), passwordChangedAt: now, failedCount: 0, lockedUntil: null },
      auditEntry(by, PeopleAudit.userPassword, user.id, { name: user.name }),
    );
    await this.store.deleteSessionsOf(user.id);
  }

  async unlock(user: UserRecord, by: AuditActor): Promise<void> {
    await this.store.updateUser(
      { ...user, failedCount: 0, lockedUntil: null },
      auditEntry(by, PeopleAudit.userUnlock, user.id, { name: user.name }),
    );
  }

  async disable(user: UserRecord, by: AuditActor): Promise<void> {
    await this.store.updateUser(
      { ...user, disabledAt: isoAt(Date.now()) },
      auditEntry(by, PeopleAudit.userDisable, user.id, { name: user.name }),
    );
    await this.store.deleteSessionsOf(user.id);
  }

  /** Removes sessions past their idle or maximum time (run now and then; `resolve` refuses them anyway). */
  async sweep(now = Date.now()): Promise<number> {
    return this.store.deleteStaleSessions(isoAt(now - this.config.idleMs), isoAt(now));
  }

  /** Counts a failure for a name no account has; true when that name is now "locked", as an account would be. */
  #unknownFailed(name: string, now: number): boolean {
    if (this.#unknown.size > 10_000) this.#unknown.clear();
    const cur = this.#unknown.get(name);
    if (cur && cur.until > now) return true;
    const count = (cur && cur.until === 0 ? cur.count : 0) + 1;
    const until = count >= this.config.maxFailures ? now + this.config.lockMs : 0;
    this.#unknown.set(name, { count, until });
    return until > 0;
  }

  #lockedError(until: string): HttpError {
    const e = new HttpError(423, ErrorCode.locked, `too many failed sign-ins: the account is locked until ${until}`, {
      lockedUntil: until,
    });
    e.retryAfterSec = Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
    return e;
  }
}

const wrongPair = () => new HttpError(401, ErrorCode.unauthorized, 'the name or the password is wrong');
