import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';
import { bearerOf, countFailedAuth } from './identify.js';

/** Name of the cookie that carries a wall's viewer token after it was opened with `?token=`. */
export const VIEWER_COOKIE = 'zhihui_viewer';
/** 400 days, the longest browsers keep a cookie; renewed on every page load and socket handshake. */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

/** Whether pages, reads and sockets need a viewer token, and who hears when that turns on. */
export interface ViewerGate {
  /** True when pages, reads and sockets need a viewer token (REQUIRE_VIEWER=on, or auto once a viewer token was issued). */
  required(): boolean;
  /** Called when the gate turns on while the server runs (auto mode: the first viewer token, here or in another process). */
  onEnabled(cb: () => void): void;
  /**
   * The gate as a hook, for routes a viewer uses that are not GETs (opening and closing a video
   * session): the same tokens, the same answers as for the read API.
   */
  require(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    viewerGate: ViewerGate;
  }
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
  return token === null
    ? `${VIEWER_COOKIE}=; Max-Age=0; ${attrs}`
    : `${VIEWER_COOKIE}=${token}; Max-Age=${COOKIE_MAX_AGE_S}; ${attrs}`;
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

/** The meeting view and the reports: under the gate, for viewer tokens and leaders' or admins' sessions (not operators'). */
export function isMeetingRoute(url: string | undefined): boolean {
  if (url === undefined) return false;
  return url.startsWith('/meeting') || /^\/api\/v1\/regions\/:code\/(report\.(html|pdf)|ranking(\.csv)?)$/.test(url);
}

function needsTokenPage(region: string): string {
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>指挥 Zhihui</title>
<body style="background:#0b1526;color:#dfe8f5;font:20px/1.6 sans-serif;padding:48px">
<h1>此大屏需要显示令牌 · This display needs a viewer token</h1>
<p>请向管理员索取带令牌的地址,例如 <code>/wall/${region}?token=…</code>,打开一次后浏览器会记住它。</p>
<p>Ask an administrator for the wall's link with its token (<code>/wall/${region}?token=…</code>). Opened once, the browser keeps it.</p>
<p>值班人员与领导请 <a style="color:#7fb6ff" href="/login">登录 · Sign in</a>。</p>
</body></html>`;
}

/**
 * The viewer gate: when viewer tokens are in force, pages and the read API need one. A viewer
 * token may come from `?token=` (a wall opened once), the cookie that sets, or the Authorization
 * header; write and admin keys only from the Authorization header, never from a URL or a cookie.
 * The principal found bounds the request to its region subtree (routes ask domain/reach.ts).
 * Revoking the last viewer token does not open the walls again; REQUIRE_VIEWER=off does.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const required = (): boolean =>
      config.requireViewer === 'auto' ? app.credentials.viewerIssued() : config.requireViewer === 'on';
    const enabledListeners: (() => void)[] = [];
    let was = required();
    app.credentials.onChange(() => {
      const now = required();
      if (now && !was) for (const cb of enabledListeners) cb();
      was = now;
    });
    /** Admits a request under the gate (a page, or the read API), setting its principal; 401 or 429 otherwise. */
    async function admit(
      request: FastifyRequest,
      reply: FastifyReply,
      gate: 'page' | 'read',
    ): Promise<FastifyReply | void> {
      const query = request.query as Record<string, unknown> | undefined;
      const fromQuery = query && typeof query.token === 'string' ? query.token : null;
      // Consumed here, so route schemas never see (or log) it.
      if (query && 'token' in query) delete query.token;
      const bearer = bearerOf(request.headers.authorization);
      // A person signed in (session cookie) reads within their region, gate or not; a token presented explicitly wins.
      if (bearer === null && fromQuery === null) {
        const who = await app.people.of(request);
        if (who) {
          if (required() && who.user.role === 'operator' && isMeetingRoute(request.routeOptions.url)) {
            throw new HttpError(
              403,
              ErrorCode.forbidden,
              'the meeting view and reports are for leaders and admins (or a display with a viewer token)',
            );
          }
          // What the gate admits is viewing (pages, reads, opening a video tile), not a write of records:
          // no CSRF token is asked (the SameSite=Strict cookie does not ride cross-site requests anyway).
          return app.people.adopt(request, who, { csrf: false });
        }
      }
      if (!required()) return;
      const fromCookie = cookieToken(request.headers.cookie);
      const token = bearer ?? fromQuery ?? fromCookie;
      const deny = (status: number, message: string): FastifyReply | never => {
        if (gate === 'page' && status === 401)
          return reply
            .code(401)
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .send(needsTokenPage(config.region));
        throw new HttpError(status, ErrorCode.unauthorized, message);
      };
      if (token === null)
        return deny(
          401,
          'this server needs a viewer token: Authorization: Bearer <token>, ?token=<token>, or the cookie set when a wall is opened with ?token=',
        );
      const p = app.identify.principal(token);
      // Write and admin keys read too, but only from the Authorization header: never from a URL or a cookie.
      if (!p || (p.role !== 'viewer' && token !== bearer)) {
        // A cookie that failed is cleared whatever the answer (401, or 429 once too many wait).
        if (token === fromCookie) reply.header('set-cookie', viewerCookie(null, request.protocol === 'https'));
        await countFailedAuth(app.identify, request, reply, token);
        return deny(
          401,
          p
            ? 'a write or admin key is accepted only in the Authorization header'
            : 'the viewer token is not valid (unknown or revoked)',
        );
      }
      request.principal = p;
      request.actor = p.name;
      if (gate === 'page' && p.role === 'viewer')
        reply.header('set-cookie', viewerCookie(token, request.protocol === 'https'));
    }

    app.decorate('viewerGate', {
      required,
      onEnabled: (cb: () => void) => void enabledListeners.push(cb),
      require: async (request: FastifyRequest, reply: FastifyReply) => void (await admit(request, reply, 'read')),
    });

    app.addHook('onRequest', async (request, reply) => {
      const gate = gateOf(request);
      if (gate !== null) return admit(request, reply, gate);
    });
  },
  { name: 'viewerGate', fastify: '5.x', dependencies: ['config', 'errors', 'credentials', 'identify', 'people'] },
);
