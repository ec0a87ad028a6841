import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import {
  ErrorCode,
  NoContentSchema,
  PasswordChangeSchema,
  SessionCreateSchema,
  SessionViewSchema,
  type SessionView,
} from '@zhihui/shared';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../domain/errors.js';
import { errorResponses } from '../plugins/errors.js';
import { countFailedAuth } from '../plugins/identify.js';
import { sessionCookie } from '../plugins/people.js';
import { personView, type SignedIn } from '../people/service.js';
import type { RouteApp } from './routeApp.js';

const viewOf = (who: SignedIn, idleMs: number): SessionView => ({
  user: personView(who.user),
  csrfToken: who.session.csrf,
  idleMinutes: Math.round(idleMs / 60_000),
  expiresAt: who.session.expiresAt,
});

/** Only over HTTPS may the cookie be Secure: a plain-HTTP lab install would never send it back. */
const secure = (request: FastifyRequest) => request.protocol === 'https';

/** The person signed in on this request, adopted as its principal; 401 without one. */
async function current(app: RouteApp, request: FastifyRequest): Promise<SignedIn> {
  const who = await app.people.of(request);
  if (!who)
    throw new HttpError(
      401,
      ErrorCode.unauthorized,
      'not signed in (or the session ended: idle too long, signed out, or the account changed)',
    );
  app.people.adopt(request, who);
  return who;
}

/**
 * People sign in and out: POST /session {name, password} sets the session cookie and answers the
 * CSRF token; GET says who is signed in; DELETE signs out; PUT /session/password changes the
 * password (every session of the account ends). Failures are audited and counted twice: on the
 * account (lockout) and on the address (the failed-authentication throttle every credential shares).
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  signInRoute(app);
  sessionRoutes(app);
  passwordRoute(app);
};

/** Sign in: a wrong password counts against the account and the address. */
function signInRoute(app: RouteApp): void {
  app.post(
    '/session',
    {
      schema: {
        tags: ['people'],
        summary: 'Sign in (登录) with a name and password',
        description: `201 with the person and the CSRF token; sets the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS). 401 for a wrong name or password; 423 once ${app.config.people.maxFailures} failures in a row locked the account (retry-after says for how long).`,
        body: SessionCreateSchema,
        response: { 201: SessionViewSchema, ...errorResponses(400, 401, 413, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body;
      try {
        const s = await app.people.service.signIn(name, password, request.ip);
        reply.header('set-cookie', sessionCookie(s.secret, secure(request)));
        reply.header('cache-control', 'no-store');
        return reply.code(201).send(viewOf({ user: s.user, session: s.session }, app.config.people.idleMs));
      } catch (err) {
        // A wrong password also counts against the address, as a wrong key does: 429 once too many wait.
        if (err instanceof HttpError && (err.statusCode === 401 || err.statusCode === 423))
          await countFailedAuth(app.identify, request, reply, null);
        throw err;
      }
    },
  );
}

/** The signed-in session: who it is, and signing out (which drops its sockets). */
function sessionRoutes(app: RouteApp): void {
  app.get(
    '/session',
    {
      schema: {
        tags: ['people'],
        summary: 'Who is signed in, and the CSRF token for writes',
        response: { 200: SessionViewSchema, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return viewOf(await current(app, request), app.config.people.idleMs);
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags: ['people'],
        summary: 'Sign out (needs x-csrf-token)',
        response: { 204: NoContentSchema, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const who = await current(app, request);
      await app.people.service.signOut(who);
      for (const s of [...app.io.of('/').sockets.values()])
        if (s.data.principal?.person?.session === who.session.id) s.disconnect(true);
      reply.header('set-cookie', sessionCookie(null, secure(request)));
      return reply.code(204).send(null);
    },
  );
}

/** A password change ends every session of the account. */
function passwordRoute(app: RouteApp): void {
  app.put(
    '/session/password',
    {
      schema: {
        tags: ['people'],
        summary: 'Change the own password (needs x-csrf-token); every session of the account ends',
        body: PasswordChangeSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const who = await current(app, request);
      await app.people.service.changePassword(who.user, request.body.current, request.body.next, {
        name: who.user.name,
        ref: who.user.id,
      });
      for (const s of [...app.io.of('/').sockets.values()])
        if (s.data.principal?.id === who.user.id) s.disconnect(true);
      reply.header('set-cookie', sessionCookie(null, secure(request)));
      return reply.code(204).send(null);
    },
  );
}

export default routes;
