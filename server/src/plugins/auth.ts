import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';
import { appendAudit, auditEntry, auditOfWrite, AuditAction } from '../domain/audit.js';
import {
  SCOPES,
  WRITE_SCOPES,
  newToken,
  parseToken,
  scopeOfRoute,
  sha256,
  tokenMatches,
  type Principal,
  type Scope,
} from '../domain/credentials.js';
import type { CredentialKind, CredentialRecord } from '../store/types.js';
import { isoAt } from '../domain/time.js';

/** Name of the cookie that carries a wall's viewer token after it was opened with `?token=`. */
export const VIEWER_COOKIE = 'zhihui_viewer';
/** 400 days, the longest browsers keep a cookie; renewed on every page load and socket handshake. */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** How often credentials are re-read from the store (revocations made by another server process). */
const RELOAD_MS = 30_000;
const MAX_BLOCKED = 10_000;

/** What the auth plugin offers the admin routes and the socket middleware. */
export interface AuthService {
  /** Who a presented secret belongs to (any kind), or null. Constant-time per candidate. */
  identify(token: string): Principal | null;
  /** True when pages, reads and sockets need a viewer token (REQUIRE_VIEWER=on, or a viewer token was ever issued). */
  viewerRequired(): boolean;
  /** The token a socket handshake carries: auth.token, ?token=, Bearer header, or the viewer cookie. */
  handshakeToken(h: { headers: Record<string, string | string[] | undefined>; auth?: unknown; query?: unknown }): string | null;
  /** Seconds an address must still wait after too many failed authentications (0: none). */
  blockedFor(ip: string): Promise<number>;
  /** Counts one failed authentication of an address. */
  failed(ip: string): Promise<void>;
  /** Creates a key or viewer token; the token is returned here and never again. */
  create(kind: CredentialKind, name: string, scopes: Scope[], actor: string): Promise<{ record: CredentialRecord; token: string }>;
  /** Revokes a stored credential; null when unknown. Takes effect at once (sockets using it are cut). */
  revoke(kind: CredentialKind, id: string, actor: string): Promise<CredentialRecord | null>;
  /** Stored credentials of a kind, revoked ones included. */
  list(kind: CredentialKind): CredentialRecord[];
  /** Names of credentials from the environment (API_KEYS, VIEWER_TOKENS; ADMIN_KEY as 'admin'). */
  envNames(kind: CredentialKind): { name: string; role: Principal['role'] }[];
  /** Called with the id of each credential revoked (here or, after a reload, by another process). */
  onRevoked(cb: (id: string) => void): void;
  /** Re-reads stored credentials. */
  reload(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Hook for write routes (onRequest or preHandler): checks `Authorization: Bearer <key>`, and
     * that the key's scopes cover the route (status, inventory, clues, grid); sets request.actor.
     * 401 for a missing or wrong key, 403 for a key without the scope, 429 after too many failures.
     */
    requireWriter(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** The same for an explicit scope (routes outside the built-in scope map). */
    requireScope(scope: Scope): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Hook for admin routes: ADMIN_KEY or a key with the admin scope. */
    requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    auth: AuthService;
  }
  interface FastifyRequest {
    /** Who is acting: the key's name on authenticated writes, 'anonymous' on open reads. */
    actor: string;
    /** The authenticated principal, when the request presented a credential. */
    principal: Principal | null;
  }
}

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

function bearerOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const m = BEARER_RE.exec(header);
  return m ? m[1]! : null;
}

/** The viewer cookie's value from a Cookie header. */
export function cookieToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === VIEWER_COOKIE) {
      const v = part.slice(i + 1).trim();
      return v.length > 0 && v.length <= 200 ? v : null;
    }
  }
  return null;
}

/** Set-Cookie value carrying (or, with null, clearing) the viewer token. */
export function viewerCookie(token: string | null, secure: boolean): string {
  const attrs = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return token === null ? `${VIEWER_COOKIE}=; Max-Age=0; ${attrs}` : `${VIEWER_COOKIE}=${token}; Max-Age=${COOKIE_MAX_AGE_S}; ${attrs}`;
}

/** Which viewer gate a request falls under, by its route pattern (never by the raw URL, which may be encoded). */
function gateOf(request: FastifyRequest): 'page' | 'read' | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const url = request.routeOptions.url;
  if (url === undefined) return null;
  if (url === '/' || url.startsWith('/wall') || url.startsWith('/meeting')) return 'page';
  if (url.startsWith('/api/v1/') && !url.startsWith('/api/v1/admin')) return 'read';
  return null;
}

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._@()-]{0,63}$/u;

function needsTokenPage(region: string): string {
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>指挥 Zhihui</title>
<body style="background:#0b1526;color:#dfe8f5;font:20px/1.6 sans-serif;padding:48px">
<h1>此大屏需要显示令牌 · This display needs a viewer token</h1>
<p>请向管理员索取带令牌的地址,例如 <code>/wall/${region}?token=…</code>,打开一次后浏览器会记住它。</p>
<p>Ask an administrator for the wall's link with its token (<code>/wall/${region}?token=…</code>). Opened once, the browser keeps it.</p>
</body></html>`;
}

/**
 * Who may do what. Writers: API_KEYS (every write scope, as before roles existed) and keys an
 * admin creates with some of the scopes status, inventory, clues, grid. Admins: ADMIN_KEY (in
 * demo mode, without API_KEYS and ADMIN_KEY, the printed demo key) and keys with the admin scope.
 * Viewers: VIEWER_TOKENS and tokens an admin creates; needed for pages, reads and sockets only
 * when REQUIRE_VIEWER=on, or (auto) once any viewer token was issued (revoking the last one does
 * not open the walls again; REQUIRE_VIEWER=off does).
 *
 * Secrets are compared as SHA-256 digests with timingSafeEqual: environment keys all of them
 * every time, stored ones found by the non-secret id inside the token. Failed authentications
 * are counted per address on the shared rate limiter; past the limit the address is refused
 * (429) until its window ends, even with a right key.
 */
export default fp(
  async (app) => {
    const { config, store } = app;
    const envKeys: { name: string; digest: Buffer; principal: Principal }[] = [];
    const adminFromDemo = config.demoKey && !config.adminKey;
    for (const k of config.apiKeys) {
      const principal: Principal = adminFromDemo
        ? { role: 'admin', name: k.name, id: null, scopes: new Set(SCOPES) }
        : { role: 'writer', name: k.name, id: null, scopes: new Set(WRITE_SCOPES) };
      envKeys.push({ name: k.name, digest: sha256(k.key), principal });
    }
    if (config.adminKey) envKeys.push({ name: 'admin', digest: sha256(config.adminKey), principal: { role: 'admin', name: 'admin', id: null, scopes: new Set(SCOPES) } });
    for (const v of config.viewerTokens) envKeys.push({ name: v.name, digest: sha256(v.key), principal: { role: 'viewer', name: v.name, id: null, scopes: new Set() } });

    let stored = new Map<string, CredentialRecord>();
    const revokedListeners: ((id: string) => void)[] = [];
    const notifyRevoked = (id: string) => {
      for (const cb of revokedListeners) {
        try {
          cb(id);
        } catch (err) {
          app.log.error({ err }, 'revocation listener failed');
        }
      }
    };

    async function reload(): Promise<void> {
      const next = new Map((await store.listCredentials()).map((c) => [c.id, c]));
      for (const [id, c] of next) if (c.revokedAt !== null && stored.get(id)?.revokedAt === null) notifyRevoked(id);
      stored = next;
    }
    await reload();
    const timer = setInterval(() => {
      reload().catch((err: unknown) => app.log.warn({ err }, 'could not re-read credentials; keeping the ones loaded'));
    }, RELOAD_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));

    const principalOf = (c: CredentialRecord): Principal => {
      if (c.kind === 'viewer') return { role: 'viewer', name: c.name, id: c.id, scopes: new Set() };
      const admin = c.scopes.includes('admin');
      return { role: admin ? 'admin' : 'writer', name: c.name, id: c.id, scopes: new Set(admin ? SCOPES : (c.scopes as Scope[])) };
    };

    function identify(token: string): Principal | null {
      if (token.length === 0 || token.length > 512) return null;
      const parsed = parseToken(token);
      if (parsed) {
        const c = stored.get(parsed.id);
        if (c && c.kind === parsed.kind && c.revokedAt === null && tokenMatches(token, c.hash)) return principalOf(c);
        return null;
      }
      const given = sha256(token);
      let found: Principal | null = null;
      for (const k of envKeys) if (timingSafeEqual(given, k.digest) && found === null) found = k.principal;
      return found;
    }

    const viewerRequired = (): boolean => {
      if (config.requireViewer === 'on') return true;
      if (config.requireViewer === 'off') return false;
      if (config.viewerTokens.length > 0) return true;
      // Revoked ones count too: cutting off a stolen token must not open every wall to everyone.
      for (const c of stored.values()) if (c.kind === 'viewer') return true;
      return false;
    };

    // Failed authentications, counted on the rate limiter of the security plugin.
    const failLimit =
      config.rateLimitAuthFailures > 0
        ? app.createRateLimit({
            max: config.rateLimitAuthFailures,
            timeWindow: 60_000,
            keyGenerator: (req: FastifyRequest) => `f:${req.ip}`,
            allowList: () => false,
          })
        : null;
    const asRequest = (ip: string) => ({ ip, routeOptions: { config: {} } }) as unknown as FastifyRequest;
    const blocked = new Map<string, number>();

    async function blockedFor(ip: string): Promise<number> {
      const until = blocked.get(ip);
      if (until === undefined) return 0;
      const left = until - Date.now();
      if (left > 0) return Math.ceil(left / 1000);
      blocked.delete(ip);
      return 0;
    }
    async function failed(ip: string): Promise<void> {
      app.metrics.inc('zhihui_auth_failures_total');
      if (!failLimit) return;
      const r = await failLimit(asRequest(ip));
      if (!r.isAllowed && r.remaining === 0) {
        if (blocked.size >= MAX_BLOCKED) blocked.delete(blocked.keys().next().value!);
        blocked.set(ip, Date.now() + Math.max(1000, r.ttl));
        app.log.warn({ ip }, 'too many failed authentications: address refused for a while');
      }
    }
    async function refuseIfBlocked(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const wait = await blockedFor(request.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpError(429, ErrorCode.tooMany, `too many failed authentications from this address; retry in ${wait} s`);
      }
    }

    function nameTaken(kind: CredentialKind, name: string): boolean {
      for (const k of envKeys) if (k.name === name && (kind === 'viewer') === (k.principal.role === 'viewer')) return true;
      for (const c of stored.values()) if (c.kind === kind && c.revokedAt === null && c.name === name) return true;
      return false;
    }

    const auth: AuthService = {
      identify,
      viewerRequired,
      blockedFor,
      failed,
      handshakeToken(h) {
        const a = h.auth as { token?: unknown } | undefined;
        if (a && typeof a === 'object' && typeof a.token === 'string') return a.token;
        const q = h.query as { token?: unknown } | undefined;
        if (q && typeof q === 'object' && typeof q.token === 'string') return q.token;
        return bearerOf(h.headers.authorization) ?? cookieToken(h.headers.cookie);
      },
      async create(kind, name, scopes, actor) {
        if (!NAME_RE.test(name)) throw new HttpError(400, ErrorCode.validation, 'name: 1–64 letters, digits, spaces or ._@()- and starting with a letter or digit', [{ field: 'name', message: 'not a valid name' }]);
        if (nameTaken(kind, name)) throw new HttpError(409, ErrorCode.conflict, `name: an active ${kind === 'key' ? 'key' : 'viewer token'} is already called '${name}' (names are the actor in the audit log)`);
        const uniq = [...new Set(scopes)].sort((a, b) => SCOPES.indexOf(a) - SCOPES.indexOf(b));
        const { id, token, hash } = newToken(kind);
        const now = Date.now();
        const record: CredentialRecord = { id, kind, name, scopes: kind === 'viewer' ? [] : uniq, hash, createdAt: isoAt(now), createdBy: actor, revokedAt: null, revokedBy: null };
        await store.createCredential(record, auditEntry(actor, kind === 'key' ? AuditAction.keyCreate : AuditAction.viewerCreate, id, { name, scopes: record.scopes }, now));
        stored.set(id, record);
        return { record, token };
      },
      async revoke(kind, id, actor) {
        const cur = stored.get(id);
        if (!cur || cur.kind !== kind) return null;
        const rec = await store.revokeCredential(id, auditEntry(actor, kind === 'key' ? AuditAction.keyRevoke : AuditAction.viewerRevoke, id, { name: cur.name }));
        if (!rec) return null;
        stored.set(id, rec);
        if (cur.revokedAt === null) notifyRevoked(id);
        return rec;
      },
      list: (kind) => [...stored.values()].filter((c) => c.kind === kind),
      envNames: (kind) => envKeys.filter((k) => (kind === 'viewer') === (k.principal.role === 'viewer')).map((k) => ({ name: k.name, role: k.principal.role })),
      onRevoked: (cb) => void revokedListeners.push(cb),
      reload,
    };
    app.decorate('auth', auth);
    app.decorateRequest('actor', 'anonymous');
    app.decorateRequest('principal', null);

    /** The principal of the request's bearer key: 401 / 429 otherwise. */
    async function bearerPrincipal(request: FastifyRequest, reply: FastifyReply, what: string): Promise<Principal> {
      const token = bearerOf(request.headers.authorization);
      if (token === null) {
        reply.header('www-authenticate', 'Bearer realm="zhihui"');
        throw new HttpError(401, ErrorCode.unauthorized, `${what} need Authorization: Bearer <key>`);
      }
      await refuseIfBlocked(request, reply);
      const p = identify(token);
      if (!p) {
        await failed(request.ip);
        reply.header('www-authenticate', 'Bearer realm="zhihui", error="invalid_token"');
        throw new HttpError(401, ErrorCode.unauthorized, 'the key is not valid (unknown or revoked)');
      }
      return p;
    }

    function requireScope(scope: Scope | 'all') {
      return async function checkScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
        const p = await bearerPrincipal(request, reply, scope === 'admin' ? 'admin requests' : 'writes');
        const ok = scope === 'all' ? WRITE_SCOPES.every((s) => p.scopes.has(s)) : p.scopes.has(scope);
        if (!ok) {
          const has = p.role === 'viewer' ? 'a viewer token can only read' : `this key may write: ${[...p.scopes].join(', ') || 'nothing'}`;
          const needs = scope === 'admin' ? 'the admin role (ADMIN_KEY or a key with the admin scope)' : scope === 'all' ? 'a key with every write scope' : `the '${scope}' scope`;
          throw new HttpError(403, ErrorCode.forbidden, `${has}; ${request.method} ${request.routeOptions.url ?? request.url} needs ${needs}`);
        }
        request.actor = p.name;
        request.principal = p;
      };
    }

    app.decorate('requireScope', (scope: Scope) => requireScope(scope));
    app.decorate('requireAdmin', requireScope('admin'));
    app.decorate('requireWriter', async function requireWriter(request: FastifyRequest, reply: FastifyReply) {
      return requireScope(scopeOfRoute(request.method, request.routeOptions.url))(request, reply);
    });

    // The viewer gate: pages and the read API, when viewer tokens are in force.
    app.addHook('onRequest', async (request, reply) => {
      const gate = gateOf(request);
      if (gate === null) return;
      const query = request.query as Record<string, unknown> | undefined;
      const fromQuery = query && typeof query.token === 'string' ? query.token : null;
      // Consumed here, so route schemas never see (or log) it.
      if (query && 'token' in query) delete query.token;
      if (!viewerRequired()) return;
      const bearer = bearerOf(request.headers.authorization);
      const fromCookie = cookieToken(request.headers.cookie);
      const token = bearer ?? fromQuery ?? fromCookie;
      const deny = (message: string): FastifyReply | never => {
        if (gate === 'page') return reply.code(401).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(needsTokenPage(config.region));
        throw new HttpError(401, ErrorCode.unauthorized, message);
      };
      if (token === null) return deny('this server needs a viewer token: Authorization: Bearer <token>, ?token=<token>, or the cookie set when a wall is opened with ?token=');
      await refuseIfBlocked(request, reply);
      const p = identify(token);
      // Write and admin keys read too, but only from the Authorization header: never from a URL or a cookie.
      if (!p || (p.role !== 'viewer' && token !== bearer)) {
        await failed(request.ip);
        if (token === fromCookie) reply.header('set-cookie', viewerCookie(null, request.protocol === 'https'));
        return deny('the viewer token is not valid (unknown or revoked)');
      }
      request.principal = p;
      request.actor = p.name;
      if (gate === 'page' && p.role === 'viewer') reply.header('set-cookie', viewerCookie(token, request.protocol === 'https'));
    });

    // Inventory-changing writes go to the audit log once they succeeded (clue steps are logged by the store).
    app.addHook('preSerialization', async (request, reply, payload) => {
      if (reply.statusCode >= 300 || request.method === 'GET' || request.method === 'HEAD') return payload;
      const a = auditOfWrite(request.method, request.routeOptions.url, request.body, payload);
      if (a) await appendAudit(store, [auditEntry(request.actor, a.action, null, a.details)], (err) => request.log.error({ err }, 'could not write the audit log'));
      return payload;
    });
  },
  { name: 'auth', fastify: '5.x', dependencies: ['config', 'errors', 'store', 'metrics', 'security'] },
);
