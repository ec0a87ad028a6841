import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';
import { PeopleService, principalOfPerson, sameSecret, type SignedIn } from '../people/service.js';

/** The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS (directly or at a trusted proxy). */
export const SESSION_COOKIE = 'zhihui_session';
/** The header a cookie-authenticated write carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: unknown, name: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0 || part.slice(0, i).trim() !== name) continue;
    const v = part.slice(i + 1).trim();
    return v.length > 0 && v.length <= 200 ? v : null;
  }
  return null;
}

/** Set-Cookie for the session secret, or (null) clearing it. No Max-Age: the browser forgets it when closed; the server ends it earlier when idle. */
export function sessionCookie(secret: string | null, secure: boolean): string {
  const attrs = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  return secret === null ? `${SESSION_COOKIE}=; Max-Age=0; ${attrs}` : `${SESSION_COOKIE}=${secret}; ${attrs}`;
}

/** People as requests and sockets see them. */
export interface PeopleAccess {
  service: PeopleService;
  /** The signed-in person of a request's session cookie (looked up once per request), or null. */
  of(request: FastifyRequest): Promise<SignedIn | null>;
  /** The same for a socket handshake's Cookie header. */
  ofCookie(header: unknown): Promise<SignedIn | null>;
  /**
   * Makes the request act as the signed-in person (principal bound to their region). Writes
   * (anything but GET/HEAD) need the session's CSRF token in `x-csrf-token`: 403 CSRF_REFUSED otherwise.
   */
  adopt(request: FastifyRequest, who: SignedIn, opts?: { csrf: boolean }): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    people: PeopleAccess;
  }
  interface FastifyRequest {
    /** Memo of the session lookup (undefined: not looked up yet). */
    signedIn: SignedIn | null | undefined;
  }
}

const SWEEP_MS = 60_000;

/**
 * People's accounts and server-side sessions (see people/service.ts). The session cookie is read
 * by the identify plugin (writes), the viewer gate (pages and reads) and the socket; this plugin
 * answers who it belongs to. Pages of the desk need a session: without one they redirect to /login.
 * Sockets of a session that ended (signed out, idle, disabled) are cut within a minute.
 */
export default fp(
  async (app) => {
    const service = new PeopleService(
      app.store,
      app.config.people,
      () => app.regions,
      (name) => {
        for (const kind of ['key', 'viewer'] as const) {
          if (app.credentials.envNames(kind).some((e) => e.name === name))
            return `a credential from the environment is called '${name}'`;
          if (app.credentials.list(kind, null).some((c) => c.name === name))
            return `a key or viewer token is called '${name}'`;
        }
        return null;
      },
    );

    const ofCookie = async (header: unknown): Promise<SignedIn | null> => {
      const secret = cookieValue(header, SESSION_COOKIE);
      return secret === null ? null : service.resolve(secret);
    };
    app.decorateRequest('signedIn', undefined);
    const access: PeopleAccess = {
      service,
      async of(request) {
        if (request.signedIn === undefined) request.signedIn = await ofCookie(request.headers.cookie);
        return request.signedIn;
      },
      ofCookie,
      adopt(request, who, opts = { csrf: true }) {
        if (opts.csrf && request.method !== 'GET' && request.method !== 'HEAD') {
          const sent = request.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, who.session.csrf)) {
            throw new HttpError(
              403,
              ErrorCode.csrf,
              `a write made with the session cookie needs the session's token in the ${CSRF_HEADER} header (GET /api/v1/session gives it)`,
            );
          }
        }
        request.principal = principalOfPerson(who.user, who.session);
        request.actor = who.user.name;
      },
    };
    app.decorate('people', access);

    // The desk is a person's page: without a session, sign in first and come back.
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.routeOptions.url;
      if (request.method !== 'GET' || url === undefined || !url.startsWith('/desk')) return;
      const who = await access.of(request);
      if (who) return access.adopt(request, who);
      return reply.redirect(`/login?next=${encodeURIComponent(request.url.split('?')[0] ?? '/desk')}`, 302);
    });

    const timer = setInterval(() => {
      service.sweep().catch((err: unknown) => app.log.warn({ err }, 'could not sweep ended sessions'));
      if (!('io' in app)) return;
      for (const s of [...app.io.of('/').sockets.values()]) {
        const p = s.data.principal;
        if (!p?.person) continue;
        const sid = p.person.session;
        app.store
          .getSession(sid)
          .then((found) => {
            if (
              !found ||
              Date.now() - Date.parse(found.lastSeenAt) > app.config.people.idleMs ||
              Date.now() >= Date.parse(found.expiresAt)
            )
              s.disconnect(true);
          })
          .catch(() => {});
      }
    }, SWEEP_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'people', fastify: '5.x', dependencies: ['config', 'store', 'credentials'] },
);
