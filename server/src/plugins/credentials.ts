import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';
import { AuditAction, auditEntry, type AuditActor } from '../domain/audit.js';
import {
  ENV_KEY_SCOPES,
  RESERVED_NAMES,
  SCOPES,
  newToken,
  parseToken,
  sha256,
  tokenMatches,
  type Principal,
  type Scope,
} from '../domain/credentials.js';
import { covers, type RegionRoot } from '../domain/reach.js';
import { isoAt } from '../domain/time.js';
import type { CredentialKind, CredentialRecord } from '../store/types.js';

/** How often credentials are re-read from the store (revocations made by another server process). */
const RELOAD_MS = 30_000;
const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._@()-]{0,63}$/u;

/** What to create: a key (with scopes) or a viewer token, bound to a region subtree (null: the whole tree). */
export interface CredentialSpec {
  name: string;
  scopes: Scope[];
  region: RegionRoot;
}

/** The credentials the server knows: from the environment, and stored ones an admin created. */
export interface CredentialService {
  /** Who a presented secret belongs to (any kind), or null. Constant-time per candidate. */
  lookup(token: string): Principal | null;
  /** Creates a key or viewer token; the token is returned here and never again. */
  create(
    kind: CredentialKind,
    spec: CredentialSpec,
    by: AuditActor,
  ): Promise<{ record: CredentialRecord; token: string }>;
  /** Revokes a stored credential; null when unknown. Takes effect at once (sockets using it are cut). */
  revoke(kind: CredentialKind, id: string, by: AuditActor): Promise<CredentialRecord | null>;
  /** A stored credential by id, revoked or not. */
  get(id: string): CredentialRecord | undefined;
  /** Stored credentials of a kind whose region lies inside `within` (null: all), revoked ones included. */
  list(kind: CredentialKind, within: RegionRoot): CredentialRecord[];
  /** Credentials from the environment (API_KEYS, VIEWER_TOKENS; ADMIN_KEY as 'admin'): they reach the whole tree. */
  envNames(kind: CredentialKind): { name: string; role: Principal['role'] }[];
  /** True once a viewer token exists or existed (VIEWER_TOKENS or stored, revoked ones included). */
  viewerIssued(): boolean;
  /** Called with the id of each credential revoked (here or, after a reload, by another process). */
  onRevoked(cb: (id: string) => void): void;
  /** Called after the set of credentials changed (created, revoked, reloaded). */
  onChange(cb: () => void): void;
  /** Re-reads stored credentials. */
  reload(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    credentials: CredentialService;
  }
}

const kindName = (kind: CredentialKind) => (kind === 'key' ? 'key' : 'viewer token');

function principalOf(c: CredentialRecord): Principal {
  if (c.kind === 'viewer') return { role: 'viewer', name: c.name, id: c.id, scopes: new Set(), region: c.region };
  const admin = c.scopes.includes('admin');
  return {
    role: admin ? 'admin' : 'writer',
    name: c.name,
    id: c.id,
    scopes: new Set(admin ? SCOPES : (c.scopes as Scope[])),
    region: c.region,
  };
}

/** A credential from the environment, as its digest. */
interface EnvCredential {
  name: string;
  digest: Buffer;
  principal: Principal;
}

/** The credentials from the environment, as digests: API_KEYS, ADMIN_KEY and VIEWER_TOKENS, all reaching the whole tree. */
function envCredentials(config: FastifyInstance['config']): EnvCredential[] {
  const out: EnvCredential[] = [];
  // A demo key writes; it never administers (ADMIN_KEY does).
  for (const k of config.apiKeys)
    out.push({
      name: k.name,
      digest: sha256(k.key),
      principal: { role: 'writer', name: k.name, id: null, scopes: new Set(ENV_KEY_SCOPES), region: null },
    });
  if (config.adminKey)
    out.push({
      name: 'admin',
      digest: sha256(config.adminKey),
      principal: { role: 'admin', name: 'admin', id: null, scopes: new Set(SCOPES), region: null },
    });
  for (const v of config.viewerTokens)
    out.push({
      name: v.name,
      digest: sha256(v.key),
      principal: { role: 'viewer', name: v.name, id: null, scopes: new Set(), region: null },
    });
  return out;
}

/** The principal a token names: a stored credential by the id inside it, else an environment key (all compared, every time). */
function lookupIn(
  stored: ReadonlyMap<string, CredentialRecord>,
  envKeys: readonly EnvCredential[],
  token: string,
): Principal | null {
  if (token.length === 0 || token.length > 512) return null;
  const parsed = parseToken(token);
  if (parsed) {
    const c = stored.get(parsed.id);
    return c && c.kind === parsed.kind && c.revokedAt === null && tokenMatches(token, c.hash) ? principalOf(c) : null;
  }
  const given = sha256(token);
  let found: Principal | null = null;
  for (const k of envKeys) if (timingSafeEqual(given, k.digest) && found === null) found = k.principal;
  return found;
}

/** Why a name cannot be given, or null. */
function nameRefusedIn(
  stored: ReadonlyMap<string, CredentialRecord>,
  envKeys: readonly EnvCredential[],
  kind: CredentialKind,
  name: string,
): string | null {
  if (RESERVED_NAMES.includes(name.toLowerCase()))
    return `'${name}' is reserved (the server's own actors and environment keys use it)`;
  for (const k of envKeys)
    if (k.name === name && (kind === 'viewer') === (k.principal.role === 'viewer'))
      return `a ${kindName(kind)} from the environment is called '${name}'`;
  for (const c of stored.values()) {
    if (c.kind === kind && c.name === name)
      return c.revokedAt === null
        ? `an active ${kindName(kind)} is already called '${name}'`
        : `a revoked ${kindName(kind)} was called '${name}' and records still name it`;
  }
  return null;
}

/** 400 for a name that is not one, 409 for one already given (or reserved). */
function checkName(refused: string | null, name: string): void {
  if (!NAME_RE.test(name))
    throw new HttpError(
      400,
      ErrorCode.validation,
      'name: 1–64 letters, digits, spaces or ._@()- and starting with a letter or digit',
      [{ field: 'name', message: 'not a valid name' }],
    );
  if (refused)
    throw new HttpError(
      409,
      ErrorCode.conflict,
      `name: ${refused}; names are the actor in records and the audit log, so each is used once`,
    );
}

/** A new credential's record and its token (shown once); scopes in their canonical order, none for a viewer. */
function newRecord(
  kind: CredentialKind,
  spec: Parameters<CredentialService['create']>[1],
  by: Parameters<CredentialService['create']>[2],
  now: number,
): { record: CredentialRecord; token: string } {
  const scopes =
    kind === 'viewer' ? [] : [...new Set(spec.scopes)].sort((a, b) => SCOPES.indexOf(a) - SCOPES.indexOf(b));
  const { id, token, hash } = newToken(kind);
  const record: CredentialRecord = {
    id,
    kind,
    name: spec.name,
    scopes,
    region: spec.region,
    hash,
    createdAt: isoAt(now),
    createdBy: by.name,
    revokedAt: null,
    revokedBy: null,
  };
  return { record, token };
}

/**
 * Keys and viewer tokens. Environment credentials: API_KEYS (every write scope), ADMIN_KEY (the
 * admin role), VIEWER_TOKENS; all reach the whole tree. Stored credentials are created by an
 * admin, bound to a region subtree, and kept as SHA-256 digests only.
 *
 * Secrets are compared as digests with timingSafeEqual: environment keys all of them every time,
 * stored ones found by the non-secret id inside the token. Names are never reused (revoked ones
 * included) and never one of the server's own actors, so a name in a record or the audit log
 * always means one credential.
 */
export default fp(
  async (app) => {
    const { config, store } = app;
    const envKeys = envCredentials(config);

    let stored = new Map<string, CredentialRecord>();
    const revokedListeners: ((id: string) => void)[] = [];
    const changeListeners: (() => void)[] = [];
    const call = (what: string, f: () => void) => {
      try {
        f();
      } catch (err) {
        app.log.error({ err }, `${what} listener failed`);
      }
    };
    const changed = () => changeListeners.forEach((cb) => call('credential change', cb));
    const notifyRevoked = (id: string) => revokedListeners.forEach((cb) => call('revocation', () => cb(id)));

    async function reload(): Promise<void> {
      const next = new Map((await store.listCredentials()).map((c) => [c.id, c]));
      const revoked = [...next.values()].filter((c) => c.revokedAt !== null && stored.get(c.id)?.revokedAt === null);
      stored = next;
      for (const c of revoked) notifyRevoked(c.id);
      changed();
    }
    await reload();
    const timer = setInterval(() => {
      reload().catch((err: unknown) => app.log.warn({ err }, 'could not re-read credentials; keeping the ones loaded'));
    }, RELOAD_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));

    const lookup = (token: string) => lookupIn(stored, envKeys, token);
    const service: CredentialService = {
      lookup,
      async create(kind, spec, by) {
        checkName(nameRefusedIn(stored, envKeys, kind, spec.name), spec.name);
        const now = Date.now();
        const { record, token } = newRecord(kind, spec, by, now);
        const { id, scopes } = record;
        const action = kind === 'key' ? AuditAction.keyCreate : AuditAction.viewerCreate;
        await store.createCredential(
          record,
          auditEntry(by, action, id, { name: spec.name, scopes, region: spec.region }, now),
        );
        stored.set(id, record);
        changed();
        return { record, token };
      },
      async revoke(kind, id, by) {
        const cur = stored.get(id);
        if (!cur || cur.kind !== kind) return null;
        const rec = await store.revokeCredential(
          id,
          auditEntry(by, kind === 'key' ? AuditAction.keyRevoke : AuditAction.viewerRevoke, id, { name: cur.name }),
        );
        if (!rec) return null;
        stored.set(id, rec);
        if (cur.revokedAt === null) notifyRevoked(id);
        changed();
        return rec;
      },
      get: (id) => stored.get(id),
      list: (kind, within) =>
        [...stored.values()].filter((c) => c.kind === kind && covers(app.regions, within, c.region)),
      envNames: (kind) =>
        envKeys
          .filter((k) => (kind === 'viewer') === (k.principal.role === 'viewer'))
          .map((k) => ({ name: k.name, role: k.principal.role })),
      viewerIssued() {
        if (config.viewerTokens.length > 0) return true;
        for (const c of stored.values()) if (c.kind === 'viewer') return true;
        return false;
      },
      onRevoked: (cb) => void revokedListeners.push(cb),
      onChange: (cb) => void changeListeners.push(cb),
      reload,
    };
    app.decorate('credentials', service);
  },
  { name: 'credentials', fastify: '5.x', dependencies: ['config', 'store'] },
);
