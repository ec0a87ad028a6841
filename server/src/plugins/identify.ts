import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@zhihui/shared';
import { FailureThrottle } from '../domain/authThrottle.js';
import { WRITE_SCOPES, scopeOfRoute, sha256Hex, type Principal, type Scope } from '../domain/credentials.js';
import { HttpError } from '../domain/errors.js';

/** Where an authentication attempt came from: the client address, the TCP peer (when a trusted proxy forwarded it) and the secret presented. */
export interface AuthAttempt {
  ip: string;
  peer?: string | undefined;
  token: string | null;
}

/** Who is presenting a credential, and what happens to those who present wrong ones. */
export interface IdentifyService {
  /** Who a presented secret belongs to, or null. A valid credential is never delayed or refused. */
  principal(token: string): Principal | null;
  /**
   * Counts a failed authentication and waits as long as the throttle says (increasing delays
   * for whoever keeps failing). Resolves with the seconds to put in retry-after when the answer
   * must be a refusal (429) instead, because too many answers to this source already wait.
   */
  failed(attempt: AuthAttempt): Promise<number | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    identify: IdentifyService;
    /**
     * Hook for write routes (onRequest or preHandler): checks `Authorization: Bearer <key>`, and
     * that the key's scopes cover the route (status, inventory, clues, grid); sets request.principal.
     * 401 for a missing or wrong key (answered after a delay when it keeps failing), 403 for a key without the scope.
     */
    requireWriter(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** The same for an explicit scope (routes outside the built-in scope map, e.g. metrics). */
    requireScope(scope: Scope): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Hook for admin routes: ADMIN_KEY or a key with the admin scope. */
    requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
  interface FastifyRequest {
    /** Who is acting: the credential's name once authenticated, 'anonymous' on open reads. */
    actor: string;
    /** The authenticated principal, when the request presented a credential; its region bounds what the request reaches. */
    principal: Principal | null;
  }
}

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerOf(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const m = BEARER_RE.exec(header);
  return m ? m[1]! : null;
}

/** Throttle keys of an attempt: address, peer when it differs, and a digest of the secret (never the secret itself). */
function throttleKeys(a: AuthAttempt): string[] {
  const keys = [`a:${a.ip}`];
  if (a.peer && a.peer !== a.ip) keys.push(`p:${a.peer}`);
  if (a.token) keys.push(`c:${sha256Hex(a.token).slice(0, 24)}`);
  return keys;
}

/** The attempt a request makes with `token`. */
export const attemptOf = (request: FastifyRequest, token: string | null): AuthAttempt => ({
  ip: request.ip,
  peer: request.socket?.remoteAddress,
  token,
});

/** The words of the refusal once failures from one source are too many (HTTP 429 and socket refusals alike). */
export const tooManyFailures = (retrySec: number): string =>
  `too many failed authentications from this address; retry in ${retrySec} s`;

/**
 * Counts `request`'s failed authentication with `token` (waiting as long as the throttle says),
 * and answers 429 with retry-after when too many answers to its source already wait. The one
 * answer of every HTTP authentication that fails: keys, viewer tokens, sign-in, media hooks.
 */
export async function countFailedAuth(
  identify: IdentifyService,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | null,
): Promise<void> {
  const retry = await identify.failed(attemptOf(request, token));
  if (retry === null) return;
  reply.header('retry-after', String(retry));
  throw Object.assign(new HttpError(429, ErrorCode.tooMany, tooManyFailures(retry)), { retryAfterSec: retry });
}

/** The 403 for a principal without the scope a route needs: what it may do, and what is needed. */
function scopeRefused(p: Principal, scope: Scope | 'all', request: FastifyRequest): HttpError {
  const has = p.person
    ? `a ${p.person.role}'s account may: ${[...p.scopes].join(', ') || 'read only'}`
    : p.role === 'viewer'
      ? 'a viewer token can only read'
      : `this key may: ${[...p.scopes].join(', ') || 'nothing'}`;
  const needs =
    scope === 'admin'
      ? 'the admin role (ADMIN_KEY or a key with the admin scope)'
      : scope === 'all'
        ? 'a key with every write scope'
        : `the '${scope}' scope`;
  return new HttpError(
    403,
    ErrorCode.forbidden,
    `${has}; ${request.method} ${request.routeOptions.url ?? request.url} needs ${needs}`,
  );
}

/**
 * Authentication: which principal a presented secret is (app.credentials holds them), the
 * failed-authentication throttle, and the hooks routes use to require a writer, a scope or an
 * admin. Authorisation by region is not decided here but by domain/reach.ts, on the principal
 * this plugin puts on the request.
 */
export default fp(
  async (app) => {
    const throttle = new FailureThrottle({ freePerMinute: app.config.rateLimitAuthFailures });
    app.addHook('preClose', async () => throttle.close());
    const warned = new Map<string, number>();

    const identify: IdentifyService = {
      principal: (token) => app.credentials.lookup(token),
      async failed(attempt) {
        app.metrics.inc('zhihui_auth_failures_total');
        const keys = throttleKeys(attempt);
        const verdict = throttle.fail(keys);
        if ('refuse' in verdict) return verdict.retryAfterSec;
        if (verdict.waitMs > 0) {
          // Once a minute per address is enough to tell an operator someone keeps failing.
          const last = warned.get(attempt.ip) ?? 0;
          if (Date.now() - last > 60_000) {
            if (warned.size > 10_000) warned.clear();
            warned.set(attempt.ip, Date.now());
            app.log.warn(
              { ip: attempt.ip, peer: attempt.peer, delayMs: verdict.waitMs },
              'repeated failed authentications: answers are being delayed',
            );
          }
          await throttle.hold(keys, verdict.waitMs);
        }
        return null;
      },
    };
    app.decorate('identify', identify);
    app.decorateRequest('actor', 'anonymous');
    app.decorateRequest('principal', null);

    /** The principal of the request's bearer key: 401 (or 429 when the throttle says so) otherwise. */
    async function bearerPrincipal(request: FastifyRequest, reply: FastifyReply, what: string): Promise<Principal> {
      const token = bearerOf(request.headers.authorization);
      if (token === null) {
        // A person signed in at /login: their session cookie, with the CSRF token on writes.
        const who = await app.people.of(request);
        if (who) {
          app.people.adopt(request, who);
          return request.principal!;
        }
        reply.header('www-authenticate', 'Bearer realm="zhihui"');
        throw new HttpError(401, ErrorCode.unauthorized, `${what} need Authorization: Bearer <key>`);
      }
      const p = identify.principal(token);
      if (p) return p;
      await countFailedAuth(identify, request, reply, token);
      reply.header('www-authenticate', 'Bearer realm="zhihui", error="invalid_token"');
      throw new HttpError(401, ErrorCode.unauthorized, 'the key is not valid (unknown or revoked)');
    }

    function requireScope(scope: Scope | 'all') {
      return async function checkScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
        const p = await bearerPrincipal(
          request,
          reply,
          scope === 'admin' ? 'admin requests' : scope === 'metrics' ? 'metrics' : 'writes',
        );
        const ok = scope === 'all' ? WRITE_SCOPES.every((s) => p.scopes.has(s)) : p.scopes.has(scope);
        if (!ok) throw scopeRefused(p, scope, request);
        request.actor = p.name;
        request.principal = p;
      };
    }

    app.decorate('requireScope', (scope: Scope) => requireScope(scope));
    app.decorate('requireAdmin', requireScope('admin'));
    app.decorate('requireWriter', async function requireWriter(request: FastifyRequest, reply: FastifyReply) {
      return requireScope(scopeOfRoute(request.method, request.routeOptions.url))(request, reply);
    });
  },
  { name: 'identify', fastify: '5.x', dependencies: ['config', 'errors', 'metrics', 'credentials', 'people'] },
);
