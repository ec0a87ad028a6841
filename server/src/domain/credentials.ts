import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialKind, CredentialRecord, PersonRole } from '../store/types.js';

import { SCOPES, type Scope } from '@zhihui/shared';

// What a key may do is part of the REST contract (shared/src/schemas/admin.ts).
export { SCOPES, type Scope };
/** The scopes that write records. */
export const WRITE_SCOPES: readonly Scope[] = ['status', 'inventory', 'clues', 'grid'];
/** Everything a write key from API_KEYS may do: every write scope (as before roles existed) and /metrics. */
export const ENV_KEY_SCOPES: readonly Scope[] = [...WRITE_SCOPES, 'metrics'];

/**
 * Names a stored credential may not take: the actors the server itself writes under (simulator,
 * heartbeat, fixture data, anonymous reads) and the environment's admin and demo keys. Otherwise a
 * key could sign records as the simulator and the audit log could not tell them apart.
 */
export const RESERVED_NAMES: readonly string[] = [
  'simulator',
  'heartbeat',
  'fixture',
  'seed',
  'anonymous',
  'admin',
  'demo',
  'system',
];

/** Who a request or socket acts as, once authenticated. */
export interface Principal {
  /** writer: API_KEYS or a stored key; admin: ADMIN_KEY or a key with the admin scope; viewer: a display token. */
  role: 'writer' | 'admin' | 'viewer';
  /** The actor written into records and the audit log. */
  name: string;
  /** Stored credential id; null for credentials from the environment. */
  id: string | null;
  scopes: ReadonlySet<Scope>;
  /**
   * Root of the region subtree this principal reaches (reads, writes, subscribe, and for admins
   * the credentials they manage); null: the whole tree (API_KEYS, ADMIN_KEY, VIEWER_TOKENS, and
   * stored credentials created without a region).
   */
  region: string | null;
  /** Set when a person signed in (a session cookie): their role and the session's id (the SHA-256 the store keys it by). */
  person?: { role: PersonRole; session: string };
}

/** Who the audit log names as having acted: the stored credential's id, or `env:<name>` for one from the environment. */
export const credentialRef = (p: Principal): string => p.id ?? `env:${p.name}`;

const PREFIX: Record<CredentialKind, string> = { key: 'zhk', viewer: 'zhv' };
/** `zhk_<16 hex id>_<43 base64url chars>`: the id finds the record, the rest carries 256 random bits. */
const TOKEN_RE = /^(zhk|zhv)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
export const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** A fresh credential: the token (shown once) and its id and hash (stored). */
export function newToken(kind: CredentialKind): { id: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const token = `${PREFIX[kind]}_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: sha256Hex(token) };
}

/** The id and kind inside a token of ours, or null for anything else (env keys, junk). */
export function parseToken(token: string): { kind: CredentialKind; id: string } | null {
  const m = TOKEN_RE.exec(token);
  if (!m) return null;
  return { kind: m[1] === 'zhk' ? 'key' : 'viewer', id: m[2]! };
}

/** Constant-time comparison of a token with a stored hex hash. */
export function tokenMatches(token: string, hashHex: string): boolean {
  const want = Buffer.from(hashHex, 'hex');
  const got = sha256(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A credential as the admin API shows it: everything but the hash. */
export function publicView(c: CredentialRecord): Omit<CredentialRecord, 'hash'> & { active: boolean; source: 'admin' } {
  const { hash, ...rest } = c;
  void hash;
  return { ...rest, active: c.revokedAt === null, source: 'admin' };
}

/**
 * The scope a write route needs, by method and route pattern (as registered, with the /api/v1
 * prefix). Write routes not listed need every write scope (an API_KEYS key or an admin).
 */
export function scopeOfRoute(method: string, url: string | undefined): Scope | 'all' {
  const u = url ?? '';
  if (u === '/api/v1/cameras/status') return 'status';
  if (u === '/api/v1/cameras' || u === '/api/v1/cameras/maintenance') return 'inventory';
  if (u === '/api/v1/clues' || u.startsWith('/api/v1/clues/')) return 'clues';
  // 说事儿's appeals and topics are desk work, like clues.
  if (u.startsWith('/api/v1/appeals') || u.startsWith('/api/v1/topics')) return 'clues';
  if (u.startsWith('/api/v1/grid/')) return 'grid';
  if (u.startsWith('/api/v1/admin')) return 'admin';
  void method;
  return 'all';
}
